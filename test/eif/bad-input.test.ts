import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { measureEifBytes } from '../../src/eif/index.js';
import { buildEif, defaultSections, patternBytes, type BuildSection } from './build-eif.js';
import { expectationOf, vectorBytes } from './helpers.js';

const signed = vectorBytes('tiny-signed');
const expected = expectationOf('tiny-signed');
// tiny-signed: kernel, cmdline, metadata, ramdisk, ramdisk, signature; 11946 bytes (see vectors/README.md).
const SIGNATURE_DATA = 10_003 + 12;
const emptySignatureList = buildEif([
  ...defaultSections(patternBytes(10, 1), 'c', [patternBytes(10, 2)]),
  { kind: 'signature', data: Uint8Array.of(0x80) },
]);

function patched(edit: (bytes: Uint8Array, view: DataView) => void, from: Uint8Array = signed): Uint8Array {
  const copy = new Uint8Array(from);
  edit(copy, new DataView(copy.buffer));
  return copy;
}

async function inputErrorOf(bytes: Uint8Array): Promise<InputError> {
  try {
    await measureEifBytes(bytes, 'bad.eif');
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected an InputError, but the image measured');
}

const cases: Array<{ name: string; bytes: () => Uint8Array; message: RegExp; offset: number }> = [
  {
    name: 'empty file',
    bytes: () => new Uint8Array(0),
    message: /0 bytes, shorter than the 548-byte EIF header/,
    offset: 0,
  },
  {
    name: 'truncated inside the header',
    bytes: () => signed.subarray(0, 300),
    message: /300 bytes, shorter than the 548-byte/,
    offset: 300,
  },
  {
    name: 'header only',
    bytes: () => signed.subarray(0, 548),
    message: /entry 0: a 4096-byte section at byte 548 ends at byte 4656, beyond the end of the 548-byte file/,
    offset: 0x11c,
  },
  {
    name: 'truncated inside the kernel',
    bytes: () => signed.subarray(0, 2000),
    message: /entry 0: .* beyond the end/,
    offset: 0x11c,
  },
  {
    name: 'last byte missing',
    bytes: () => signed.subarray(0, signed.length - 1),
    message: /entry 5: a 1931-byte section .* beyond the end of the 11945-byte file/,
    offset: 0x11c + 40,
  },
  {
    name: 'wrong magic',
    bytes: () => patched((b) => b.set([0x7f, 0x45, 0x4c, 0x46], 0)),
    message: /not an EIF image: the magic is 0x7f454c46/,
    offset: 0,
  },
  {
    name: 'magic off by one byte',
    bytes: () => patched((b) => (b[3] = 0x67)),
    message: /not an EIF image: the magic is "\.eig"/,
    offset: 3,
  },
  { name: 'garbage', bytes: () => patternBytes(5000, 77), message: /not an EIF image/, offset: 0 },
  {
    name: 'future version',
    bytes: () => patched((_, v) => v.setUint16(4, 5)),
    message: /unsupported EIF version 5/,
    offset: 4,
  },
  {
    name: 'version 1',
    bytes: () => patched((_, v) => v.setUint16(4, 1)),
    message: /unsupported EIF version 1/,
    offset: 4,
  },
  {
    name: 'no sections',
    bytes: () => patched((_, v) => v.setUint16(26, 0)),
    message: /declares 0 sections/,
    offset: 26,
  },
  {
    name: 'absurd section count',
    bytes: () => patched((_, v) => v.setUint16(26, 0xffff)),
    message: /declares 65535 sections; an EIF has 2 to 32/,
    offset: 26,
  },
  {
    name: 'section size of 2^64 - 1',
    bytes: () => patched((_, v) => v.setBigUint64(0x11c + 8, 2n ** 64n - 1n)),
    message: /entry 1: a 18446744073709551615-byte section .* beyond the end/,
    offset: 0x11c + 8,
  },
  {
    name: 'section offset of 2^64 - 1',
    bytes: () => patched((_, v) => v.setBigUint64(28 + 8, 2n ** 64n - 1n)),
    message: /entry 1: .* at byte 18446744073709551615 .* beyond the end/,
    offset: 0x11c + 8,
  },
  {
    name: 'overlapping sections',
    bytes: () => patched((_, v) => v.setBigUint64(28 + 16, v.getBigUint64(28 + 8))),
    message: /entry 2 \(byte 4656\) overlaps or precedes section 1, which ends at byte 4690/,
    offset: 28 + 16,
  },
  {
    name: 'table loops back to the first section',
    bytes: () => patched((_, v) => v.setBigUint64(28 + 24, 548n)),
    message: /entry 3 \(byte 548\) overlaps or precedes section 2/,
    offset: 28 + 24,
  },
  {
    name: 'offset inside the header',
    bytes: () => patched((_, v) => v.setBigUint64(28 + 8, 100n)),
    message: /entry 1 points at byte 100, inside the 548-byte header/,
    offset: 28 + 8,
  },
  {
    name: 'gap between sections',
    bytes: () =>
      patched((_, v) => {
        v.setBigUint64(28 + 8, 4657n);
        v.setBigUint64(0x11c + 8, 21n);
      }),
    message: /section 1 starts at byte 4656, but the header's section table says byte 4657/,
    offset: 28 + 8,
  },
  {
    name: 'section header size disagrees with the table',
    bytes: () => patched((_, v) => v.setBigUint64(548 + 4, 4095n)),
    message: /section 0 \(kernel\) says it holds 4095 bytes, but the header's section table says 4096/,
    offset: 552,
  },
  {
    name: 'section type 0',
    bytes: () => patched((_, v) => v.setUint16(548, 0)),
    message: /invalid section type 0/,
    offset: 548,
  },
  {
    name: 'section type 9',
    bytes: () => patched((_, v) => v.setUint16(4656, 9)),
    message: /invalid section type 9/,
    offset: 4656,
  },
  {
    name: 'bytes after the last section',
    bytes: () => {
      const b = new Uint8Array(signed.length + 3);
      b.set(signed);
      return b;
    },
    message: /3 bytes follow the last of the 6 sections/,
    offset: signed.length,
  },
  {
    name: 'table lists one section fewer than the file holds',
    bytes: () => patched((_, v) => v.setUint16(26, 5)),
    message: /1943 bytes follow the last of the 5 sections/,
    offset: 10_003,
  },
  {
    name: 'table lists one section more than the file holds',
    bytes: () => patched((_, v) => v.setUint16(26, 7)),
    message: /entry 6 points at byte 0, inside the 548-byte header/,
    offset: 28 + 48,
  },
  {
    name: 'signature is not CBOR',
    bytes: () => patched((b) => b.fill(0xff, SIGNATURE_DATA)),
    message: /signature section: not valid CBOR/,
    offset: SIGNATURE_DATA,
  },
  // A one-byte signature section at the end of the file: CBOR for an empty list.
  {
    name: 'signature CBOR of the wrong shape',
    bytes: () => emptySignatureList,
    message: /signature section: expected a non-empty list of signatures/,
    offset: emptySignatureList.length - 1,
  },
];

describe('bad input is one InputError naming the problem and its byte offset', () => {
  for (const testCase of cases) {
    it(testCase.name, async () => {
      const error = await inputErrorOf(testCase.bytes());
      expect(error.message).toMatch(testCase.message);
      expect(error.place).toEqual({ file: 'bad.eif', offset: testCase.offset });
      expect(error.format()).toMatch(new RegExp(`^bad\\.eif: at byte ${testCase.offset}: `));
    });
  }

  const structural: Array<{ name: string; sections: BuildSection[]; message: RegExp; version?: number }> = [
    {
      name: 'two kernels',
      sections: [...defaultSections(patternBytes(10, 1), 'c', []), { kind: 'kernel', data: patternBytes(5, 2) }],
      message: /a second kernel section \(section 3\)/,
    },
    {
      name: 'no cmdline',
      sections: defaultSections(patternBytes(10, 1), 'c', []).filter((s) => s.kind !== 'cmdline'),
      message: /no cmdline section/,
    },
    {
      name: 'ramdisk before the kernel',
      sections: [{ kind: 'ramdisk', data: patternBytes(5, 3) }, ...defaultSections(patternBytes(10, 1), 'c', [])],
      message: /ramdisk section 0 comes before the kernel/,
    },
    {
      name: 'version 4 without metadata',
      sections: defaultSections(patternBytes(10, 1), 'c', []).filter((s) => s.kind !== 'metadata'),
      message: /no metadata section, which EIF version 4 requires/,
    },
    {
      name: 'metadata that is not JSON',
      sections: [
        ...defaultSections(patternBytes(10, 1), 'c', []).filter((s) => s.kind !== 'metadata'),
        { kind: 'metadata', data: new TextEncoder().encode('{nope') },
      ],
      message: /metadata section is not JSON/,
    },
    {
      name: 'oversized signature section',
      sections: [...defaultSections(patternBytes(10, 1), 'c', []), { kind: 'signature', data: new Uint8Array(40_000) }],
      message: /signature section of 40000 bytes exceeds the format's limit of 32768/,
    },
  ];
  for (const testCase of structural) {
    it(testCase.name, async () => {
      const error = await inputErrorOf(buildEif(testCase.sections, { version: testCase.version }));
      expect(error.message).toMatch(testCase.message);
      expect(error.place.offset).toEqual(expect.any(Number));
    });
  }
});

describe('damage that is reported, not fatal', () => {
  it('a changed kernel byte: CheckCRC false and a different PCR0', async () => {
    const description = await measureEifBytes(
      patched((b) => (b[600] ^= 0x01)),
      'bad.eif',
    );
    expect(description.crc.ok).toBe(false);
    expect(description.pcrs.PCR0).not.toBe(expected.PCR0);
    expect(description.pcrs.PCR2).toBe(expected.PCR2);
    // The signature still verifies but no longer signs this image's PCR0.
    expect(description.signature!.signatureValid).toBe(true);
    expect(description.signature!.payloadMatchesPcr0).toBe(false);
    expect(description.signature!.ok).toBe(false);
  });

  it('a changed stored CRC: CheckCRC false, PCRs intact', async () => {
    const description = await measureEifBytes(
      patched((_, v) => v.setUint32(544, v.getUint32(544) ^ 1)),
      'bad.eif',
    );
    expect(description.crc.ok).toBe(false);
    expect(description.crc.stored ^ description.crc.computed).toBe(1);
    expect(description.pcrs.PCR0).toBe(expected.PCR0);
  });

  it('a changed byte of the COSE signature: the signature is reported invalid', async () => {
    // The section ends with the last signature byte, serialized as 0x18 <byte>.
    const description = await measureEifBytes(
      patched((b) => (b[b.length - 1] ^= 0x01)),
      'bad.eif',
    );
    expect(description.signature!.signatureValid).toBe(false);
    expect(description.signature!.ok).toBe(false);
    expect(description.pcrs.PCR8).toBe(expected.PCR8);
  });
});
