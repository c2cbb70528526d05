import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJson } from '../../src/ingest/json.js';
import { indexJson } from '../../src/ingest/json-structure.js';
import type { LocatedDocument } from '../../src/ingest/located.js';

// A plain JavaScript module without types: imported through a variable so tsc does not look for its declarations.
const GENERATOR: string = '../../bench/generate-manifest.mjs';
const { generateManifest } = (await import(GENERATOR)) as {
  generateManifest: (hosts: number, format: 'json' | 'yaml') => string;
};

// Strict JSON is read by JSON.parse plus a scan of its brackets (src/ingest/json-structure.ts); every
// span must be what our own full parser records. These tests compare the two on every container and key.

function jsonFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return jsonFiles(path);
    return name.endsWith('.json') ? [path] : [];
  });
}

/** Every span the adapters can ask for, for every container of both documents walked side by side. */
function allSpans(document: LocatedDocument): unknown[] {
  const out: unknown[] = [];
  const walk = (value: unknown): void => {
    if (value === null || typeof value !== 'object') return;
    out.push(document.pointerOf(value), json(document.spanOf(value)));
    const keys: Array<string | number> = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
    for (const key of [...keys, 'absent-key', 99, '0', 'length', '__proto__']) {
      out.push(
        key,
        json(document.spanOfKey(value, key)),
        json(document.spanOfValue(value, key)),
        typeof key === 'string' ? document.hasKey(value, key) : null,
      );
    }
    const spans = document.lazySpans(value);
    out.push(Object.keys(spans), ...Object.keys(spans).map((key) => json(spans[key])));
    for (const key of keys) walk((value as Record<string | number, unknown>)[key]);
  };
  walk(document.value);
  return out;
}

const json = (span: object | undefined) => (span ? JSON.parse(JSON.stringify(span)) : span);

const cases: Array<[string, string]> = [
  [
    'nested',
    JSON.stringify({ a: [1, { b: [[], {}, [{ c: 'x' }]] }], 'we/ird~key': { s: 'q"\\' }, empty: {} }, null, 2),
  ],
  ['compact', JSON.stringify({ hosts: [{ id: 'h1', cores: 8, list: [1, 2, 3] }, { id: 'h2' }], n: null })],
  ['CRLF and tabs', '{\r\n\t"a": {\r\n\t\t"b": [1,\r\n\t\t\t2]\r\n\t},\r\n\t"c": "d"\r\n}\r\n'],
  ['a byte-order mark', '\ufeff{"a": {"b": 1}}'],
  ['a top-level array', '[{"a": 1}, [2, {"b": [3]}], "s"]'],
  ['a scalar', '  42  '],
  ['brackets, colons and escaped quotes inside strings', '{"k{": "v]:", "x": {"y[": ["}", ":", "\\"]\\\\"]}}'],
  ['a value on the next line', '{\n  "long":\n    {"x": 1},\n  "s":\n    "text"\n}'],
  ['unicode', '{"é": {"😀": ["ü"]}, "z": "\\u00e9"}'],
  ['a generated manifest', generateManifest(3, 'json')],
];

describe('strict JSON through the native parser', () => {
  it.each(cases)('gives the same spans as our own parser: %s', (_, text) => {
    const native = parseJson('f.json', text);
    const own = parseJson('f.json', text, { native: false });
    expect(native.value).toEqual(own.value);
    expect(allSpans(native)).toEqual(allSpans(own));
  });

  it('takes the native path for these inputs (else the comparison above proves nothing)', () => {
    for (const [name, text] of cases) {
      const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
      expect(indexJson(text, JSON.parse(body)), name).toBeDefined();
    }
  });

  it('gives the same spans on every JSON fixture', () => {
    const files = jsonFiles('fixtures');
    expect(files.length).toBeGreaterThan(10);
    let native = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      let value: unknown;
      try {
        value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
      } catch {
        continue; // comments, trailing commas or deliberate errors: our own parser reads those
      }
      if (indexJson(text, value)) native++;
      expect(allSpans(parseJson(file, text)), file).toEqual(allSpans(parseJson(file, text, { native: false })));
    }
    expect(native).toBeGreaterThan(10);
  });

  it.each([
    ['duplicate keys', '{"a": {"x": 1}, "a": {"y": 2}}', 'duplicate key "a"'],
    ['duplicate scalar keys', '{"a": 1, "b": 2, "a": 3}', 'duplicate key "a"'],
  ])('leaves %s to our own parser, which refuses them', (_, text, message) => {
    expect(indexJson(text, JSON.parse(text))).toBeUndefined();
    expect(() => parseJson('f.json', text)).toThrow(message);
  });

  it.each([
    ['integer-like keys (enumerated out of document order)', '{"b": {"x": 1}, "10": {"y": 2}, "2": [3]}'],
    ['an escaped key', '{"a\\u0062": {"x": 1}}'],
    ['__proto__ as a key', '{"__proto__": {"polluted": true}, "a": {}}'],
  ])('reads %s with the right spans', (_, text) => {
    const native = parseJson('f.json', text);
    expect(native.value).toEqual(parseJson('f.json', text, { native: false }).value);
    expect(allSpans(native)).toEqual(allSpans(parseJson('f.json', text, { native: false })));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
