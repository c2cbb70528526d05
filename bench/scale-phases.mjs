#!/usr/bin/env node
// Scale benchmark by phase (the hostile-input issue, "Scale"): generates a host manifest of about N graph
// nodes (≈19 per host, bench/generate-manifest.mjs) or a Terraform plan of N resources, and prints, each
// size in its own process: read, JSON parse alone, adapter load (parse + schema validation + fragment),
// graph assembly, rules (the slowest named), garbage-collection time per phase, the end-to-end `check`
// time, and peak RSS. Inputs over the CLI's 64 MiB cap are passed with a raised cap (CheckOptions
// maxInputBytes). Run after `npm run build`:
//
//   node bench/scale-phases.mjs                      # manifests of 100k and 1M nodes, a plan of 5k and 50k resources
//   node bench/scale-phases.mjs manifest:1000000 plan:50000 split:1000000:8
//
// `split:N:K` writes the same estate as K manifests of one directory (what a multi-file run would
// parallelise) and times `check` over the directory.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { generateManifest } from './generate-manifest.mjs';

const self = fileURLToPath(import.meta.url);
const NODES_PER_HOST = 19;
const config = (directory) => ({
  directory,
  rules: {},
  failOn: 'error',
  allowInlineSuppressions: true,
  exclude: [],
  suppressions: [],
});

