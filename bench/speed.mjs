#!/usr/bin/env node
// Where users wait (issue 21): each figure as a ratio to its floor, measured in the same run as whole
// processes in turn (A B A B …, after a warm-up of each), min and median of the pairs. Run after
// `npm run build`:
//
//   node bench/speed.mjs                     # every row
//   node bench/speed.mjs startup estate      # some rows: startup startup-hcl estate yaml-manifest
//                                            #   manifest-1m scale measure
//   RUNS=7 node bench/speed.mjs ...          # pairs per row (default 5)
//
// Rows and floors:
//   startup        `isolint check small.yaml` (one template, 2 errors)  / `node -e 0`          goal ≤ 2.5
//                  + modules loaded by check small.yaml, check main.tf, --version, rules, explain
//   startup-hcl    `isolint check main.tf` (the same in HCL)              / `node -e 0`          goal ≤ 3
//   estate         1,000 YAML CloudFormation templates, one process (ISOLINT_WORKERS=0)
//                  / the `yaml` package's parseAllDocuments of the same files                 goal ≤ 1.1
//                  the same with worker threads (the default)  / that single-process floor    goal ≤ 0.75
//   threshold      N templates (8 … 128) with two workers forced / one process: where workers start to pay
//                  (the engine's PARALLEL_MIN_FILES)
//   yaml-manifest  a 100k-node host manifest in YAML / the same in JSON                      goal ≤ 2
//   manifest-1m    a 1M-node JSON manifest, text report to a file / read + JSON.parse alone   goal ≤ 8 s
//   scale          1.9M nodes / 190k nodes (10× the input)                                    goal ≤ 11
//   measure        `isolint measure` of a nitro-shaped 512 MiB EIF / `openssl dgst -sha384`  goal ≤ 1.1
//
// Prints figures; asserts nothing. The load average before each row says how busy the machine was.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { cloudFormationYaml } from './lib/cloudformation.mjs';
import { pairs, load, runOnce } from './lib/pairs.mjs';
import { generateManifest } from './generate-manifest.mjs';
import { generateEif } from './measure-generate.mjs';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'bin/isolint.js');
const runs = Number(process.env.RUNS ?? 5);
const node = process.execPath;
const HEAP = '--max-old-space-size=16384';
const all = ['startup', 'startup-hcl', 'estate', 'threshold', 'yaml-manifest', 'manifest-1m', 'scale', 'measure'];
const chosen = process.argv.slice(2).length ? process.argv.slice(2) : all;
for (const row of chosen) if (!all.includes(row)) throw new Error(`unknown row ${row} (${all.join(', ')})`);
const work = mkdtempSync(join(tmpdir(), 'isolint-speed-'));
const sequential = { ...process.env, ISOLINT_WORKERS: '0' };

const f3 = (value) => value.toFixed(3);
const f2 = (value) => value.toFixed(2);
function print(label, result, goal, unit = '') {
  const { a, b, ratio, cpuA, cpuB, cpuRatio } = result;
  console.log(
    `${label}\n    wall A ${f3(a.min)} / ${f3(a.median)} s  B ${f3(b.min)} / ${f3(b.median)} s  (min / median)  ` +
      `A/B min ${f2(ratio.min)} median ${f2(ratio.median)} max ${f2(ratio.max)}  goal ${goal}${unit}\n` +
      `    cpu  A ${f3(cpuA.min)} / ${f3(cpuA.median)} s  B ${f3(cpuB.min)} / ${f3(cpuB.median)} s  ` +
      `A/B min ${f2(cpuRatio.min)} median ${f2(cpuRatio.median)}  ` +
      `peak RSS A ${result.peakA.toFixed(0)} MiB B ${result.peakB.toFixed(0)} MiB  (${result.runs} pairs)`,
  );
}

