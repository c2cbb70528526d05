/** Output formats; kept apart from the reporters so the CLI can list them without loading any. */
export const FORMATS = ['text', 'json', 'sarif', 'markdown', 'junit', 'gitlab'] as const;
export type Format = (typeof FORMATS)[number];

/**
 * The format an output file's name implies: `undefined` when it has no extension (text then), and `null`
 * when its extension names something isolint does not write (`report.html`): the caller refuses that
 * rather than writing text into a file whose name says otherwise.
 */
export function formatForPath(path: string): Format | undefined | null {
  const name = path.replace(/^.*[\\/]/, '');
  if (/\.sarif(\.json)?$/i.test(name)) return 'sarif';
  if (/^gl-code-quality-report\.json$|\.codequality\.json$/i.test(name)) return 'gitlab';
  if (/\.json$/i.test(name)) return 'json';
  if (/\.(md|markdown)$/i.test(name)) return 'markdown';
  if (/\.xml$/i.test(name)) return 'junit';
  if (/\.(txt|log)$/i.test(name)) return 'text';
  if (/\.[^.]+$/.test(name) && !name.startsWith('.')) return null;
  return undefined;
}
