/**
 * verifyAttestation: is a Nitro Enclaves attestation document genuine (structure, ES384 signature, chain
 * to the pinned root), fresh and bound to what the caller expects (time, nonce, user data, public key),
 * and does it attest to the expected image, PCRs and keys? Offline, node:crypto only, no native addon.
 */
import { X509Certificate, createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import type { Graph } from '../model/graph.js';
import type { PcrValues } from '../eif/pcr.js';
import { AttestationFormatError } from './cbor.js';
import { verifyChain, type AttestationCheck, type ChainCertificate } from './chain.js';
import { decodeAttestationDocument, signatureInput, type AttestationDocument } from './document.js';
import { keysForDocument, type KeyVerdict } from './key-policy.js';
import { AWS_NITRO_ROOT_PEM, AWS_NITRO_ROOT_SHA256 } from './root.js';

export interface VerifyAttestationOptions {
  /** The verification clock (default now): certificates must be valid then, and --max-age counts from it. */
  at?: Date;
  /** Reject a document whose timestamp is older than this many milliseconds at `at`. */
  maxAgeMs?: number;
  /** The nonce the document must carry (bytes, or hex). */
  nonce?: Uint8Array | string;
  /** The user_data the document must carry (bytes, or hex). */
  userData?: Uint8Array | string;
  /** The public key the document must carry: PEM text, or a KeyObject. */
  publicKey?: string | KeyObject;
  /** Another trust anchor (PEM or DER) in place of the bundled AWS Nitro Enclaves root. */
  root?: string | Uint8Array;
  /** PCRs the document must carry (the files `measure --expected` takes, loaded). */
  expectedPcrs?: PcrValues;
  /** PCRs measured from the image the enclave should run (PCR0, 1, 2 and 8 of `measure`). */
  imagePcrs?: PcrValues;
  /** A scanned deployment: which of its KMS keys would accept this document. */
  deployment?: Graph;
  /** Accept debug-mode documents (PCR0/1/2 all zero) without failing. */
  allowDebug?: boolean;
}

/** verified: exit 0; binding-failed: genuine but a binding or expectation failed, exit 1; invalid: exit 2. */
export type AttestationVerdict = 'verified' | 'binding-failed' | 'invalid';

export interface AttestationResult {
  verdict: AttestationVerdict;
  /** The first failing check's message, when the verdict is not `verified`. */
  reason?: string;
  /** The decoded document, when its structure is valid. */
  document?: AttestationDocument;
  /** The chain, leaf first, as far as it parsed. */
  certificates: ChainCertificate[];
  /** PCR0, PCR1 and PCR2 are all zero: an enclave started with --debug-mode. */
  debugMode: boolean;
  /** Every check in the order it was made; document checks first, then bindings and expectations. */
  checks: AttestationCheck[];
  /** With `deployment`: each key's verdict. */
  keys?: KeyVerdict[];
  /** The verification clock, ISO 8601. */
  verifiedAt: string;
}

/** Checks whose failure makes the document invalid (exit 2) rather than merely unexpected (exit 1). */
const DOCUMENT_CHECKS = new Set(['structure', 'root', 'chain', 'validity', 'constraints', 'signature']);

export function verifyAttestation(bytes: Uint8Array, options: VerifyAttestationOptions = {}): AttestationResult {
  const at = options.at ?? new Date();
  const checks: AttestationCheck[] = [];
  const finish = (extra: Partial<AttestationResult> = {}): AttestationResult => {
    const documentFailure = checks.find((check) => check.status === 'fail' && DOCUMENT_CHECKS.has(check.id));
    const failed = documentFailure ?? checks.find((check) => check.status === 'fail');
    const verdict: AttestationVerdict = documentFailure ? 'invalid' : failed ? 'binding-failed' : 'verified';
    return {
      verdict,
      ...(failed ? { reason: failed.message } : {}),
      certificates: [],
      debugMode: false,
      checks,
      verifiedAt: at.toISOString(),
      ...extra,
    };
  };

  let document: AttestationDocument;
  try {
    document = decodeAttestationDocument(bytes);
  } catch (error) {
    if (!(error instanceof AttestationFormatError)) throw error;
    checks.push({ id: 'structure', status: 'fail', message: error.message });
    return finish();
  }
  checks.push({
    id: 'structure',
    status: 'pass',
    message: `COSE_Sign1${document.tagged ? ' (tag 18)' : ''}, ES384, ${document.payloadEncoding}-length payload map with every mandatory field`,
  });

  const anchor = trustAnchor(options.root);
  const timestamp = new Date(document.timestamp);
  const chain = verifyChain(document, anchor, timestamp, at);
  checks.push(...chain.checks);
  checks.push(signatureCheck(document, chain.leafKey));

  // --- bindings: freshness and what the requester put in the document
  if (options.maxAgeMs !== undefined) checks.push(freshnessCheck(document.timestamp, at, options.maxAgeMs));
  if (options.nonce !== undefined)
    checks.push(bytesCheck('nonce', 'nonce', document.nonce, toBytes(options.nonce, 'nonce')));
  if (options.userData !== undefined) {
    checks.push(bytesCheck('user-data', 'user_data', document.userData, toBytes(options.userData, 'user data')));
  }
  if (options.publicKey !== undefined) checks.push(publicKeyCheck(document.publicKey, options.publicKey));

  // --- what it attests to
  const debugMode = [0, 1, 2].every((index) => document.pcrs[index] !== undefined && /^0+$/.test(document.pcrs[index]));
  checks.push(
    debugMode
      ? {
          id: 'debug-mode',
          status: options.allowDebug ? 'pass' : 'fail',
          message:
            'debug mode: PCR0, PCR1 and PCR2 are all zero (the enclave was started with --debug-mode; its console is readable and its measurements prove nothing about the image)',
        }
      : { id: 'debug-mode', status: 'pass', message: 'not a debug-mode enclave (PCR0, PCR1 and PCR2 are set)' },
  );
  if (options.expectedPcrs)
    checks.push(pcrCheck('expected-pcrs', 'the expected PCRs', options.expectedPcrs, document.pcrs));
  if (options.imagePcrs) checks.push(pcrCheck('image', 'the image', options.imagePcrs, document.pcrs));
  let keys: KeyVerdict[] | undefined;
  if (options.deployment) {
    keys = keysForDocument(options.deployment, document.pcrs);
    const unlocked = keys.filter((k) => k.unlocks === true).map((k) => k.key);
    checks.push(
      unlocked.length > 0
        ? {
            id: 'keys',
            status: 'pass',
            message: `unlocks ${unlocked.map((k) => `'${k}'`).join(', ')} of ${keys.length} KMS key${keys.length === 1 ? '' : 's'}`,
          }
        : {
            id: 'keys',
            status: 'fail',
            message:
              keys.length === 0
                ? 'the scan holds no KMS key'
                : `unlocks none of the ${keys.length} KMS key${keys.length === 1 ? '' : 's'} in the scan`,
          },
    );
  }
  return finish({ document, certificates: chain.certificates, debugMode, ...(keys ? { keys } : {}) });
}

let bundledRoot: X509Certificate | undefined;

function trustAnchor(root: string | Uint8Array | undefined) {
  if (root !== undefined) {
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(typeof root === 'string' ? root : Buffer.from(root));
    } catch (error) {
      throw new AttestationOptionError(
        `the root is not an X.509 certificate in PEM or DER (${(error as Error).message})`,
      );
    }
    return { certificate, name: 'the --root certificate' };
  }
  if (!bundledRoot) {
    const certificate = new X509Certificate(AWS_NITRO_ROOT_PEM);
    // A damaged copy of the anchor must never be trusted: it is pinned by AWS's published fingerprint.
    if (certificate.fingerprint256.replace(/:/g, '') !== AWS_NITRO_ROOT_SHA256) {
      throw new Error('the bundled AWS Nitro Enclaves root does not match its published SHA-256 fingerprint');
    }
    bundledRoot = certificate;
  }
  return { certificate: bundledRoot, name: 'the AWS Nitro Enclaves root' };
}

