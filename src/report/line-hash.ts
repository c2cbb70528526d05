/**
 * GitHub code scanning's `primaryLocationLineHash` (SARIF.md §1.5), computed here because REST uploads
 * get none otherwise: the text as UTF-16 code units without spaces and tabs, CR and CRLF read as LF,
 * 0xFFFF appended at the end; for each line, a polynomial hash (base 37, mod 2^64) of the 100 characters
 * that start it, in lower-case hex, suffixed with how many times that value has occurred so far.
 *
 * The 64-bit arithmetic runs on 16-bit limbs (BigInt made a 14 MB file take seconds), the text is read
 * once through a ring of the last 128 characters rather than copied into a stream, and only the lines
 * asked for get a string.
 */
const WINDOW = 100;
const BASE = 37;
const END_OF_FILE = 0xffff;
const RING = 128;
const RING_MASK = RING - 1;
/** BASE^(WINDOW-1) mod 2^64, the weight of the character leaving the window, as 16-bit limbs (W0 lowest). */
const [W0, W1, W2, W3] = (() => {
  const limbs = [1, 0, 0, 0];
  for (let i = 0; i < WINDOW - 1; i++) {
    let carry = 0;
    for (let limb = 0; limb < 4; limb++) {
      const value = limbs[limb]! * BASE + carry;
      limbs[limb] = value & 0xffff;
      carry = value >>> 16;
    }
  }
  return limbs as [number, number, number, number];
})();

/**
 * The hash of each line of a text, index 0 for line 1: every line, or only the 1-based `lines` asked
 * for (the others are left empty; counts still run over every line before them).
 */
export function lineHashes(text: string, lines?: ReadonlySet<number>): string[] {
  const { highs, lows, count } = hashEveryLine(text);
  // The suffix counts how often a line's value occurred up to it; only wanted values are counted.
  const wanted = (line: number) => !lines || lines.has(line);
  const occurrences = new Map<string, number>();
  const wantedLines = lines ? [...lines].filter((line) => line >= 1 && line <= count) : undefined;
  const wantedValues = wantedLines ? new Set(wantedLines.map((line) => key(highs[line - 1]!, lows[line - 1]!))) : undefined;
  // A number test first: most lines are not wanted, and a key string per line would be most of the work.
  const wantedLows = wantedLines ? new Set(wantedLines.map((line) => lows[line - 1]!)) : undefined;
  const hashes: string[] = [];
  for (let i = 0; i < count; i++) {
    if (wantedLows && !wantedLows.has(lows[i]!)) continue;
    const value = key(highs[i]!, lows[i]!);
    if (wantedValues && !wantedValues.has(value)) continue;
    const seen = (occurrences.get(value) ?? 0) + 1;
    occurrences.set(value, seen);
    if (wanted(i + 1)) hashes[i] = `${hex(highs[i]!, lows[i]!)}:${seen}`;
  }
  return hashes;
}

/**
 * Every line's hash, as two 32-bit halves per line (a large file has millions of lines: no strings yet).
 * One walk over the text: each character the hash reads enters a ring of the last 128, and once the
 * window ahead of a position is full, that position's hash is recorded if a line starts there.
 */
function hashEveryLine(text: string): { highs: Uint32Array; lows: Uint32Array; count: number } {
  const state = new RollingHash();
  let previousWasCr = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x20 || code === 0x09 || (previousWasCr && code === 0x0a)) {
      previousWasCr = false;
      continue;
    }
    previousWasCr = code === 0x0d;
    state.push(code === 0x0d ? 0x0a : code);
  }
  state.push(END_OF_FILE);
  // Zeros after the end, until every position (the end mark's included) has been a window's start.
  const end = state.produced;
  while (state.position < end) state.push(0);
  return { highs: state.highs, lows: state.lows, count: state.count };
}

/** The rolling hash's state; the 64-bit value is four 16-bit limbs (h0 lowest): small-integer arithmetic only. */
class RollingHash {
  highs = new Uint32Array(1024);
  lows = new Uint32Array(1024);
  count = 0;
  /** Characters read so far (the stream position of the next one), and the start of the window hashed. */
  produced = 0;
  position = 0;
  private readonly ring = new Uint16Array(RING);
  private h0 = 0;
  private h1 = 0;
  private h2 = 0;
  private h3 = 0;

  push(code: number): void {
    const ring = this.ring;
    ring[this.produced & RING_MASK] = code;
    this.produced++;
    let h0 = this.h0;
    let h1 = this.h1;
    let h2 = this.h2;
    let h3 = this.h3;
    if (this.produced > WINDOW) {
      const position = this.position;
      if (position === 0 || ring[(position - 1) & RING_MASK] === 0x0a) this.record(h3 * 0x10000 + h2, h1 * 0x10000 + h0);
      // Take the leaving character out: subtract its code × BASE^(WINDOW-1), limb by limb, mod 2^64.
      const leaving = ring[position & RING_MASK]!;
      let product = leaving * W0;
      const q0 = product & 0xffff;
      product = leaving * W1 + (product >>> 16);
      const q1 = product & 0xffff;
      product = leaving * W2 + (product >>> 16);
      const q2 = product & 0xffff;
      const q3 = (leaving * W3 + (product >>> 16)) & 0xffff;
      let difference = h0 - q0;
      h0 = difference & 0xffff;
      difference = h1 - q1 - (difference < 0 ? 1 : 0);
      h1 = difference & 0xffff;
      difference = h2 - q2 - (difference < 0 ? 1 : 0);
      h2 = difference & 0xffff;
      h3 = (h3 - q3 - (difference < 0 ? 1 : 0)) & 0xffff;
      this.position = position + 1;
    }
    // Shift the new one in: hash × BASE + code.
    let carry = h0 * BASE + code;
    this.h0 = carry & 0xffff;
    carry = h1 * BASE + (carry >>> 16);
    this.h1 = carry & 0xffff;
    carry = h2 * BASE + (carry >>> 16);
    this.h2 = carry & 0xffff;
    this.h3 = (h3 * BASE + (carry >>> 16)) & 0xffff;
  }

  private record(high: number, low: number): void {
    if (this.count === this.highs.length) {
      this.highs = grow(this.highs);
      this.lows = grow(this.lows);
    }
    this.highs[this.count] = high;
    this.lows[this.count] = low;
    this.count++;
  }
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
