import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { LineIndex, type SourceText } from '../model/source.js';

/**
 * The texts reporters quote (excerpts, snippets, line hashes): what the check already read and indexed
 * (`CheckResult.sources`), so an input is read and its lines found once per run. A file the check did not
 * read (a reporter given findings from elsewhere) is read once here; one that vanished reads as empty.
 */
export class SourceTexts {
  private readonly read = new Map<string, SourceText | undefined>();

  constructor(
    private readonly root: string,
    private readonly sources?: ReadonlyMap<string, SourceText>,
  ) {}

  private source(file: string): SourceText | undefined {
    const known = this.sources?.get(file);
    if (known) return known;
    if (!this.read.has(file)) {
      const path = isAbsolute(file) ? file : join(this.root, file);
      let source: SourceText | undefined;
      try {
        const text = readFileSync(path, 'utf8');
        source = { text, lines: new LineIndex(text) };
      } catch {
        source = undefined;
      }
      this.read.set(file, source);
    }
    return this.read.get(file);
  }

  text(file: string): string | undefined {
    return this.source(file)?.text;
  }

  /** The text of one 1-based line, without its line end (offsets of line starts, not a string per line). */
  line(file: string, line: number): string | undefined {
    return this.source(file)?.lines.line(line);
  }
}
