// Large outputs (issue 22, item 5), end to end through the built CLI (npm run build first):
//   plan      a 12 MB single-line Terraform plan with ~64k findings, text and SARIF in turn (A B A B …, after a
//             warm-up of each): text / SARIF per pair, min and median (target ≤ 2)
//   manifest  a 200 MB host manifest with ~960k findings written as SARIF, wall time and peak RSS of each
//             run, the heap capped at 3 GiB (target ≤ 60 s and ≤ 3 GB)
//
//   node bench/large-outputs.mjs [plan] [manifest]     RUNS (default 5; the manifest 3), VOLUMES (64000), HOSTS (60000)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateManifest } from './generate-manifest.mjs';
import { load, pairs, runOnce, stats } from './lib/pairs.mjs';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'bin/isolint.js');
const runs = Number(process.env.RUNS ?? 5);
const work = mkdtempSync(join(tmpdir(), 'isolint-bench-'));
const chosen = process.argv.slice(2).length ? process.argv.slice(2) : ['plan', 'manifest'];
const isolint = (...args) => [process.execPath, '--max-old-space-size=3072', bin, ...args];
function planWith(volumes) {
  const resources = [];
  for (let i = 0; i < volumes; i++) {
    resources.push({
      address: `aws_ebs_volume.v${i}`,
      mode: 'managed',
      type: 'aws_ebs_volume',
      name: `v${i}`,
      values: {
        availability_zone: 'eu-west-1a',
        size: 8,
        encrypted: false,
        tags: { team: 'storage', index: String(i) },
      },
    });
  }
  return JSON.stringify({
    format_version: '1.2',
    terraform_version: '1.9.0',
    planned_values: { root_module: { resources } },
  });
}

const f2 = (value) => value.toFixed(2);

try {
  console.log(`node ${process.version}`);
  if (chosen.includes('plan')) {
    const plan = planWith(Number(process.env.VOLUMES ?? 64000));
    writeFileSync(join(work, 'plan.json'), plan);
    console.log(`\n[plan] plan.json: ${(plan.length / 1048576).toFixed(1)} MiB on one line; load average ${load()}`);
    const result = pairs(
      isolint('check', 'plan.json', '--format', 'text', '-o', 'out.txt'),
      isolint('check', 'plan.json', '--format', 'sarif', '-o', 'out.sarif'),
      { runs, cwd: work },
    );
    const findings = JSON.parse(readFileSync(join(work, 'out.sarif'), 'utf8')).runs[0].results.length;
    console.log(`findings: ${findings}`);
    console.log(
      `text:  wall min ${f2(result.a.min)} s, median ${f2(result.a.median)} s; cpu median ${f2(result.cpuA.median)} s`,
    );
    console.log(
      `sarif: wall min ${f2(result.b.min)} s, median ${f2(result.b.median)} s; cpu median ${f2(result.cpuB.median)} s`,
    );
    console.log(
      `text / sarif per pair: min ${f2(result.ratio.min)}, median ${f2(result.ratio.median)} (cpu median ${f2(result.cpuRatio.median)}; target ≤ 2)`,
    );
  }
  if (chosen.includes('manifest')) {
    const hosts = Number(process.env.HOSTS ?? 60000);
    const text = generateManifest(hosts, 'json', { violating: true });
    writeFileSync(join(work, 'hosts.json'), text);
    console.log(
      `\n[manifest] hosts.json: ${(text.length / 1e6).toFixed(0)} MB, ${hosts} hosts; load average ${load()}`,
    );
    const sarif = [];
    for (let i = 0; i < Math.min(runs, Number(process.env.MANIFEST_RUNS ?? 3)); i++)
      sarif.push(
        runOnce(isolint('check', 'hosts.json', '--max-file-size', '1024', '--format', 'sarif', '-o', 'hosts.sarif'), {
          cwd: work,
        }),
      );
    const wall = stats(sarif.map((r) => r.wall));
    const cpu = stats(sarif.map((r) => r.cpu));
    const peak = Math.max(...sarif.map((r) => r.peakMiB));
    const out = readFileSync(join(work, 'hosts.sarif'));
    // Counted in the bytes: the log is larger than a string may be.
    let results = 0;
    for (let at = out.indexOf('"ruleIndex"'); at >= 0; at = out.indexOf('"ruleIndex"', at + 1)) results++;
    console.log(`SARIF ${(out.length / 1e9).toFixed(2)} GB, ${results} results (counted by ruleIndex)`);
    console.log(
      `sarif: wall min ${f2(wall.min)} s, median ${f2(wall.median)} s; cpu median ${f2(cpu.median)} s; peak RSS ${(peak / 1024).toFixed(2)} GiB (${sarif.length} runs; target ≤ 60 s, ≤ 3 GB)`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
