import { crc32 as zlibCrc32 } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { crc32, crc32Combine, crc32Portable } from '../../src/eif/crc32.js';
import { comparePcrs, pcrOfBytes, pcrOfCertificate, pcrOfFile, pcrOfString } from '../../src/eif/pcr.js';
import { createNodeSha384, sha384, toHex } from '../../src/eif/sha384.js';
import { createNobleSha384 } from '../../src/eif/sha384-noble.js';
import { patternBytes } from './build-eif.js';
import { expectationOf, tempDir, vectorsDir } from './helpers.js';
import path from 'node:path';

describe('SHA-384 implementations', () => {
  it('node and noble agree on known answers and on random data, including copies of a state', () => {
    // FIPS 180-2 "abc" test vector.
    const abc = new TextEncoder().encode('abc');
    const known = 'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7';
    expect(toHex(sha384(abc, createNodeSha384))).toBe(known);
    expect(toHex(sha384(abc, createNobleSha384))).toBe(known);
    for (const length of [0, 1, 111, 112, 127, 128, 129, 100_000]) {
      const data = patternBytes(length, length + 1);
      const node = createNodeSha384();
      const noble = createNobleSha384();
      node.update(data.subarray(0, length >> 1));
      noble.update(data.subarray(0, length >> 1));
      const nodeCopy = node.clone();
      const nobleCopy = noble.clone();
      node.update(data.subarray(length >> 1));
      noble.update(data.subarray(length >> 1));
      expect(toHex(noble.digest())).toBe(toHex(node.digest()));
      // A copy taken half-way digests the first half, whatever was added to the original afterwards.
      const firstHalf = toHex(sha384(data.subarray(0, length >> 1)));
      expect(toHex(nodeCopy.digest())).toBe(firstHalf);
      expect(toHex(nobleCopy.digest())).toBe(firstHalf);
      expect(toHex(sha384(data))).toBe(toHex(sha384(data, createNobleSha384)));
    }
  });
});

describe('CRC-32', () => {
  it('matches zlib, portable and native, with the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32Portable(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    const data = patternBytes(70_000, 99);
    expect(crc32Portable(data)).toBe(zlibCrc32(data) >>> 0);
    expect(crc32Portable(data.subarray(500), crc32Portable(data.subarray(0, 500)))).toBe(zlibCrc32(data) >>> 0);
  });

  it('joins two CRCs like one pass over the concatenation', () => {
    const data = patternBytes(50_000, 7);
    for (const split of [0, 1, 3, 4, 1000, 32_768, 49_999, 50_000]) {
      const joined = crc32Combine(crc32(data.subarray(0, split)), crc32(data.subarray(split)), data.length - split);
      expect(joined).toBe(crc32(data));
    }
  });

  it('joins across lengths beyond 2^32 bytes consistently (images up to and past 4 GiB)', () => {
    // combine(combine(x, y, ly), z, lz) = combine(x, combine(y, z, lz), ly + lz): the shift by ly + lz
    // (past 2^32) must equal the shift by ly then by lz, both of which stay below 2^32.
    const [x, y, z] = [0x12345678, 0x9abcdef0, 0x0fedcba9];
    for (const [ly, lz] of [
      [3 * 2 ** 31, 2 ** 31 + 7],
      [2 ** 32 - 5, 10],
      [2 ** 32, 2 ** 32],
    ] as const) {
      expect(crc32Combine(x, crc32Combine(y, z, lz), ly + lz)).toBe(crc32Combine(crc32Combine(x, y, ly), z, lz));
    }
  });
});

describe('PCR helpers', () => {
  it('PCR3 and PCR4 reproduce the values in the AWS user guide (https://docs.aws.amazon.com/enclaves/latest/user/set-up-attestation.html#where)', () => {
    expect(pcrOfString('arn:aws:iam::123456789012:role/Webserver')).toBe(
      '78fce75db17cd4e0a3fb8dad3ad128ca5e77edbb2b2c7f75329dccd99aa5f6ef4fc1f1a452e315b9e98f9e312e6921e6',
    );
    expect(pcrOfString('i-1234567890abcdef0', createNobleSha384)).toBe(
      '08f996b5d43e047a9eb51e7f548bfee7e164fd7dc8f65541f2ac09d6545ac812719327281c401a67a10fcba87ae79ce0',
    );
  });

  it('an empty content extends to the documented PCR2 of a one-ramdisk image', () => {
    expect(pcrOfBytes(new Uint8Array())).toBe(
      '21b9efbc184807662e966d34f390821309eeac6802309798826296bf3e8bec7c10edb30948c90ba67310f7b964fc500a',
    );
  });

  it('PCR8 of the vector certificate matches the signed vector, PEM or DER', () => {
    const pem = readFileSync(path.join(vectorsDir, 'tiny-signed.cert.pem'), 'utf8');
    const expected = expectationOf('tiny-signed').PCR8;
    expect(pcrOfCertificate(pem)).toBe(expected);
    const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    expect(pcrOfCertificate(der, createNobleSha384)).toBe(expected);
    expect(() => pcrOfCertificate('not a certificate')).toThrow(/not an X\.509 certificate/);
  });

  it('pcrOfFile streams a file to extend(SHA384(bytes))', async () => {
    const temp = tempDir();
    try {
      const data = patternBytes(9 * 1024 * 1024 + 17, 5);
      const file = temp.write('blob.bin', data);
      expect(await pcrOfFile(file)).toBe(pcrOfBytes(data));
      expect(await pcrOfFile(file, createNobleSha384)).toBe(pcrOfBytes(data));
    } finally {
      temp.cleanup();
    }
  });

  it('comparePcrs names each differing PCR, ignores case, and leaves run-time PCRs unchecked', () => {
    const a = 'a'.repeat(96);
    const b = 'b'.repeat(96);
    const result = comparePcrs({ PCR0: a.toUpperCase(), PCR1: b, PCR3: a, PCR8: a }, { PCR0: a, PCR1: a, PCR2: b });
    expect(result.ok).toBe(false);
    expect(result.matched).toEqual(['PCR0']);
    expect(result.mismatches).toEqual([
      { pcr: 'PCR1', expected: b, actual: a },
      { pcr: 'PCR8', expected: a, actual: undefined },
    ]);
    expect(result.unchecked).toEqual(['PCR3']);
    expect(comparePcrs({ PCR2: b }, { PCR0: a, PCR1: a, PCR2: b }).ok).toBe(true);
  });
});
