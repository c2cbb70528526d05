import { describe, expect, it } from 'vitest';
import { lineHashes } from '../../src/report/line-hash.js';

// Expected values are github/codeql-action's own test vectors (src/fingerprints.test.ts), so a SARIF
// upload through the REST API fingerprints results exactly as upload-sarif would.
describe('primaryLocationLineHash', () => {
  it('hashes an empty file as one line', () => {
    expect(lineHashes('')).toEqual(['c129715d7a2bc9a3:1']);
  });

  it('ignores spaces and tabs', () => {
    expect(lineHashes(' a\nb\n  \t\tc\n d')).toEqual([
      '271789c17abda88f:1',
      '54703d4cd895b18:1',
      '180aee12dab6264:1',
      'a23a3dc5e078b07b:1',
    ]);
  });

  it('hashes a text without a final newline', () => {
    expect(lineHashes(' hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End')).toEqual([
      '8b7cf3e952e7aeb2:1',
      'b1ae1287ec4718d9:1',
      'bff680108adb0fcc:1',
      'c6805c5e1288b612:1',
      'b86d3392aea1be30:1',
      'e6ceba753e1a442:1',
    ]);
  });

  const withFinalNewline = [
    'e9496ae3ebfced30:1',
    'fb7c023a8b9ccb3f:1',
    'ce8ba1a563dcdaca:1',
    'e20e36e16fcb0cc8:1',
    'b3edc88f2938467e:1',
    'c8e28b0b4002a3a0:1',
    'c129715d7a2bc9a3:1',
  ];
  it.each([
    ['LF', ' hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n'],
    ['CR', ' hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r'],
    ['CRLF', ' hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n'],
    ['mixed', ' hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n'],
  ])('reads %s line ends alike', (_name, text) => {
    expect(lineHashes(text)).toEqual(withFinalNewline);
  });

  it('counts repeated hashes', () => {
    expect(lineHashes('Lorem ipsum dolor sit amet.\n'.repeat(10))).toEqual([
      'a7f2ff13bc495cf2:1',
      'a7f2ff13bc495cf2:2',
      'a7f2ff13bc495cf2:3',
      'a7f2ff13bc495cf2:4',
      'a7f2ff13bc495cf2:5',
      'a7f2ff13bc495cf2:6',
      'a7f2ff1481e87703:1',
      'a9cf91f7bbf1862b:1',
      '55ec222b86bcae53:1',
      'cc97dc7b1d7d8f7b:1',
      'c129715d7a2bc9a3:1',
    ]);
  });

  it('gives the same hashes, counts included, when only some lines are asked for', () => {
    // The window is 100 characters: lines longer than that with the same start hash alike.
    const long = 'r'.repeat(120);
    const text = ['const a = 1;', '', `  ${long}`, 'x', long, `\t${long}`, 'z\r\ny', 'end'].join('\n');
    const all = lineHashes(text);
    const some = lineHashes(text, new Set([3, 5, 6, 8, 99]));
    expect(all.length).toBeGreaterThan(8);
    expect(some[2]).toBe(all[2]);
    expect(some[4]).toBe(all[4]);
    expect(some[5]).toBe(all[5]);
    expect(some[5]).toMatch(/:3$/); // the third occurrence of the same start once spaces and tabs are dropped
    expect(some[7]).toBe(all[7]);
    expect(some[0]).toBeUndefined();
    expect(some[98]).toBeUndefined();
  });
});
