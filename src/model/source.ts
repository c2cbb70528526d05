/**
 * Where a graph element came from: 1-based lines and columns, columns counted in UTF-16 code units
 * (what JavaScript strings index and what SARIF's `columnKind: utf16CodeUnits` means), end column exclusive.
 */
export interface SourceSpan {
  readonly file: string;
  readonly startLine: number;
  readonly startColumn: number;
  readonly endLine: number;
  readonly endColumn: number;
  /** JSON pointer (or the input's own path notation) of the element inside its file. */
  readonly pointer?: string;
  // --- inputs generated from a program (a CDK app's cloud assembly; src/cdk/)
  /** The element's name in the program that generated the input (a CDK construct path): SARIF `logicalLocations`. */
  readonly logicalLocation?: { readonly name: string; readonly fullyQualifiedName: string; readonly kind: string };
  /** Why the span is not where the reader would look (no source line found: the generated file's line instead). */
  readonly locationNote?: string;
  // --- values evaluated elsewhere (a Terraform variable's default or tfvars line, the module call that made a resource)
  /** Where the value at this span came from: findings here show them as related locations. */
  readonly origins?: readonly SpanOrigin[];
}

/** A file's text as a check read it, and its line index. */
export interface SourceText {
  readonly text: string;
  readonly lines: LineIndex;
}

export interface SpanOrigin {
  readonly span: SourceSpan;
  /** Short label ("default of variable 'tokens'", "module call 'web'"). */
  readonly label: string;
}

/**
 * A SourceSpan whose JSON pointer is worked out only when read: every graph element has a span, few
 * are ever shown, and building pointers eagerly was a measurable share of reading large inputs.
 */
class Span implements SourceSpan {
  constructor(
    readonly file: string,
    readonly startLine: number,
    readonly startColumn: number,
    readonly endLine: number,
    readonly endColumn: number,
    private readonly pointerSource?: string | (() => string),
  ) {}

  get pointer(): string | undefined {
    return typeof this.pointerSource === 'function' ? this.pointerSource() : this.pointerSource;
  }

  toJSON(): SourceSpan {
    const { file, startLine, startColumn, endLine, endColumn, pointer } = this;
    return pointer === undefined
      ? { file, startLine, startColumn, endLine, endColumn }
      : { file, startLine, startColumn, endLine, endColumn, pointer };
  }
}

/**
 * A span kept as character offsets until someone reads a line or column: most graph elements never
 * appear in a finding, and turning every offset into a line (a binary search each) was a measurable
 * share of reading a large estate.
 */
class OffsetSpan implements SourceSpan {
  private resolved: Span | undefined;

  constructor(
    readonly file: string,
    private readonly lines: LineIndex,
    private readonly start: number,
    private readonly end: number,
    private readonly pointerSource?: string | (() => string),
  ) {}

  private get span(): Span {
    return (this.resolved ??= this.lines.span(this.file, this.start, this.end, this.pointerSource));
  }

  get startLine(): number {
    return this.span.startLine;
  }

  get startColumn(): number {
    return this.span.startColumn;
  }

  get endLine(): number {
    return this.span.endLine;
  }

  get endColumn(): number {
    return this.span.endColumn;
  }

  get pointer(): string | undefined {
    return this.span.pointer;
  }

  toJSON(): SourceSpan {
    return this.span.toJSON();
  }
}

/**
 * The texts a check read, each with the one line index every reader of it shares: the adapters that
 * parse it, the spans they make and the reporters that quote it (a large input was read twice and its
 * line starts found twice, once for the graph and once for the report). Entries are counted, so two
 * checks of the same text at once each keep it until they are done.
 */
const sharedIndexes = new Map<string, { index: LineIndex; holders: number }>();

/**
 * Maps character offsets of one text to lines and columns. The line starts are found on first use (a
 * run without findings never needs them) and kept in a typed array (a large estate has millions of lines).
 * An index over a text that a check has shared (`shareLineIndex`) uses that one's line starts.
 */
