/** Output formats; kept apart from the reporters so the CLI can list them without loading any. */
export const FORMATS = ['text', 'json', 'sarif', 'markdown'] as const;
export type Format = (typeof FORMATS)[number];

/** The format an output file's extension implies, if any. */
export function formatForPath(path: string): Format | undefined {
  if (/\.sarif(\.json)?$/i.test(path)) return 'sarif';
  if (/\.json$/i.test(path)) return 'json';
  if (/\.(md|markdown)$/i.test(path)) return 'markdown';
  if (/\.txt$/i.test(path)) return 'text';
  return undefined;
}