/** A caller's option that cannot be used (bad hex, a key that does not parse): a usage error, not a document error. */
export class AttestationOptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AttestationOptionError';
  }
}

function signatureCheck(document: AttestationDocument, key: KeyObject | undefined): AttestationCheck {
  if (!key) return { id: 'signature', status: 'skip', message: 'not checked: the certificate does not parse' };
  let valid: boolean;
  try {
    valid = verifySignature('sha384', signatureInput(document), { key, dsaEncoding: 'ieee-p1363' }, document.signature);
  } catch {
    valid = false;
  }
  return valid
    ? { id: 'signature', status: 'pass', message: "the ES384 signature verifies with the certificate's key" }
    : { id: 'signature', status: 'fail', message: "signature does not verify with the certificate's key" };
}

function freshnessCheck(timestamp: number, at: Date, maxAgeMs: number): AttestationCheck {
  const age = at.getTime() - timestamp;
  if (age < 0) {
    return {
      id: 'freshness',
      status: 'fail',
      message: `the document's timestamp is ${formatDuration(-age)} after the verification time`,
    };
  }
  return age > maxAgeMs
    ? {
        id: 'freshness',
        status: 'fail',
        message: `the document is ${formatDuration(age)} old, over the maximum age of ${formatDuration(maxAgeMs)}`,
      }
    : {
        id: 'freshness',
        status: 'pass',
        message: `the document is ${formatDuration(age)} old, within ${formatDuration(maxAgeMs)}`,
      };
}

