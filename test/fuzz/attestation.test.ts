/**
 * Mutation fuzzing of the attestation verifier: damaged copies of real NSM documents (when ../shared is
 * there) and of documents built here (definite and indefinite maps, tag 18, a large cabundle) go through
 * documentBytes and verifyAttestation. The property: nothing throws, every result is one of the three
 * verdicts with a one-line reason, and no case takes long or allocates beyond its input. FUZZ_CASES and
 * FUZZ_SEED set the size and seed; bench/attest-fuzz.mjs runs 100 000 and more.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { encode } from 'cborg';
import { describe, expect, it } from 'vitest';
import { AttestationFormatError, documentBytes, verifyAttestation } from '../../src/attest/index.js';
import { REPO_ROOT } from '../helpers.js';
import { random } from './random.js';

const CASES = Number(process.env.FUZZ_CASES ?? 2_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_204);

const candidates = [process.env.ISOLINT_SHARED, resolve(REPO_ROOT, '..', 'shared'), '/work/shared'].filter(
  Boolean,
) as string[];
const shared = candidates.map((c) => join(c, 'vectors', 'attestation')).find((c) => existsSync(join(c, 'README.md')));
const REAL = ['nsm-prod-indefinite-2025', 'nsm-prod-signed-eif-2022', 'nsm-debug-nonce-2024'];

/** Documents built here: no openssl needed (their certificate bytes are a real one's or filler), so the structure paths all run. */
function syntheticSeeds(certificate: Uint8Array): Uint8Array[] {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const pcrs = new Map(Array.from({ length: 16 }, (_, i) => [i, new Uint8Array(48).fill(i)] as [number, Uint8Array]));
  const entries = (bundle: Uint8Array[]): Array<[string, unknown]> => [
    ['module_id', 'i-0fuzz-enc0fuzz'],
    ['digest', 'SHA384'],
    ['timestamp', 1_700_000_000_000],
    ['pcrs', pcrs],
    ['certificate', certificate],
    ['cabundle', bundle],
    ['public_key', null],
    ['user_data', new Uint8Array(16)],
    ['nonce', Uint8Array.of(1, 2, 3)],
  ];
  const document = (list: Array<[string, unknown]>, indefinite: boolean, tagged: boolean) => {
    const body = list.flatMap(([k, v]) => [encode(k), encode(v)]);
    const payload = new Uint8Array(
      Buffer.concat(
        indefinite ? [Uint8Array.of(0xbf), ...body, Uint8Array.of(0xff)] : [Uint8Array.of(0xa0 + list.length), ...body],
      ),
    );
    const header = encode(new Map([[1, -35]]));
    const signature = sign('sha384', encode(['Signature1', header, new Uint8Array(0), payload]), {
      key: privateKey,
      dsaEncoding: 'ieee-p1363',
    });
    const cose = encode([header, new Map(), payload, new Uint8Array(signature)]);
    return tagged ? new Uint8Array(Buffer.concat([Uint8Array.of(0xd2), cose])) : cose;
  };
  return [
    document(entries([certificate, certificate]), false, false),
    document(entries([certificate]), true, false),
    document(entries([certificate, certificate, certificate]), true, true),
    document(entries(Array.from({ length: 30 }, () => certificate)), false, false), // a large cabundle
  ];
}

