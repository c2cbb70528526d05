/**
 * Errors meant for people: one line naming the file (and line, column or byte offset where known)
 * and what is wrong. The CLI prints `format()` and exits 2; stack traces only with --debug.
 */
export interface ErrorPlace {
  file?: string;
  line?: number;
  column?: number;
  /** Byte offset, for binary inputs such as EIF images. */
  offset?: number;
}

export class InputError extends Error {
  readonly place: ErrorPlace;
  /** Further problems of the same input, each at its own place (a file's schema errors come all at once). */
  readonly others: readonly InputError[];

  constructor(message: string, place: ErrorPlace = {}, others: readonly InputError[] = []) {
    super(message);
    this.name = 'InputError';
    this.place = place;
    this.others = others;
  }

  /** This problem and the others, in order. */
  all(): InputError[] {
    return [this, ...this.others];
  }

  /** `file:line:column: message`, or `file: at byte N: message` for binary inputs. */
  format(): string {
    return formatProblem(this.message, this.place);
  }
}

/** A usage mistake (bad flag value, unknown rule id): exit 2 like bad input. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function formatProblem(message: string, place: ErrorPlace): string {
  const { file, line, column, offset } = place;
  let where = file ?? '';
  if (line !== undefined) where += `${where ? ':' : ''}${line}${column !== undefined ? `:${column}` : ''}`;
  if (offset !== undefined) where += `${where ? ': ' : ''}at byte ${offset}`;
  const text = escapeControls(oneLine(message));
  return where ? `${escapeControls(where)}: ${text}` : text;
}

// C0 and C1 controls, DEL, and the bidirectional overrides and isolates that reorder what a terminal shows.
// eslint-disable-next-line no-control-regex -- the point is to find control characters
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from inputs made safe to print: control characters become `\xNN` / `\uNNNN` escapes, so a NUL, an
 * escape sequence or a newline in a file name or a value cannot rewrite a terminal or split a CI log line.
 * The escapes are printable, so escaping twice changes nothing.
 */
export function escapeControls(text: string): string {
  CONTROLS.lastIndex = 0;
  if (!CONTROLS.test(text)) return text;
  return text.replace(CONTROLS, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Messages go to terminals and CI logs one per line, so flatten anything that arrived with newlines. */
export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}
