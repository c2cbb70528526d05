/**
 * The signature section (https://github.com/aws/aws-nitro-enclaves-image-format): serde_cbor of `[{signing_certificate, signature}]`, byte
 * fields written as CBOR arrays of integers; `signing_certificate` is PEM text, `signature` an
 * (untagged) COSE_Sign1 whose payload is `{register_index: 0, register_value: PCR0}`.
 *
 * CBOR is decoded with cborg: a maintained, dependency-free decoder that builds arrays as it reads
 * (a declared length allocates nothing), refuses `__proto__` pollution, and here returns Maps and
 * rejects duplicate keys, indefinite lengths and big integers. The section is at most 32 KiB (the
 * reader enforces SIGNATURE_MAX_SIZE), which bounds everything decoded from it; any decoder error,
 * including a stack overflow from absurd nesting, becomes an InputError.
 */
import { verify } from 'node:crypto';
import { decode, encode, type TagDecoder } from 'cborg';
import { InputError } from '../errors.js';
import { parseCertificate, type CertificateInfo, type ParsedCertificate } from './certificate.js';

/** COSE algorithms (RFC 9053 §2.1) the EIF signer can produce: ECDSA with the key's curve. */
const COSE_ALGORITHMS: Record<number, { name: string; hash: string }> = {
  [-7]: { name: 'ES256', hash: 'sha256' },
  [-35]: { name: 'ES384', hash: 'sha384' },
  [-36]: { name: 'ES512', hash: 'sha512' },
};

/** COSE_Sign1's tag (RFC 9052 §4.2); the EIF signer writes it untagged, but a tagged one means the same. */
const COSE_SIGN1_TAG = 18;
const untag: TagDecoder = (decodeContent) => decodeContent();

const CBOR_OPTIONS = {
  useMaps: true,
  rejectDuplicateMapKeys: true,
  allowIndefinite: false,
  allowUndefined: false,
  allowBigInt: false,
  allowNaN: false,
  allowInfinity: false,
  tags: { [COSE_SIGN1_TAG]: untag },
};

export interface SignatureInfo {
  /** COSE algorithm name, e.g. "ES384". */
  algorithm: string;
  certificate: CertificateInfo;
  /** The COSE_Sign1 signature verifies with the certificate's public key. */
  signatureValid: boolean;
  /** The signed payload names register 0 (PCR0), lower-case hex of the value it signs. */
  signedRegisterIndex: number;
  signedPcr: string;
}

export interface DecodedSignature {
  info: SignatureInfo;
  certificate: ParsedCertificate;
  /** How many signatures the section holds; only the first is used, like the reference. */
  count: number;
}

class SignatureFormatError extends Error {}

/** Decodes and verifies a signature section whose data starts at `dataOffset` of `file`. */
export function decodeSignatureSection(
  bytes: Uint8Array,
  file: string,
  dataOffset: number,
  now = new Date(),
): DecodedSignature {
  const fail = (message: string): InputError =>
    new InputError(`signature section: ${message}`, { file, offset: dataOffset });
  let list: unknown;
  try {
    list = decode(bytes, CBOR_OPTIONS);
  } catch (error) {
    throw fail(`not valid CBOR (${describeError(error)})`);
  }
  try {
    if (!Array.isArray(list) || list.length === 0)
      throw new SignatureFormatError('expected a non-empty list of signatures');
    const first = asMap(list[0], 'signature entry');
    const pem = byteVector(first.get('signing_certificate'), 'signing_certificate');
    const coseBytes = byteVector(first.get('signature'), 'signature');
    let certificate: ParsedCertificate;
    try {
      certificate = parseCertificate(pem, now);
    } catch (error) {
      throw new SignatureFormatError(`signing_certificate is not a certificate (${describeError(error)})`);
    }
    const cose = decodeCoseSign1(coseBytes);
    const payload = asMap(decodeCbor(cose.payload, 'COSE payload'), 'COSE payload');
    const registerIndex = payload.get('register_index');
    if (typeof registerIndex !== 'number' || !Number.isInteger(registerIndex)) {
      throw new SignatureFormatError('COSE payload has no integer register_index');
    }
    const registerValue = byteVector(payload.get('register_value'), 'register_value');
    return {
      certificate,
      count: list.length,
      info: {
        algorithm: cose.algorithm.name,
        certificate: certificate.info,
        signatureValid: verifyCoseSign1(cose, certificate),
        signedRegisterIndex: registerIndex,
        signedPcr: Buffer.from(registerValue).toString('hex'),
      },
    };
  } catch (error) {
    if (error instanceof SignatureFormatError) throw fail(error.message);
    throw error;
  }
}

