import type { CheckResult } from '../engine/check.js';
import { toJson } from './json.js';
import { toMarkdown } from './markdown.js';
import { toSarif } from './sarif.js';
import { toText } from './text.js';

export const FORMATS = ['text', 'json', 'sarif', 'markdown'] as const;
export type Format = (typeof FORMATS)[number];

export interface RenderOptions {
  color?: boolean;
  includeSuppressed?: boolean;
  category?: string;
  env?: NodeJS.ProcessEnv;
}

/** Renders a check result in one of the output formats; every format derives from the same findings. */
export function render(result: CheckResult, format: Format, options: RenderOptions = {}): string {
  switch (format) {
    case 'sarif':
      return `${JSON.stringify(toSarif(result, { includeSuppressed: options.includeSuppressed, category: options.category }), null, 2)}\n`;
    case 'json':
      return `${JSON.stringify(toJson(result), null, 2)}\n`;
    case 'markdown':
      return toMarkdown(result, { env: options.env });
    case 'text':
      return toText(result, { color: options.color, includeSuppressed: options.includeSuppressed });
  }
}

/** The format an output file's extension implies, if any. */
export function formatForPath(path: string): Format | undefined {
  if (/\.sarif(\.json)?$/i.test(path)) return 'sarif';
  if (/\.json$/i.test(path)) return 'json';
  if (/\.(md|markdown)$/i.test(path)) return 'markdown';
  if (/\.txt$/i.test(path)) return 'text';
  return undefined;
}
