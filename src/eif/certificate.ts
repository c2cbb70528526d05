/**
 * The signing certificate of a signed EIF: PCR8 is the extend of SHA-384 of its DER form
 * (https://docs.aws.amazon.com/enclaves/latest/user/set-up-attestation.html#where), and describe-eif reports its issuer, signature algorithm, validity and
 * signature (format of each field from image-format `eif_reader.rs` `get_certificate_info`).
 *
 * node:crypto's X509Certificate parses the certificate and gives DER, dates and the public key; it
 * does not give attribute long names, the signature algorithm or the signature value, so a minimal
 * DER walk over the (already parsed, hence well-formed) certificate reads those few fields.
 */
import { X509Certificate, type KeyObject } from 'node:crypto';

export interface CertificateInfo {
  /** Attributes by OpenSSL long name (commonName, organizationName, ...), as describe-eif shows them. */
  subject: Record<string, string>;
  issuer: Record<string, string>;
  /** OpenSSL long name of the signature algorithm, e.g. "ecdsa-with-SHA384". */
  signatureAlgorithm: string;
  /** OpenSSL's text form ("Nov 22 18:26:22 2026 GMT"), as describe-eif prints it. */
  notBefore: string;
  notAfter: string;
  /** The same instants in ISO 8601. */
  notBeforeIso: string;
  notAfterIso: string;
  /** Whether the measurement time lies inside [notBefore, notAfter] (run-enclave refuses otherwise). */
  validAtMeasurement: boolean;
  /** The certificate's own signature, "XX:XX:..." upper-case hex as describe-eif prints it. */
  signature: string;
  serialNumber: string;
  fingerprintSha256: string;
}

export interface ParsedCertificate {
  info: CertificateInfo;
  der: Uint8Array;
  publicKey: KeyObject;
}

/** Parses a PEM or DER certificate; throws (a plain Error) when it is not one. */
export function parseCertificate(pemOrDer: string | Uint8Array, now: Date = new Date()): ParsedCertificate {
  const certificate = new X509Certificate(typeof pemOrDer === 'string' ? pemOrDer : Buffer.from(pemOrDer));
  const der = new Uint8Array(certificate.raw);
  const fields = readCertificateFields(der);
  const notBefore = new Date(certificate.validFrom);
  const notAfter = new Date(certificate.validTo);
  return {
    der,
    publicKey: certificate.publicKey,
    info: {
      subject: fields.subject,
      issuer: fields.issuer,
      signatureAlgorithm: SIGNATURE_ALGORITHM_NAMES[fields.signatureAlgorithmOid] ?? fields.signatureAlgorithmOid,
      notBefore: certificate.validFrom,
      notAfter: certificate.validTo,
      notBeforeIso: notBefore.toISOString(),
      notAfterIso: notAfter.toISOString(),
      validAtMeasurement: notBefore.getTime() <= now.getTime() && now.getTime() <= notAfter.getTime(),
      signature: Array.from(fields.signature, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(':'),
      serialNumber: certificate.serialNumber,
      fingerprintSha256: certificate.fingerprint256,
    },
  };
}

/** OpenSSL long names of the attributes certificates use (`openssl/obj_mac.h`). */
const ATTRIBUTE_NAMES: Record<string, string> = {
  '2.5.4.3': 'commonName',
  '2.5.4.4': 'surname',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'countryName',
  '2.5.4.7': 'localityName',
  '2.5.4.8': 'stateOrProvinceName',
  '2.5.4.9': 'streetAddress',
  '2.5.4.10': 'organizationName',
  '2.5.4.11': 'organizationalUnitName',
  '2.5.4.12': 'title',
  '2.5.4.17': 'postalCode',
  '2.5.4.42': 'givenName',
  '2.5.4.46': 'dnQualifier',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '0.9.2342.19200300.100.1.25': 'domainComponent',
  '0.9.2342.19200300.100.1.1': 'userId',
};

const SIGNATURE_ALGORITHM_NAMES: Record<string, string> = {
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'rsassaPss',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.3.101.112': 'ED25519',
  '1.3.101.113': 'ED448',
};

interface Element {
  tag: number;
  /** Content bytes. */
  start: number;
  end: number;
}

class DerError extends Error {}

/** One DER element at `position`, which must end by `limit`. */
function element(der: Uint8Array, position: number, limit: number): Element {
  if (position + 2 > limit) throw new DerError('truncated DER element');
  const tag = der[position];
  let length = der[position + 1];
  let start = position + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || start + count > limit) throw new DerError('bad DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[start + i];
    start += count;
  }
  if (start + length > limit) throw new DerError('DER element runs past its container');
  return { tag, start, end: start + length };
}

function children(der: Uint8Array, parent: Element): Element[] {
  const items: Element[] = [];
  for (let position = parent.start; position < parent.end;) {
    const item = element(der, position, parent.end);
    items.push(item);
    position = item.end;
  }
  return items;
}

function objectIdentifier(der: Uint8Array, oid: Element): string {
  const bytes = der.subarray(oid.start, oid.end);
  if (bytes.length === 0) return '';
  const parts: number[] = [];
  let value = 0;
  for (const byte of bytes) {
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      parts.push(value);
      value = 0;
    }
  }
  const first = parts.shift() ?? 0;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...parts].join('.');
}