export class LineIndex {
  private lineStarts: Uint32Array | undefined;

  constructor(private readonly text: string) {}

  private get starts(): Uint32Array {
    if (this.lineStarts) return this.lineStarts;
    const shared = sharedIndexes.size ? sharedIndexes.get(this.text)?.index : undefined;
    return (this.lineStarts = shared && shared !== this ? shared.starts : lineStarts(this.text));
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** The text of one 1-based line, without its line end (undefined past the last line). */
  line(line: number): string | undefined {
    const starts = this.starts;
    if (line < 1 || line > starts.length) return undefined;
    let end = line < starts.length ? starts[line] : this.text.length;
    if (end > starts[line - 1] && this.text.charCodeAt(end - 1) === 0x0a) end--;
    if (end > starts[line - 1] && this.text.charCodeAt(end - 1) === 0x0d) end--;
    return this.text.slice(starts[line - 1], end);
  }

  /** 1-based line and column of a character offset. */
  position(offset: number): { line: number; column: number } {
    const starts = this.starts;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - starts[low] + 1 };
  }

  /** Like `span`, but lines and columns are worked out only when first read. */
  lazySpan(file: string, start: number, end: number, pointer?: string | (() => string)): SourceSpan {
    return new OffsetSpan(file, this, start, end, pointer);
  }

  /** A span of offsets; `pointer` may be a function, computed only if someone reads it. */
  span(file: string, start: number, end: number, pointer?: string | (() => string)): Span {
    const from = this.position(start);
    const to = this.position(Math.max(start, end));
    return new Span(file, from.line, from.column, to.line, to.column, pointer);
  }
}

/**
 * The line index of a text a check has read, shared with every LineIndex made over the same text until
 * `release` is called (the check keeps its own reference in its result for the reporters).
 */
export function shareLineIndex(text: string): { index: LineIndex; release: () => void } {
  let entry = sharedIndexes.get(text);
  if (entry) entry.holders++;
  else sharedIndexes.set(text, (entry = { index: new LineIndex(text), holders: 1 }));
  const { index } = entry;
  let released = false;
  return {
    index,
    release: () => {
      if (released) return;
      released = true;
      const current = sharedIndexes.get(text);
      if (current && --current.holders === 0) sharedIndexes.delete(text);
    },
  };
}

function lineStarts(text: string): Uint32Array {
  if (!text.includes('\r')) {
    // The common case, found by indexOf (native) rather than a loop over every character.
    let count = 1;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) count++;
    const starts = new Uint32Array(count);
    let line = 1;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts[line++] = i + 1;
    return starts;
  }
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13 && text.charCodeAt(i + 1) !== 10) starts.push(i + 1);
  }
  return Uint32Array.from(starts);
}

export function escapePointerToken(token: string | number): string {
  const text = String(token);
  return text.includes('~') || text.includes('/') ? text.replace(/~/g, '~0').replace(/\//g, '~1') : text;
}

/**
 * A span as plain data: only the fields of SourceSpan, read through their getters. Spans are often lazy
 * objects that hold a whole line index; spreading one (`{ ...span }`) copies those internals and loses
 * the getters, so anything that derives a span from another one builds it from this.
 */
export function plainSpan(span: SourceSpan): SourceSpan {
  const { file, startLine, startColumn, endLine, endColumn, pointer, logicalLocation, locationNote } = span;
  return {
    file,
    startLine,
    startColumn,
    endLine,
    endColumn,
    ...(pointer !== undefined ? { pointer } : {}),
    ...(logicalLocation !== undefined ? { logicalLocation } : {}),
    ...(locationNote !== undefined ? { locationNote } : {}),
  };
}

/** Whether every position of a span is a whole number at or after line 1, column 1. */
export function isWholeSpan(span: SourceSpan): boolean {
  return [span.startLine, span.startColumn, span.endLine, span.endColumn].every(
    (value) => Number.isInteger(value) && value >= 1,
  );
}
