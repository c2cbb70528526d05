import { generateKeyPairSync } from 'node:crypto';
import { encode } from 'cborg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AWS_NITRO_ROOT_PEM,
  verifyAttestation,
  type AttestationResult,
  type VerifyAttestationOptions,
} from '../../src/attest/index.js';
import {
  buildDocument,
  CA_EXTENSIONS,
  CertificateFactory,
  concat,
  LEAF_EXTENSIONS,
  OPENSSL_MISSING,
  samplePcrs,
  type DocumentSpec,
  type TestCertificate,
} from './test-chain.js';

const failed = (result: AttestationResult) => result.checks.filter((c) => c.status === 'fail').map((c) => c.id);

describe.skipIf(OPENSSL_MISSING)(
  `documents signed by a test chain${OPENSSL_MISSING ? ` (SKIPPED: ${OPENSSL_MISSING})` : ''}`,
  () => {
    let factory: CertificateFactory;
    let root: TestCertificate;
    let regional: TestCertificate;
    let instance: TestCertificate;
    let leaf: TestCertificate;
    // Certificates start at the second openssl issues them; documents are stamped a little later, as the NSM's are.
    const now = Date.now() + 10 * 60_000;

    beforeAll(() => {
      factory = new CertificateFactory();
      root = factory.issue('root', {
        subject: '/C=US/O=isolint tests/CN=test-root',
        extensions: CA_EXTENSIONS,
        days: 3650,
      });
      regional = factory.issue('regional', { subject: '/CN=regional.test', extensions: CA_EXTENSIONS, days: 30 }, root);
      instance = factory.issue(
        'instance',
        { subject: '/CN=instance.test', extensions: CA_EXTENSIONS, days: 1 },
        regional,
      );
      leaf = factory.issue('leaf', { subject: '/CN=enclave.test', extensions: LEAF_EXTENSIONS, days: 1 }, instance);
    }, 60_000);
    afterAll(() => factory?.cleanup());

    const good = (extra: Partial<DocumentSpec> = {}): DocumentSpec => ({
      signer: leaf.key,
      certificate: leaf.der,
      cabundle: [root.der, regional.der, instance.der],
      timestamp: now,
      ...extra,
    });
    const verify = (spec: DocumentSpec, options: VerifyAttestationOptions = {}) =>
      verifyAttestation(buildDocument(spec), { root: root.pem, at: new Date(now + 60_000), ...options });
    const invalid = (spec: DocumentSpec, options: VerifyAttestationOptions = {}) => {
      const result = verify(spec, options);
      expect(result.verdict).toBe('invalid');
      return result.reason;
    };

    describe('a well-formed document', () => {
      it('verifies: definite and indefinite payload maps, untagged and tag 18', () => {
        for (const shape of [{}, { indefinite: true }, { tagged: true }, { tagged: true, indefinite: true }]) {
          const result = verify(good(shape));
          expect(result.verdict, JSON.stringify(shape)).toBe('verified');
          expect(result.document!.tagged).toBe(Boolean(shape.tagged));
          expect(result.document!.payloadEncoding).toBe(shape.indefinite ? 'indefinite' : 'definite');
        }
      });

      it('accepts optional fields that are absent, null, or set', () => {
        expect(
          verify(good({ edit: (e) => e.filter(([k]) => !['nonce', 'user_data', 'public_key'].includes(k)) })).verdict,
        ).toBe('verified');
        const set = verify(
          good({ nonce: Uint8Array.of(1, 2), userData: new Uint8Array(0), publicKey: Uint8Array.of(9) }),
        );
        expect(set.verdict).toBe('verified');
        expect(Buffer.from(set.document!.nonce!).toString('hex')).toBe('0102');
      });

      it('is refused against the bundled AWS root, which pins cabundle[0] by fingerprint', () => {
        const result = verifyAttestation(buildDocument(good()), { at: new Date(now + 60_000) });
        expect(failed(result)).toEqual(['root']);
        expect(result.reason).toMatch(
          /^cabundle\[0\] is not the AWS Nitro Enclaves root: SHA-256 [0-9A-F]{64}, expected 641A0321A3E244EF/,
        );
        expect(AWS_NITRO_ROOT_PEM).toContain('MIICETCCAZagAwIBAgIRAPkxdWgbkK/hHUbMtOTn+FYw');
      });
    });

    describe('structure (exit 2)', () => {
      const cases: Array<[string, Partial<DocumentSpec>, string | RegExp]> = [
        ['module_id missing', { edit: (e) => e.filter(([k]) => k !== 'module_id') }, 'payload: module_id is missing'],
        ['cabundle missing', { edit: (e) => e.filter(([k]) => k !== 'cabundle') }, 'payload: cabundle is missing'],
        [
          'module_id a number',
          { edit: (e) => e.map(([k, v]) => [k, k === 'module_id' ? 7 : v]) },
          'payload.module_id: expected a non-empty text string, found the number 7',
        ],
        [
          'module_id empty',
          { edit: (e) => e.map(([k, v]) => [k, k === 'module_id' ? '' : v]) },
          'payload.module_id: expected a non-empty text string, found a text string',
        ],
        [
          'digest SHA256',
          { edit: (e) => e.map(([k, v]) => [k, k === 'digest' ? 'SHA256' : v]) },
          'payload.digest: "SHA256", not "SHA384"',
        ],
        [
          'timestamp a string',
          { edit: (e) => e.map(([k, v]) => [k, k === 'timestamp' ? '2025' : v]) },
          /^payload\.timestamp: expected milliseconds since the epoch/,
        ],
        [
          'pcrs an array',
          { edit: (e) => e.map(([k, v]) => [k, k === 'pcrs' ? [] : v]) },
          'payload.pcrs: expected a map, found an array of 0',
        ],
        ['pcrs empty', { pcrs: new Map() }, 'payload.pcrs: 0 entries, expected 1 to 32'],
        [
          'a 20-byte PCR',
          { pcrs: new Map([[0, new Uint8Array(20)]]) },
          'payload.pcrs[0]: 20 bytes, not 32, 48 or 64 bytes',
        ],
        [
          'PCR index 40',
          { pcrs: new Map([[40, new Uint8Array(48)]]) },
          'payload.pcrs: key the number 40 is not a PCR index 0 to 31',
        ],
        [
          'certificate over 1024 bytes',
          { edit: (e) => e.map(([k, v]) => [k, k === 'certificate' ? new Uint8Array(1025) : v]) },
          'payload.certificate: 1025 bytes, expected 1 to 1024',
        ],
        ['cabundle empty', { cabundle: [] }, 'payload.cabundle: expected a non-empty array, found an array of 0'],
        [
          'cabundle entry a string',
          { edit: (e) => e.map(([k, v]) => [k, k === 'cabundle' ? ['x'] : v]) },
          'payload.cabundle[0]: expected a byte string, found a text string',
        ],
        ['nonce over 512 bytes', { nonce: new Uint8Array(513) }, 'payload.nonce: 513 bytes, expected 0 to 512'],
        [
          'user_data over 512 bytes',
          { userData: new Uint8Array(513) },
          'payload.user_data: 513 bytes, expected 0 to 512',
        ],
        ['public_key empty', { publicKey: new Uint8Array(0) }, 'payload.public_key: 0 bytes, expected 1 to 1024'],
        [
          'duplicate payload key',
          { edit: (e) => [...e, ['digest', 'SHA384']] },
          'payload: found repeat map key "digest"',
        ],
        ['alg ES256', { alg: -7 }, 'COSE_Sign1 protected header: alg is -7, not ES384 (-35)'],
        [
          'a 64-byte signature',
          { editCose: (c) => [c[0], c[1], c[2], (c[3] as Uint8Array).subarray(0, 64)] },
          'COSE_Sign1 signature: 64 bytes, not the 96 of an ES384 r‖s signature',
        ],
        [
          'an array of 3',
          { editCose: (c) => c.slice(0, 3) },
          'COSE_Sign1: expected an array of 4 (protected, unprotected, payload, signature), found an array of 3',
        ],
        [
          'a detached payload',
          { editCose: (c) => [c[0], c[1], null, c[3]] },
          'COSE_Sign1 payload: detached (null); the document carries none',
        ],
        [
          'a protected header that is a map, not bytes',
          { editCose: (c) => [new Map([[1, -35]]), c[1], c[2], c[3]] },
          'COSE_Sign1 protected header: expected a byte string, found a map of 1',
        ],
      ];
      for (const [name, edit, reason] of cases) {
        it(name, () => {
          const got = invalid(good(edit));
          if (typeof reason === 'string') expect(got).toBe(reason);
          else expect(got).toMatch(reason);
        });
      }

      it('bad CBOR: truncated, trailing bytes, oversize lengths, another tag, deep nesting', () => {
        const bytes = buildDocument(good());
        const check = (input: Uint8Array) => verifyAttestation(input, { root: root.pem });
        expect(check(bytes.subarray(0, 100)).reason).toMatch(/^COSE_Sign1: (truncated|string at byte \d+ declares)/);
        expect(check(concat([bytes, Uint8Array.of(0)])).reason).toBe('COSE_Sign1: 1 bytes after the end of the item');
        expect(check(Uint8Array.of(0x84, 0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)).reason).toMatch(
          /^COSE_Sign1: string at byte 1 declares \d+ bytes but 0 are left$/,
        );
        expect(check(Uint8Array.of(0x9b, 0, 0, 0, 1, 0, 0, 0, 0)).reason).toBe(
          'COSE_Sign1: array at byte 0 declares 4294967296 entries but 0 bytes are left',
        );
        expect(check(concat([Uint8Array.of(0xd1), bytes])).reason).toMatch(/^COSE_Sign1: tag not supported \(17\)/);
        expect(check(new Uint8Array(100_000).fill(0x81)).reason).toBe(
          'COSE_Sign1: nested deeper than 16 levels at byte 16',
        );
        expect(check(Uint8Array.of(0x82, 0x01, 0xff)).reason).toBe('COSE_Sign1: unexpected break byte at byte 2');
        expect(check(Uint8Array.of(0x81, 0x1c)).reason).toBe(
          'COSE_Sign1: reserved additional information 28 at byte 1',
        );
      });
    });

    describe('signature and chain (exit 2)', () => {
      it('a payload changed after signing', () => {
        const document = buildDocument(good());
        const at = Buffer.from(document).indexOf(Buffer.from('SHA384'));
        document[at + 5] = '5'.charCodeAt(0); // SHA385: still a text string, the signature no longer covers it
        const result = verifyAttestation(document, { root: root.pem, at: new Date(now) });
        expect(result.reason).toBe('payload.digest: "SHA385", not "SHA384"');
        const pcr = buildDocument(good());
        const pcrAt = Buffer.from(pcr).indexOf(Buffer.from('a0'.repeat(48), 'hex'));
        pcr[pcrAt] = 0xa1;
        expect(verifyAttestation(pcr, { root: root.pem, at: new Date(now) }).reason).toBe(
          "signature does not verify with the certificate's key",
        );
      });

      it('signed by another key than the certificate', () => {
        const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
        expect(invalid(good({ signer: privateKey }))).toBe("signature does not verify with the certificate's key");
      });

      it('a cabundle entry signed by a key other than its issuer: "cabundle[1] does not sign cabundle[2]"', () => {
        const impostor = factory.issue('impostor', { subject: '/CN=regional.test', extensions: CA_EXTENSIONS }); // same name, own key
        const forged = factory.issue('forged', { subject: '/CN=instance.test', extensions: CA_EXTENSIONS }, impostor);
        const forgedLeaf = factory.issue(
          'forged-leaf',
          { subject: '/CN=enclave.test', extensions: LEAF_EXTENSIONS },
          forged,
        );
        expect(
          invalid(
            good({
              signer: forgedLeaf.key,
              certificate: forgedLeaf.der,
              cabundle: [root.der, regional.der, forged.der],
            }),
          ),
        ).toBe('cabundle[1] does not sign cabundle[2]');
      });

      it('the cabundle out of order, or missing the leaf issuer', () => {
        expect(invalid(good({ cabundle: [root.der, instance.der, regional.der] }))).toBe(
          "cabundle[1]'s issuer is cabundle[2], not cabundle[0]: the cabundle is out of order",
        );
        expect(invalid(good({ cabundle: [root.der, regional.der] }))).toBe(
          "the certificate's issuer (CN=instance.test) is not in the cabundle (cabundle[1] is CN=regional.test)",
        );
      });

      it('a certificate that does not parse', () => {
        expect(invalid(good({ cabundle: [root.der, Uint8Array.of(0x30, 0x03, 1, 2, 3), instance.der] }))).toMatch(
          /^cabundle\[1\] is not an X\.509 certificate/,
        );
      });

      it('validity: expired, not yet valid, at the verification time and at the timestamp', () => {
        expect(invalid(good(), { at: new Date(now + 3 * 86_400_000) })).toMatch(
          /^certificate expired at \S+ \(the verification time is \S+\)$/,
        );
        expect(invalid(good(), { at: new Date(now - 3_600_000) })).toMatch(
          /^certificate is not valid until \S+ \(the verification time is \S+\)$/,
        );
        expect(invalid(good({ timestamp: now - 3_600_000 }))).toMatch(
          /^certificate is not valid until \S+ \(the document's timestamp is \S+\)$/,
        );
        // An intermediate that expires before its leaf.
        const shortLived = factory.issue(
          'short',
          { subject: '/CN=instance.test', extensions: CA_EXTENSIONS, days: 1 },
          regional,
        );
        const longLeaf = factory.issue(
          'long-leaf',
          { subject: '/CN=enclave.test', extensions: LEAF_EXTENSIONS, days: 5 },
          shortLived,
        );
        expect(
          invalid(
            good({
              signer: longLeaf.key,
              certificate: longLeaf.der,
              cabundle: [root.der, regional.der, shortLived.der],
            }),
            {
              at: new Date(now + 2 * 86_400_000),
            },
          ),
        ).toMatch(/^cabundle\[2\] expired at /);
      });

      it('basic constraints, path length and key usage', () => {
        const notCa = factory.issue('not-ca', { subject: '/CN=not-ca.test', extensions: LEAF_EXTENSIONS }, regional);
        const leafOfNotCa = factory.issue(
          'leaf-not-ca',
          { subject: '/CN=enclave.test', extensions: LEAF_EXTENSIONS },
          notCa,
        );
        expect(
          invalid(
            good({
              signer: leafOfNotCa.key,
              certificate: leafOfNotCa.der,
              cabundle: [root.der, regional.der, notCa.der],
            }),
          ),
        ).toBe('cabundle[2] is not a CA certificate (basic constraints CA:FALSE)');

        const pathZero = factory.issue(
          'path0',
          {
            subject: '/CN=regional.test',
            extensions: ['basicConstraints = critical, CA:TRUE, pathlen:0', 'keyUsage = critical, keyCertSign'],
          },
          root,
        );
        const under = factory.issue('under', { subject: '/CN=instance.test', extensions: CA_EXTENSIONS }, pathZero);
        const leafUnder = factory.issue(
          'leaf-under',
          { subject: '/CN=enclave.test', extensions: LEAF_EXTENSIONS },
          under,
        );
        expect(
          invalid(
            good({ signer: leafUnder.key, certificate: leafUnder.der, cabundle: [root.der, pathZero.der, under.der] }),
          ),
        ).toBe('cabundle[1] allows 0 CA certificates below it (pathlen), the chain has 1');

        const noCertSign = factory.issue(
          'no-cert-sign',
          {
            subject: '/CN=instance.test',
            extensions: ['basicConstraints = critical, CA:TRUE', 'keyUsage = critical, digitalSignature'],
          },
          regional,
        );
        const leafNoCertSign = factory.issue(
          'leaf-ncs',
          { subject: '/CN=enclave.test', extensions: LEAF_EXTENSIONS },
          noCertSign,
        );
        expect(
          invalid(
            good({
              signer: leafNoCertSign.key,
              certificate: leafNoCertSign.der,
              cabundle: [root.der, regional.der, noCertSign.der],
            }),
          ),
        ).toBe('cabundle[2] may not sign certificates (key usage digitalSignature, no keyCertSign)');

        const caLeaf = factory.issue('ca-leaf', { subject: '/CN=enclave.test', extensions: CA_EXTENSIONS }, instance);
        expect(invalid(good({ signer: caLeaf.key, certificate: caLeaf.der }))).toBe(
          'the certificate is a CA certificate, not a signing certificate (basic constraints CA:TRUE)',
        );
        const noSignLeaf = factory.issue(
          'nosign-leaf',
          { subject: '/CN=enclave.test', extensions: ['basicConstraints = CA:FALSE', 'keyUsage = keyAgreement'] },
          instance,
        );
        expect(invalid(good({ signer: noSignLeaf.key, certificate: noSignLeaf.der }))).toBe(
          'the certificate may not sign (key usage keyAgreement, no digitalSignature)',
        );
        const p256 = factory.issue(
          'p256-leaf',
          { subject: '/CN=enclave.test', extensions: LEAF_EXTENSIONS, curve: 'P-256' },
          instance,
        );
        // A P-256 signature is 64 bytes; padded to 96 it passes the structure and the key is what fails.
        const padded = (c: unknown[]) => [c[0], c[1], c[2], concat([c[3] as Uint8Array, new Uint8Array(32)])];
        expect(invalid(good({ signer: p256.key, certificate: p256.der, editCose: padded }))).toBe(
          "the certificate's key is EC prime256v1, not the P-384 key ES384 needs",
        );
      });
    });

    describe('bindings and expectations (exit 1)', () => {
      const binding = (spec: DocumentSpec, options: VerifyAttestationOptions) => {
        const result = verify(spec, options);
        expect(result.verdict).toBe('binding-failed');
        return result.reason;
      };

      it('--max-age', () => {
        expect(verify(good(), { maxAgeMs: 120_000 }).verdict).toBe('verified');
        expect(binding(good(), { maxAgeMs: 30_000 })).toBe('the document is 60 s old, over the maximum age of 30 s');
        expect(binding(good({ timestamp: now + 120_000 }), { maxAgeMs: 30_000 })).toBe(
          "the document's timestamp is 60 s after the verification time",
        );
      });

      it('--nonce and --user-data', () => {
        const spec = good({ nonce: Uint8Array.of(0xab, 0xcd), userData: Buffer.from('hello') });
        expect(verify(spec, { nonce: 'ABCD', userData: Buffer.from('hello') }).verdict).toBe('verified');
        expect(binding(spec, { nonce: 'abce' })).toBe('nonce is abcd, expected abce');
        expect(binding(good(), { nonce: 'abcd' })).toBe('nonce is null in the document, expected abcd');
        expect(binding(spec, { userData: '68656c6c6f21' })).toBe('user_data is 68656c6c6f, expected 68656c6c6f21');
        expect(() => verify(spec, { nonce: 'xyz' })).toThrow('the nonce is not hex (an even number of hex digits)');
      });

      it('--public-key: DER SubjectPublicKeyInfo or raw key in the document', () => {
        const { publicKey } = generateKeyPairSync('x25519');
        const pem = String(publicKey.export({ type: 'spki', format: 'pem' }));
        const der = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
        const raw = der.subarray(der.length - 32);
        expect(verify(good({ publicKey: der }), { publicKey: pem }).verdict).toBe('verified');
        expect(verify(good({ publicKey: raw }), { publicKey: pem }).verdict).toBe('verified');
        const other = String(generateKeyPairSync('x25519').publicKey.export({ type: 'spki', format: 'pem' }));
        expect(binding(good({ publicKey: der }), { publicKey: other })).toMatch(
          /^public_key \(44 bytes: [0-9a-f]{16}…\) is not the given key$/,
        );
      });

      it('debug mode: PCR0/1/2 all zero fails even with PCR3 and PCR4 set, unless allowed', () => {
        const pcrs = samplePcrs({ 0: '00'.repeat(48), 1: '00'.repeat(48), 2: '00'.repeat(48), 3: '33'.repeat(48) });
        const result = verify(good({ pcrs }));
        expect(result.verdict).toBe('binding-failed');
        expect(result.debugMode).toBe(true);
        expect(failed(result)).toEqual(['debug-mode']);
        expect(verify(good({ pcrs }), { allowDebug: true }).verdict).toBe('verified');
      });

      it('--expected and --image PCRs', () => {
        const expectedPcrs = { PCR0: 'A0'.repeat(48), PCR1: 'a1'.repeat(48), PCR4: 'a4'.repeat(48) };
        expect(verify(good(), { expectedPcrs }).checks.find((c) => c.id === 'expected-pcrs')!.message).toBe(
          'PCR0, PCR1, PCR4 match the expected PCRs',
        );
        expect(binding(good(), { expectedPcrs: { PCR2: 'ff'.repeat(48) } })).toBe(
          'PCR2 is a2a2a2a2a2a2a2a2… in the document, the expected PCRs want ffffffffffffffff…',
        );
        expect(
          binding(good({ pcrs: samplePcrs() }), { imagePcrs: { PCR0: 'a0'.repeat(48), PCR8: 'ee'.repeat(48) } }),
        ).toBe('PCR8 is 0000000000000000… in the document, the image want eeeeeeeeeeeeeeee…');
      });

      it('a document failure outranks a binding failure', () => {
        const result = verify(good({ nonce: Uint8Array.of(1) }), { nonce: '02', at: new Date(now + 10 * 86_400_000) });
        expect(result.verdict).toBe('invalid');
        expect(failed(result)).toEqual(['validity', 'nonce']);
      });
    });

    it('encodes like the NSM: the builder emits the key order of real documents', () => {
      const bytes = buildDocument(good());
      expect(bytes[0]).toBe(0x84);
      expect(encode('module_id')).toEqual(new Uint8Array(Buffer.from('696d6f64756c655f6964', 'hex')));
    });
  },
);
