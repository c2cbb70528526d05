import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check, defaultConfig } from '../../src/index.js';
import { jsonText, toJson } from '../../src/report/json.js';
import { jsonWithStreamedArray } from '../../src/report/json-stream.js';
import { render, renderChunks } from '../../src/report/index.js';
import { sarifText, toSarif } from '../../src/report/sarif.js';
import { textChunks, toText } from '../../src/report/text.js';

const root = join(import.meta.dirname, '..', '..');

describe('streamed reports', () => {
  it('writes exactly what JSON.stringify writes, the array item by item', () => {
    const placeholder = '\u0000items\u0000';
    for (const items of [[], [1], [{ a: [1, { b: 'x\ny' }] }, 'two', null, { c: {} }]]) {
      const document = { head: { deep: [1, 2] }, nested: { list: placeholder, after: true }, tail: [] };
      const whole = JSON.stringify({ ...document, nested: { list: items, after: true } }, null, 2);
      expect([...jsonWithStreamedArray(document, placeholder, items)].join('')).toBe(whole);
    }
  });

  it('gives the same SARIF, JSON and text as the whole-document reporters, in many pieces', async () => {
    const result = await check({
      paths: [join(root, 'fixtures', 'rules')],
      cwd: root,
      root,
      config: defaultConfig(root),
      today: new Date('2026-11-01'),
    });
    expect(result.findings.length).toBeGreaterThan(50);
    const sarif = [...sarifText(result)];
    expect(sarif.length).toBeGreaterThan(100);
    expect(sarif.join('')).toBe(JSON.stringify(toSarif(result), null, 2));
    expect([...jsonText(result)].join('')).toBe(JSON.stringify(toJson(result), null, 2));
    for (const options of [{}, { compact: true }, { quiet: true }, { includeSuppressed: true, color: true }])
      expect([...textChunks(result, options)].join('')).toBe(toText(result, options));
    expect([...renderChunks(result, 'sarif')].join('')).toBe(render(result, 'sarif'));
  });

  it('quotes excerpts from the text the check read, not from the file again', async () => {
    const result = await check({
      paths: [join(root, 'fixtures', 'rules', 'encrypted-block-storage')],
      cwd: root,
      root,
      config: defaultConfig(root),
    });
    const file = result.findings[0].location.file;
    const source = result.sources.get(file);
    expect(source?.text.length).toBeGreaterThan(0);
    // The reporters read only `sources`: a result whose source says otherwise is quoted from it.
    const line = result.findings[0].location.startLine;
    const lines = source!.text.split('\n');
    lines[line - 1] = `${lines[line - 1]} # quoted-from-sources`;
    const changed = lines.join('\n');
    const { LineIndex } = await import('../../src/model/source.js');
    const sources = new Map(result.sources).set(file, { text: changed, lines: new LineIndex(changed) });
    expect(toText({ ...result, sources })).toContain('quoted-from-sources');
  });
});
