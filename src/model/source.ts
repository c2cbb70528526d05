/**
 * Where a graph element came from: 1-based lines and columns, columns counted in UTF-16 code units
 * (what JavaScript strings index and what SARIF's `columnKind: utf16CodeUnits` means), end column exclusive.
 */
export interface SourceSpan {
  file: string;
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
  /** JSON pointer (or the input's own path notation) of the element inside its file. */
  pointer?: string;
}

/** Maps character offsets of one text to lines and columns; built once per file. */
export class LineIndex {
  private readonly starts: number[];

  constructor(text: string) {
    const starts = [0];
    if (!text.includes('\r')) {
      // The common case, found by indexOf (native) rather than a loop over every character.
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    } else {
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 10) starts.push(i + 1);
        else if (c === 13 && text.charCodeAt(i + 1) !== 10) starts.push(i + 1);
      }
    }
    this.starts = starts;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** 1-based line and column of a character offset. */
  position(offset: number): { line: number; column: number } {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - this.starts[low]! + 1 };
  }

  /** A span of offsets; `pointer` may be a function, computed only if someone reads it. */
  span(file: string, start: number, end: number, pointer?: string | (() => string)): SourceSpan {
    const from = this.position(start);
    const to = this.position(Math.max(start, end));
    const span: SourceSpan = { file, startLine: from.line, startColumn: from.column, endLine: to.line, endColumn: to.column };
    if (typeof pointer === 'function') {
      Object.defineProperty(span, 'pointer', { get: pointer, enumerable: true, configurable: true });
    } else if (pointer !== undefined) {
      span.pointer = pointer;
    }
    return span;
  }
}

/** A span covering a whole file's first line, for inputs that have no finer position. */
export function fileSpan(file: string): SourceSpan {
  return { file, startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 };
}

export function escapePointerToken(token: string | number): string {
  const text = String(token);
  return text.includes('~') || text.includes('/') ? text.replace(/~/g, '~0').replace(/\//g, '~1') : text;
}
