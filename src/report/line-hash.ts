/**
 * GitHub code scanning's `primaryLocationLineHash` (https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning#providing-data-to-track-code-scanning-alerts-across-runs), computed here because REST uploads
 * get none otherwise: the text as UTF-16 code units without spaces and tabs, CR and CRLF read as LF,
 * 0xFFFF appended at the end; for each line, a polynomial hash (base 37, mod 2^64) of the 100 characters
 * that start it, in lower-case hex, suffixed with how many times that value has occurred so far.
 *
 * The 64-bit arithmetic runs on 16-bit limbs (BigInt made a 14 MB file take seconds), the text is read
 * once from prefix hashes rather than copied into a stream, and only the lines asked for get a string.
 */
const WINDOW = 100;
const BASE = 37;
const END_OF_FILE = 0xffff;
/** BASE^WINDOW mod 2^64, the weight of a window's start in the prefix hash, as 16-bit limbs (P0 lowest). */
const [P0, P1, P2, P3] = (() => {
  const limbs = [1, 0, 0, 0];
  for (let i = 0; i < WINDOW; i++) {
    let carry = 0;
    for (let limb = 0; limb < 4; limb++) {
      const value = limbs[limb] * BASE + carry;
      limbs[limb] = value & 0xffff;
      carry = value >>> 16;
    }
  }
  return limbs as [number, number, number, number];
})();
/** Line starts waiting for their window to complete: at most one per character of a window. */
const PENDING = 128;
const PENDING_MASK = PENDING - 1;

/**
 * The hash of each line of a text, index 0 for line 1: every line, or only the 1-based `lines` asked
 * for (the others are left empty; counts still run over every line before them).
 */
export function lineHashes(text: string, lines?: ReadonlySet<number>): string[] {
  const { highs, lows, count } = hashEveryLine(text);
  const hashes: string[] = [];
  if (!lines) {
    const occurrences = new Map<string, number>();
    for (let i = 0; i < count; i++) {
      const value = key(highs[i], lows[i]);
      const seen = (occurrences.get(value) ?? 0) + 1;
      occurrences.set(value, seen);
      hashes[i] = `${hex(highs[i], lows[i])}:${seen}`;
    }
    return hashes;
  }
  // The suffix counts how often a line's value occurred up to it; only the values of wanted lines are
  // counted. Values are keyed by 30 bits of their low half, a small integer (a string, or a number past
  // 2^30, made per line was most of the work on large files), each key naming the first wanted line of
  // its value; a key that two wanted values share (rare) counts them under a string key per value.
  const firstByKey = new Map<number, number>();
  const sharedKeys = new Set<number>();
  for (const line of lines) {
    if (line < 1 || line > count) continue;
    const index = line - 1;
    const shortKey = lows[index] >>> 2;
    const first = firstByKey.get(shortKey);
    if (first === undefined) firstByKey.set(shortKey, index);
    else if (highs[first] !== highs[index] || lows[first] !== lows[index]) sharedKeys.add(shortKey);
  }
  const byKey = new Map<number, number>();
  const byValue = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const shortKey = lows[i] >>> 2;
    const first = firstByKey.get(shortKey);
    if (first === undefined) continue;
    let seen: number;
    if (sharedKeys.size !== 0 && sharedKeys.has(shortKey)) {
      const value = key(highs[i], lows[i]);
      seen = (byValue.get(value) ?? 0) + 1;
      byValue.set(value, seen);
    } else {
      if (highs[i] !== highs[first] || lows[i] !== lows[first]) continue;
      seen = (byKey.get(shortKey) ?? 0) + 1;
      byKey.set(shortKey, seen);
    }
    if (lines.has(i + 1)) hashes[i] = `${hex(highs[i], lows[i])}:${seen}`;
  }
  return hashes;
}

/**
 * Every line's hash, as two 32-bit halves per line (a large file has millions of lines: no strings yet).
 * From prefix hashes: with H(n) the hash of the first n characters read, the window starting at p is
 * H(p + 100) − H(p) × 37^100 (mod 2^64). So each character costs one multiply-add, and each line one
 * multiplication when its window is complete. Values are four 16-bit limbs (lowest first): small-integer
 * arithmetic only.
 */