function directoryString(der: Uint8Array, value: Element): string {
  const bytes = der.subarray(value.start, value.end);
  switch (value.tag) {
    case 0x1e: // BMPString: UTF-16BE (swap16 needs an even length; OpenSSL already accepted this one)
      return bytes.length % 2 === 0 ? Buffer.from(bytes).swap16().toString('utf16le') : '';
    case 0x13: // PrintableString
    case 0x16: // IA5String
    case 0x14: // TeletexString (read as Latin-1, as OpenSSL shows it)
      return Buffer.from(bytes).toString('latin1');
    default: // UTF8String and anything else
      return Buffer.from(bytes).toString('utf8');
  }
}

/** Name ::= SEQUENCE OF SET OF SEQUENCE { type OID, value }; keys sorted like describe-eif's BTreeMap. */
function distinguishedName(der: Uint8Array, name: Element): Record<string, string> {
  const entries: Array<[string, string]> = [];
  for (const set of children(der, name)) {
    for (const attribute of children(der, set)) {
      const [type, value] = children(der, attribute);
      if (!type || !value) continue;
      const oid = objectIdentifier(der, type);
      entries.push([ATTRIBUTE_NAMES[oid] ?? oid, directoryString(der, value)]);
    }
  }
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries);
}

function readCertificateFields(der: Uint8Array): {
  subject: Record<string, string>;
  issuer: Record<string, string>;
  signatureAlgorithmOid: string;
  signature: Uint8Array;
} {
  // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING } (RFC 5280 §4.1)
  const certificate = element(der, 0, der.length);
  const [tbs, algorithm, signatureValue] = children(der, certificate);
  if (!tbs || !algorithm || !signatureValue) throw new DerError('not a certificate');
  const tbsFields = children(der, tbs);
  // tbsCertificate: [0] version (optional), serialNumber, signature, issuer, validity, subject, ...
  const offset = tbsFields[0]?.tag === 0xa0 ? 1 : 0;
  const issuer = tbsFields[offset + 2];
  const subject = tbsFields[offset + 4];
  const algorithmOid = children(der, algorithm)[0];
  if (!issuer || !subject || !algorithmOid) throw new DerError('not a certificate');
  return {
    issuer: distinguishedName(der, issuer),
    subject: distinguishedName(der, subject),
    signatureAlgorithmOid: objectIdentifier(der, algorithmOid),
    // BIT STRING content starts with the count of unused bits.
    signature: der.subarray(signatureValue.start + 1, signatureValue.end),
  };
}

/** The two extensions a CA chain is judged by (RFC 5280 §4.2.1.3, §4.2.1.9); undefined when absent. */
export interface CertificateConstraints {
  basicConstraints?: { ca: boolean; pathLength?: number; critical: boolean };
  /** Named bits that are set: digitalSignature, keyCertSign, cRLSign, ... */
  keyUsage?: string[];
}

const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
];

/**
 * Basic constraints and key usage of a DER certificate that node:crypto already parsed (node 20's
 * X509Certificate exposes `ca` but neither the path length nor the key usage bits). Throws on DER it cannot walk.
 */
export function readCertificateConstraints(der: Uint8Array): CertificateConstraints {
  const certificate = element(der, 0, der.length);
  const [tbs] = children(der, certificate);
  if (!tbs) throw new DerError('not a certificate');
  // Extensions are the [3] field at the end of tbsCertificate (RFC 5280 §4.1).
  const extensions = children(der, tbs).find((field) => field.tag === 0xa3);
  const constraints: CertificateConstraints = {};
  if (!extensions) return constraints;
  const [list] = children(der, extensions);
  if (!list) return constraints;
  for (const extension of children(der, list)) {
    const parts = children(der, extension);
    const id = parts[0] && objectIdentifier(der, parts[0]);
    const critical = parts.length === 3 && parts[1].tag === 0x01 && der[parts[1].start] !== 0;
    const value = parts[parts.length - 1];
    if (!value || value.tag !== 0x04) continue;
    if (id === '2.5.29.19') {
      // BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER OPTIONAL }
      const sequence = element(der, value.start, value.end);
      const fields = children(der, sequence);
      let ca = false;
      let pathLength: number | undefined;
      for (const field of fields) {
        if (field.tag === 0x01) ca = der[field.start] !== 0;
        else if (field.tag === 0x02 && field.end - field.start <= 4) {
          pathLength = 0;
          for (let i = field.start; i < field.end; i++) pathLength = pathLength * 256 + der[i];
        }
      }
      constraints.basicConstraints = { ca, critical, ...(pathLength !== undefined ? { pathLength } : {}) };
    } else if (id === '2.5.29.15') {
      // KeyUsage ::= BIT STRING, bit 0 the most significant bit of the first content byte after the unused-bit count.
      const bits = element(der, value.start, value.end);
      const names: string[] = [];
      for (let bit = 0; bit < KEY_USAGE_BITS.length; bit++) {
        const byte = der[bits.start + 1 + (bit >> 3)];
        if (bits.start + 1 + (bit >> 3) < bits.end && byte !== undefined && byte & (0x80 >> (bit & 7)))
          names.push(KEY_USAGE_BITS[bit]);
      }
      constraints.keyUsage = names;
    }
  }
  return constraints;
}
