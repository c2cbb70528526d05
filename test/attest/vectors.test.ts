import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
// Through the package's public surface, as embedders import it.
import { verifyAttestation, type AttestationResult } from '../../src/index.js';
import type { PcrValues } from '../../src/eif/pcr.js';
import { REPO_ROOT } from '../helpers.js';

// The real NSM documents, read where they are (never copied into the project).
const candidates = [process.env.ISOLINT_SHARED, resolve(REPO_ROOT, '..', 'shared'), '/work/shared'].filter(
  Boolean,
) as string[];
const shared = candidates.map((c) => join(c, 'vectors', 'attestation')).find((c) => existsSync(join(c, 'README.md')));
const skipReason = shared ? '' : ` (SKIPPED: no vectors/attestation in ${candidates.join(', ')}; set ISOLINT_SHARED)`;

interface Expectation {
  timestamp_ms: number;
  pcrs: Record<string, string>;
  debug_mode?: boolean;
  nonce?: string | null;
  user_data?: string | null;
  public_key?: string | null;
  module_id?: string;
  cose?: { tagged_18: boolean };
  payload_map_encoding?: string;
}

const read = (name: string) => new Uint8Array(readFileSync(join(shared!, `${name}.cbor`)));
const expectation = (name: string) =>
  JSON.parse(readFileSync(join(shared!, `${name}.expected.json`), 'utf8')) as Expectation;
const pcrsOf = (e: Expectation): PcrValues =>
  Object.fromEntries(Object.entries(e.pcrs).map(([index, value]) => [`PCR${index}`, value]));
const failed = (result: AttestationResult) => result.checks.filter((c) => c.status === 'fail').map((c) => c.id);

const GENUINE = [
  'nsm-prod-indefinite-2025',
  'nsm-prod-signed-eif-2022',
  'nsm-debug-indefinite-2025',
  'nsm-debug-nonce-2024',
];

