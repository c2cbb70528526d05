import type { CheckResult } from '../engine/check.js';
import { toGitlabCodeQuality } from './gitlab.js';
import { toJson } from './json.js';
import { toJunit } from './junit.js';
import { toMarkdown } from './markdown.js';
import { toSarif } from './sarif.js';
import { toText } from './text.js';

import type { Format } from './formats.js';

export { FORMATS, formatForPath, type Format } from './formats.js';

export interface RenderOptions {
  color?: boolean;
  includeSuppressed?: boolean;
  category?: string;
  includeUnchanged?: boolean;
  env?: NodeJS.ProcessEnv;
  /** junit: findings at or above this level fail their test case (default error). */
  failOn?: 'error' | 'warning' | 'note' | 'none';
  /** text: one line per finding. */
  compact?: boolean;
  /** text: findings only, no summary. */
  quiet?: boolean;
}

/** Renders a check result in one of the output formats; every format derives from the same findings. */
export function render(result: CheckResult, format: Format, options: RenderOptions = {}): string {
  switch (format) {
    case 'sarif':
      return `${JSON.stringify(toSarif(result, { includeSuppressed: options.includeSuppressed, category: options.category, includeUnchanged: options.includeUnchanged }), null, 2)}\n`;
    case 'json':
      return `${JSON.stringify(toJson(result), null, 2)}\n`;
    case 'markdown':
      return toMarkdown(result, { env: options.env });
    case 'junit':
      return toJunit(result, { failOn: options.failOn });
    case 'gitlab':
      return `${JSON.stringify(toGitlabCodeQuality(result), null, 2)}\n`;
    case 'text':
      return toText(result, {
        color: options.color,
        includeSuppressed: options.includeSuppressed,
        compact: options.compact,
        quiet: options.quiet,
      });
  }
}
