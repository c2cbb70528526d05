#!/usr/bin/env node
// Wall time of `isolint measure IMAGE --json` over `openssl dgst -sha384 IMAGE` on the same ~512 MiB
// EIF, run in turn (A B A B ...) after a warm-up, with each pair's ratio, the medians, and the peak
// RSS of each process (from /usr/bin/time when present). Prints figures, asserts nothing.
//
//   npx tsc -p tsconfig.build.json && node bench/measure-speed.mjs [--size MiB] [--runs N] [--shape nitro|balanced|both]
//
// Target (issue): ratio ≤ 1.1. The fixed cost of starting Node and loading the CLI is printed too,
// since on a 512 MiB image it is a visible share of the ratio.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateEif } from './measure-generate.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const sizeMiB = Number(option('size', '512'));
const runs = Number(option('runs', '5'));
const shapes = option('shape', 'both') === 'both' ? ['nitro', 'balanced'] : [option('shape')];

if (!existsSync(path.join(root, 'dist/src/cli/main.js'))) {
  console.error('dist/ is missing: run `npx tsc -p tsconfig.build.json` first');
  process.exit(1);
}
const timeBinary = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** Runs a command once: wall seconds, and peak RSS in MiB when /usr/bin/time can tell. */
function runOnce(command, commandArgs) {
  const full = timeBinary ? [timeBinary, ['-f', '%M', command, ...commandArgs]] : [command, commandArgs];
  const start = process.hrtime.bigint();
  const result = spawnSync(full[0], full[1], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0)
    throw new Error(`${command} ${commandArgs.join(' ')} exited ${result.status}: ${result.stderr}`);
  const rssKiB = timeBinary ? Number(result.stderr.trim().split('\n').pop()) : NaN;
  return { wall, peakMiB: rssKiB / 1024 };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const fmt = (value, digits = 3) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

const isolint = (image) => ['node', [path.join(root, 'bin/isolint.js'), 'measure', image, '--json']];
const openssl = (image) => ['openssl', ['dgst', '-sha384', image]];

console.log(`node ${process.version}, ${runs} runs per command after 1 warm-up, image ${sizeMiB} MiB`);
const startup = [];
for (let i = 0; i < runs; i++) startup.push(runOnce('node', [path.join(root, 'bin/isolint.js'), '--version']).wall);
console.log(`fixed cost: \`isolint --version\` median ${fmt(median(startup))} s (Node start-up and loading the CLI)`);

for (const shape of shapes) {
  const image = generateEif({ sizeMiB, shape });
  const bytes = statSync(image).size;
  runOnce(...isolint(image));
  runOnce(...openssl(image));
  const a = [];
  const b = [];
  for (let i = 0; i < runs; i++) {
    a.push(runOnce(...isolint(image)));
    b.push(runOnce(...openssl(image)));
  }
  const ratios = a.map((run, i) => run.wall / b[i].wall);
  const wallA = median(a.map((r) => r.wall));
  const wallB = median(b.map((r) => r.wall));
  console.log(`\nshape "${shape}" (${(bytes / 1024 / 1024).toFixed(0)} MiB): ${image}`);
  console.log(
    `  isolint measure --json   wall median ${fmt(wallA)} s (min ${fmt(Math.min(...a.map((r) => r.wall)))}), ${fmt(bytes / 1e6 / wallA, 0)} MB/s, peak RSS ${fmt(Math.max(...a.map((r) => r.peakMiB)), 1)} MiB`,
  );
  console.log(
    `  openssl dgst -sha384     wall median ${fmt(wallB)} s (min ${fmt(Math.min(...b.map((r) => r.wall)))}), ${fmt(bytes / 1e6 / wallB, 0)} MB/s, peak RSS ${fmt(Math.max(...b.map((r) => r.peakMiB)), 1)} MiB`,
  );
  console.log(
    `  ratio isolint/openssl    median of pairs ${fmt(median(ratios))} (min ${fmt(Math.min(...ratios))}, max ${fmt(Math.max(...ratios))})`,
  );
}