describe.skipIf(!shared)(`real attestation documents${skipReason}`, () => {
  for (const name of GENUINE) {
    describe(name, () => {
      it('is genuine as of its own timestamp, with the PCRs and fields its expected file lists', () => {
        const e = expectation(name);
        const result = verifyAttestation(read(name), { at: new Date(e.timestamp_ms), expectedPcrs: pcrsOf(e) });
        const document = result.document!;
        expect(document.timestamp).toBe(e.timestamp_ms);
        expect(document.moduleId).toBe(e.module_id);
        expect(document.tagged).toBe(false);
        expect(document.payloadEncoding).toBe(
          e.payload_map_encoding!.startsWith('indefinite') ? 'indefinite' : 'definite',
        );
        for (const [index, value] of Object.entries(e.pcrs)) expect(document.pcrs[Number(index)]).toBe(value);
        expect(document.nonce === null ? null : Buffer.from(document.nonce).toString('hex')).toBe(e.nonce ?? null);
        expect(document.userData === null ? null : Buffer.from(document.userData).toString('hex')).toBe(
          e.user_data ?? null,
        );
        expect(document.publicKey === null ? null : Buffer.from(document.publicKey).toString('hex')).toBe(
          e.public_key ?? null,
        );
        expect(result.certificates.map((c) => c.role)).toEqual([
          'certificate',
          'cabundle[0]',
          'cabundle[1]',
          'cabundle[2]',
          'cabundle[3]',
        ]);
        expect(result.checks.find((c) => c.id === 'expected-pcrs')?.status).toBe('pass');
        for (const id of ['structure', 'root', 'chain', 'validity', 'constraints', 'signature']) {
          expect(result.checks.find((c) => c.id === id)?.status, id).toBe('pass');
        }
        expect(result.debugMode).toBe(e.debug_mode);
        if (e.debug_mode) {
          // The crypto is sound; the document is still refused, for the zero PCRs.
          expect(result.verdict).toBe('binding-failed');
          expect(failed(result)).toEqual(['debug-mode']);
          expect(result.reason).toMatch(/^debug mode: PCR0, PCR1 and PCR2 are all zero/);
        } else {
          expect(result.verdict).toBe('verified');
        }
      });

      it('passes at timestamp + 10 min, fails 1 min before it (not yet valid) and at + 3 h and today (expired)', () => {
        const e = expectation(name);
        const at = (offset: number) =>
          verifyAttestation(read(name), { at: new Date(e.timestamp_ms + offset), allowDebug: true });
        expect(at(10 * 60_000).verdict).toBe('verified');
        const early = at(-60_000);
        expect(early.verdict).toBe('invalid');
        expect(early.reason).toMatch(/^certificate is not valid until .* \(the verification time is /);
        const late = at(3 * 3600_000);
        expect(late.reason).toMatch(/^certificate expired at .* \(the verification time is /);
        const today = verifyAttestation(read(name), { allowDebug: true });
        expect(today.verdict).toBe('invalid');
        expect(failed(today)).toEqual(['validity']);
        expect(today.reason).toMatch(/^certificate expired at 20\d\d-/);
      });
    });
  }

  it('matches the nonce of the 2024 debug document and refuses another', () => {
    const e = expectation('nsm-debug-nonce-2024');
    const options = { at: new Date(e.timestamp_ms), allowDebug: true };
    expect(verifyAttestation(read('nsm-debug-nonce-2024'), { ...options, nonce: e.nonce! }).verdict).toBe('verified');
    const other = verifyAttestation(read('nsm-debug-nonce-2024'), { ...options, nonce: e.nonce!.replace(/01$/, '00') });
    expect(other.verdict).toBe('binding-failed');
    expect(other.reason).toBe(`nonce is ${e.nonce}, expected ${e.nonce!.replace(/01$/, '00')}`);
  });

  it('binds the 2022 document to its nonce, user data and PCR8, and refuses a wrong PCR', () => {
    const e = expectation('nsm-prod-signed-eif-2022');
    const result = verifyAttestation(read('nsm-prod-signed-eif-2022'), {
      at: new Date(e.timestamp_ms),
      nonce: '47b5fba6979cbf7e567e2629',
      userData: e.user_data!,
      expectedPcrs: { PCR8: e.pcrs['8'] },
      maxAgeMs: 60_000,
    });
    expect(result.verdict).toBe('verified');
    const wrong = verifyAttestation(read('nsm-prod-signed-eif-2022'), {
      at: new Date(e.timestamp_ms),
      expectedPcrs: { PCR0: '00'.repeat(47) + '01' },
    });
    expect(wrong.verdict).toBe('binding-failed');
    expect(wrong.reason).toBe('PCR0 is ea4212ee889ba1b4… in the document, the expected PCRs want 0000000000000000…');
  });

  it('damaged-signature-flip: rejected on the signature alone', () => {
    const result = verifyAttestation(read('damaged-signature-flip'), {
      at: new Date(expectation('damaged-signature-flip').timestamp_ms),
    });
    expect(result.verdict).toBe('invalid');
    expect(failed(result)).toEqual(['signature']);
    expect(result.reason).toBe("signature does not verify with the certificate's key");
  });

  it('damaged-pcr0-flip: the payload changed after signing, so the signature fails (PCR0 reads eb4212ee…)', () => {
    const result = verifyAttestation(read('damaged-pcr0-flip'), {
      at: new Date(expectation('damaged-pcr0-flip').timestamp_ms),
    });
    expect(result.verdict).toBe('invalid');
    expect(failed(result)).toEqual(['signature']);
    expect(result.document!.pcrs[0].startsWith('eb4212ee')).toBe(true);
  });

  it("damaged-cabundle-truncated: the leaf's issuer is missing, a bundle of 3 is not accepted", () => {
    const result = verifyAttestation(read('damaged-cabundle-truncated'), {
      at: new Date(expectation('damaged-cabundle-truncated').timestamp_ms),
    });
    expect(result.verdict).toBe('invalid');
    expect(failed(result)).toEqual(['chain', 'signature']);
    expect(result.reason).toMatch(
      /^the certificate's issuer \(.*CN=i-0697c9729fa547b20\.us-east-1\.aws\.nitro-enclaves\) is not in the cabundle \(cabundle\[2\] is /,
    );
  });
});
