/**
 * Mutation fuzzing of the EIF reader: damaged copies of the vectors (and of a small synthetic image
 * with four ramdisks) must either measure or fail with an InputError; nothing else may escape
 * (no TypeError, RangeError, out-of-memory, hang). FUZZ_CASES and FUZZ_SEED set the size and the
 * seed; bench/measure-fuzz.mjs runs many more cases than CI does.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { measureEifBytes } from '../../src/eif/index.js';
import { buildEif, defaultSections, patternBytes, withCorrectCrc } from './build-eif.js';
import { VECTORS, vectorBytes } from './helpers.js';
import { random } from '../fuzz/random.js';

const CASES = Number(process.env.FUZZ_CASES ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_123);

const INTERESTING_U64 = [
  0n,
  1n,
  12n,
  547n,
  548n,
  549n,
  4096n,
  2n ** 31n,
  2n ** 32n - 1n,
  2n ** 32n,
  2n ** 53n,
  2n ** 53n + 1n,
  2n ** 63n,
  2n ** 64n - 1n,
];
const INTERESTING_U16 = [0, 1, 2, 3, 5, 6, 7, 31, 32, 33, 0x7fff, 0xffff];

type Mutator = (bytes: Uint8Array, next: () => number) => Uint8Array;

const pick = <T>(list: readonly T[], next: () => number): T => list[Math.floor(next() * list.length)];
const index = (length: number, next: () => number) => Math.floor(next() * Math.max(1, length));

const mutators: Record<string, Mutator> = {
  flipBytes: (b, next) => {
    const count = 1 + index(8, next);
    for (let i = 0; i < count; i++) b[index(b.length, next)] ^= 1 + index(255, next);
    return b;
  },
  headerByte: (b, next) => {
    b[index(Math.min(548, b.length), next)] = index(256, next);
    return b;
  },
  tableValue: (b, next) => {
    if (b.length < 548) return b;
    const field = next() < 0.5 ? 28 : 284;
    const view = new DataView(b.buffer, b.byteOffset);
    const value = next() < 0.7 ? pick(INTERESTING_U64, next) : BigInt(index(b.length + 100, next));
    view.setBigUint64(field + 8 * index(8, next), value);
    return b;
  },
  sectionCount: (b, next) => {
    if (b.length >= 28) new DataView(b.buffer, b.byteOffset).setUint16(26, pick(INTERESTING_U16, next));
    return b;
  },
  /** Change a section's size in the table and its section header alike, so the walk goes on. */
  coherentSize: (b, next) => {
    if (b.length < 548) return b;
    const view = new DataView(b.buffer, b.byteOffset);
    const i = index(6, next);
    const offset = Number(view.getBigUint64(28 + 8 * i));
    const size = next() < 0.5 ? pick(INTERESTING_U64, next) : BigInt(index(b.length, next));
    view.setBigUint64(284 + 8 * i, size);
    if (offset + 12 <= b.length) view.setBigUint64(offset + 4, size);
    return b;
  },
  sectionType: (b, next) => {
    if (b.length < 548) return b;
    const view = new DataView(b.buffer, b.byteOffset);
    const offset = Number(view.getBigUint64(28 + 8 * index(6, next)));
    if (offset + 2 <= b.length) view.setUint16(offset, pick(INTERESTING_U16, next));
    return b;
  },
  truncate: (b, next) => b.subarray(0, index(b.length, next)),
  append: (b, next) => {
    const extra = patternBytes(1 + index(64, next), 1 + index(1000, next));
    const out = new Uint8Array(b.length + extra.length);
    out.set(b);
    out.set(extra, b.length);
    return out;
  },
  splice: (b, next) => {
    const from = index(b.length, next);
    const to = index(b.length, next);
    const length = index(Math.min(64, b.length - Math.max(from, to)), next);
    b.copyWithin(to, from, from + length);
    return b;
  },
  /** The signature section sits at the end of signed images: damage its CBOR in place. */
  tail: (b, next) => {
    const count = 1 + index(4, next);
    for (let i = 0; i < count; i++) b[b.length - 1 - index(Math.min(2000, b.length), next)] = index(256, next);
    return b;
  },
};

const seeds: Array<{ name: string; bytes: Uint8Array }> = [
  ...VECTORS.map((name) => ({ name, bytes: vectorBytes(name) })),
  {
    name: 'synthetic',
    bytes: buildEif(
      defaultSections(
        patternBytes(300, 1),
        'console=ttyS0',
        [1, 2, 3, 4].map((n) => patternBytes(n * 50, n)),
      ),
    ),
  },
];

describe('fuzz: mutated images never throw anything but InputError', () => {
  it(`${CASES} mutants (seed ${SEED})`, async () => {
    const next = random(SEED);
    const names = Object.keys(mutators);
    const outcomes = { measured: 0, rejected: 0 };
    const rejectedBy = new Map<string, number>();
    for (let n = 0; n < CASES; n++) {
      const seed = pick(seeds, next);
      let bytes: Uint8Array = new Uint8Array(seed.bytes);
      const applied: string[] = [];
      const rounds = 1 + index(3, next);
      for (let r = 0; r < rounds; r++) {
        const name = pick(names, next);
        applied.push(name);
        bytes = mutators[name](bytes, next);
      }
      // Half the time, repair the CRC so the mutant is not trivially "damaged" (CRC is not fatal anyway).
      if (next() < 0.5 && bytes.length >= 548) bytes = withCorrectCrc(bytes);
      try {
        const description = await measureEifBytes(bytes, 'mutant.eif');
        expect(description.pcrs.PCR0).toMatch(/^[0-9a-f]{96}$/);
        outcomes.measured++;
      } catch (error) {
        if (!(error instanceof InputError)) {
          throw new Error(`case ${n} (${seed.name}: ${applied.join(', ')}): ${String(error)}`, { cause: error });
        }
        expect(error.place.offset, `case ${n} has no offset: ${error.message}`).toEqual(expect.any(Number));
        expect(error.format()).not.toMatch(/\n/);
        outcomes.rejected++;
        const kind = error.message.replace(/[0-9]+/g, 'N').slice(0, 40);
        rejectedBy.set(kind, (rejectedBy.get(kind) ?? 0) + 1);
      }
    }
    expect(outcomes.measured + outcomes.rejected).toBe(CASES);
    // Both outcomes must occur, or the mutators are too weak (all pass) or too blunt (all fail early).
    expect(outcomes.measured).toBeGreaterThan(CASES / 20);
    expect(rejectedBy.size).toBeGreaterThan(10);
  }, 600_000);
});
