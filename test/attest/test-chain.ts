/**
 * A certificate chain and attestation documents of our own, for the failures real documents cannot show.
 * Keys come from node:crypto (P-384, as the NSM uses); node cannot issue X.509 certificates, so openssl
 * signs them. Documents are COSE_Sign1 built here from RFC 9052 and signed with the leaf key.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from 'cborg';

/** Why the tests that need openssl cannot run here, or undefined when it is available. */
export const OPENSSL_MISSING: string | undefined = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return `openssl not runnable (${(error as Error).message.split('\n')[0]})`;
  }
})();

export interface TestCertificate {
  pem: string;
  der: Uint8Array;
  key: KeyObject;
  keyFile: string;
  certFile: string;
  subject: string;
}

export interface CertificateSpec {
  subject: string;
  /** Extensions in openssl's config syntax, one per line. */
  extensions: string[];
  days?: number;
  curve?: 'P-384' | 'P-256';
}

export const CA_EXTENSIONS = ['basicConstraints = critical, CA:TRUE', 'keyUsage = critical, keyCertSign, cRLSign'];
export const LEAF_EXTENSIONS = ['basicConstraints = critical, CA:FALSE', 'keyUsage = critical, digitalSignature'];

/** A scratch directory of certificates; `issue` makes one signed by an issuer (or self-signed). */
export class CertificateFactory {
  readonly dir = mkdtempSync(join(tmpdir(), 'isolint-attest-'));
  private serial = 1;

  issue(name: string, spec: CertificateSpec, issuer?: TestCertificate): TestCertificate {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: spec.curve ?? 'P-384' });
    const keyFile = join(this.dir, `${name}.key`);
    const certFile = join(this.dir, `${name}.pem`);
    const config = join(this.dir, `${name}.cnf`);
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(
      config,
      ['[req]', 'distinguished_name = dn', 'prompt = no', '[dn]', 'CN = unused', '[ext]', ...spec.extensions, ''].join(
        '\n',
      ),
    );
    const days = String(spec.days ?? 30);
    if (!issuer) {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-new',
          '-key',
          keyFile,
          '-subj',
          spec.subject,
          '-days',
          days,
          '-sha384',
          '-config',
          config,
          '-extensions',
          'ext',
          '-set_serial',
          String(this.serial++),
          '-out',
          certFile,
        ],
        { stdio: 'pipe' },
      );
    } else {
      const csr = join(this.dir, `${name}.csr`);
      execFileSync('openssl', ['req', '-new', '-key', keyFile, '-subj', spec.subject, '-config', config, '-out', csr], {
        stdio: 'pipe',
      });
      execFileSync(
        'openssl',
        [
          'x509',
          '-req',
          '-in',
          csr,
          '-CA',
          issuer.certFile,
          '-CAkey',
          issuer.keyFile,
          '-set_serial',
          String(this.serial++),
          '-days',
          days,
          '-sha384',
          '-extfile',
          config,
          '-extensions',
          'ext',
          '-out',
          certFile,
        ],
        { stdio: 'pipe' },
      );
    }
    const pem = execFileSync('openssl', ['x509', '-in', certFile], { encoding: 'utf8' });
    const x509 = new X509Certificate(pem);
    return { pem, der: new Uint8Array(x509.raw), key: privateKey, keyFile, certFile, subject: spec.subject };
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** 16 PCRs of 48 bytes like an NSM document's: PCR0/1/2 from the image, PCR4 the instance, the rest zero. */
export function samplePcrs(overrides: Record<number, string> = {}): Map<number, Uint8Array> {
  const pcrs = new Map<number, Uint8Array>();
  for (let index = 0; index < 16; index++) {
    const hex =
      overrides[index] ?? (index <= 2 || index === 4 ? `${(index + 0xa0).toString(16)}`.repeat(48) : '00'.repeat(48));
    pcrs.set(index, new Uint8Array(Buffer.from(hex, 'hex')));
  }
  return pcrs;
}

export interface DocumentSpec {
  signer: KeyObject;
  certificate: Uint8Array;
  cabundle: Uint8Array[];
  timestamp?: number;
  pcrs?: Map<number, Uint8Array>;
  nonce?: Uint8Array | null;
  userData?: Uint8Array | null;
  publicKey?: Uint8Array | null;
  /** Payload map encoding: indefinite-length like the 2025 NSM, or definite. */
  indefinite?: boolean;
  tagged?: boolean;
  /** COSE alg in the protected header (default ES384, -35). */
  alg?: number;
  /** Edit the payload entries before encoding (remove, retype, add). */
  edit?: (entries: Array<[string, unknown]>) => Array<[string, unknown]>;
  /** Edit the COSE array before encoding (after signing). */
  editCose?: (cose: unknown[]) => unknown[];
}

export function buildDocument(spec: DocumentSpec): Uint8Array {
  let entries: Array<[string, unknown]> = [
    ['module_id', 'i-0123456789abcdef0-enc0123456789abcdef'],
    ['digest', 'SHA384'],
    ['timestamp', spec.timestamp ?? Date.now()],
    ['pcrs', spec.pcrs ?? samplePcrs()],
    ['certificate', spec.certificate],
    ['cabundle', spec.cabundle],
    ['public_key', spec.publicKey ?? null],
    ['user_data', spec.userData ?? null],
    ['nonce', spec.nonce ?? null],
  ];
  if (spec.edit) entries = spec.edit(entries);
  const payload = spec.indefinite
    ? concat([
        Uint8Array.of(0xbf),
        ...entries.flatMap(([key, value]) => [encode(key), encode(value)]),
        Uint8Array.of(0xff),
      ])
    : concat([mapHead(entries.length), ...entries.flatMap(([key, value]) => [encode(key), encode(value)])]);
  const protectedHeader = encode(new Map([[1, spec.alg ?? -35]]));
  const toSign = encode(['Signature1', protectedHeader, new Uint8Array(0), payload]);
  const signature = new Uint8Array(sign('sha384', toSign, { key: spec.signer, dsaEncoding: 'ieee-p1363' }));
  let cose: unknown[] = [protectedHeader, new Map(), payload, signature];
  if (spec.editCose) cose = spec.editCose(cose);
  const bytes = encode(cose);
  return spec.tagged ? concat([Uint8Array.of(0xd2), bytes]) : bytes;
}

/** Keys in the order given (cborg would sort them): the NSM's order, and duplicates when a test wants them. */
function mapHead(count: number): Uint8Array {
  return count < 24 ? Uint8Array.of(0xa0 + count) : Uint8Array.of(0xb8, count);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}
