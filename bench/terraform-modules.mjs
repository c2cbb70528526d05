// Benchmark: a generated root module calling a local module `calls` times, each call with for_each over
// 10 instances (1,000 calls: 10,000 resources), against a floor measured in the same run: the same
// resources written out in one flat root module. Prints time and peak memory, min and median over runs,
// the ratio to the floor, and planted findings reported / planted (every tenth call passes encrypted =
// false). Run after `npm run build`: node bench/terraform-modules.mjs [runs] [calls...]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const KEYS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];

function writeModules(directory, calls) {
  mkdirSync(join(directory, 'child'), { recursive: true });
  writeFileSync(
    join(directory, 'child', 'main.tf'),
    [
      'variable "name" {',
      '  type = string',
      '}',
      'variable "encrypted" {',
      '  type    = bool',
      '  default = true',
      '}',
      'resource "aws_ebs_volume" "this" {',
      '  availability_zone = "eu-west-1a"',
      '  size              = 10',
      '  encrypted         = var.encrypted',
      '  tags              = { Name = var.name }',
      '}',
      '',
    ].join('\n'),
  );
  const lines = [];
  let planted = 0;
  for (let i = 0; i < calls; i++) {
    const plain = i % 10 === 0;
    if (plain) planted += KEYS.length;
    lines.push(
      `module "m${i}" {`,
      '  source    = "./child"',
      `  for_each  = toset(${JSON.stringify(KEYS)})`,
      `  name      = "m${i}-\${each.key}"`,
      `  encrypted = ${plain ? 'false' : 'true'}`,
      '}',
    );
  }
  writeFileSync(join(directory, 'main.tf'), `${lines.join('\n')}\n`);
  return planted;
}

function writeFlat(directory, calls) {
  mkdirSync(directory, { recursive: true });
  const lines = [];
  for (let i = 0; i < calls; i++)
    for (const key of KEYS)
      lines.push(
        `resource "aws_ebs_volume" "m${i}_${key}" {`,
        '  availability_zone = "eu-west-1a"',
        '  size              = 10',
        `  encrypted         = ${i % 10 === 0 ? 'false' : 'true'}`,
        `  tags              = { Name = "m${i}-${key}" }`,
        '}',
      );
  writeFileSync(join(directory, 'main.tf'), `${lines.join('\n')}\n`);
}

function measure(directory) {
  const script = `
    const { check } = await import(${JSON.stringify(new URL('../dist/src/index.js', import.meta.url).href)});
    const start = performance.now();
    const result = await check({ paths: ['.'], cwd: ${JSON.stringify(directory)}, root: ${JSON.stringify(directory)}, measureImages: false });
    const ms = performance.now() - start;
    process.stdout.write(JSON.stringify({ ms, rssMiB: process.resourceUsage().maxRSS / 1024,
      errors: result.findings.filter((f) => f.severity === 'error' && f.ruleId === 'encrypted-block-storage').length,
      problems: result.problems.filter((p) => p.level === 'error').length }));
  `;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(child.stderr);
  return JSON.parse(child.stdout);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const runs = Number(process.argv[2] ?? 3);
const sizes = process.argv.slice(3).map(Number);
for (const calls of sizes.length ? sizes : [100, 1000]) {
  const directory = mkdtempSync(join(tmpdir(), 'isolint-tf-modules-'));
  try {
    const planted = writeModules(join(directory, 'modules'), calls);
    writeFlat(join(directory, 'flat'), calls);
    const modules = [];
    const flat = [];
    for (let run = 0; run < runs; run++) {
      modules.push(measure(join(directory, 'modules')));
      flat.push(measure(join(directory, 'flat')));
    }
    const ms = modules.map((r) => r.ms);
    const rss = modules.map((r) => r.rssMiB);
    const ratios = ms.map((m, i) => m / flat[i].ms);
    console.log(`${calls} module calls × ${KEYS.length} instances = ${calls * KEYS.length} resources`);
    console.log(`  time ms:  min ${Math.min(...ms).toFixed(0)}  median ${median(ms).toFixed(0)}`);
    console.log(`  peak MiB: min ${Math.min(...rss).toFixed(0)}  median ${median(rss).toFixed(0)}`);
    console.log(
      `  flat floor ms: min ${Math.min(...flat.map((r) => r.ms)).toFixed(0)}  median ${median(flat.map((r) => r.ms)).toFixed(0)}`,
    );
    console.log(
      `  ratio to the flat floor: min ${Math.min(...ratios).toFixed(2)}  median ${median(ratios).toFixed(2)}`,
    );
    console.log(`  planted findings reported: ${modules[0].errors} / ${planted}; input errors: ${modules[0].problems}`);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
