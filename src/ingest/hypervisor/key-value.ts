import { LineIndex, type SourceSpan } from '../../model/source.js';
import { inputError } from './common.js';

/**
 * The `key = value` syntax shared by libvirt's daemon files (qemu.conf, libvirtd.conf; libvirt's virconf)
 * and Xen's xl.cfg (libxlu): `#` comments, values that are "double"- or 'single'-quoted strings,
 * numbers, or `[ … ]` lists that may span lines; statements end at a newline or `;`.
 * No npm library reads this syntax, let alone with positions, so this small reader keeps the offsets
 * of every key, value and list item (https://libvirt.org/remote.html, https://xenbits.xen.org/docs/unstable/man/xl.cfg.5.html).
 */

export interface ConfigValue {
  /** Strings unquoted; numbers and bare words as written. */
  text: string;
  quoted: boolean;
  start: number;
  end: number;
}

export interface ConfigEntry {
  key: string;
  /** One value, or the items of a list. */
  value: ConfigValue | ConfigValue[];
  keyStart: number;
  keyEnd: number;
  /** Offsets of the whole value (the brackets of a list included). */
  valueStart: number;
  valueEnd: number;
}

export class KeyValueConfig {
  readonly lines: LineIndex;
  /** The last assignment of each key wins, as in both readers. */
  private readonly byKey = new Map<string, ConfigEntry>();

  constructor(
    readonly file: string,
    readonly text: string,
    readonly entries: ConfigEntry[],
  ) {
    this.lines = new LineIndex(text);
    for (const entry of entries) this.byKey.set(entry.key, entry);
  }

  get(key: string): ConfigEntry | undefined {
    return this.byKey.get(key);
  }

  /** The scalar text of a key (undefined when absent or a list). */
  scalar(key: string): string | undefined {
    const value = this.byKey.get(key)?.value;
    return value && !Array.isArray(value) ? value.text : undefined;
  }

  /** The items of a list key (a lone string counts as one item). */
  list(key: string): ConfigValue[] {
    const value = this.byKey.get(key)?.value;
    return value === undefined ? [] : Array.isArray(value) ? value : [value];
  }

  /** Span of a key's whole line (key to end of value), for findings about that option. */
  spanOf(key: string): SourceSpan | undefined {
    const entry = this.byKey.get(key);
    return entry ? this.lines.span(this.file, entry.keyStart, entry.valueEnd) : undefined;
  }

  spanOfValue(value: ConfigValue): SourceSpan {
    return this.lines.span(this.file, value.start, value.end);
  }

  /** The first line, for elements that no key locates. */
  fileStart(): SourceSpan {
    return this.lines.span(this.file, 0, 0);
  }
}

export function parseKeyValueConfig(file: string, text: string): KeyValueConfig {
  const entries: ConfigEntry[] = [];
  let i = 0;
  const n = text.length;
  const lines = new LineIndex(text);
  const fail = (message: string, at: number): never => {
    const { line, column } = lines.position(at);
    throw inputError(message, file, line, column);
  };
  const skipBlank = (newlines: boolean) => {
    while (i < n) {
      const c = text[i];
      if (c === '#') {
        while (i < n && text[i] !== '\n') i++;
      } else if (c === ' ' || c === '\t' || c === '\r' || (newlines && (c === '\n' || c === ';'))) {
        i++;
      } else break;
    }
  };
  const readScalar = (): ConfigValue => {
    const start = i;
    const quote = text[i];
    if (quote === '"' || quote === "'") {
      let value = '';
      i++;
      while (i < n && text[i] !== quote) {
        if (text[i] === '\n') fail('string is not closed before the end of the line', start);
        if (text[i] === '\\' && i + 1 < n) i++;
        value += text[i++];
      }
      if (i >= n) fail('string is not closed', start);
      i++;
      return { text: value, quoted: true, start, end: i };
    }
    while (i < n && !/[\s,;\]#]/.test(text[i])) i++;
    if (i === start) fail(`expected a value, found "${text[i] ?? 'end of file'}"`, start);
    return { text: text.slice(start, i), quoted: false, start, end: i };
  };

  for (;;) {
    skipBlank(true);
    if (i >= n) break;
    const keyStart = i;
    while (i < n && /[A-Za-z0-9_.-]/.test(text[i])) i++;
    if (i === keyStart) fail(`expected "name = value", found "${text[i]}"`, i);
    const key = text.slice(keyStart, i);
    const keyEnd = i;
    skipBlank(false);
    if (text[i] === '+' && text[i + 1] === '=') i++;
    if (text[i] !== '=') fail(`expected "=" after "${key}"`, i);
    i++;
    skipBlank(false);
    const valueStart = i;
    let value: ConfigValue | ConfigValue[];
    if (text[i] === '[') {
      i++;
      const items: ConfigValue[] = [];
      for (;;) {
        skipBlank(true);
        if (i >= n) fail(`list of "${key}" is not closed with "]"`, valueStart);
        if (text[i] === ']') {
          i++;
          break;
        }
        items.push(readScalar());
        skipBlank(true);
        if (text[i] === ',') i++;
        else if (i >= n) fail(`list of "${key}" is not closed with "]"`, valueStart);
        else if (text[i] !== ']') fail(`expected "," or "]" in the list of "${key}"`, i);
      }
      value = items;
    } else {
      value = readScalar();
    }
    entries.push({ key, value, keyStart, keyEnd, valueStart, valueEnd: i });
    skipBlank(false);
    if (i < n && text[i] !== '\n' && text[i] !== ';') fail(`unexpected "${text[i]}" after the value of "${key}"`, i);
  }
  return new KeyValueConfig(file, text, entries);
}

/** libvirt and xl booleans: 1/0, and the words people write. */
export function configBoolean(text: string | undefined): boolean | undefined {
  if (text === undefined) return undefined;
  const t = text.trim().toLowerCase();
  if (['1', 'yes', 'true', 'on'].includes(t)) return true;
  if (['0', 'no', 'false', 'off'].includes(t)) return false;
  return undefined;
}
