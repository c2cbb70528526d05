import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runIsolint } from '../cli/run.js';
import { REPO_ROOT } from '../helpers.js';
import {
  buildDocument,
  CA_EXTENSIONS,
  CertificateFactory,
  LEAF_EXTENSIONS,
  OPENSSL_MISSING,
  samplePcrs,
  type TestCertificate,
} from './test-chain.js';

const SCENARIO = 'fixtures/scenarios/attest-check';
const candidates = [process.env.ISOLINT_SHARED, resolve(REPO_ROOT, '..', 'shared'), '/work/shared'].filter(
  Boolean,
) as string[];
const shared = candidates.map((c) => join(c, 'vectors', 'attestation')).find((c) => existsSync(join(c, 'README.md')));

describe.skipIf(OPENSSL_MISSING)(`isolint attest${OPENSSL_MISSING ? ` (SKIPPED: ${OPENSSL_MISSING})` : ''}`, () => {
  let factory: CertificateFactory;
  let root: TestCertificate;
  let leaf: TestCertificate;
  let bundle: Uint8Array[];
  let dir: string;
  const now = Date.now() + 10 * 60_000;
  const at = new Date(now + 60_000).toISOString();
  const image = JSON.parse(readFileSync(join(REPO_ROOT, SCENARIO, 'signer.expected.json'), 'utf8')) as Record<
    string,
    string
  >;

  beforeAll(() => {
    factory = new CertificateFactory();
    root = factory.issue('root', { subject: '/CN=test-root', extensions: CA_EXTENSIONS, days: 3650 });
    const instance = factory.issue('instance', { subject: '/CN=instance.test', extensions: CA_EXTENSIONS }, root);
    leaf = factory.issue('leaf', { subject: '/CN=enclave.test', extensions: LEAF_EXTENSIONS, days: 1 }, instance);
    bundle = [root.der, instance.der];
    dir = mkdtempSync(join(tmpdir(), 'isolint-attest-cli-'));
    writeFileSync(join(dir, 'root.pem'), root.pem);
  }, 60_000);
  afterAll(() => {
    factory?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A document of the scenario's image: PCR0/1/2 as signer.eif measures, the rest as an instance sets them. */
  const imageDocument = (pcrOverrides: Record<number, string> = {}) =>
    buildDocument({
      signer: leaf.key,
      certificate: leaf.der,
      cabundle: bundle,
      timestamp: now,
      pcrs: samplePcrs({ 0: image.PCR0, 1: image.PCR1, 2: image.PCR2, ...pcrOverrides }),
      nonce: Uint8Array.of(0xca, 0xfe),
    });
  const write = (name: string, content: Uint8Array | string) => {
    writeFileSync(join(dir, name), content);
    return join(dir, name);
  };

  it('attest --check on the scenario says which key the document unlocks, and why the others refuse', async () => {
    const document = write('scenario.cbor', imageDocument());
    const run = await runIsolint([
      'attest',
      document,
      '--root',
      join(dir, 'root.pem'),
      '--at',
      at,
      '--image',
      `${SCENARIO}/signer.eif`,
      '--expected',
      `${SCENARIO}/signer.expected.json`,
      '--check',
      SCENARIO,
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(`${document}: verified`);
    expect(lines).toContain('    ok    image         PCR0, PCR1, PCR2 match the image');
    expect(lines).toContain('    ok    expected-pcrs PCR0, PCR1, PCR2 match the expected PCRs');
    expect(lines).toContain("    ok    keys          unlocks 'SigningKey' of 3 KMS keys");
    const keys = lines.slice(lines.indexOf('  KMS keys') + 1).filter(Boolean);
    expect(keys).toEqual([
      `    unlocks 'SigningKey' (${SCENARIO}/parent.yaml:31): the statement at line 36 lets role 'ParentRole' decrypt for it: ImageSha384 (PCR0) matches 8801f985457b2afd…, PCR1 matches 9f6954f18d1acbce…`,
      `    refuses 'PreviousReleaseKey' (${SCENARIO}/parent.yaml:46): the statement at line 51 does not apply: ImageSha384 (PCR0) is 8801f985457b2afd…, the policy wants 5623cba632395a4d…`,
      `    refuses 'OtherAccountRoleKey' (${SCENARIO}/parent.yaml:60): the statement at line 65 does not apply: PCR3 is 0000000000000000…, the policy wants 0b3d2a4d2e4a6e5a…`,
    ]);
  });

  it('attest --check --json: the keys with their verdicts; a debug document unlocks none (exit 1)', async () => {
    const zero = '00'.repeat(48);
    const document = write('debug.cbor', imageDocument({ 0: zero, 1: zero, 2: zero }));
    const run = await runIsolint([
      'attest',
      document,
      '--root',
      join(dir, 'root.pem'),
      '--at',
      at,
      '--check',
      SCENARIO,
      '--json',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/: debug mode: PCR0, PCR1 and PCR2 are all zero/);
    const json = JSON.parse(run.stdout);
    expect(json.verdict).toBe('binding-failed');
    expect(json.debugMode).toBe(true);
    expect(json.keys.map((k: { key: string; unlocks: boolean }) => [k.key, k.unlocks])).toEqual([
      ['SigningKey', false],
      ['PreviousReleaseKey', false],
      ['OtherAccountRoleKey', false],
    ]);
    expect(json.checks.find((c: { id: string }) => c.id === 'keys')).toEqual({
      id: 'keys',
      status: 'fail',
      message: 'unlocks none of the 3 KMS keys in the scan',
    });
  });

  it('reads the shapes people save: raw, base64, hex, {"attestationDocument": …}, a JSON byte array', async () => {
    const bytes = imageDocument();
    const base64 = Buffer.from(bytes).toString('base64');
    const shapes: Record<string, string | Uint8Array> = {
      'raw.cbor': bytes,
      'doc.b64': `${base64.replace(/(.{76})/g, '$1\n')}\n`,
      'doc.hex': Buffer.from(bytes).toString('hex'),
      'doc.json': JSON.stringify({ attestationDocument: base64 }),
      'bytes.json': JSON.stringify(Array.from(bytes)),
      'urlsafe.txt': Buffer.from(bytes).toString('base64url'),
    };
    for (const [name, content] of Object.entries(shapes)) {
      const run = await runIsolint([
        'attest',
        write(name, content),
        '--root',
        join(dir, 'root.pem'),
        '--at',
        at,
        '--nonce',
        'cafe',
      ]);
      expect(run.code, `${name}: ${run.stderr}`).toBe(0);
    }
  });

  it('exit 1 with a one-line reason for a binding, exit 2 for a damaged document or bad input', async () => {
    const document = write('bind.cbor', imageDocument());
    const rootFile = join(dir, 'root.pem');
    const nonce = await runIsolint(['attest', document, '--root', rootFile, '--at', at, '--nonce', 'beef']);
    expect(nonce.code).toBe(1);
    expect(nonce.stderr).toBe(`isolint: ${document}: nonce is cafe, expected beef\n`);
    const old = await runIsolint(['attest', document, '--root', rootFile, '--at', at, '--max-age', '30s']);
    expect(old.stderr).toBe(`isolint: ${document}: the document is 60 s old, over the maximum age of 30 s\n`);
    expect(old.code).toBe(1);
    const aws = await runIsolint(['attest', document, '--at', at]);
    expect(aws.code).toBe(2);
    expect(aws.stderr).toMatch(
      /^isolint: .*: cabundle\[0\] is not the AWS Nitro Enclaves root: SHA-256 [0-9A-F]{64}, expected 641A0321/,
    );
    const damaged = imageDocument();
    damaged[damaged.length - 1] ^= 1;
    const signature = await runIsolint(['attest', write('damaged.cbor', damaged), '--root', rootFile, '--at', at]);
    expect(signature.code).toBe(2);
    expect(signature.stderr).toBe(
      `isolint: ${join(dir, 'damaged.cbor')}: signature does not verify with the certificate's key\n`,
    );
    const text = await runIsolint(['attest', write('notes.txt', 'hello, world'), '--root', rootFile]);
    expect(text.code).toBe(2);
    expect(text.stderr).toBe(
      `isolint: ${join(dir, 'notes.txt')}: the input: neither CBOR, base64, hex nor JSON holding an attestation document\n`,
    );
    const missing = await runIsolint(['attest', join(dir, 'absent.cbor')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^isolint: .*absent\.cbor: cannot read: ENOENT/);
    const badAge = await runIsolint(['attest', document, '--max-age', 'soon']);
    expect(badAge.code).toBe(2);
    expect(badAge.stderr).toBe("isolint: --max-age: 'soon' is not a duration (examples: 500ms, 90s, 5m, 2h, 1d)\n");
    const badNonce = await runIsolint(['attest', document, '--root', rootFile, '--nonce', 'xyz']);
    expect(badNonce.stderr).toBe('isolint: the nonce is not hex (an even number of hex digits)\n');
    expect(badNonce.code).toBe(2);
  });

  it('--user-data @FILE and --public-key PEM', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
    const document = buildDocument({
      signer: leaf.key,
      certificate: leaf.der,
      cabundle: bundle,
      timestamp: now,
      userData: Buffer.from('{"build":"42"}'),
      publicKey: spki,
    });
    const file = write('user.cbor', document);
    const pem = write('key.pem', String(publicKey.export({ type: 'spki', format: 'pem' })));
    const userData = write('user.json', '{"build":"42"}');
    const run = await runIsolint([
      'attest',
      file,
      '--root',
      join(dir, 'root.pem'),
      '--at',
      at,
      '--user-data',
      `@${userData}`,
      '--public-key',
      pem,
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const checks = JSON.parse(run.stdout).checks.map((c: { id: string; status: string }) => `${c.id} ${c.status}`);
    expect(checks).toEqual([
      'structure pass',
      'root pass',
      'chain pass',
      'validity pass',
      'constraints pass',
      'signature pass',
      'user-data pass',
      'public-key pass',
      'debug-mode pass',
    ]);
  });
});

describe.skipIf(!shared)(
  `isolint attest on a real document${shared ? '' : ' (SKIPPED: no ../shared/vectors/attestation)'}`,
  () => {
    it('verifies as of its timestamp (--at timestamp), fails as expired today, and prints every field with --json', async () => {
      const file = join(shared!, 'nsm-prod-signed-eif-2022.cbor');
      const then = await runIsolint(['attest', file, '--at', 'timestamp', '--nonce', '47b5fba6979cbf7e567e2629']);
      expect(then.code, then.stderr).toBe(0);
      expect(then.stdout.split('\n').slice(0, 4)).toEqual([
        `${file}: verified`,
        '  module       i-0697c9729fa547b20-enc0183422ede9a5dc8',
        '  timestamp    2022-09-15T17:43:28.848Z (0 s before 2022-09-15T17:43:28.848Z)',
        '  encoding     COSE_Sign1 untagged, ES384, definite-length payload map',
      ]);
      const today = await runIsolint(['attest', file, '--json']);
      expect(today.code).toBe(2);
      expect(today.stderr).toMatch(/: certificate expired at 2022-09-15T20:43:27\.000Z \(the verification time is /);
      const json = JSON.parse(today.stdout);
      expect(json.document.pcrs.PCR8).toBe(
        '6f1ff0f2a7a0b1c4e02a3a544eb0ff2dffb8b2922b8908d46365c0f0120934092149ec35814c8d944ef1b8fb564b46c7',
      );
      expect(json.document.cabundle).toHaveLength(4);
      expect(json.certificates[1].subject).toBe('C=US, O=Amazon, OU=AWS, CN=aws.nitro-enclaves');
    });
  },
);