function bytesCheck(id: string, field: string, actual: Uint8Array | null, wanted: Uint8Array): AttestationCheck {
  const want = hex(wanted);
  if (actual === null)
    return { id, status: 'fail', message: `${field} is null in the document, expected ${want || '(empty)'}` };
  return Buffer.from(actual).equals(Buffer.from(wanted))
    ? { id, status: 'pass', message: `${field} matches` }
    : { id, status: 'fail', message: `${field} is ${hex(actual) || '(empty)'}, expected ${want || '(empty)'}` };
}

/**
 * The document's public_key is whatever bytes the enclave passed: a DER SubjectPublicKeyInfo, a PEM, or a
 * raw key (32-byte X25519, an uncompressed EC point). Any of these forms of the given key matches.
 */
function publicKeyCheck(actual: Uint8Array | null, given: string | KeyObject): AttestationCheck {
  let key: KeyObject;
  try {
    key = typeof given === 'string' ? createPublicKey(given) : given;
  } catch (error) {
    throw new AttestationOptionError(`the public key is not a PEM public key (${(error as Error).message})`);
  }
  if (actual === null) return { id: 'public-key', status: 'fail', message: 'public_key is null in the document' };
  const forms: Buffer[] = [
    key.export({ type: 'spki', format: 'der' }),
    Buffer.from(String(key.export({ type: 'spki', format: 'pem' }))),
  ];
  const jwk = key.export({ format: 'jwk' });
  if (jwk.x && jwk.y)
    forms.push(Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')]));
  else if (jwk.x) forms.push(Buffer.from(jwk.x, 'base64url'));
  const bytes = Buffer.from(actual);
  return forms.some((form) => form.equals(bytes) || form.toString().trim() === bytes.toString().trim())
    ? { id: 'public-key', status: 'pass', message: 'public_key is the given key' }
    : {
        id: 'public-key',
        status: 'fail',
        message: `public_key (${actual.length} bytes: ${preview(actual)}) is not the given key`,
      };
}

function pcrCheck(id: string, what: string, expected: PcrValues, actual: Record<number, string>): AttestationCheck {
  const names = (Object.keys(expected) as Array<keyof PcrValues>).sort(
    (a, b) => Number(a.slice(3)) - Number(b.slice(3)),
  );
  const matched: string[] = [];
  for (const name of names) {
    const want = expected[name]!.toLowerCase();
    const got = actual[Number(name.slice(3))];
    if (got === undefined)
      return { id, status: 'fail', message: `${name}: the document has none, ${what} want ${preview(want)}` };
    if (got !== want)
      return {
        id,
        status: 'fail',
        message: `${name} is ${preview(got)} in the document, ${what} want ${preview(want)}`,
      };
    matched.push(name);
  }
  return { id, status: 'pass', message: `${matched.join(', ')} match ${what}` };
}

function toBytes(value: Uint8Array | string, what: string): Uint8Array {
  if (typeof value !== 'string') return value;
  const text = value.trim().replace(/^0x/i, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(text))
    throw new AttestationOptionError(`the ${what} is not hex (an even number of hex digits)`);
  return new Uint8Array(Buffer.from(text, 'hex'));
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** Long values shortened to their first 16 hex digits: enough to tell them apart in one line. */
function preview(value: Uint8Array | string): string {
  const text = typeof value === 'string' ? value : hex(value);
  return text.length > 24 ? `${text.slice(0, 16)}…` : text || '(empty)';
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.round(hours / 24)} days`;
}