/** Distinct modules (files) a command loads, by package. */
function modules(args) {
  const out = join(work, `modules-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(out, '');
  runOnce([node, '--import', join(root, 'bench/lib/count-modules.mjs'), bin, ...args], {
    cwd: work,
    env: { ...process.env, MODULES_OUT: out },
    ok: [0, 1],
  });
  const urls = [...new Set(readFileSync(out, 'utf8').split('\n').filter(Boolean))];
  const byPackage = {};
  for (const url of urls) {
    const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? 'isolint';
    byPackage[name] = (byPackage[name] ?? 0) + 1;
  }
  const parts = Object.entries(byPackage)
    .sort((x, y) => y[1] - x[1])
    .map(([name, count]) => `${name} ${count}`);
  return `${urls.length} (${parts.join(', ')})`;
}

try {
  writeFileSync(
    join(work, 'small.yaml'),
    `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Web:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-0abcdef1234567890
      InstanceType: m5.large
      MetadataOptions:
        HttpTokens: optional
  Data:
    Type: AWS::EC2::Volume
    Properties:
      AvailabilityZone: !GetAtt Web.AvailabilityZone
      Size: 100
      Encrypted: false
`,
  );
  writeFileSync(
    join(work, 'main.tf'),
    `resource "aws_instance" "web" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "m5.large"
  metadata_options {
    http_tokens = "optional"
  }
}

resource "aws_ebs_volume" "data" {
  availability_zone = aws_instance.web.availability_zone
  size              = 100
  encrypted         = false
}
`,
  );
  console.log(`node ${process.version}, ${runs} pairs a row after a warm-up of each; A/B per pair`);
  const floor = [node, '-e', '0'];
  for (const row of chosen) {
    console.log(`\n[${row}] load average before: ${load()}`);
    if (row === 'startup') {
      print(
        'check small.yaml / node -e 0',
        pairs([node, bin, 'check', 'small.yaml'], floor, { runs, cwd: work }),
        '≤ 2.5',
      );
      for (const args of [
        ['check', 'small.yaml'],
        ['check', 'main.tf'],
        ['--version'],
        ['rules'],
        ['explain', 'encrypted-block-storage'],
      ])
        console.log(`    modules loaded by ${args.join(' ')}: ${modules(args)}`);
    } else if (row === 'startup-hcl') {
      print('check main.tf / node -e 0', pairs([node, bin, 'check', 'main.tf'], floor, { runs, cwd: work }), '≤ 3');
    } else if (row === 'estate') {
      const estate = join(work, 'estate');
      mkdirSync(estate, { recursive: true });
      for (let i = 0; i < 1000; i++)
        writeFileSync(join(estate, `stack-${String(i).padStart(4, '0')}.yaml`), cloudFormationYaml(4, i));
      const check = [node, bin, 'check', 'estate', '--format', 'json', '-o', 'estate.json'];
      const yamlFloor = [node, join(root, 'bench/lib/yaml-floor.mjs'), 'estate'];
      print(
        '1,000 templates, one process / yaml parseAllDocuments',
        pairs(check, yamlFloor, { runs, cwd: work, a: { cwd: work, env: sequential }, b: { cwd: work } }),
        '≤ 1.1',
      );
      print(
        '1,000 templates, worker threads / yaml parseAllDocuments in one process',
        pairs(check, yamlFloor, { runs, cwd: work }),
        '≤ 0.75',
      );
    } else if (row === 'threshold') {
      for (const count of [8, 16, 32, 64, 128]) {
        const directory = join(work, `estate-${count}`);
        mkdirSync(directory, { recursive: true });
        for (let i = 0; i < count; i++) writeFileSync(join(directory, `stack-${i}.yaml`), cloudFormationYaml(4, i));
        const check = [node, bin, 'check', `estate-${count}`, '--format', 'json', '-o', `estate-${count}.json`];
        print(
          `${count} templates: two workers / one process`,
          pairs(check, check, {
            runs,
            cwd: work,
            a: { cwd: work, env: { ...process.env, ISOLINT_WORKERS: '2' } },
            b: { cwd: work, env: sequential },
          }),
          '< 1 from the threshold on',
        );
      }
    } else if (row === 'yaml-manifest') {
      const hosts = Math.round(100000 / 19);
      writeFileSync(join(work, 'hosts.yaml'), generateManifest(hosts, 'yaml'));
      writeFileSync(join(work, 'hosts.json'), generateManifest(hosts, 'json'));
      print(
        `100k-node manifest (${hosts} hosts): YAML / JSON`,
        pairs(
          [node, HEAP, bin, 'check', 'hosts.yaml', '--max-file-size', '4096'],
          [node, HEAP, bin, 'check', 'hosts.json', '--max-file-size', '4096'],
          { runs, cwd: work },
        ),
        '≤ 2',
      );
    } else if (row === 'manifest-1m') {
      const text = generateManifest(Math.round(1000000 / 19), 'json');
      writeFileSync(join(work, 'million.json'), text);
      console.log(`    million.json ${(text.length / 1048576).toFixed(0)} MiB`);
      print(
        '1M-node manifest, text report / read + JSON.parse',
        pairs(
          [
            node,
            HEAP,
            bin,
            'check',
            'million.json',
            '--max-file-size',
            '4096',
            '--format',
            'text',
            '-o',
            'million.txt',
          ],
          [node, HEAP, '-e', 'JSON.parse(require("fs").readFileSync("million.json", "utf8"))'],
          { runs, cwd: work },
        ),
        'A ≤ 8 s',
      );
    } else if (row === 'scale') {
      writeFileSync(join(work, 'n.json'), generateManifest(10000, 'json'));
      writeFileSync(join(work, 'n10.json'), generateManifest(100000, 'json'));
      print(
        'check 1.9M nodes / check 190k nodes (t(10N) / t(N))',
        pairs(
          [node, HEAP, bin, 'check', 'n10.json', '--max-file-size', '4096'],
          [node, HEAP, bin, 'check', 'n.json', '--max-file-size', '4096'],
          { runs, cwd: work },
        ),
        '≤ 11',
      );
    } else if (row === 'measure') {
      const image = generateEif({ sizeMiB: 512, shape: 'nitro' });
      print(
        'measure 512 MiB nitro EIF / openssl dgst -sha384',
        pairs([node, bin, 'measure', image, '--json'], ['openssl', 'dgst', '-sha384', image], {
          runs,
          cwd: work,
          ok: [0],
        }),
        '≤ 1.1',
      );
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
