import { LineIndex, type SourceSpan } from '../../model/source.js';

/**
 * Where the characters of an embedded text (a script in a template's user data, a heredoc in a script, a
 * cloud-init `write_files` content) sit in the file people read: findings land on the line inside it.
 */
export interface Placement {
  readonly file: string;
  /** The file's 1-based line and column of an offset into the embedded text. */
  position(offset: number): { line: number; column: number };
}

export function spanIn(placement: Placement, start: number, end: number): SourceSpan {
  const from = placement.position(start);
  const to = placement.position(Math.max(start, end));
  // A span running over lines inside an embedded text keeps to its first line (where the finding points).
  return {
    file: placement.file,
    startLine: from.line,
    startColumn: from.column,
    endLine: to.line >= from.line ? to.line : from.line,
    endColumn: to.line > from.line || to.column > from.column ? to.column : from.column + 1,
  };
}

/** The text is the file itself. */
export function wholeFile(file: string, text: string): Placement {
  const lines = new LineIndex(text);
  return { file, position: (offset) => lines.position(offset) };
}

/** Every offset at one span (a value whose text is not in the file as written: escaped, computed). */
export function atSpan(span: SourceSpan): Placement {
  return { file: span.file, position: () => ({ line: span.startLine, column: span.startColumn }) };
}

/**
 * The text's lines as they sit in the file, indentation aside (a YAML block scalar, an HCL heredoc, a
 * YAML list of lines), from `fromLine` on within a few lines: undefined when they do not.
 */
export function verbatimPlacement(
  text: string,
  file: string,
  outer: LineIndex,
  fromLine: number,
  lookahead = 3,
): Placement | undefined {
  const inner = text.split('\n');
  const firstText = inner.findIndex((line) => line.trim() !== '');
  if (firstText < 0) return undefined;
  for (let line = fromLine; line <= Math.min(outer.lineCount, fromLine + lookahead); line++) {
    if ((outer.line(line) ?? '').trim() !== inner[firstText].replace(/\r$/, '').trim()) continue;
    const shift = line - firstText;
    const deltas: number[] = [];
    let fits = true;
    for (let index = 0; index < inner.length; index++) {
      const own = inner[index].replace(/\r$/, '');
      if (own.trim() === '') {
        deltas.push(0);
        continue;
      }
      const there = outer.line(shift + index);
      if (there === undefined || there.trim() !== own.trim()) {
        fits = false;
        break;
      }
      deltas.push(indentation(there) - indentation(own));
    }
    if (!fits) continue;
    const lines = new LineIndex(text);
    return {
      file,
      position(offset) {
        const at = lines.position(offset);
        return { line: at.line + shift - 1, column: at.column + (deltas[at.line - 1] ?? 0) };
      },
    };
  }
  return undefined;
}

/** A text inside another placed text, starting at `base` of it (a one-line runcmd entry). */
export function offsetPlacement(outer: Placement, base: number): Placement {
  return { file: outer.file, position: (offset) => outer.position(base + offset) };
}

function indentation(line: string): number {
  return line.length - line.trimStart().length;
}
