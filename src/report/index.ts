import type { CheckResult } from '../engine/check.js';
import { toGitlabCodeQuality } from './gitlab.js';
import { jsonText } from './json.js';
import { toJunit } from './junit.js';
import { toMarkdown } from './markdown.js';
import { sarifText } from './sarif.js';
import { textChunks } from './text.js';

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
  return [...renderChunks(result, format, options)].join('');
}

/**
 * `render` in pieces, in order: text, JSON and SARIF are made a finding at a time, so writing a report
 * of a million findings holds one finding's text at once, never the whole report (Markdown lists a few
 * findings; JUnit and GitLab are written whole).
 */
export function* renderChunks(result: CheckResult, format: Format, options: RenderOptions = {}): Generator<string> {
  switch (format) {
    case 'sarif':
      yield* sarifText(result, {
        includeSuppressed: options.includeSuppressed,
        category: options.category,
        includeUnchanged: options.includeUnchanged,
      });
      yield '\n';
      return;
    case 'json':
      yield* jsonText(result);
      yield '\n';
      return;
    case 'markdown':
      yield toMarkdown(result, { env: options.env });
      return;
    case 'junit':
      yield toJunit(result, { failOn: options.failOn });
      return;
    case 'gitlab':
      yield `${JSON.stringify(toGitlabCodeQuality(result), null, 2)}\n`;
      return;
    case 'text':
      yield* textChunks(result, {
        color: options.color,
        includeSuppressed: options.includeSuppressed,
        compact: options.compact,
        quiet: options.quiet,
      });
  }
}
