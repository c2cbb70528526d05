/**
 * `measureEif`: everything isolint learns from an enclave image file. Structure first (small reads),
 * then the signature and metadata (small, bounded sections), then one streaming pass that hashes the
 * image and checks its CRC, possibly on two threads (`run-jobs.ts`).
 */
import { InputError } from '../errors.js';
import type { Arch } from './format.js';
import { hashImage, type HashingOptions } from './run-jobs.js';
import { METADATA_MAX_SIZE, parseMetadataSection, type EifMetadata } from './metadata.js';
import { extendFromZero, pcrOfBytes } from './pcr.js';
import { readExactly, readLayoutFrom, type EifSection } from './reader.js';
import { memorySource, openFileSource, type ByteSource } from './source.js';
import type { DecodedSignature, SignatureInfo } from './signature.js';
import { loadSha384Factory, toHex } from './sha384.js';

export interface MeasureOptions extends HashingOptions {
  /** The instant certificate validity is judged at; defaults to now. */
  now?: Date;
}

/** A type alias (not an interface) so it is assignable to PcrValues. */
export type EifPcrs = {
  PCR0: string;
  PCR1: string;
  PCR2: string;
  /** Only for signed images. */
  PCR8?: string;
};

export interface EifSignatureCheck extends SignatureInfo {
  /** The signed value is PCR0 (register 0) and equals the measured PCR0. */
  payloadMatchesPcr0: boolean;
  /** describe-eif's SignatureCheck: the signature verifies and signs the measured PCR0. */
  ok: boolean;
  /** Signatures in the section; only the first counts (https://github.com/aws/aws-nitro-enclaves-image-format). */
  count: number;
}

export interface EifDescription {
  file: string;
  fileSize: number;
  version: number;
  flags: number;
  arch: Arch;
  defaultMemory: number;
  defaultCpus: number;
  sections: EifSection[];
  /** The kernel command line, when it is text of reasonable length. */
  cmdline?: string;
  /** Lower-case hex SHA-384 values. */
  pcrs: EifPcrs;
  crc: { stored: number; computed: number; ok: boolean };
  signed: boolean;
  signature?: EifSignatureCheck;
  metadata?: EifMetadata;
  hashing: { threads: 1 | 2; implementation: 'node' | 'noble' };
}

/** Longer command lines are measured but not shown (Linux itself caps them at a few KiB). */
const CMDLINE_DISPLAY_MAX = 64 * 1024;

export async function measureEif(file: string, options: MeasureOptions = {}): Promise<EifDescription> {
  const source = await openFileSource(file);
  try {
    return await measureSource(source, file, options);
  } finally {
    await source.close();
  }
}

/** Measures an image already in memory (always in-thread); `name` is what errors call it. */
export async function measureEifBytes(
  bytes: Uint8Array,
  name: string,
  options: MeasureOptions = {},
): Promise<EifDescription> {
  return measureSource(memorySource(bytes), name, options);
}

async function measureSource(source: ByteSource, file: string, options: MeasureOptions): Promise<EifDescription> {
  const layout = await readLayoutFrom(source, file);
  const find = (type: EifSection['type']): EifSection | undefined => layout.sections.find((s) => s.type === type);
  const read = (section: EifSection): Promise<Uint8Array> =>
    readExactly(source, file, section.dataOffset, section.size, `${section.type} section`);

  const cmdlineSection = find('cmdline')!;
  const cmdline =
    cmdlineSection.size <= CMDLINE_DISPLAY_MAX ? Buffer.from(await read(cmdlineSection)).toString('utf8') : undefined;

  const metadataSection = find('metadata');
  let metadata: EifMetadata | undefined;
  if (metadataSection) {
    if (metadataSection.size > METADATA_MAX_SIZE) {
      throw new InputError(
        `metadata section of ${metadataSection.size} bytes exceeds the ${METADATA_MAX_SIZE} bytes isolint reads`,
        { file, offset: metadataSection.headerOffset + 4 },
      );
    }
    metadata = parseMetadataSection(await read(metadataSection), file, metadataSection.dataOffset);
  }

  // Decoded before hashing so a broken signature fails fast; its size is bounded by the reader.
  const signatureSection = find('signature');
  // The CBOR decoder is loaded only for signed images.
  let signature: DecodedSignature | undefined;
  if (signatureSection) {
    const { decodeSignatureSection } = await import('./signature.js');
    signature = decodeSignatureSection(await read(signatureSection), file, signatureSection.dataOffset, options.now);
  }

  const implementation = options.implementation ?? 'node';
  const factory = await loadSha384Factory(implementation);
  const hashed = await hashImage(layout, source, options);
  const pcr = (stream: 'PCR0' | 'PCR1' | 'PCR2'): string => toHex(extendFromZero(hashed.digests[stream]!, factory));
  const pcrs: EifPcrs = { PCR0: pcr('PCR0'), PCR1: pcr('PCR1'), PCR2: pcr('PCR2') };

  let signatureCheck: EifSignatureCheck | undefined;
  if (signature) {
    pcrs.PCR8 = pcrOfBytes(signature.certificate.der, factory);
    const payloadMatchesPcr0 = signature.info.signedRegisterIndex === 0 && signature.info.signedPcr === pcrs.PCR0;
    signatureCheck = {
      ...signature.info,
      payloadMatchesPcr0,
      ok: signature.info.signatureValid && payloadMatchesPcr0,
      count: signature.count,
    };
  }

  const { header } = layout;
  return {
    file,
    fileSize: layout.fileSize,
    version: header.version,
    flags: header.flags,
    arch: header.arch,
    defaultMemory: header.defaultMemory,
    defaultCpus: header.defaultCpus,
    sections: layout.sections,
    cmdline,
    pcrs,
    crc: { stored: header.storedCrc32, computed: hashed.crc, ok: header.storedCrc32 === hashed.crc },
    signed: signature !== undefined,
    signature: signatureCheck,
    metadata,
    hashing: { threads: hashed.threads, implementation },
  };
}
