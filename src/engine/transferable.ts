import { types } from 'node:util';

/** A value that cannot cross to another thread as it is (a function, an object of a class of its own). */
export class NotTransferable extends Error {}

/**
 * A graph fragment as data another thread can receive (the structured clone algorithm): spans, which are
 * lazy objects over their text, become plain spans with every position worked out, and property-span
 * proxies plain records. Each object is converted once, so what was one object (a node in `nodes` and
 * in `byId`, a span two properties share) is one object after the clone as well: the engine tells a
 * written value from a defaulted one by span identity. Anything else that is not plain data throws
 * NotTransferable, and the file is read on the main thread instead.
 */
export function toTransferable(value: unknown, memo = new Map<object, unknown>()): unknown {
  if (typeof value === 'function' || typeof value === 'symbol') throw new NotTransferable(typeof value);
  if (value === null || typeof value !== 'object') return value;
  const known = memo.get(value);
  if (known !== undefined) return known;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    memo.set(value, out);
    for (let i = 0; i < value.length; i++) out.push(toTransferable(value[i], memo));
    return out;
  }
  if (value instanceof Map) {
    const out = new Map<unknown, unknown>();
    memo.set(value, out);
    for (const [key, entry] of value) out.set(toTransferable(key, memo), toTransferable(entry, memo));
    return out;
  }
  if (value instanceof Set) {
    const out = new Set<unknown>();
    memo.set(value, out);
    for (const entry of value) out.add(toTransferable(entry, memo));
    return out;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  const out: Record<string, unknown> = {};
  memo.set(value, out);
  if (!types.isProxy(value) && prototype !== Object.prototype && prototype !== null) {
    const span = value as Record<string, unknown>;
    if (typeof span.file !== 'string' || typeof span.startLine !== 'number') throw new NotTransferable('class');
    // A lazy span: its fields are getters on the prototype, read here once.
    for (const key of SPAN_FIELDS) {
      const field = span[key];
      if (field !== undefined) out[key] = toTransferable(field, memo);
    }
    return out;
  }
  for (const key of Object.keys(value)) {
    const field = toTransferable((value as Record<string, unknown>)[key], memo);
    // `__proto__` read from an input is plain data, never the prototype.
    if (key === '__proto__')
      Object.defineProperty(out, key, { value: field, enumerable: true, writable: true, configurable: true });
    else out[key] = field;
  }
  return out;
}

const SPAN_FIELDS = [
  'file',
  'startLine',
  'startColumn',
  'endLine',
  'endColumn',
  'pointer',
  'logicalLocation',
  'locationNote',
  'origins',
] as const;