function hashEveryLine(text: string): { highs: Uint32Array; lows: Uint32Array; count: number } {
  let highs = new Uint32Array(1024);
  let lows = new Uint32Array(1024);
  let count = 0;
  // Line starts whose window is not complete yet (at most one per character of a window): H(start) and the
  // position where the window ends, in a ring.
  const pending = new Uint16Array(PENDING * 4);
  const pendingEnd = new Int32Array(PENDING);
  let pendingHead = 0;
  let pendingTail = 0;
  let h0 = 0;
  let h1 = 0;
  let h2 = 0;
  let h3 = 0;
  let read = 0; // characters read so far: the position of the next one
  let lineStart = true;
  const step = (code: number): void => {
    if (lineStart) {
      const slot = (pendingTail & PENDING_MASK) * 4;
      pending[slot] = h0;
      pending[slot + 1] = h1;
      pending[slot + 2] = h2;
      pending[slot + 3] = h3;
      pendingEnd[pendingTail & PENDING_MASK] = read + WINDOW;
      pendingTail++;
    }
    lineStart = code === 0x0a;
    // H(read + 1) = H(read) × 37 + code
    let carry = h0 * BASE + code;
    h0 = carry & 0xffff;
    carry = h1 * BASE + (carry >>> 16);
    h1 = carry & 0xffff;
    carry = h2 * BASE + (carry >>> 16);
    h2 = carry & 0xffff;
    h3 = (h3 * BASE + (carry >>> 16)) & 0xffff;
    read++;
    if (pendingHead === pendingTail || pendingEnd[pendingHead & PENDING_MASK] !== read) return;
    // A line's window is complete: H(read) − H(start) × 37^100, limb by limb, mod 2^64.
    const slot = (pendingHead & PENDING_MASK) * 4;
    const a0 = pending[slot];
    const a1 = pending[slot + 1];
    const a2 = pending[slot + 2];
    const a3 = pending[slot + 3];
    let term = a0 * P0;
    const m0 = term % 0x10000;
    term = Math.floor(term / 0x10000) + a0 * P1 + a1 * P0;
    const m1 = term % 0x10000;
    term = Math.floor(term / 0x10000) + a0 * P2 + a1 * P1 + a2 * P0;
    const m2 = term % 0x10000;
    term = Math.floor(term / 0x10000) + a0 * P3 + a1 * P2 + a2 * P1 + a3 * P0;
    const m3 = term % 0x10000;
    let difference = h0 - m0;
    const w0 = difference & 0xffff;
    difference = h1 - m1 - (difference < 0 ? 1 : 0);
    const w1 = difference & 0xffff;
    difference = h2 - m2 - (difference < 0 ? 1 : 0);
    const w2 = difference & 0xffff;
    const w3 = (h3 - m3 - (difference < 0 ? 1 : 0)) & 0xffff;
    if (count === highs.length) {
      highs = grow(highs);
      lows = grow(lows);
    }
    highs[count] = w3 * 0x10000 + w2;
    lows[count] = w1 * 0x10000 + w0;
    count++;
    pendingHead++;
  };
  let previousWasCr = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 0x20 || code === 0x09 || (previousWasCr && code === 0x0a)) {
      previousWasCr = false;
      continue;
    }
    previousWasCr = code === 0x0d;
    step(code === 0x0d ? 0x0a : code);
  }
  step(END_OF_FILE);
  lineStart = false;
  // Zeros after the end mark, until every line's window is complete.
  while (pendingHead !== pendingTail) step(0);
  return { highs, lows, count };
}

function key(high: number, low: number): string {
  return `${high},${low}`;
}

function hex(high: number, low: number): string {
  return high === 0 ? low.toString(16) : `${high.toString(16)}${low.toString(16).padStart(8, '0')}`;
}

function grow(array: Uint32Array): Uint32Array<ArrayBuffer> {
  const grown = new Uint32Array(array.length * 2);
  grown.set(array);
  return grown;
}
