// Benchmark: one Terraform module of 51 files and 10,000 resources (a variables file and 50 files of 200
// resources that use its variables and locals), with planted findings: unencrypted volumes, instances
// accepting IMDSv1, SSH open to 0.0.0.0/0 on an attached group. Every file is loaded as its own input and
// reads its siblings, so a module cache that misses makes the run quadratic (and the WASM heap run out).
// Prints time and peak memory, min and median over runs, the ratio of the full module to 51 times one of
// its files checked alone (≈ 1 when the work is linear) and planted findings reported / planted.
// Run after `npm run build`: node bench/terraform-large-module.mjs [runs] [files] [resources]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Writes the module into `directory`; returns the planted findings as {ruleId, file, line} (file relative
 * to the directory). Groups of four resources: security group, instance, volume, attachment.
 */
export function writeLargeModule(directory, files = 51, resources = 10_000) {
  mkdirSync(directory, { recursive: true });
  const planted = [];
  writeFileSync(
    join(directory, 'variables.tf'),
    [
      'variable "tokens" {',
      '  type    = string',
      '  default = "required"',
      '}',
      'variable "admin_cidr" {',
      '  type    = string',
      '  default = "10.0.0.0/8"',
      '}',
      'locals {',
      '  encrypted = true',
      '  size      = 100',
      '}',
      '',
    ].join('\n'),
  );
  const perFile = Math.ceil(resources / (files - 1));
  let made = 0;
  for (let f = 1; f < files; f++) {
    const name = `part${String(f).padStart(2, '0')}.tf`;
    const lines = [];
    for (let i = 0; i * 4 < perFile && made < resources; i++) {
      const id = `${f}_${i}`;
      const open = i % 10 === 0;
      const optional = i % 7 === 0;
      const plain = i % 5 === 0;
      lines.push(`resource "aws_security_group" "g${id}" {`, `  name = "g${id}"`, '  ingress {');
      lines.push('    from_port   = 22', '    to_port     = 22', '    protocol    = "tcp"');
      if (open) planted.push({ ruleId: 'no-interactive-access', file: name, line: lines.length + 1 });
      lines.push(`    cidr_blocks = [${open ? '"0.0.0.0/0"' : 'var.admin_cidr'}]`, '  }', '}');
      lines.push(`resource "aws_instance" "i${id}" {`, '  ami                    = "ami-0abcdef1234567890"');
      lines.push('  instance_type          = "m5.xlarge"', `  vpc_security_group_ids = [aws_security_group.g${id}.id]`);
      lines.push('  metadata_options {');
      if (optional) planted.push({ ruleId: 'instance-metadata-v2', file: name, line: lines.length + 1 });
      lines.push(`    http_tokens = ${optional ? '"optional"' : 'var.tokens'}`, '  }', '}');
      lines.push(`resource "aws_ebs_volume" "v${id}" {`, '  availability_zone = "eu-west-1a"', '  size = local.size');
      if (plain) planted.push({ ruleId: 'encrypted-block-storage', file: name, line: lines.length + 1 });
      lines.push(`  encrypted = ${plain ? 'false' : 'local.encrypted'}`, '}');
      lines.push(`resource "aws_volume_attachment" "a${id}" {`, '  device_name = "/dev/sdf"');
      lines.push(`  volume_id   = aws_ebs_volume.v${id}.id`, `  instance_id = aws_instance.i${id}.id`, '}');
      made += 4;
    }
    writeFileSync(join(directory, name), `${lines.join('\n')}\n`);
  }
  return planted;
}

/** One measured check in a fresh process: {ms, rssMiB, findings: [{ruleId,file,line}], errors}. */
function measure(paths, cwd) {
  const script = `
    const { check } = await import(${JSON.stringify(new URL('../dist/src/index.js', import.meta.url).href)});
    const start = performance.now();
    const result = await check({ paths: ${JSON.stringify(paths)}, cwd: ${JSON.stringify(cwd)}, root: ${JSON.stringify(cwd)}, measureImages: false });
    const ms = performance.now() - start;
    const findings = result.findings.filter((f) => f.severity === 'error').map((f) => ({ ruleId: f.ruleId, file: f.location.file, line: f.location.startLine }));
    process.stdout.write(JSON.stringify({ ms, rssMiB: process.resourceUsage().maxRSS / 1024, findings, errors: result.problems.filter((p) => p.level === 'error').map((p) => p.message) }));
  `;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (child.status !== 0) throw new Error(child.stderr);
  return JSON.parse(child.stdout);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const runs = Number(process.argv[2] ?? 3);
  const files = Number(process.argv[3] ?? 51);
  const resources = Number(process.argv[4] ?? 10_000);
  const directory = mkdtempSync(join(tmpdir(), 'isolint-tf-large-'));
  try {
    const planted = writeLargeModule(join(directory, 'module'), files, resources);
    const single = mkdtempSync(join(tmpdir(), 'isolint-tf-single-'));
    writeLargeModule(single, 2, Math.ceil(resources / (files - 1)));
    const full = [];
    const one = [];
    let last;
    for (let run = 0; run < runs; run++) {
      last = measure(['module'], directory);
      full.push(last);
      one.push(measure(['.'], single));
    }
    rmSync(single, { recursive: true, force: true });
    const key = (f) => `${f.ruleId}|${f.file}|${f.line}`;
    const reported = new Set(last.findings.map(key));
    const found = planted.filter((p) => reported.has(key({ ...p, file: `module/${p.file}` }))).length;
    const ms = full.map((r) => r.ms);
    const rss = full.map((r) => r.rssMiB);
    const floor = one.map((r) => r.ms * (files - 1));
    console.log(`module: ${files} files, ${resources} resources, ${planted.length} planted findings`);
    console.log(`time ms:  min ${Math.min(...ms).toFixed(0)}  median ${median(ms).toFixed(0)}`);
    console.log(`peak MiB: min ${Math.min(...rss).toFixed(0)}  median ${median(rss).toFixed(0)}`);
    console.log(
      `ratio to ${files - 1} × one file alone: min ${Math.min(...ms.map((m, i) => m / floor[i])).toFixed(2)}  median ${median(ms.map((m, i) => m / floor[i])).toFixed(2)}`,
    );
    console.log(`planted findings reported: ${found} / ${planted.length}; input errors: ${last.errors.length}`);
    if (last.errors.length) console.log(`first input error: ${last.errors[0]}`);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
