import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runIsolint } from './run.js';

const directory = mkdtempSync(join(tmpdir(), 'isolint-tf-vars-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
writeFileSync(
  join(directory, 'main.tf'),
  'variable "encrypted" {\n  type    = bool\n  default = true\n}\nresource "aws_ebs_volume" "data" {\n  availability_zone = "eu-west-1a"\n  size      = 10\n  encrypted = var.encrypted\n}\n',
);
writeFileSync(join(directory, 'off.tfvars'), 'encrypted = false\n');

const errors = async (...args: string[]) => {
  const run = await runIsolint(['check', '.', '-f', 'json', ...args], { cwd: directory });
  return JSON.parse(run.stdout).findings.filter((f: { severity: string }) => f.severity === 'error').length;
};

it('--var and --var-file set root module variables, the later one winning', async () => {
  expect(await errors()).toBe(0);
  expect(await errors('--var-file', 'off.tfvars')).toBe(1);
  expect(await errors('--var-file', 'off.tfvars', '--var', 'encrypted=true')).toBe(0);
  expect(await errors('--var', 'encrypted=true', '--var-file', 'off.tfvars')).toBe(1);
});

it('refuses a --var without a name and a --var-file that does not exist, in one line', async () => {
  for (const args of [
    ['--var', 'oops'],
    ['--var-file', 'missing.tfvars'],
  ]) {
    const run = await runIsolint(['check', '.', ...args], { cwd: directory });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  }
});
