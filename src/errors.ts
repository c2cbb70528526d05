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
  return where ? `${where}: ${oneLine(message)}` : oneLine(message);
}

/** Messages go to terminals and CI logs one per line, so flatten anything that arrived with newlines. */
export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}
