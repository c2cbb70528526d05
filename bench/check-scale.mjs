// Scale benchmark for `check` on generated host manifests: prints parse+check time, graph size and peak
// memory for N = 1k, 10k and 100k hosts (JSON), and 1k/10k hosts as YAML. Each size runs in its own
// process so peak RSS belongs to that size alone. Run after `npm run build`: node bench/check-scale.mjs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateManifest } from './generate-manifest.mjs';

const self = fileURLToPath(import.meta.url);

if (process.argv[2] === '--child') {
  const [file] = process.argv.slice(3);
  const { check } = await import('../dist/src/index.js');
  const started = performance.now();
  const result = await check({
    paths: [file],
    root: tmpdir(),
    config: {
      directory: tmpdir(),
      rules: {},
      failOn: 'error',
      allowInlineSuppressions: true,
      exclude: [],
      suppressions: [],
    },
    // The generated estates outgrow the CLI's 64 MiB per-file cap at 100k hosts.
    maxInputBytes: Number.POSITIVE_INFINITY,
  });
  const elapsed = performance.now() - started;
  const { nodes, edges } = result.graph.size;
  process.stdout.write(
    JSON.stringify({
      ms: elapsed,
      nodes,
      edges,
      findings: result.findings.length,
      problems: result.problems.length,
      maxRssMiB: process.resourceUsage().maxRSS / 1024,
    }),
  );
} else {
  const sizes = process.argv.slice(2).length
    ? process.argv.slice(2).map((s) => s.split(':'))
    : [
        ['1000', 'json'],
        ['10000', 'json'],
        ['100000', 'json'],
        ['1000', 'yaml'],
        ['10000', 'yaml'],
      ];
  const work = mkdtempSync(join(tmpdir(), 'isolint-bench-'));
  const rows = [];
  try {
    for (const [count, format] of sizes) {
      const hosts = Number(count);
      const file = join(work, `hosts-${hosts}.${format}`);
      const text = generateManifest(hosts, format);
      writeFileSync(file, text);
      const runs = [];
      for (let i = 0; i < (hosts >= 100000 ? 1 : 3); i++) {
        runs.push(
          JSON.parse(
            execFileSync(process.execPath, ['--max-old-space-size=16384', self, '--child', file], {
              encoding: 'utf8',
              maxBuffer: 1 << 20,
            }),
          ),
        );
      }
      const best = runs.sort((a, b) => a.ms - b.ms)[0];
      rows.push({ hosts, format, mib: text.length / 1048576, ...best });
      const row = rows[rows.length - 1];
      console.log(
        `${String(hosts).padStart(7)} hosts ${format.padEnd(4)} ${row.mib.toFixed(1).padStart(6)} MiB  ` +
          `${String(row.nodes).padStart(8)} nodes ${String(row.edges).padStart(8)} edges  ` +
          `parse+check ${(row.ms / 1000).toFixed(2).padStart(6)} s  ${(row.nodes / (row.ms / 1000) / 1000).toFixed(0).padStart(5)}k nodes/s  ` +
          `peak RSS ${row.maxRssMiB.toFixed(0).padStart(5)} MiB  findings ${row.findings}`,
      );
    }
    for (const format of ['json', 'yaml']) {
      const list = rows.filter((r) => r.format === format).sort((a, b) => a.hosts - b.hosts);
      for (let i = 1; i < list.length; i++) {
        const ratio = list[i].ms / list[i - 1].ms;
        console.log(
          `${format}: ${list[i].hosts / list[i - 1].hosts}× the input (${list[i - 1].nodes} → ${list[i].nodes} nodes) cost ${ratio.toFixed(1)}× the time`,
        );
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
