import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { parseJson } from '../../src/ingest/json.js';
import { MAX_DEPTH, parseYaml } from '../../src/ingest/located.js';

function errorOf(run: () => unknown): InputError {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('JSON with positions', () => {
  it('reads values exactly as JSON.parse does', () => {
    const text = JSON.stringify({
      a: [1, -2.5, 3e10, true, false, null],
      'we/ird~key': { s: 'tab\tquote"backslash\\ unicode \u00e9 \ud83d\ude00 slash/' },
      empty: {},
      list: [],
    });
    expect(parseJson('f.json', text).value).toEqual(JSON.parse(text));
  });

  it('tolerates comments and trailing commas', () => {
    const text = '{\n  // a comment\n  "a": 1, /* another */\n  "b": [1, 2,],\n}\n';
    expect(parseJson('f.json', text).value).toEqual({ a: 1, b: [1, 2] });
  });

  it('gives spans of keys, values and items with JSON pointers', () => {
    const text = '{\n  "hosts": [\n    { "id": "h1", "cores": 8 },\n    { "id": "h/2" }\n  ]\n}';
    const document = parseJson('f.json', text);
    const hosts = (document.value as { hosts: object[] }).hosts;
    expect(document.spanOfKey(hosts[0], 'cores')).toMatchObject({
      startLine: 3,
      startColumn: 19,
      endLine: 3,
      endColumn: 29,
      pointer: '/hosts/0/cores',
    });
    expect(document.spanOfValue(hosts[1], 'id')).toMatchObject({
      startLine: 4,
      startColumn: 13,
      endColumn: 18,
      pointer: '/hosts/1/id',
    });
    expect(document.spanOfKey(hosts, 1)).toMatchObject({ startLine: 4, startColumn: 5, pointer: '/hosts/1' });
    expect(document.pointerOf(hosts[1])).toBe('/hosts/1');
  });

  it.each([
    ['{"a": 1', 1, 8, 'expected "," or "}", found the end of the file'],
    ['{"a": 1 "b": 2}', 1, 9, 'expected "," between items'],
    ['{"a": tru}', 1, 7, "expected a value, found 't'"],
    ['{"a": "x\ny"}', 1, 9, 'invalid character in string'],
    ['{"a": 1, "a": 2}', 1, 10, 'duplicate key "a"'],
    ['[1, 2] 3', 1, 8, 'unexpected text after the end of the document'],
    ['{"a": 01}', 1, 7, 'invalid number (leading zero)'],
    ['', 1, 1, 'empty document'],
  ])('refuses %j at line %i column %i', (text, line, column, message) => {
    const error = errorOf(() => parseJson('bad.json', text));
    expect(error.place).toMatchObject({ file: 'bad.json', line, column });
    expect(error.message).toContain(message);
  });

  it('refuses nesting deeper than the limit without overflowing the stack', () => {
    const text = `${'['.repeat(MAX_DEPTH + 10)}${']'.repeat(MAX_DEPTH + 10)}`;
    expect(errorOf(() => parseJson('deep.json', text)).message).toMatch(/nesting deeper than/);
    const deeper = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(errorOf(() => parseJson('deep.json', deeper)).message).toMatch(/nesting deeper than/);
  });

  it('stays linear on an object with many keys', () => {
    const keys = Array.from({ length: 50_000 }, (_, i) => `"k${i}": ${i}`).join(',');
    const document = parseJson('big.json', `{${keys}}`);
    const value = document.value as Record<string, number>;
    expect(value.k49999).toBe(49999);
    expect(document.spanOfKey(value, 'k49999').startLine).toBe(1);
  });

  it('keeps __proto__ as plain data', () => {
    const value = parseJson('p.json', '{"__proto__": {"polluted": true}}').value as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });
});

describe('YAML with positions', () => {
  it('reads several documents with their positions', () => {
    const documents = parseYaml('f.yaml', 'a: 1\n---\nb:\n  - x: yes\n');
    expect(documents.map((d) => d.value)).toEqual([{ a: 1 }, { b: [{ x: 'yes' }] }]);
    const second = documents[1];
    const item = (second.value as { b: object[] }).b[0];
    expect(second.spanOfKey(item, 'x')).toMatchObject({
      startLine: 4,
      startColumn: 5,
      endColumn: 11,
      pointer: '/b/0/x',
    });
  });

  it('refuses alias bombs before they expand', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++)
      levels.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    const error = errorOf(() => parseYaml('bomb.yaml', `${levels.join('\n')}\n`));
    expect(error.message).toMatch(/aliases expand to more than/);
    expect(error.place.line).toBeGreaterThan(1);
  });

  it('names the line of a syntax error', () => {
    const error = errorOf(() => parseYaml('bad.yaml', 'a: 1\nb: [1, 2\nc: 3\n'));
    expect(error.message).toMatch(/^invalid YAML: /);
    expect(error.place.file).toBe('bad.yaml');
    expect(error.place.line).toBeGreaterThanOrEqual(2);
  });

  it('refuses duplicate keys', () => {
    expect(errorOf(() => parseYaml('dup.yaml', 'a: 1\na: 2\n')).message).toMatch(
      /invalid YAML: Map keys must be unique/,
    );
  });
});