interface CoseSign1 {
  protectedBytes: Uint8Array;
  payload: Uint8Array;
  signature: Uint8Array;
  algorithm: { name: string; hash: string };
}

function decodeCoseSign1(bytes: Uint8Array): CoseSign1 {
  const structure = decodeCbor(bytes, 'COSE_Sign1');
  if (!Array.isArray(structure) || structure.length !== 4) {
    throw new SignatureFormatError('COSE_Sign1 is not an array of 4 items');
  }
  const [protectedBytes, unprotected, payload, signature] = structure as unknown[];
  if (!(protectedBytes instanceof Uint8Array))
    throw new SignatureFormatError('COSE protected header is not a byte string');
  if (!(unprotected instanceof Map)) throw new SignatureFormatError('COSE unprotected header is not a map');
  if (!(payload instanceof Uint8Array))
    throw new SignatureFormatError('COSE payload is missing (detached payloads are not used by EIFs)');
  if (!(signature instanceof Uint8Array)) throw new SignatureFormatError('COSE signature is not a byte string');
  const header =
    protectedBytes.length === 0
      ? new Map<unknown, unknown>()
      : asMap(decodeCbor(protectedBytes, 'COSE protected header'), 'COSE protected header');
  // Header label 1 is "alg" (RFC 9052 §3.1); it may sit in either bucket, protected is where the signer puts it.
  const algorithmId: unknown = header.get(1) ?? (unprotected as Map<unknown, unknown>).get(1);
  const algorithm = typeof algorithmId === 'number' ? COSE_ALGORITHMS[algorithmId] : undefined;
  if (!algorithm) {
    throw new SignatureFormatError(
      `unsupported COSE algorithm ${String(algorithmId)} (EIFs are signed with ES256, ES384 or ES512)`,
    );
  }
  return { protectedBytes, payload, signature, algorithm };
}

/** ECDSA over Sig_structure = ["Signature1", protected, external_aad = h'', payload] (RFC 9052 §4.4). */
function verifyCoseSign1(cose: CoseSign1, certificate: ParsedCertificate): boolean {
  const toBeSigned = encode(['Signature1', cose.protectedBytes, new Uint8Array(0), cose.payload]);
  if (certificate.publicKey.asymmetricKeyType !== 'ec') return false;
  try {
    // COSE signatures are raw r‖s, not DER (RFC 9053 §2.1).
    return verify(
      cose.algorithm.hash,
      toBeSigned,
      { key: certificate.publicKey, dsaEncoding: 'ieee-p1363' },
      cose.signature,
    );
  } catch {
    return false;
  }
}

function decodeCbor(bytes: Uint8Array, what: string): unknown {
  try {
    return decode(bytes, CBOR_OPTIONS);
  } catch (error) {
    throw new SignatureFormatError(`${what} is not valid CBOR (${describeError(error)})`);
  }
}

function asMap(value: unknown, what: string): Map<unknown, unknown> {
  if (!(value instanceof Map)) throw new SignatureFormatError(`${what} is not a map`);
  return value;
}

/** serde_cbor writes Vec<u8> as an array of integers 0..255; a byte string is accepted too. */
function byteVector(value: unknown, what: string): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (!Array.isArray(value)) throw new SignatureFormatError(`${what} is missing or not a byte array`);
  const bytes = new Uint8Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const byte: unknown = value[i];
    if (typeof byte !== 'number' || !Number.isInteger(byte) || byte < 0 || byte > 255) {
      throw new SignatureFormatError(`${what}[${i}] is not a byte`);
    }
    bytes[i] = byte;
  }
  return bytes;
}

function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^CBOR decode error: /, '').slice(0, 200);
}
