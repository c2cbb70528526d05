import { describe, expect, it } from 'vitest';
import { measureEif, toDescribeEifJson } from '../../src/eif/index.js';
import { VECTORS, expectationOf, vectorPath } from './helpers.js';

describe('EIF vectors measure to their expected values', () => {
  for (const name of VECTORS) {
    for (const implementation of ['node', 'noble'] as const) {
      it(`${name} (${implementation} SHA-384)`, async () => {
        const expected = expectationOf(name);
        const description = await measureEif(vectorPath(name), { implementation, parallelism: 'in-thread' });
        expect(description.pcrs.PCR0).toBe(expected.PCR0);
        expect(description.pcrs.PCR1).toBe(expected.PCR1);
        expect(description.pcrs.PCR2).toBe(expected.PCR2);
        expect(description.pcrs.PCR8).toBe(expected.PCR8);
        expect(description.crc.ok).toBe(expected.crc_ok);
        expect(description.arch).toBe(expected.arch);
        expect(description.signed).toBe(expected.PCR8 !== undefined);
      });
    }
  }

  it('reads the structure the vectors README describes', async () => {
    const description = await measureEif(vectorPath('tiny-unsigned'));
    expect(description.version).toBe(4);
    expect(description.cmdline).toBe('console=ttyS0 reboot=k');
    expect(description.sections.map((s) => [s.type, s.size])).toEqual([
      ['kernel', 4096],
      ['cmdline', 22],
      ['metadata', expect.any(Number)],
      ['ramdisk', 2048],
      ['ramdisk', 3000],
    ]);
    expect(description.defaultCpus).toBe(2);
    expect(description.defaultMemory).toBe(1024 * 1024 * 1024);
  });

  it('verifies the signature of the signed vector and reports its certificate', async () => {
    const description = await measureEif(vectorPath('tiny-signed'), { now: new Date('2030-01-01T00:00:00Z') });
    const signature = description.signature!;
    expect(signature.algorithm).toBe('ES384');
    expect(signature.signatureValid).toBe(true);
    expect(signature.payloadMatchesPcr0).toBe(true);
    expect(signature.ok).toBe(true);
    expect(signature.certificate.subject).toEqual({ commonName: 'isolint-vector', organizationName: 'isolint' });
    expect(signature.certificate.issuer).toEqual({ commonName: 'isolint-vector', organizationName: 'isolint' });
    expect(signature.certificate.validAtMeasurement).toBe(true);
    // Judged before the certificate's notBefore, the same certificate is outside its validity.
    const early = await measureEif(vectorPath('tiny-signed'), { now: new Date('2020-01-01T00:00:00Z') });
    expect(early.signature!.certificate.validAtMeasurement).toBe(false);
  });

  it('prints the describe-eif shape', async () => {
    const unsigned = toDescribeEifJson(await measureEif(vectorPath('tiny-unsigned')));
    expect(Object.keys(unsigned)).toEqual([
      'EifVersion',
      'Measurements',
      'IsSigned',
      'CheckCRC',
      'ImageName',
      'ImageVersion',
      'Metadata',
      'Arch',
    ]);
    expect(Object.keys(unsigned.Measurements as object)).toEqual(['HashAlgorithm', 'PCR0', 'PCR1', 'PCR2']);
    const signed = toDescribeEifJson(await measureEif(vectorPath('tiny-signed')));
    expect(Object.keys(signed)).toEqual([
      'EifVersion',
      'Measurements',
      'IsSigned',
      'SigningCertificate',
      'CheckCRC',
      'SignatureCheck',
      'ImageName',
      'ImageVersion',
      'Metadata',
      'Arch',
    ]);
    expect(signed.IsSigned).toBe(true);
    expect(signed.SignatureCheck).toBe(true);
    const certificate = signed.SigningCertificate as Record<string, unknown>;
    expect(Object.keys(certificate)).toEqual(['IssuerName', 'Algorithm', 'NotBefore', 'NotAfter', 'Signature']);
    expect(certificate.NotBefore).toMatch(/^[A-Z][a-z]{2} +\d+ \d\d:\d\d:\d\d \d{4} GMT$/);
    expect(certificate.Signature).toMatch(/^[0-9A-F]{2}(:[0-9A-F]{2})+$/);
  });
});
