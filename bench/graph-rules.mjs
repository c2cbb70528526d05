#!/usr/bin/env node
// Graph assembly and rule evaluation alone, without parsing: generates a host manifest of about N graph nodes
// (≈19 per host, bench/generate-manifest.mjs), loads it ONCE with the manifest adapter, then times
// `assembleGraph` and every built-in rule, each size in its own process. Prints per run: assembly time and its
// GC time, the heap right after assembly, the heap the graph keeps (after a full GC, minus the heap before
// assembly) once assembled and again after the rules (the graph builds its indexes by node when first asked),
// rule time and its GC time, the slowest rules, and a checksum of the findings (equal before and after a change
// that must not change behaviour). The best run is the one with the least assembly + rules time; runs after the
// first reuse compiled code, so the first run is closest to what `isolint check` sees. Run after `npm run build`:
//
//   node bench/graph-rules.mjs                        # 100k nodes (best of 5) and 1M nodes (once)
//   node bench/graph-rules.mjs 100000:5 1000000:1     # nodes:runs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { generateManifest } from './generate-manifest.mjs';

const self = fileURLToPath(import.meta.url);
const NODES_PER_HOST = 19;
const MiB = 1048576;

if (process.argv[2] === '--child') {
  const [path, runsText] = process.argv.slice(3);
  const runs = Number(runsText);
  const dist = new URL('../dist/', import.meta.url);
  const [{ readFileSync }, { manifestAdapter }, { assembleGraph }, { builtinRules }] = await Promise.all([
    import('node:fs'),
    import(new URL('src/ingest/manifest.js', dist)),
    import(new URL('src/engine/assemble.js', dist)),
    import(new URL('rules/index.js', dist)),
  ]);
  let gcMs = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMs += entry.duration;
  }).observe({ entryTypes: ['gc'] });
  // GC entries arrive asynchronously: let the observer catch up (outside the timed regions) before reading the sum.
  const settle = () => new Promise((resolve) => setTimeout(resolve, 50));
  const fullGc = async () => {
    globalThis.gc();
    await settle();
  };

  const fragment = manifestAdapter.load({ file: 'input.json', absolutePath: path, text: readFileSync(path, 'utf8') });
  const results = [];
  for (let run = 0; run < runs; run++) {
    await fullGc();
    const heapBefore = process.memoryUsage().heapUsed;
    let gcBefore = gcMs;
    let started = performance.now();
    let assembled = assembleGraph([fragment]);
    const assembleMs = performance.now() - started;
    await settle();
    const assembleGcMs = gcMs - gcBefore;
    const heapAfter = process.memoryUsage().heapUsed;
    await fullGc();
    const graphHeap = process.memoryUsage().heapUsed - heapBefore;

    const ruleTimes = [];
    let findings = 0;
    let checksum = 0;
    const hash = (text) => {
      for (let i = 0; i < text.length; i++) checksum = (Math.imul(checksum, 31) + text.charCodeAt(i)) | 0;
    };
    gcBefore = gcMs;
    started = performance.now();
    for (const rule of builtinRules) {
      const ruleStarted = performance.now();
      rule.check(assembled.graph, {
        report(descriptor) {
          findings++;
          hash(
            `${rule.id}\0${descriptor.messageId}\0${descriptor.subject.id ?? `${descriptor.subject.from}>${descriptor.subject.to}`}\0${descriptor.property ?? ''}\0${JSON.stringify(descriptor.data)}\n`,
          );
        },
      });
      ruleTimes.push([rule.id, performance.now() - ruleStarted]);
    }
    const rulesMs = performance.now() - started;
    await settle();
    const rulesGcMs = gcMs - gcBefore;
    // Indexes and caches the rules made the graph build are part of what it keeps.
    await fullGc();
    const graphHeapAfterRules = process.memoryUsage().heapUsed - heapBefore;
    results.push({
      assembleMs,
      assembleGcMs,
      heapAfterAssemblyMiB: heapAfter / MiB,
      graphHeapMiB: graphHeap / MiB,
      graphHeapAfterRulesMiB: graphHeapAfterRules / MiB,
      rulesMs,
      rulesGcMs,
      findings,
      checksum: (checksum >>> 0).toString(16),
      problems: assembled.problems.length,
      nodes: assembled.graph.size.nodes,
      edges: assembled.graph.size.edges,
      slowest: ruleTimes
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
        .map(([id, ms]) => `${id} ${ms.toFixed(0)}`),
    });
    // Dropped before the next size so its graph can be collected (it is not read again).
    // eslint-disable-next-line no-useless-assignment
    assembled = undefined;
  }
  process.stdout.write(JSON.stringify({ results, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));
} else {
  const specs = process.argv.slice(2).length ? process.argv.slice(2) : ['100000:5', '1000000:1'];
  const work = mkdtempSync(join(tmpdir(), 'isolint-graph-rules-'));
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  try {
    for (const spec of specs) {
      const [countText, runsText = '3'] = spec.split(':');
      const count = Number(countText);
      const path = join(work, `manifest-${count}.json`);
      writeFileSync(path, generateManifest(Math.round(count / NODES_PER_HOST), 'json'));
      const before = load();
      const out = JSON.parse(
        execFileSync(process.execPath, ['--max-old-space-size=4096', '--expose-gc', self, '--child', path, runsText], {
          encoding: 'utf8',
          maxBuffer: 1 << 24,
        }),
      );
      const s = (ms) => `${(ms / 1000).toFixed(3)} s`;
      const line = (r) =>
        `assemble ${s(r.assembleMs)} (gc ${s(r.assembleGcMs)}), heap after assembly ${r.heapAfterAssemblyMiB.toFixed(0)} MiB, graph keeps ${r.graphHeapMiB.toFixed(0)} MiB; ` +
        `rules ${s(r.rulesMs)} (gc ${s(r.rulesGcMs)}), graph keeps ${r.graphHeapAfterRulesMiB.toFixed(0)} MiB after rules; total ${s(r.assembleMs + r.rulesMs)}`;
      const best = out.results.reduce((a, b) => (b.assembleMs + b.rulesMs < a.assembleMs + a.rulesMs ? b : a));
      console.log(
        `${String(best.nodes).padStart(8)} nodes, ${best.edges} edges, ${best.findings} findings (checksum ${best.checksum}), ${best.problems} problems  [load avg before: ${before}]`,
      );
      out.results.forEach((r, i) => console.log(`  run ${i + 1}: ${line(r)}`));
      console.log(`  best:  ${line(best)}`);
      console.log(`  slowest rules of best run (ms): ${best.slowest.join(', ')}`);
      console.log(`  peak RSS of the process (incl. the loaded fragment): ${out.maxRssMiB.toFixed(0)} MiB`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
