import { InputError } from '../errors.js';
import { LineIndex } from '../model/source.js';
import { indexJson } from './json-structure.js';
import { ContainerLocation, LocatedDocument, MAX_DEPTH, setLocation, setOwn, tooDeep } from './located.js';

/**
 * JSON (comments and trailing commas tolerated, as editors write them) into plain values with the
 * position of every container, key and item. Strict JSON takes the native parser (below); the rest,
 * and every error, a parser of our own in one pass over character codes (general-purpose JSON tree
 * parsers build a node object per token, which made a 26 MB manifest take seconds before any rule
 * ran). `native: false` forces our own parser (the tests compare the two).
 */
export function parseJson(file: string, text: string, { native = true }: { native?: boolean } = {}): LocatedDocument {
  const lines = new LineIndex(text);
  const strict = native ? parseStrict(text) : undefined;
  if (strict) return new LocatedDocument(file, text, strict.value, lines, strict.index);
  const parser = new JsonParser(file, text, lines);
  parser.skipBlank();
  if (parser.position >= text.length) throw parser.error('empty document', parser.position);
  const value = parser.value(undefined, undefined, 0);
  parser.skipBlank();
  if (parser.position < text.length)
    throw parser.error('unexpected text after the end of the document', parser.position);
  return new LocatedDocument(file, text, value, lines);
}

/**
 * Most inputs are strict JSON: the native parser reads those several times faster than any parser
 * written in JavaScript, and a scan of the brackets gives the positions. Anything else (comments,
 * trailing commas, duplicate keys, errors) goes through the parser below, which reports exact errors.
 */
function parseStrict(text: string): { value: unknown; index: NonNullable<ReturnType<typeof indexJson>> } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    return undefined;
  }
  const index = indexJson(text, value);
  return index ? { value, index } : undefined;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SLASH = 0x2f;
const STAR = 0x2a;

class JsonParser {
  position = 0;

  constructor(
    private readonly file: string,
    private readonly text: string,
    private readonly lines: LineIndex,
  ) {}

  error(message: string, offset: number): InputError {
    const { line, column } = this.lines.position(Math.min(offset, this.text.length));
    return new InputError(`invalid JSON: ${message}`, { file: this.file, line, column });
  }

