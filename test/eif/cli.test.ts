import { Writable } from 'node:stream';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import type { CliContext } from '../../src/cli/context.js';
import { progressBar } from '../../src/eif/progress.js';
import { withCorrectCrc } from './build-eif.js';
import { VECTORS, expectationOf, tempDir, vectorPath, vectorsDir } from './helpers.js';

class Capture extends Writable {
  text = '';
  constructor(readonly isTTY = false) {
    super();
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

async function run(args: string[], options: { tty?: boolean; cwd?: string } = {}) {
  const stdout = new Capture();
  const stderr = new Capture(options.tty ?? false);
  const ctx: CliContext = { stdout, stderr, cwd: options.cwd ?? process.cwd(), env: {}, exitCode: 0 };
  const code = await runCli(['node', 'isolint', ...args], ctx);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('isolint measure', () => {
  for (const name of VECTORS) {
    it(`--json prints describe-eif JSON with the expected measurements (${name})`, async () => {
      const expected = expectationOf(name);
      const result = await run(['measure', vectorPath(name), '--json']);
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
      const json = JSON.parse(result.stdout) as Record<string, any>;
      expect(json.EifVersion).toBe(4);
      expect(json.Measurements).toEqual({
        HashAlgorithm: 'Sha384 { ... }',
        PCR0: expected.PCR0,
        PCR1: expected.PCR1,
        PCR2: expected.PCR2,
        ...(expected.PCR8 ? { PCR8: expected.PCR8 } : {}),
      });
      expect(json.IsSigned).toBe(expected.PCR8 !== undefined);
      expect(json.CheckCRC).toBe(expected.crc_ok);
      expect(json.Arch).toBe(expected.arch);
      expect(json).not.toHaveProperty('ArchType');
    });
  }

  it('prints a readable summary', async () => {
    const result = await run(['measure', 'tiny-signed.eif'], { cwd: vectorsDir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^tiny-signed\.eif: EIF version 4, x86_64, 11946 bytes, 6 sections \(2 ramdisks\), signed$/m,
    );
    expect(result.stdout).toContain(`PCR0         ${expectationOf('tiny-signed').PCR0}`);
    expect(result.stdout).toMatch(/CRC32 +ok/);
    expect(result.stdout).toMatch(/signature +ES384, valid; signs this PCR0/);
    expect(result.stdout).toMatch(/subject +commonName=isolint-vector, organizationName=isolint/);
    expect(result.stderr).toBe('');
  });

  it('draws no progress bar when stderr is not a TTY, and none for small images on a TTY', async () => {
    expect((await run(['measure', vectorPath('tiny-unsigned')], { tty: false })).stderr).toBe('');
    expect((await run(['measure', vectorPath('tiny-unsigned')], { tty: true })).stderr).toBe('');
  });

  it('the progress bar draws on a TTY only, and erases itself', () => {
    const tty = new Capture(true);
    const bar = progressBar(tty, 'measuring', true);
    bar.update(256 * 1024 * 1024, 512 * 1024 * 1024);
    expect(tty.text).toMatch(/^\rmeasuring \[#{15}\.{15}\] {2}50% 256\/512 MiB$/);
    bar.finish();
    expect(tty.text.endsWith('\r\x1b[2K')).toBe(true);
    const pipe = new Capture(false);
    const quiet = progressBar(pipe, 'measuring', true);
    quiet.update(1, 2);
    quiet.finish();
    expect(pipe.text).toBe('');
  });

  describe('--expected', () => {
    const temp = tempDir();
    const signed = expectationOf('tiny-signed');
    const write = (name: string, value: unknown) =>
      temp.write(name, typeof value === 'string' ? value : JSON.stringify(value, null, 2));

    it('accepts flat PCRs and exits 0 when they match', async () => {
      const file = write('flat.json', { PCR0: signed.PCR0.toUpperCase(), PCR8: signed.PCR8 });
      const result = await run(['measure', vectorPath('tiny-signed'), '--expected', file]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('PCR0, PCR8 match');
    });

    it("accepts another tool's file with keys of its own (the vectors' expected files), ignoring them", async () => {
      const result = await run([
        'measure',
        vectorPath('tiny-signed'),
        '--expected',
        path.join(vectorsDir, 'tiny-signed.expected.json'),
      ]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('PCR0, PCR1, PCR2, PCR8 match');
      const empty = await run([
        'measure',
        vectorPath('tiny-signed'),
        '--expected',
        write('no-pcrs.json', { crc_ok: true }),
      ]);
      expect(empty.code).toBe(2);
      expect(empty.stderr).toMatch(/invalid expected-PCR file: missing required property "PCR0"/);
    });

    it('accepts nitro-cli build-enclave output as saved', async () => {
      const file = write('build.json', {
        Measurements: { HashAlgorithm: 'Sha384 { ... }', PCR0: signed.PCR0, PCR1: signed.PCR1, PCR2: signed.PCR2 },
      });
      const result = await run(['measure', vectorPath('tiny-signed'), '--json', '--expected', file]);
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout).Measurements.PCR0).toBe(signed.PCR0);
      expect(result.stderr).toContain('PCR0, PCR1, PCR2 match');
    });

    it('accepts its own describe-eif output as expectations', async () => {
      const own = await run(['measure', vectorPath('tiny-signed'), '--json']);
      const file = write('describe.json', own.stdout);
      expect((await run(['measure', vectorPath('tiny-signed'), '--expected', file])).code).toBe(0);
    });

    it('exits 1 and names each differing PCR', async () => {
      const file = write('wrong.json', {
        PCR0: signed.PCR0,
        PCR1: 'a'.repeat(96),
        PCR2: 'b'.repeat(96),
        PCR8: signed.PCR8,
      });
      const result = await run(['measure', vectorPath('tiny-unsigned'), '--expected', file]);
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(
        new RegExp(`^PCR1 differs from .*wrong\\.json: expected a{96}, measured ${signed.PCR1}$`, 'm'),
      );
      expect(result.stdout).toMatch(/^PCR2 differs from .*: expected b{96}, measured [0-9a-f]{96}$/m);
      expect(result.stdout).toMatch(/^PCR8 differs from .*: expected [0-9a-f]{96}, the image has none$/m);
      expect(result.stdout).toMatch(/^PCR0 match/m);
    });

    it('leaves PCR3 and PCR4 unchecked', async () => {
      const file = write('runtime.json', { PCR0: signed.PCR0, PCR3: 'c'.repeat(96) });
      const result = await run(['measure', vectorPath('tiny-signed'), '--expected', file]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('PCR3 not checked');
    });

    it('rejects an invalid expectations file with exit 2 and its line', async () => {
      const file = write('bad.json', '{\n  "PCR0": "1234"\n}\n');
      const result = await run(['measure', vectorPath('tiny-signed'), '--expected', file]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^isolint: .*bad\.json:2:\d+: invalid expected-PCR file: .*PCR0/);
      expect(result.stdout).toBe('');
      const unknown = write('unknown.json', { PCR0: signed.PCR0, Pcr1: signed.PCR1 });
      expect((await run(['measure', vectorPath('tiny-signed'), '--expected', unknown])).stderr).toMatch(
        /unknown property "Pcr1"/,
      );
      const empty = write('empty.json', { Measurements: { HashAlgorithm: 'x' } });
      expect((await run(['measure', vectorPath('tiny-signed'), '--expected', empty])).stderr).toMatch(
        /missing required property "PCR0" in "Measurements"/,
      );
    });
  });

  it('bad images: exit 2 with one line naming the file and the byte', async () => {
    const temp = tempDir();
    try {
      const bytes = new Uint8Array(readFileSync(vectorPath('tiny-unsigned')));
      bytes[0x11c] = 0xff; // high byte of the kernel size in the section table: far beyond the file
      temp.write('broken.eif', bytes);
      const result = await run(['measure', 'broken.eif'], { cwd: temp.dir });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(
        /^isolint: broken\.eif: at byte 284: section table entry 0: .* beyond the end of the 10003-byte file\n$/,
      );
      const missing = await run(['measure', path.join(temp.dir, 'missing.eif')]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/missing\.eif: cannot open: no such file/);
    } finally {
      temp.cleanup();
    }
  });

  it('a signature that does not verify fails the measurement (exit 1), even with a correct CRC', async () => {
    const temp = tempDir();
    try {
      const bytes = new Uint8Array(readFileSync(vectorPath('tiny-signed')));
      bytes[bytes.length - 1] ^= 0x01; // the last byte of the COSE signature
      const file = temp.write('forged.eif', withCorrectCrc(bytes));
      const result = await run(['measure', file]);
      expect(result.stdout).toMatch(/CRC32 +ok/);
      expect(result.stdout).toMatch(/signature +ES384, INVALID/);
      expect(result.stderr).toMatch(/error: the signature does not verify/);
      expect(result.code).toBe(1);
      expect((await run(['measure', file, '--json'])).code).toBe(1);
      expect((await run(['measure', vectorPath('tiny-signed')])).code).toBe(0);
    } finally {
      temp.cleanup();
    }
  });

  it('a CRC mismatch fails the measurement (exit 1), PCRs still printed', async () => {
    const temp = tempDir();
    try {
      const bytes = new Uint8Array(readFileSync(vectorPath('tiny-unsigned')));
      bytes[bytes.length - 1] ^= 0xff;
      const file = temp.write('damaged.eif', bytes);
      const json = await run(['measure', file, '--json']);
      expect(json.code).toBe(1);
      expect(JSON.parse(json.stdout).CheckCRC).toBe(false);
      expect(json.stderr).toMatch(/error: the CRC32 in the header does not match/);
      const text = await run(['measure', file]);
      expect(text.code).toBe(1);
      expect(text.stdout).toMatch(/CRC32 +MISMATCH: header says 0x[0-9a-f]{8}, file has 0x[0-9a-f]{8}/);
      expect(text.stderr).toMatch(/error: the CRC32 in the header does not match/);
    } finally {
      temp.cleanup();
    }
  });
});

describe('isolint pcr', () => {
  it('--role-arn and --instance-id give the AWS-documented PCR3 and PCR4', async () => {
    const pcr3 = await run(['pcr', '--role-arn', 'arn:aws:iam::123456789012:role/Webserver']);
    expect(pcr3.code).toBe(0);
    expect(JSON.parse(pcr3.stdout)).toEqual({
      PCR3: '78fce75db17cd4e0a3fb8dad3ad128ca5e77edbb2b2c7f75329dccd99aa5f6ef4fc1f1a452e315b9e98f9e312e6921e6',
    });
    const pcr4 = await run(['pcr', '--instance-id', 'i-1234567890abcdef0']);
    expect(JSON.parse(pcr4.stdout)).toEqual({
      PCR4: '08f996b5d43e047a9eb51e7f548bfee7e164fd7dc8f65541f2ac09d6545ac812719327281c401a67a10fcba87ae79ce0',
    });
  });

  it('--signing-certificate gives the PCR8 of the signed vector', async () => {
    const result = await run(['pcr', '--signing-certificate', path.join(vectorsDir, 'tiny-signed.cert.pem')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`{\n  "PCR8": "${expectationOf('tiny-signed').PCR8}"\n}\n`);
    const notCertificate = await run(['pcr', '--signing-certificate', 'tiny-signed.expected.json'], {
      cwd: vectorsDir,
    });
    expect(notCertificate.code).toBe(2);
    expect(notCertificate.stderr).toMatch(/^isolint: tiny-signed\.expected\.json: not an X\.509 certificate/);
  });

  it('--input extends the SHA-384 of the file', async () => {
    const temp = tempDir();
    try {
      const file = temp.write('empty.bin', new Uint8Array());
      const result = await run(['pcr', '--input', file]);
      expect(JSON.parse(result.stdout)).toEqual({
        PCR: '21b9efbc184807662e966d34f390821309eeac6802309798826296bf3e8bec7c10edb30948c90ba67310f7b964fc500a',
      });
    } finally {
      temp.cleanup();
    }
  });

  it('needs exactly one source', async () => {
    const none = await run(['pcr']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/give exactly one of/);
    expect((await run(['pcr', '--role-arn', 'a', '--instance-id', 'b'])).code).toBe(2);
  });
});
