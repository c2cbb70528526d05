/**
 * GitHub code scanning's `primaryLocationLineHash` (SARIF.md §1.5), computed here because REST uploads
 * get none otherwise: the text as UTF-16 code units without spaces and tabs, CR and CRLF read as LF,
 * 0xFFFF appended at the end; for each line, a polynomial hash (base 37, mod 2^64) of the 100 characters
 * that start it, in lower-case hex, suffixed with how many times that value has occurred so far.
 */
const WINDOW = 100;
const BASE = 37n;
const END_OF_FILE = 0xffff;
const MASK = (1n << 64n) - 1n;
/** BASE^(WINDOW-1) mod 2^64: the weight of the character leaving the window. */
const LEAVING_WEIGHT = (() => {
  let weight = 1n;
  for (let i = 0; i < WINDOW - 1; i++) weight = (weight * BASE) & MASK;
  return weight;
})();

/** The hash of every line of a text, index 0 for line 1. */
export function lineHashes(text: string): string[] {
  const stream: number[] = [];
  const lineStarts: number[] = [];
  let atLineStart = true;
  let previousWasCr = false;
  const emit = (code: number) => {
    if (code === 0x20 || code === 0x09 || (previousWasCr && code === 0x0a)) {
      previousWasCr = false;
      return;
    }
    previousWasCr = code === 0x0d;
    if (code === 0x0d) code = 0x0a;
    if (atLineStart) {
      lineStarts.push(stream.length);
      atLineStart = false;
    }
    if (code === 0x0a) atLineStart = true;
    stream.push(code);
  };
  for (let i = 0; i < text.length; i++) emit(text.charCodeAt(i));
  emit(END_OF_FILE);

  // Rolling hash of the window starting at each stream position that starts a line.
  const at = (i: number) => BigInt(i < stream.length ? stream[i]! : 0);
  let hash = 0n;
  for (let i = 0; i < WINDOW; i++) hash = (hash * BASE + at(i)) & MASK;
  const counts = new Map<string, number>();
  const hashes: string[] = [];
  let position = 0;
  for (const start of lineStarts) {
    while (position < start) {
      hash = ((hash - at(position) * LEAVING_WEIGHT) * BASE + at(position + WINDOW)) & MASK;
      position++;
    }
    const hex = hash.toString(16);
    const count = (counts.get(hex) ?? 0) + 1;
    counts.set(hex, count);
    hashes.push(`${hex}:${count}`);
  }
  return hashes;
}
