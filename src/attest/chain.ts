/**
 * The certificate chain of an attestation document: the signing certificate, issued by the last cabundle
 * entry, each entry issued by the one before it, cabundle[0] the pinned root (AWS's order, "Verifying the
 * root of trust", https://docs.aws.amazon.com/enclaves/latest/user/verify-root.html). Signatures, names,
 * validity windows, basic constraints and key usage are checked as RFC 5280 §6.1 asks of a path, with
 * node:crypto's X509Certificate and the extension reader of src/eif/certificate.ts.
 */
import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import { readCertificateConstraints, type CertificateConstraints } from '../eif/certificate.js';
import type { AttestationDocument } from './document.js';

export type CheckStatus = 'pass' | 'fail' | 'skip';

export interface AttestationCheck {
  /** Stable id: structure, root, chain, validity, constraints, signature, freshness, nonce, user-data, public-key, debug-mode, expected-pcrs, image, keys. */
  id: string;
  status: CheckStatus;
  /** One line: what was checked, or what failed and where. */
  message: string;
}

/** What the result says about each certificate of the chain, leaf first. */
export interface ChainCertificate {
  /** "certificate" (the signing certificate) or "cabundle[i]". */
  role: string;
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  sha256: string;
  ca: boolean;
  pathLength?: number;
  keyUsage?: string[];
}

export interface TrustAnchor {
  certificate: X509Certificate;
  /** How messages name it: "the AWS Nitro Enclaves root" or "the --root certificate". */
  name: string;
}

export interface ChainVerdict {
  certificates: ChainCertificate[];
  checks: AttestationCheck[];
  /** The signing certificate's key, when the certificate parses. */
  leafKey?: KeyObject;
}

interface Parsed extends ParsedCertificate {
  role: string;
}

interface ParsedCertificate {
  /** SHA-256 of the DER: the cache key. */
  hash: string;
  x509: X509Certificate;
  publicKey: KeyObject;
  constraints: CertificateConstraints;
  notBefore: Date;
  notAfter: Date;
}

