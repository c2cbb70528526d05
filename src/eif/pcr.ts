/**
 * PCR arithmetic (https://docs.aws.amazon.com/enclaves/latest/user/set-up-attestation.html#where). Every PCR an EIF yields is an extend from the zero register:
 * `SHA384(48 zero bytes ‖ SHA384(content))`. PCR3 and PCR4 are different: AWS extends the raw
 * UTF-8 string of the role ARN or instance id, not its hash (checked against the examples in https://docs.aws.amazon.com/enclaves/latest/user/set-up-attestation.html#where).
 */
import { open } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { parseCertificate } from './certificate.js';
import { CHUNK_SIZE } from './hash-job.js';
import { SHA384_SIZE, createNodeSha384, sha384, toHex, type Sha384Factory } from './sha384.js';

export type PcrName = `PCR${number}`;
/** PCR values as lower-case hex, keyed "PCR0", "PCR1", ... */
export type PcrValues = Partial<Record<PcrName, string>>;

const ZERO_REGISTER = new Uint8Array(SHA384_SIZE);

/** The value of a zeroed PCR after one extend with `measurement`. */
export function extendFromZero(measurement: Uint8Array, factory: Sha384Factory = createNodeSha384): Uint8Array {
  const hash = factory();
  hash.update(ZERO_REGISTER);
  hash.update(measurement);
  return hash.digest();
}

/** extend(SHA384(content)), hex: what `nitro-cli pcr --input` prints for a file with these bytes. */
export function pcrOfBytes(content: Uint8Array, factory: Sha384Factory = createNodeSha384): string {
  return toHex(extendFromZero(sha384(content, factory), factory));
}

/** `nitro-cli pcr --input FILE`: extend(SHA384(file)), streamed in chunks. */
export async function pcrOfFile(file: string, factory: Sha384Factory = createNodeSha384): Promise<string> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw new InputError(`cannot open: ${(error as Error).message}`, { file });
  }
  try {
    const hash = factory();
    const buffer = new Uint8Array(CHUNK_SIZE);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
    return toHex(extendFromZero(hash.digest(), factory));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') throw new InputError('is a directory, not a file', { file });
    throw error;
  } finally {
    await handle.close();
  }
}

/** PCR8 of a certificate (PEM text or DER bytes): extend(SHA384(DER)). */
export function pcrOfCertificate(pemOrDer: string | Uint8Array, factory: Sha384Factory = createNodeSha384): string {
  let der: Uint8Array;
  try {
    der = parseCertificate(pemOrDer).der;
  } catch (error) {
    throw new InputError(`not an X.509 certificate in PEM or DER (${(error as Error).message})`);
  }
  return pcrOfBytes(der, factory);
}

/** PCR3 (IAM role ARN of the parent) or PCR4 (parent instance id): SHA384(48 zero bytes ‖ UTF-8 of the string). */
export function pcrOfString(value: string, factory: Sha384Factory = createNodeSha384): string {
  return toHex(extendFromZero(new TextEncoder().encode(value), factory));
}

export interface PcrMismatch {
  pcr: PcrName;
  expected: string;
  /** Undefined when the image has no such PCR (PCR8 of an unsigned image). */
  actual: string | undefined;
}

export interface PcrComparison {
  ok: boolean;
  mismatches: PcrMismatch[];
  /** Expected PCRs that matched. */
  matched: PcrName[];
  /** Expected PCRs an image cannot yield (PCR3, PCR4 are set at run time): neither checked nor failed. */
  unchecked: PcrName[];
}

/** PCRs an EIF determines; the rest of an expected file is left unchecked. */
const IMAGE_PCRS: readonly string[] = ['PCR0', 'PCR1', 'PCR2', 'PCR8'];

/** Compares expected PCRs (hex in any case) with measured ones; `ok` when every checkable one matches. */
export function comparePcrs(expected: PcrValues, actual: PcrValues): PcrComparison {
  const comparison: PcrComparison = { ok: true, mismatches: [], matched: [], unchecked: [] };
  const names = (Object.keys(expected) as PcrName[]).sort((a, b) => Number(a.slice(3)) - Number(b.slice(3)));
  for (const pcr of names) {
    const want = expected[pcr]!.toLowerCase();
    if (!IMAGE_PCRS.includes(pcr) && actual[pcr] === undefined) {
      comparison.unchecked.push(pcr);
      continue;
    }
    const got = actual[pcr]?.toLowerCase();
    if (got === want) comparison.matched.push(pcr);
    else comparison.mismatches.push({ pcr, expected: want, actual: got });
  }
  comparison.ok = comparison.mismatches.length === 0;
  return comparison;
}
