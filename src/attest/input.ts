/**
 * The shapes people save an attestation document in: the raw COSE_Sign1 bytes, base64 (standard or
 * URL-safe, padded or not, wrapped), hex, or JSON holding it: {"attestationDocument": "…"} and similar
 * keys, or an array of byte values.
 */
import { AttestationFormatError } from './cbor.js';
import { MAX_DOCUMENT_BYTES } from './document.js';

/** JSON keys that hold the document in the wrappers seen in the wild (compared without case, _ or -). */
const WRAPPER_KEYS = ['attestationdocument', 'attestationdoc', 'attestation', 'document', 'doc', 'cose', 'coseSign1'];

/** The COSE_Sign1 bytes inside `input`; throws AttestationFormatError when none can be found. */
export function documentBytes(input: Uint8Array): Uint8Array {
  // COSE_Sign1 starts with an array of 4 (0x84) or tag 18 (0xd2); neither byte begins text.
  if (input[0] === 0x84 || input[0] === 0xd2) return input;
  if (input.length > MAX_DOCUMENT_BYTES * 3) {
    throw new AttestationFormatError(`${input.length} bytes, too large to hold a document`);
  }
  const text = Buffer.from(input)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trim();
  if (text.startsWith('{') || text.startsWith('[') || text.startsWith('"')) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new AttestationFormatError(`not valid JSON (${(error as Error).message})`);
    }
    return fromJson(value, '');
  }
  return fromText(text, 'the input');
}

function fromJson(value: unknown, path: string): Uint8Array {
  const where = path || 'the JSON';
  if (typeof value === 'string') return fromText(value.trim(), where);
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every((v) => Number.isInteger(v) && v >= 0 && v <= 255))
      return new Uint8Array(value as number[]);
    throw new AttestationFormatError(`${where}: an array, but not of byte values 0 to 255`);
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    const wanted = new Set(WRAPPER_KEYS.map(normal));
    const found = entries.find(([key]) => wanted.has(normal(key)));
    if (found) return fromJson(found[1], `${path}${path ? '.' : ''}${found[0]}`);
    throw new AttestationFormatError(
      `${where}: no attestation document in it (expected a key such as "attestationDocument", or a string or byte array)`,
    );
  }
  throw new AttestationFormatError(`${where}: expected a string, an array of bytes or an object holding the document`);
}

function fromText(text: string, where: string): Uint8Array {
  const compact = text.replace(/\s+/g, '');
  if (compact.length === 0) throw new AttestationFormatError(`${where}: empty`);
  let bytes: Buffer | undefined;
  if (/^([0-9a-fA-F]{2})+$/.test(compact) && /^(84|d2)/i.test(compact)) bytes = Buffer.from(compact, 'hex');
  else if (/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) bytes = Buffer.from(compact, 'base64');
  else if (/^[A-Za-z0-9_-]+={0,2}$/.test(compact)) bytes = Buffer.from(compact, 'base64url');
  if (!bytes) {
    throw new AttestationFormatError(`${where}: neither CBOR, base64, hex nor JSON holding an attestation document`);
  }
  if (bytes[0] !== 0x84 && bytes[0] !== 0xd2) {
    throw new AttestationFormatError(
      `${where}: decodes to ${bytes.length} bytes that do not start a COSE_Sign1 (first byte 0x${(bytes[0] ?? 0).toString(16).padStart(2, '0')}, expected 0x84 or tag 18)`,
    );
  }
  return new Uint8Array(bytes);
}

function normal(key: string): string {
  return key.toLowerCase().replace(/[_-]/g, '');
}