if (process.argv[2] === '--child') {
  const [kind, path] = process.argv.slice(3);
  const dist = new URL('../dist/', import.meta.url);
  const [{ parseJson }, { manifestAdapter }, { terraformPlanAdapter }, { assembleGraph }, { builtinRules }, { check }] =
    await Promise.all([
      import(new URL('src/ingest/json.js', dist)),
      import(new URL('src/ingest/manifest.js', dist)),
      import(new URL('src/ingest/terraform/plan.js', dist)),
      import(new URL('src/engine/assemble.js', dist)),
      import(new URL('rules/index.js', dist)),
      import(new URL('src/index.js', dist)),
    ]);
  let gcMs = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMs += entry.duration;
  });
  observer.observe({ entryTypes: ['gc'] });
  // GC entries reach the observer only once the event loop turns, a few turns after a long synchronous
  // phase: wait for them, then take what is still queued.
  const settle = async () => {
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    for (const entry of observer.takeRecords()) gcMs += entry.duration;
  };
  const phases = {};
  const phase = async (name, action) => {
    const gcBefore = gcMs;
    const started = performance.now();
    const value = await action();
    const ms = performance.now() - started;
    await settle();
    phases[name] = { ms, gcMs: gcMs - gcBefore };
    return value;
  };
  const out = {};
  if (kind === 'split') {
    const result = await phase('check', () =>
      check({ paths: [path], root: path, config: config(path), measureImages: false }),
    );
    out.nodes = result.graph.size.nodes;
    out.findings = result.findings.length;
    out.problems = result.problems.length;
  } else {
    const text = await phase('read', () => readFileSync(path, 'utf8'));
    await phase('parse', () => parseJson(path, text).value.length);
    globalThis.gc?.();
    const adapter = kind === 'plan' ? terraformPlanAdapter : manifestAdapter;
    const fragment = await phase('load', () => adapter.load({ file: 'input.json', absolutePath: path, text }));
    const assembled = await phase('assemble', () => assembleGraph([fragment]));
    const ruleTimes = [];
    let findings = 0;
    await phase('rules', () => {
      for (const rule of builtinRules) {
        const started = performance.now();
        rule.check(assembled.graph, { report: () => findings++ });
        ruleTimes.push([rule.id, performance.now() - started]);
      }
    });
    out.nodes = assembled.graph.size.nodes;
    out.edges = assembled.graph.size.edges;
    out.findings = findings;
    out.slowestRules = ruleTimes
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([id, ms]) => `${id} ${ms.toFixed(0)} ms`);
    out.peakAfterPhasesMiB = process.resourceUsage().maxRSS / 1024;
  }
  out.phases = phases;
  out.gcMs = gcMs;
  out.maxRssMiB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify(out));
} else if (process.argv[2] === '--check-child') {
  // End to end, in a fresh process, so its peak RSS is `check`'s alone.
  const [path] = process.argv.slice(3);
  const { check } = await import(new URL('../dist/src/index.js', import.meta.url));
  const started = performance.now();
  const result = await check({
    paths: [path],
    root: tmpdir(),
    config: config(tmpdir()),
    measureImages: false,
    maxInputBytes: 2 ** 30,
  });
  process.stdout.write(
    JSON.stringify({
      ms: performance.now() - started,
      nodes: result.graph.size.nodes,
      problems: result.problems.map((p) => p.message).slice(0, 3),
      maxRssMiB: process.resourceUsage().maxRSS / 1024,
    }),
  );
} else {
  const specs = process.argv.slice(2).length
    ? process.argv.slice(2)
    : ['manifest:100000', 'manifest:1000000', 'plan:5000', 'plan:50000'];
  const work = mkdtempSync(join(tmpdir(), 'isolint-scale-'));
  const node = (args) =>
    JSON.parse(
      execFileSync(process.execPath, ['--max-old-space-size=4096', '--expose-gc', self, ...args], {
        encoding: 'utf8',
        maxBuffer: 1 << 24,
      }),
    );
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  try {
    for (const spec of specs) {
      const [kind, countText, partsText] = spec.split(':');
      const count = Number(countText);
      let path;
      let bytes = 0;
      if (kind === 'manifest') {
        path = join(work, `manifest-${count}.json`);
        const text = generateManifest(Math.round(count / NODES_PER_HOST), 'json');
        bytes = text.length;
        writeFileSync(path, text);
      } else if (kind === 'plan') {
        path = join(work, `plan-${count}.json`);
        const text = generatePlan(count);
        bytes = text.length;
        writeFileSync(path, text);
      } else if (kind === 'split') {
        path = join(work, `split-${count}`);
        mkdirSync(path);
        const parts = Number(partsText ?? 8);
        const hosts = Math.round(count / NODES_PER_HOST);
        for (let p = 0; p < parts; p++) {
          const text = generateManifest(Math.ceil(hosts / parts), 'json')
            .replace(/"(host-\d+)/g, `"p${p}-$1`)
            .replace(/(?<!"kind": )"(vpc-\d+|tenant-\d+|control-plane|ops)"/g, `"p${p}-$1"`);
          bytes += text.length;
          writeFileSync(join(path, `part-${p}.json`), text);
        }
      } else {
        throw new Error(`unknown spec ${spec} (manifest:N, plan:N, split:N:K)`);
      }
      const before = load();
      const phases = node(['--child', kind, path]);
      const endToEnd = kind === 'split' ? undefined : node(['--check-child', path]);
      const fmt = (name) =>
        phases.phases[name]
          ? `${name} ${(phases.phases[name].ms / 1000).toFixed(2)} s (gc ${(phases.phases[name].gcMs / 1000).toFixed(2)})`
          : '';
      console.log(
        `${spec.padEnd(18)} ${(bytes / 1048576).toFixed(0).padStart(4)} MiB ${String(phases.nodes).padStart(8)} nodes  ` +
          ['read', 'parse', 'load', 'assemble', 'rules', 'check'].map(fmt).filter(Boolean).join(', ') +
          `  gc total ${(phases.gcMs / 1000).toFixed(2)} s  peak RSS ${phases.maxRssMiB.toFixed(0)} MiB` +
          (endToEnd
            ? `  | check end to end ${(endToEnd.ms / 1000).toFixed(2)} s, peak RSS ${endToEnd.maxRssMiB.toFixed(0)} MiB${endToEnd.problems.length ? `, problems: ${endToEnd.problems.join('; ')}` : ''}`
            : '') +
          (phases.slowestRules ? `  slowest rules: ${phases.slowestRules.join(', ')}` : '') +
          `  [load avg before: ${before}]`,
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** A plan of `count` resources: groups of an instance, its security group, a volume and an attachment. */
function generatePlan(count) {
  const resources = [];
  const changes = [];
  const configured = [];
  for (let g = 0; resources.length < count; g++) {
    const group = {
      address: `aws_security_group.sg${g}`,
      mode: 'managed',
      type: 'aws_security_group',
      name: `sg${g}`,
      values: {
        name: `sg${g}`,
        ingress: [
          {
            cidr_blocks: [g % 50 === 0 ? '0.0.0.0/0' : '10.0.0.0/8'],
            ipv6_cidr_blocks: [],
            from_port: g % 50 === 0 ? 22 : 443,
            to_port: g % 50 === 0 ? 22 : 443,
            protocol: 'tcp',
            security_groups: [],
            self: false,
          },
        ],
      },
    };
    const instance = {
      address: `aws_instance.vm${g}`,
      mode: 'managed',
      type: 'aws_instance',
      name: `vm${g}`,
      values: {
        ami: 'ami-0abcdef1234567890',
        instance_type: 'm5.xlarge',
        metadata_options: [{ http_tokens: 'required' }],
      },
    };
    const volume = {
      address: `aws_ebs_volume.v${g}`,
      mode: 'managed',
      type: 'aws_ebs_volume',
      name: `v${g}`,
      values: { availability_zone: 'eu-west-1a', size: 100, encrypted: g % 97 !== 0 },
    };
    const attachment = {
      address: `aws_volume_attachment.a${g}`,
      mode: 'managed',
      type: 'aws_volume_attachment',
      name: `a${g}`,
      values: { device_name: '/dev/sdf' },
    };
    resources.push(group, instance, volume, attachment);
    changes.push({
      address: instance.address,
      type: 'aws_instance',
      change: { actions: ['create'], after_unknown: { id: true, vpc_security_group_ids: true } },
    });
    configured.push(
      {
        address: instance.address,
        expressions: {
          vpc_security_group_ids: { references: [`aws_security_group.sg${g}.id`, `aws_security_group.sg${g}`] },
        },
      },
      {
        address: attachment.address,
        expressions: {
          volume_id: { references: [`aws_ebs_volume.v${g}.id`, `aws_ebs_volume.v${g}`] },
          instance_id: { references: [`aws_instance.vm${g}.id`, `aws_instance.vm${g}`] },
        },
      },
    );
  }
  return JSON.stringify(
    {
      format_version: '1.2',
      terraform_version: '1.9.5',
      planned_values: { root_module: { resources: resources.slice(0, count) } },
      resource_changes: changes,
      configuration: { root_module: { resources: configured } },
    },
    null,
    1,
  );
}
