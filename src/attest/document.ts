/**
 * The attestation document's structure, as AWS specifies it: a COSE_Sign1 (RFC 9052 §4.2; tag 18 or,
 * as the NSM actually emits it, untagged) whose protected header names ES384 and whose payload is a CBOR
 * map with module_id, digest, timestamp, pcrs, certificate, cabundle and the optional public_key,
 * user_data and nonce. Field types and sizes follow "Verifying the root of trust"
 * (https://docs.aws.amazon.com/enclaves/latest/user/verify-root.html) and the NSM API's attestation
 * process description (https://github.com/aws/aws-nitro-enclaves-nsm-api/blob/main/docs/attestation_process.md).
 */
import { AttestationFormatError, CoseSign1Tag, decodeCbor, encodeCbor } from './cbor.js';

/** No NSM document comes near this (they are about 4.5 KiB); it bounds everything that follows. */
export const MAX_DOCUMENT_BYTES = 1024 * 1024;
/** COSE algorithm identifier of ECDSA with SHA-384 (RFC 9053 §2.1). */
const COSE_ES384 = -35;
/** r ‖ s of a P-384 signature (RFC 9053 §2.1). */
const ES384_SIGNATURE_BYTES = 96;
const PCR_VALUE_BYTES = [32, 48, 64];
const MAX_PCRS = 32;
const MAX_CERTIFICATE_BYTES = 1024;
const MAX_USER_DATA_BYTES = 512;
const MAX_NONCE_BYTES = 512;
const MAX_PUBLIC_KEY_BYTES = 1024;
/** The NSM's bundle holds 4 (root, regional, zonal, instance); more than this is not a Nitro chain but a cost. */
const MAX_CABUNDLE = 32;

/** A decoded attestation document. Byte fields stay bytes; `pcrs` are lower-case hex keyed by index. */
export interface AttestationDocument {
  /** Whether the COSE_Sign1 carried tag 18 (real NSM output does not). */
  tagged: boolean;
  algorithm: 'ES384';
  /** How the payload map was encoded: the NSM switched from definite to indefinite length in 2025. */
  payloadEncoding: 'definite' | 'indefinite';
  moduleId: string;
  digest: 'SHA384';
  /** Milliseconds since the epoch, UTC, as the NSM stamped it. */
  timestamp: number;
  pcrs: Record<number, string>;
  certificate: Uint8Array;
  /** Root first, the certificate's issuer last (AWS's order). */
  cabundle: Uint8Array[];
  publicKey: Uint8Array | null;
  userData: Uint8Array | null;
  nonce: Uint8Array | null;
  signature: Uint8Array;
  /** The encoded protected header and payload, as signed. */
  protectedHeader: Uint8Array;
  payload: Uint8Array;
}

