/**
 * The EIF binary layout: constants and decoders for the fixed-size header and section headers.
 * Facts from https://github.com/aws/aws-nitro-enclaves-image-format (aws-nitro-enclaves-image-format `src/defs/mod.rs`); all integers big-endian.
 * Pure functions over bytes, no I/O: `reader.ts` decides what to read.
 */
import { InputError } from '../errors.js';

/** `EIF_MAGIC`, ASCII ".eif". */
export const EIF_MAGIC = Uint8Array.of(0x2e, 0x65, 0x69, 0x66);
export const EIF_HEADER_SIZE = 548;
export const SECTION_HEADER_SIZE = 12;
/** `MAX_NUM_SECTIONS`: the header has room for 32 offsets and 32 sizes. */
export const MAX_SECTIONS = 32;
/** `SIGNATURE_MAX_SIZE`: the builder never writes a larger signature section. */
export const SIGNATURE_MAX_SIZE = 32_768;
/** Versions this reader understands: 2 and 3 are read like 4; 0, 1 and >4 are not EIFs we can vouch for. */
export const MIN_SUPPORTED_VERSION = 2;
export const CURRENT_VERSION = 4;
/** `EIF_HDR_ARCH_ARM64`: flags bit 0 set = aarch64, clear = x86_64. */
export const ARCH_ARM64_FLAG = 0x1;

/** Byte offsets of the header fields. */
export const HeaderField = {
  magic: 0x000,
  version: 0x004,
  flags: 0x006,
  defaultMemory: 0x008,
  defaultCpus: 0x010,
  reserved: 0x018,
  numSections: 0x01a,
  sectionOffsets: 0x01c,
  sectionSizes: 0x11c,
  unused: 0x21c,
  crc32: 0x220,
} as const;

/** The CRC covers the header without its last field, the stored CRC itself. */
export const HEADER_CRC_COVERED = HeaderField.crc32;

export type SectionType = 'kernel' | 'cmdline' | 'ramdisk' | 'signature' | 'metadata';

/** `EifSectionType`; 0 is "invalid" and anything from 6 up is rejected by the virtualization stack. */
const SECTION_TYPES: Record<number, SectionType> = {
  1: 'kernel',
  2: 'cmdline',
  3: 'ramdisk',
  4: 'signature',
  5: 'metadata',
};

export type Arch = 'x86_64' | 'aarch64';

export interface EifHeader {
  version: number;
  flags: number;
  arch: Arch;
  /** u64 fields the builder fills with 1 GiB and 2 and nothing reads; numbers, exact below 2^53. */
  defaultMemory: number;
  defaultCpus: number;
  numSections: number;
  /** The first `numSections` entries of the table: file offset of each section's 12-byte header, and its data size. */
  sectionOffsets: bigint[];
  sectionSizes: bigint[];
  storedCrc32: number;
}

export interface SectionHeader {
  type: SectionType;
  typeCode: number;
  flags: number;
  size: bigint;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Decodes and checks the 548-byte header; `file` names the image in errors. */
export function parseEifHeader(bytes: Uint8Array, file: string): EifHeader {
  if (bytes.length < EIF_HEADER_SIZE) {
    throw new InputError(
      `file is ${bytes.length} bytes, shorter than the ${EIF_HEADER_SIZE}-byte EIF header (truncated or not an EIF)`,
      { file, offset: bytes.length },
    );
  }
  for (let i = 0; i < EIF_MAGIC.length; i++) {
    if (bytes[i] !== EIF_MAGIC[i]) {
      throw new InputError(`not an EIF image: the magic is ${describeMagic(bytes.subarray(0, 4))}, expected ".eif"`, {
        file,
        offset: i,
      });
    }
  }
  const data = view(bytes);
  const version = data.getUint16(HeaderField.version);
  if (version < MIN_SUPPORTED_VERSION || version > CURRENT_VERSION) {
    throw new InputError(
      `unsupported EIF version ${version} (this reader knows versions ${MIN_SUPPORTED_VERSION} to ${CURRENT_VERSION})`,
      { file, offset: HeaderField.version },
    );
  }
  const numSections = data.getUint16(HeaderField.numSections);
  if (numSections < 2 || numSections > MAX_SECTIONS) {
    throw new InputError(
      `the header declares ${numSections} sections; an EIF has 2 to ${MAX_SECTIONS} (at least a kernel and a cmdline)`,
      { file, offset: HeaderField.numSections },
    );
  }
  const flags = data.getUint16(HeaderField.flags);
  const sectionOffsets: bigint[] = [];
  const sectionSizes: bigint[] = [];
  for (let i = 0; i < numSections; i++) {
    sectionOffsets.push(data.getBigUint64(HeaderField.sectionOffsets + 8 * i));
    sectionSizes.push(data.getBigUint64(HeaderField.sectionSizes + 8 * i));
  }
  return {
    version,
    flags,
    arch: flags & ARCH_ARM64_FLAG ? 'aarch64' : 'x86_64',
    defaultMemory: Number(data.getBigUint64(HeaderField.defaultMemory)),
    defaultCpus: Number(data.getBigUint64(HeaderField.defaultCpus)),
    numSections,
    sectionOffsets,
    sectionSizes,
    storedCrc32: data.getUint32(HeaderField.crc32),
  };
}

/** Decodes a 12-byte section header found at file offset `offset`. */
export function parseSectionHeader(bytes: Uint8Array, offset: number, file: string): SectionHeader {
  const data = view(bytes);
  const typeCode = data.getUint16(0);
  const type = SECTION_TYPES[typeCode];
  if (type === undefined) {
    throw new InputError(
      `invalid section type ${typeCode} (valid: 1 kernel, 2 cmdline, 3 ramdisk, 4 signature, 5 metadata)`,
      { file, offset },
    );
  }
  return { type, typeCode, flags: data.getUint16(2), size: data.getBigUint64(4) };
}

function describeMagic(bytes: Uint8Array): string {
  const printable = Array.from(bytes).every((b) => b >= 0x20 && b < 0x7f);
  if (printable) return JSON.stringify(String.fromCharCode(...bytes));
  return `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