  /** Skips whitespace and comments. */
  skipBlank(): void {
    const text = this.text;
    for (;;) {
      const c = text.charCodeAt(this.position);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0xfeff) {
        this.position++;
      } else if (c === SLASH && text.charCodeAt(this.position + 1) === SLASH) {
        const end = text.indexOf('\n', this.position);
        this.position = end < 0 ? text.length : end + 1;
      } else if (c === SLASH && text.charCodeAt(this.position + 1) === STAR) {
        const end = text.indexOf('*/', this.position + 2);
        if (end < 0) throw this.error('unterminated comment', this.position);
        this.position = end + 2;
      } else {
        return;
      }
    }
  }

  value(parent: ContainerLocation | undefined, token: string | number | undefined, depth: number): unknown {
    if (depth > MAX_DEPTH) throw tooDeep(this.file, this.lines, this.position);
    const c = this.text.charCodeAt(this.position);
    if (c === 0x7b) return this.object(new ContainerLocation(parent, token, this.position), depth);
    if (c === 0x5b) return this.array(new ContainerLocation(parent, token, this.position), depth);
    if (c === QUOTE) return this.string();
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.text.startsWith(word, this.position)) {
        this.position += word.length;
        return value;
      }
    }
    if (Number.isNaN(c)) throw this.error('expected a value, found the end of the file', this.position);
    throw this.error(`expected a value, found '${this.text[this.position]}'`, this.position);
  }

  private object(location: ContainerLocation, depth: number): Record<string, unknown> {
    this.position++;
    const object: Record<string, unknown> = {};
    this.skipBlank();
    while (this.text.charCodeAt(this.position) !== 0x7d) {
      if (this.text.charCodeAt(this.position) !== QUOTE) {
        throw this.error(
          this.position >= this.text.length
            ? 'expected "}", found the end of the file'
            : 'expected a property name in double quotes',
          this.position,
        );
      }
      const keyStart = this.position;
      const key = this.string();
      const keyEnd = this.position;
      if (location.keyOffset(key) !== undefined) throw this.error(`duplicate key "${key}"`, keyStart);
      this.skipBlank();
      if (this.text.charCodeAt(this.position) !== 0x3a)
        throw this.error('expected ":" after the property name', this.position);
      this.position++;
      this.skipBlank();
      const valueStart = this.position;
      setOwn(object, key, this.value(location, key, depth + 1));
      location.addKey(key, keyStart, keyEnd, valueStart, this.position);
      this.skipBlank();
      if (!this.separator(0x7d)) break;
    }
    this.expect(0x7d, '"}"');
    location.end = this.position;
    setLocation(object, location);
    return object;
  }

  private array(location: ContainerLocation, depth: number): unknown[] {
    this.position++;
    const array: unknown[] = [];
    this.skipBlank();
    while (this.text.charCodeAt(this.position) !== 0x5d) {
      if (this.position >= this.text.length) throw this.error('expected "]", found the end of the file', this.position);
      const itemStart = this.position;
      array.push(this.value(location, array.length, depth + 1));
      location.addItem(itemStart, this.position);
      this.skipBlank();
      if (!this.separator(0x5d)) break;
    }
    this.expect(0x5d, '"]"');
    location.end = this.position;
    setLocation(array, location);
    return array;
  }

  /** After an item: a comma (and maybe a trailing one before the closer), or the closer itself. */
  private separator(closer: number): boolean {
    const c = this.text.charCodeAt(this.position);
    if (c === 0x2c) {
      this.position++;
      this.skipBlank();
      return this.text.charCodeAt(this.position) !== closer;
    }
    if (c === closer) return false;
    if (Number.isNaN(c))
      throw this.error(`expected "," or "${String.fromCharCode(closer)}", found the end of the file`, this.position);
    throw this.error('expected "," between items', this.position);
  }

  private expect(code: number, what: string): void {
    if (this.text.charCodeAt(this.position) !== code) throw this.error(`expected ${what}`, this.position);
    this.position++;
  }

  private string(): string {
    const text = this.text;
    const start = ++this.position;
    // Fast path: no escapes before the closing quote.
    for (let i = start; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        this.position = i + 1;
        return text.slice(start, i);
      }
      if (c === BACKSLASH) break;
      if (c < 0x20) throw this.error('invalid character in string (control characters must be escaped)', i);
    }
    let out = '';
    let i = start;
    for (;;) {
      if (i >= text.length) throw this.error('unterminated string', start - 1);
      const c = text.charCodeAt(i);
      if (c === QUOTE) break;
      if (c < 0x20) throw this.error('invalid character in string (control characters must be escaped)', i);
      if (c !== BACKSLASH) {
        out += text[i++];
        continue;
      }
      const escape = text[i + 1];
      const simple: Record<string, string> = {
        '"': '"',
        '\\': '\\',
        '/': '/',
        b: '\b',
        f: '\f',
        n: '\n',
        r: '\r',
        t: '\t',
      };
      if (escape !== undefined && escape in simple) {
        out += simple[escape];
        i += 2;
      } else if (escape === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
        out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
        i += 6;
      } else {
        throw this.error('invalid escape in string', i);
      }
    }
    this.position = i + 1;
    return out;
  }

  private number(): number {
    const text = this.text;
    const start = this.position;
    let i = start;
    if (text.charCodeAt(i) === 0x2d) i++;
    const digits = () => {
      const from = i;
      while (text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) i++;
      return i > from;
    };
    const first = i;
    if (!digits()) throw this.error('invalid number', start);
    if (text.charCodeAt(first) === 0x30 && i - first > 1) throw this.error('invalid number (leading zero)', start);
    if (text.charCodeAt(i) === 0x2e) {
      i++;
      if (!digits()) throw this.error('invalid number', start);
    }
    if (text.charCodeAt(i) === 0x65 || text.charCodeAt(i) === 0x45) {
      i++;
      if (text.charCodeAt(i) === 0x2b || text.charCodeAt(i) === 0x2d) i++;
      if (!digits()) throw this.error('invalid number', start);
    }
    this.position = i;
    return Number(text.slice(start, i));
  }
}