/** Decodes and checks the structure; throws AttestationFormatError naming the field or byte at fault. */
export function decodeAttestationDocument(bytes: Uint8Array): AttestationDocument {
  if (bytes.length > MAX_DOCUMENT_BYTES) {
    throw new AttestationFormatError(`${bytes.length} bytes, over the ${MAX_DOCUMENT_BYTES}-byte limit for a document`);
  }
  let top = decodeCbor(bytes, 'COSE_Sign1', true);
  const tagged = top instanceof CoseSign1Tag;
  if (top instanceof CoseSign1Tag) top = top.content;
  if (!Array.isArray(top) || top.length !== 4) {
    throw new AttestationFormatError(
      `COSE_Sign1: expected an array of 4 (protected, unprotected, payload, signature), found ${describe(top)}`,
    );
  }
  const [protectedHeader, unprotected, payload, signature] = top as unknown[];
  const protectedBytes = bytesField(protectedHeader, 'COSE_Sign1 protected header');
  const headerMap = decodeCbor(protectedBytes, 'COSE_Sign1 protected header');
  if (!(headerMap instanceof Map)) {
    throw new AttestationFormatError(`COSE_Sign1 protected header: expected a map, found ${describe(headerMap)}`);
  }
  const algorithm: unknown = (headerMap as Map<unknown, unknown>).get(1);
  if (algorithm !== COSE_ES384) {
    throw new AttestationFormatError(
      `COSE_Sign1 protected header: alg is ${algorithm === undefined ? 'missing' : (JSON.stringify(algorithm) ?? typeof algorithm)}, not ES384 (-35)`,
    );
  }
  if (!(unprotected instanceof Map)) {
    throw new AttestationFormatError(`COSE_Sign1 unprotected header: expected a map, found ${describe(unprotected)}`);
  }
  if (payload === null)
    throw new AttestationFormatError('COSE_Sign1 payload: detached (null); the document carries none');
  const payloadBytes = bytesField(payload, 'COSE_Sign1 payload');
  const signatureBytes = bytesField(signature, 'COSE_Sign1 signature');
  if (signatureBytes.length !== ES384_SIGNATURE_BYTES) {
    throw new AttestationFormatError(
      `COSE_Sign1 signature: ${signatureBytes.length} bytes, not the ${ES384_SIGNATURE_BYTES} of an ES384 r‖s signature`,
    );
  }
  const fields = decodeCbor(payloadBytes, 'payload');
  if (!(fields instanceof Map)) throw new AttestationFormatError(`payload: expected a map, found ${describe(fields)}`);
  const field = (name: string): unknown => {
    if (!fields.has(name)) throw new AttestationFormatError(`payload: ${name} is missing`);
    return fields.get(name);
  };

  const moduleId = field('module_id');
  if (typeof moduleId !== 'string' || moduleId.length === 0) {
    throw new AttestationFormatError(
      `payload.module_id: expected a non-empty text string, found ${describe(moduleId)}`,
    );
  }
  const digest = field('digest');
  if (digest !== 'SHA384') {
    throw new AttestationFormatError(
      `payload.digest: ${typeof digest === 'string' ? JSON.stringify(digest) : describe(digest)}, not "SHA384"`,
    );
  }
  const timestamp = field('timestamp');
  if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp) || timestamp <= 0) {
    throw new AttestationFormatError(
      `payload.timestamp: expected milliseconds since the epoch (a positive integer), found ${describe(timestamp)}`,
    );
  }
  const pcrMap = field('pcrs');
  if (!(pcrMap instanceof Map))
    throw new AttestationFormatError(`payload.pcrs: expected a map, found ${describe(pcrMap)}`);
  if (pcrMap.size === 0 || pcrMap.size > MAX_PCRS) {
    throw new AttestationFormatError(`payload.pcrs: ${pcrMap.size} entries, expected 1 to ${MAX_PCRS}`);
  }
  const pcrs: Record<number, string> = {};
  for (const [index, value] of pcrMap) {
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= MAX_PCRS) {
      throw new AttestationFormatError(`payload.pcrs: key ${describe(index)} is not a PCR index 0 to ${MAX_PCRS - 1}`);
    }
    if (!(value instanceof Uint8Array) || !PCR_VALUE_BYTES.includes(value.length)) {
      throw new AttestationFormatError(
        `payload.pcrs[${index}]: ${value instanceof Uint8Array ? `${value.length} bytes` : describe(value)}, not 32, 48 or 64 bytes`,
      );
    }
    pcrs[index] = Buffer.from(value).toString('hex');
  }
  const certificate = sizedBytes(field('certificate'), 'payload.certificate', 1, MAX_CERTIFICATE_BYTES);
  const bundle = field('cabundle');
  if (!Array.isArray(bundle) || bundle.length === 0) {
    throw new AttestationFormatError(`payload.cabundle: expected a non-empty array, found ${describe(bundle)}`);
  }
  if (bundle.length > MAX_CABUNDLE) {
    throw new AttestationFormatError(
      `payload.cabundle: ${bundle.length} certificates, more than the ${MAX_CABUNDLE} a chain may have`,
    );
  }
  const cabundle = bundle.map((entry, index) =>
    sizedBytes(entry, `payload.cabundle[${index}]`, 1, MAX_CERTIFICATE_BYTES),
  );
  return {
    tagged,
    algorithm: 'ES384',
    payloadEncoding: payloadBytes[0] === 0xbf ? 'indefinite' : 'definite',
    moduleId,
    digest: 'SHA384',
    timestamp,
    pcrs,
    certificate,
    cabundle,
    publicKey: optionalBytes(fields.get('public_key'), 'payload.public_key', 1, MAX_PUBLIC_KEY_BYTES),
    userData: optionalBytes(fields.get('user_data'), 'payload.user_data', 0, MAX_USER_DATA_BYTES),
    nonce: optionalBytes(fields.get('nonce'), 'payload.nonce', 0, MAX_NONCE_BYTES),
    signature: signatureBytes,
    protectedHeader: protectedBytes,
    payload: payloadBytes,
  };
}

/** Sig_structure of COSE_Sign1 with empty external AAD (RFC 9052 §4.4): what the ES384 signature covers. */
export function signatureInput(document: AttestationDocument): Uint8Array {
  return encodeCbor(['Signature1', document.protectedHeader, new Uint8Array(0), document.payload]);
}

function bytesField(value: unknown, what: string): Uint8Array {
  if (!(value instanceof Uint8Array))
    throw new AttestationFormatError(`${what}: expected a byte string, found ${describe(value)}`);
  return value;
}

function sizedBytes(value: unknown, what: string, min: number, max: number): Uint8Array {
  const bytes = bytesField(value, what);
  if (bytes.length < min || bytes.length > max) {
    throw new AttestationFormatError(`${what}: ${bytes.length} bytes, expected ${min} to ${max}`);
  }
  return bytes;
}

/** Optional fields are present with CBOR null when unused (every real document), or absent. */
function optionalBytes(value: unknown, what: string, min: number, max: number): Uint8Array | null {
  return value === undefined || value === null ? null : sizedBytes(value, what, min, max);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Uint8Array) return `a byte string of ${value.length} bytes`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value instanceof Map) return `a map of ${value.size}`;
  if (value instanceof CoseSign1Tag) return 'tag 18';
  if (typeof value === 'string') return 'a text string';
  if (typeof value === 'number' || typeof value === 'bigint') return `the number ${String(value)}`;
  return typeof value === 'boolean' ? String(value) : typeof value;
}
