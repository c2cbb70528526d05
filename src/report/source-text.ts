import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { LineIndex } from '../model/source.js';

/** Reads input files once for reporters (excerpts, line hashes); a file that vanished reads as empty. */
export class SourceTexts {
  private readonly cache = new Map<string, string | undefined>();
  private readonly lines = new Map<string, LineIndex>();

  constructor(private readonly root: string) {}

  text(file: string): string | undefined {
    if (!this.cache.has(file)) {
      const path = isAbsolute(file) ? file : join(this.root, file);
      let text: string | undefined;
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        text = undefined;
      }
      this.cache.set(file, text);
    }
    return this.cache.get(file);
  }

  /** The text of one 1-based line, without its line end. */
  line(file: string, line: number): string | undefined {
    let lines = this.lines.get(file);
    if (!lines) {
      const text = this.text(file);
      if (text === undefined) return undefined;
      // Offsets of line starts, not a string per line: a large input has millions of lines.
      lines = new LineIndex(text);
      this.lines.set(file, lines);
    }
    return lines.line(line);
  }
}
