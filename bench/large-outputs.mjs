// Large outputs (issue 22, item 5): a 12 MB single-line Terraform plan with ~64k findings, as text and as
// SARIF, end to end through the built CLI (npm run build first). Prints each time, min and median of the
// runs, and the text/SARIF ratio (target ≤ 2). RUNS (default 3) and VOLUMES (default 64000) change the
// run count and the plan's size. The 200 MB manifest case (≤ 60 s, ≤ 3 GB as SARIF) is not here yet.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'bin/isolint.js');
const runs = Number(process.env.RUNS ?? 3);
const work = mkdtempSync(join(tmpdir(), 'isolint-bench-'));

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

function time(args) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['--max-old-space-size=3072', bin, ...args], {
    cwd: work,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0 && result.status !== 1) throw new Error(`isolint ${args.join(' ')}: ${result.stderr}`);
  return seconds;
}

const stats = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0], median: sorted[Math.floor(sorted.length / 2)] };
};

try {
  const plan = planWith(Number(process.env.VOLUMES ?? 64000));
  writeFileSync(join(work, 'plan.json'), plan);
  console.log(`plan.json: ${(plan.length / 1048576).toFixed(1)} MiB on one line`);
  const text = [];
  const sarif = [];
  for (let i = 0; i < runs; i++) {
    sarif.push(time(['check', 'plan.json', '--format', 'sarif', '-o', 'out.sarif']));
    text.push(time(['check', 'plan.json', '--format', 'text', '-o', 'out.txt']));
  }
  const t = stats(text);
  const s = stats(sarif);
  const findings = JSON.parse(readFileSync(join(work, 'out.sarif'), 'utf8')).runs[0].results.length;
  console.log(`findings: ${findings}`);
  console.log(`sarif: min ${s.min.toFixed(2)} s, median ${s.median.toFixed(2)} s`);
  console.log(`text:  min ${t.min.toFixed(2)} s, median ${t.median.toFixed(2)} s`);
  console.log(
    `text / sarif: min ${(t.min / s.min).toFixed(2)}, median ${(t.median / s.median).toFixed(2)} (target ≤ 2)`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