export function verifyChain(
  document: AttestationDocument,
  anchor: TrustAnchor,
  timestamp: Date,
  at: Date,
): ChainVerdict {
  const parsed: Parsed[] = [];
  const unparsable: string[] = [];
  const entries: Array<[string, Uint8Array]> = [
    ['certificate', document.certificate],
    ...document.cabundle.map((der, index): [string, Uint8Array] => [`cabundle[${index}]`, der]),
  ];
  for (const [role, der] of entries) {
    const certificate = parseCached(der);
    if (typeof certificate === 'string') unparsable.push(`${role} ${certificate}`);
    else parsed.push({ role, ...certificate });
  }
  const certificates = parsed.map(summary);
  if (unparsable.length > 0) {
    return { certificates, checks: [{ id: 'chain', status: 'fail', message: unparsable[0] }] };
  }
  const leaf = parsed[0];
  const bundle = parsed.slice(1);
  const checks: AttestationCheck[] = [];

  // --- the root: pinned by fingerprint, never by name
  const root = bundle[0];
  const anchorFingerprint = anchor.certificate.fingerprint256;
  checks.push(
    root.x509.fingerprint256 === anchorFingerprint
      ? { id: 'root', status: 'pass', message: `cabundle[0] is ${anchor.name} (SHA-256 ${plain(anchorFingerprint)})` }
      : {
          id: 'root',
          status: 'fail',
          message: `cabundle[0] is not ${anchor.name}: SHA-256 ${plain(root.x509.fingerprint256)}, expected ${plain(anchorFingerprint)}`,
        },
  );

  // --- each certificate issued and signed by the one above it (the leaf by the last cabundle entry)
  const links: Array<[Parsed, Parsed]> = bundle.slice(1).map((child, index) => [child, bundle[index]]);
  links.push([leaf, bundle[bundle.length - 1]]);
  const chainProblems: string[] = [];
  for (const [child, issuer] of links) {
    const childName = child.role === 'certificate' ? "the certificate's" : `${child.role}'s`;
    if (child.x509.issuer !== issuer.x509.subject) {
      // Name the entry that did issue it, if any: a verifier walking the bundle in the wrong order fails here.
      const actual = bundle.find((candidate) => candidate.x509.subject === child.x509.issuer);
      chainProblems.push(
        actual
          ? `${childName} issuer is ${actual.role}, not ${issuer.role}: the cabundle is out of order`
          : `${childName} issuer (${dn(child.x509.issuer)}) is not in the cabundle (${issuer.role} is ${dn(issuer.x509.subject)})`,
      );
    } else if (!signs(issuer, child)) {
      chainProblems.push(
        `${issuer.role} does not sign ${child.role === 'certificate' ? 'the certificate' : child.role}`,
      );
    }
  }
  if (!signs(root, root)) chainProblems.push('cabundle[0] is not self-signed');
  checks.push(
    chainProblems.length === 0
      ? {
          id: 'chain',
          status: 'pass',
          message: `the certificate chains through ${bundle.length} cabundle entr${bundle.length === 1 ? 'y' : 'ies'} to cabundle[0]`,
        }
      : { id: 'chain', status: 'fail', message: chainProblems[0] },
  );

  // --- every certificate valid at the document's timestamp and at the verification time
  const validity: string[] = [];
  for (const [when, label] of [
    [timestamp, "the document's timestamp"],
    [at, 'the verification time'],
  ] as const) {
    for (const certificate of parsed) {
      const name = certificate.role;
      // A date node cannot read would compare false both ways and pass: refuse it instead.
      if (Number.isNaN(certificate.notBefore.getTime()) || Number.isNaN(certificate.notAfter.getTime())) {
        validity.push(`${name} has a validity period that cannot be read`);
      } else if (when < certificate.notBefore) {
        validity.push(`${name} is not valid until ${iso(certificate.notBefore)} (${label} is ${iso(when)})`);
      } else if (when > certificate.notAfter) {
        validity.push(`${name} expired at ${iso(certificate.notAfter)} (${label} is ${iso(when)})`);
      }
    }
    if (validity.length > 0) break;
  }
  checks.push(
    validity.length === 0
      ? {
          id: 'validity',
          status: 'pass',
          message: `every certificate is valid at ${iso(timestamp)} (timestamp) and ${iso(at)} (verification time)`,
        }
      : { id: 'validity', status: 'fail', message: validity[0] },
  );

  // --- basic constraints and key usage: CAs above, a signing certificate at the bottom
  const constraintProblems: string[] = [];
  bundle.forEach((certificate, index) => {
    const { basicConstraints, keyUsage } = certificate.constraints;
    const below = bundle.length - 1 - index;
    if (!basicConstraints?.ca)
      constraintProblems.push(
        `${certificate.role} is not a CA certificate (basic constraints CA:${basicConstraints ? 'FALSE' : 'absent'})`,
      );
    else if (basicConstraints.pathLength !== undefined && basicConstraints.pathLength < below) {
      constraintProblems.push(
        `${certificate.role} allows ${basicConstraints.pathLength} CA certificate${basicConstraints.pathLength === 1 ? '' : 's'} below it (pathlen), the chain has ${below}`,
      );
    }
    if (keyUsage && !keyUsage.includes('keyCertSign')) {
      constraintProblems.push(
        `${certificate.role} may not sign certificates (key usage ${keyUsage.join(', ') || 'empty'}, no keyCertSign)`,
      );
    }
  });
  const { basicConstraints, keyUsage } = leaf.constraints;
  if (basicConstraints?.ca)
    constraintProblems.push(
      'the certificate is a CA certificate, not a signing certificate (basic constraints CA:TRUE)',
    );
  if (keyUsage && !keyUsage.includes('digitalSignature')) {
    constraintProblems.push(
      `the certificate may not sign (key usage ${keyUsage.join(', ') || 'empty'}, no digitalSignature)`,
    );
  }
  const leafKey = leaf.publicKey;
  const curve = leafKey.asymmetricKeyDetails?.namedCurve;
  if (leafKey.asymmetricKeyType !== 'ec' || curve !== 'secp384r1') {
    constraintProblems.push(
      `the certificate's key is ${leafKey.asymmetricKeyType === 'ec' ? `EC ${curve}` : leafKey.asymmetricKeyType}, not the P-384 key ES384 needs`,
    );
  }
  checks.push(
    constraintProblems.length === 0
      ? {
          id: 'constraints',
          status: 'pass',
          message: 'cabundle entries are CAs within their path lengths; the certificate is a P-384 signing certificate',
        }
      : { id: 'constraints', status: 'fail', message: constraintProblems[0] },
  );
  return { certificates, checks, leafKey };
}