type Mutator = (bytes: Uint8Array, next: () => number) => Uint8Array;
const index = (length: number, next: () => number) => Math.floor(next() * Math.max(1, length));
const pick = <T>(list: readonly T[], next: () => number): T => list[Math.floor(next() * list.length)];
/** Heads that claim the most: 8-byte lengths for strings, arrays and maps, indefinite starts, tags, breaks. */
const HOSTILE_HEADS = [
  [0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
  [0x5a, 0x7f, 0xff, 0xff, 0xff],
  [0x9b, 0, 0, 0, 1, 0, 0, 0, 0],
  [0xbb, 0x7f, 0, 0, 0, 0, 0, 0, 0],
  [0x9a, 0xff, 0xff, 0xff, 0xff],
  [0x5f],
  [0x9f],
  [0xbf],
  [0xff],
  [0xd2],
  [0xc0],
  [0xf7],
  [0xfb, 0x7f, 0xf0, 0, 0, 0, 0, 0, 0],
  [0x1c],
  [0x3b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
];

const mutators: Record<string, Mutator> = {
  flipBytes: (b, next) => {
    for (let i = 0, count = 1 + index(8, next); i < count; i++) b[index(b.length, next)] ^= 1 + index(255, next);
    return b;
  },
  setByte: (b, next) => {
    b[index(b.length, next)] = index(256, next);
    return b;
  },
  /** Change a byte near the start of a structure: the heads of the COSE array, the headers, the payload map. */
  headByte: (b, next) => {
    b[index(Math.min(64, b.length), next)] = index(256, next);
    return b;
  },
  truncate: (b, next) => b.subarray(0, index(b.length, next)),
  hostileHead: (b, next) => {
    const at = index(b.length, next);
    const head = pick(HOSTILE_HEADS, next);
    return new Uint8Array(
      Buffer.concat([b.subarray(0, at), Uint8Array.from(head), b.subarray(at + (next() < 0.5 ? head.length : 0))]),
    );
  },
  deepNesting: (b, next) => {
    const at = index(b.length, next);
    const depth = pick([15, 16, 17, 100, 10_000], next);
    return new Uint8Array(
      Buffer.concat([
        b.subarray(0, at),
        new Uint8Array(depth).fill(pick([0x81, 0x9f, 0xa1, 0xd8], next)),
        b.subarray(at),
      ]),
    );
  },
  duplicateSlice: (b, next) => {
    const start = index(b.length, next);
    const slice = b.subarray(start, start + index(2048, next));
    const at = index(b.length, next);
    return new Uint8Array(Buffer.concat([b.subarray(0, at), slice, b.subarray(at)]));
  },
  /** Swap a value's major type (top three bits) and keep its length: wrong types that still parse. */
  majorType: (b, next) => {
    const at = index(b.length, next);
    b[at] = (b[at] & 0x1f) | (index(8, next) << 5);
    return b;
  },
  /** The text shapes: base64 and JSON around a damaged document. */
  wrapped: (b, next) => {
    const text = Buffer.from(b).toString('base64');
    const damaged = text.slice(0, index(text.length + 1, next)) + pick(['', '=', '!', '\n', '"'], next);
    return new Uint8Array(Buffer.from(next() < 0.5 ? damaged : JSON.stringify({ attestationDocument: damaged })));
  },
};
const MUTATORS = Object.keys(mutators);

describe(`attestation fuzzing (${CASES} cases, seed ${SEED})${shared ? '' : ' (real documents SKIPPED: no ../shared; synthetic seeds only)'}`, () => {
  it('only clear results: no exception, one of three verdicts, a one-line reason, bounded time', () => {
    const real = shared ? REAL.map((name) => new Uint8Array(readFileSync(join(shared, `${name}.cbor`)))) : [];
    const certificate = shared
      ? new Uint8Array(
          Buffer.from(
            readFileSync(join(shared, 'aws-nitro-root.pem'), 'utf8').replace(/-----[^-]+-----|\s/g, ''),
            'base64',
          ),
        )
      : new Uint8Array(600).fill(0x30);
    const seeds = [...real, ...syntheticSeeds(certificate)];
    const at = new Date(1_663_263_808_848);
    const next = random(SEED);
    const verdicts: Record<string, number> = {};
    let slowest = 0;
    for (let n = 0; n < CASES; n++) {
      const name = pick(MUTATORS, next);
      let bytes: Uint8Array = new Uint8Array(pick(seeds, next));
      for (let round = 0, rounds = 1 + index(3, next); round < rounds; round++)
        bytes = mutators[pick(MUTATORS, next)](bytes, next);
      const started = performance.now();
      let verdict: string;
      try {
        const document = documentBytes(bytes);
        const result = verifyAttestation(document, { at });
        verdict = result.verdict;
        expect(['verified', 'binding-failed', 'invalid']).toContain(result.verdict);
        if (result.reason !== undefined) expect(result.reason, `case ${n} (${name})`).not.toMatch(/[\r\n]/);
      } catch (error) {
        if (!(error instanceof AttestationFormatError)) {
          throw new Error(`case ${n} (${name}, seed ${SEED}): ${(error as Error).name}: ${(error as Error).message}`, {
            cause: error,
          });
        }
        verdict = 'input';
      }
      verdicts[verdict] = (verdicts[verdict] ?? 0) + 1;
      slowest = Math.max(slowest, performance.now() - started);
    }
    // Every mutation class ends somewhere: most in a clear rejection.
    expect((verdicts.invalid ?? 0) + (verdicts.input ?? 0)).toBeGreaterThan(CASES / 2);
    // A generous bound on one case, against quadratic walks and runaway allocation (not a timing assertion of speed).
    expect(slowest).toBeLessThan(2_000);
    if (process.env.FUZZ_REPORT)
      console.log(JSON.stringify({ cases: CASES, seed: SEED, verdicts, slowestMs: Math.round(slowest) }));
  }, 600_000);
});
