import { mkdirSync, mkdtempSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check } from '../../src/check.js';
import { defaultConfig } from '../../src/engine/config.js';
import { createInputFiles } from '../../src/engine/input-files.js';
import { InputError } from '../../src/errors.js';

function scratch(files: Record<string, string>): string {
  const directory = mkdtempSync(join(tmpdir(), 'isolint-files-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(directory, name, '..'), { recursive: true });
    writeFileSync(join(directory, name), text);
  }
  return directory;
}

/** Rewrites a file with text of the same length and puts its modification time back, as a fast edit can. */
function rewriteUnnoticeably(path: string, text: string): void {
  const before = statSync(path);
  expect(text.length).toBe(before.size);
  writeFileSync(path, text);
  utimesSync(path, before.atime, before.mtime);
}

async function run(directory: string, paths = [directory]) {
  const result = await check({
    paths,
    cwd: directory,
    root: directory,
    config: defaultConfig(directory),
    today: new Date('2026-11-01'),
  });
  return result.findings.map((f) => `${f.ruleId} ${f.messageId} ${f.location.file}:${f.location.startLine}`).sort();
}

describe('the read service adapters read other files through', () => {
  it('honours the size cap, the excludes and the scan', () => {
    const root = scratch({
      'repo/infra/main.tf': 'x',
      'repo/infra/big.tfvars': 'x'.repeat(2048),
      'repo/infra/generated/skip.tf': 'x',
      'elsewhere/secret.txt': 'secret',
    });
    const files = createInputFiles({
      maxInputBytes: 1024,
      root: join(root, 'repo'),
      scanned: [join(root, 'repo/infra')],
      exclude: { directory: join(root, 'repo'), globs: ['infra/generated/**'] },
      display: (path) => path.slice(root.length + 1),
    });
    expect(files.read(join(root, 'repo/infra/main.tf'))).toBe('x');
    expect(() => files.read(join(root, 'repo/infra/big.tfvars'))).toThrow(/over the 0 MiB limit|limit for inputs/);
    expect(() => files.read(join(root, 'repo/infra/generated/skip.tf'))).toThrow(/is excluded/);
    expect(files.exists(join(root, 'repo/infra/generated/skip.tf'))).toBe(false);
    expect(files.list(join(root, 'repo/infra'))).toEqual(['big.tfvars', 'generated', 'main.tf']);
    expect(() => files.read(join(root, 'elsewhere/secret.txt'))).toThrow(InputError);
    expect(() => files.read(join(root, 'elsewhere/secret.txt'))).toThrow(/outside the scan/);
    expect(files.exists(join(root, 'elsewhere/secret.txt'))).toBe(false);
  });

  it('keeps nothing from one check() to the next: changed files are read again', async () => {
    // Terraform: a sibling file of the module the scanned file belongs to (evaluate.ts parses directories).
    const terraform = scratch({
      'main.tf': [
        'resource "aws_instance" "web" {',
        '  ami = "ami-0abcdef1234567890"',
        '  metadata_options {',
        '    http_tokens = var.tokens',
        '  }',
        '}',
      ].join('\n'),
      'variables.tf': 'variable "tokens" {\n  default = "required"\n}\n',
    });
    expect((await run(terraform)).filter((f) => f.startsWith('instance-metadata-v2'))).toEqual([]);
    rewriteUnnoticeably(join(terraform, 'variables.tf'), 'variable "tokens" {\n  default = "optional"\n}\n');
    expect((await run(terraform)).filter((f) => f.startsWith('instance-metadata-v2'))).toEqual([
      'instance-metadata-v2 optional main.tf:4',
    ]);

    // libvirt: a host's capabilities beside the domain it runs (libvirt-host.ts reads them per directory).
    const capabilities = (cores: number) =>
      `<capabilities><host><cpu><topology sockets='1' dies='1' cores='${cores}' threads='1'/></cpu></host></capabilities>\n`;
    const libvirt = scratch({
      'capabilities.xml': capabilities(8),
      'qemu.conf': 'security_driver = "selinux"\n',
      'web.xml': "<domain type='kvm'><name>web</name><memory unit='MiB'>1024</memory><vcpu>6</vcpu></domain>\n",
    });
    const oversubscribed = async () =>
      (await run(libvirt)).filter((f) => f.startsWith('no-oversubscription hostCpu')).length;
    expect(await oversubscribed()).toBe(0);
    rewriteUnnoticeably(join(libvirt, 'capabilities.xml'), capabilities(4));
    expect(await oversubscribed()).toBe(1);
  });
});
