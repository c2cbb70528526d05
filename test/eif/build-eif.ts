/**
 * Builds small EIF images in memory for tests, written straight from the format description
 * (https://github.com/aws/aws-nitro-enclaves-image-format) and with its own naive measurement (whole buffers, node:crypto), so the
 * streaming reader is checked against an independent computation, not against itself.
 */
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';

export type SectionKind = 'kernel' | 'cmdline' | 'ramdisk' | 'signature' | 'metadata';
const TYPE_CODES: Record<SectionKind, number> = { kernel: 1, cmdline: 2, ramdisk: 3, signature: 4, metadata: 5 };

export interface BuildSection {
  kind: SectionKind;
  data: Uint8Array;
}

export interface BuildOptions {
  version?: number;
  aarch64?: boolean;
}

export function defaultSections(
  kernel: Uint8Array,
  cmdline: string,
  ramdisks: Uint8Array[],
  metadata: object = sampleMetadata(),
): BuildSection[] {
  return [
    { kind: 'kernel', data: kernel },
    { kind: 'cmdline', data: new TextEncoder().encode(cmdline) },
    { kind: 'metadata', data: new TextEncoder().encode(JSON.stringify(metadata)) },
    ...ramdisks.map((data) => ({ kind: 'ramdisk' as const, data })),
  ];
}

export function sampleMetadata(): object {
  return {
    ImageName: 'test-image',
    ImageVersion: '2.1',
    BuildMetadata: {
      BuildTime: '2026-01-02T03:04:05Z',
      BuildTool: 'test-builder',
      BuildToolVersion: '0.1',
      OperatingSystem: 'Linux',
      KernelVersion: '6.1',
    },
    DockerInfo: null,
    CustomMetadata: { team: 'isolint', build: 7 },
  };
}

export function buildEif(sections: BuildSection[], options: BuildOptions = {}): Uint8Array {
  const headerSize = 548;
  const total = headerSize + sections.reduce((sum, s) => sum + 12 + s.data.length, 0);
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  bytes.set([0x2e, 0x65, 0x69, 0x66], 0);
  view.setUint16(4, options.version ?? 4);
  view.setUint16(6, options.aarch64 ? 1 : 0);
  view.setBigUint64(8, 1024n * 1024n * 1024n);
  view.setBigUint64(16, 2n);
  view.setUint16(26, sections.length);
  let position = headerSize;
  sections.forEach((section, i) => {
    view.setBigUint64(28 + 8 * i, BigInt(position));
    view.setBigUint64(284 + 8 * i, BigInt(section.data.length));
    view.setUint16(position, TYPE_CODES[section.kind]);
    view.setBigUint64(position + 4, BigInt(section.data.length));
    bytes.set(section.data, position + 12);
    position += 12 + section.data.length;
  });
  return withCorrectCrc(bytes);
}

/** Recomputes the header CRC: header without its last 4 bytes, then everything after the header. */
export function withCorrectCrc(bytes: Uint8Array): Uint8Array {
  const crc = crc32(bytes.subarray(548), crc32(bytes.subarray(0, 544)));
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(544, crc >>> 0);
  return bytes;
}

function sha384(...parts: Uint8Array[]): Buffer {
  const hash = createHash('sha384');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

function extend(content: Uint8Array): string {
  return sha384(new Uint8Array(48), sha384(content)).toString('hex');
}

/** PCR0/1/2 the naive way: concatenate the section data, hash, extend. */
export function naivePcrs(sections: BuildSection[]): { PCR0: string; PCR1: string; PCR2: string } {
  const measured = sections.filter((s) => s.kind === 'kernel' || s.kind === 'cmdline' || s.kind === 'ramdisk');
  const ramdisks = measured.filter((s) => s.kind === 'ramdisk');
  const concat = (list: BuildSection[]) => Buffer.concat(list.map((s) => s.data));
  const bootstrap = measured.filter((s) => s.kind !== 'ramdisk' || s === ramdisks[0]);
  return { PCR0: extend(concat(measured)), PCR1: extend(concat(bootstrap)), PCR2: extend(concat(ramdisks.slice(1))) };
}

/** Deterministic pseudo-random bytes (xorshift), so failures reproduce. */
export function patternBytes(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state & 0xff;
  }
  return bytes;
}