/**
 * Parsing and signature checks depend only on the bytes, and a server sees the same cabundle in every
 * document: both are remembered, in bounded maps emptied when full, so a flood of documents costs no memory.
 */
const CACHE_LIMIT = 256;
const parsedCache = new Map<string, ParsedCertificate | string>();
const signsCache = new Map<string, boolean>();

function remember<V>(cache: Map<string, V>, key: string, value: V): V {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
  return value;
}

/** The parsed certificate, or why it cannot be used ("is not an X.509 certificate (…)"). */
function parseCached(der: Uint8Array): ParsedCertificate | string {
  const hash = createHash('sha256').update(der).digest('hex');
  const cached = parsedCache.get(hash);
  if (cached !== undefined) return cached;
  let x509: X509Certificate;
  let constraints: CertificateConstraints;
  try {
    x509 = new X509Certificate(Buffer.from(der));
    constraints = readCertificateConstraints(new Uint8Array(x509.raw));
  } catch (error) {
    return remember(parsedCache, hash, `is not an X.509 certificate (${oneLine((error as Error).message)})`);
  }
  // OpenSSL decodes the key only when asked: a certificate can parse and still carry a key that does not.
  let publicKey: KeyObject;
  try {
    publicKey = x509.publicKey;
  } catch (error) {
    return remember(parsedCache, hash, `has a public key that cannot be read (${oneLine((error as Error).message)})`);
  }
  return remember(parsedCache, hash, {
    hash,
    x509,
    publicKey,
    constraints,
    notBefore: new Date(x509.validFrom),
    notAfter: new Date(x509.validTo),
  });
}

function signs(issuer: ParsedCertificate, child: ParsedCertificate): boolean {
  const key = `${issuer.hash}>${child.hash}`;
  const cached = signsCache.get(key);
  if (cached !== undefined) return cached;
  let valid: boolean;
  try {
    valid = child.x509.verify(issuer.publicKey);
  } catch {
    valid = false;
  }
  return remember(signsCache, key, valid);
}

function summary(certificate: Parsed): ChainCertificate {
  const { basicConstraints, keyUsage } = certificate.constraints;
  return {
    role: certificate.role,
    subject: dn(certificate.x509.subject),
    issuer: dn(certificate.x509.issuer),
    notBefore: iso(certificate.notBefore),
    notAfter: iso(certificate.notAfter),
    sha256: plain(certificate.x509.fingerprint256),
    ca: basicConstraints?.ca ?? false,
    ...(basicConstraints?.pathLength !== undefined ? { pathLength: basicConstraints.pathLength } : {}),
    ...(keyUsage ? { keyUsage } : {}),
  };
}

/** node prints names one attribute a line, most significant first; people read them comma-separated. */
function dn(name: string): string {
  return name.split('\n').filter(Boolean).join(', ');
}

function plain(fingerprint: string): string {
  return fingerprint.replace(/:/g, '');
}

function iso(date: Date): string {
  return Number.isNaN(date.getTime()) ? 'an unreadable date' : date.toISOString();
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
