// Benchmark: `check` over generated AWS inputs — a CloudFormation template of 500 resources (YAML with
// short-form intrinsics, conditions and cross-references) and a Terraform plan JSON (`terraform show
// -json` shape) of 20,000 resources. Prints size, check time, graph size, findings and peak memory;
// asserts nothing. Run after `npm run build`: node bench/check-aws.mjs [cfnResources] [planResources]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cloudFormationYaml } from './lib/cloudformation.mjs';

const cfnResources = Number(process.argv[2] ?? 500);
const planResources = Number(process.argv[3] ?? 20_000);
const { check } = await import('../dist/src/index.js');

/** Groups of four: security group, instance, volume, attachment; references in `configuration`. */
function plan(count) {
  const resources = [];
  const changes = [];
  const configuration = [];
  for (let i = 0; resources.length < count; i++) {
    const open = i % 10 === 0;
    resources.push(
      {
        address: `aws_security_group.g${i}`,
        mode: 'managed',
        type: 'aws_security_group',
        name: `g${i}`,
        values: {
          name: `g${i}`,
          ingress: [
            {
              from_port: 22,
              to_port: 22,
              protocol: 'tcp',
              cidr_blocks: [open ? '0.0.0.0/0' : '10.0.0.0/8'],
              ipv6_cidr_blocks: [],
              self: false,
            },
          ],
        },
      },
      {
        address: `aws_instance.i${i}`,
        mode: 'managed',
        type: 'aws_instance',
        name: `i${i}`,
        values: {
          ami: 'ami-0abcdef1234567890',
          instance_type: 'm5.large',
          metadata_options: [{ http_tokens: i % 4 === 0 ? 'optional' : 'required', http_endpoint: 'enabled' }],
          root_block_device: [{ encrypted: true, volume_size: 20 }],
        },
      },
      {
        address: `aws_ebs_volume.v${i}`,
        mode: 'managed',
        type: 'aws_ebs_volume',
        name: `v${i}`,
        values: { size: 100, encrypted: i % 3 !== 0 },
      },
      {
        address: `aws_volume_attachment.a${i}`,
        mode: 'managed',
        type: 'aws_volume_attachment',
        name: `a${i}`,
        values: { device_name: '/dev/sdf' },
      },
    );
    changes.push(
      {
        address: `aws_instance.i${i}`,
        type: 'aws_instance',
        change: { actions: ['create'], after_unknown: { id: true, vpc_security_group_ids: true } },
      },
      {
        address: `aws_volume_attachment.a${i}`,
        type: 'aws_volume_attachment',
        change: { actions: ['create'], after_unknown: { volume_id: true, instance_id: true } },
      },
    );
    configuration.push(
      {
        address: `aws_instance.i${i}`,
        type: 'aws_instance',
        expressions: {
          vpc_security_group_ids: { references: [`aws_security_group.g${i}.id`, `aws_security_group.g${i}`] },
        },
      },
      {
        address: `aws_volume_attachment.a${i}`,
        type: 'aws_volume_attachment',
        expressions: {
          volume_id: { references: [`aws_ebs_volume.v${i}.id`] },
          instance_id: { references: [`aws_instance.i${i}.id`] },
        },
      },
    );
  }
  return JSON.stringify(
    {
      format_version: '1.2',
      terraform_version: '1.9.5',
      planned_values: { root_module: { resources } },
      resource_changes: changes,
      configuration: { root_module: { resources: configuration } },
    },
    null,
    2,
  );
}

async function run(label, name, text) {
  const work = mkdtempSync(join(tmpdir(), 'isolint-aws-bench-'));
  try {
    const path = join(work, name);
    writeFileSync(path, text);
    const started = performance.now();
    const result = await check({ paths: [path], cwd: work, root: work, measureImages: false });
    const ms = performance.now() - started;
    const bySeverity = {};
    for (const f of result.findings) bySeverity[f.severity] = (bySeverity[f.severity] ?? 0) + 1;
    console.log(
      `${label}: ${(text.length / 1048576).toFixed(1)} MiB, check ${ms.toFixed(0)} ms, graph ${result.graph.size.nodes} nodes / ${result.graph.size.edges} edges, ` +
        `findings ${JSON.stringify(bySeverity)}, problems ${result.problems.length}, rss ${(process.memoryUsage().rss / 1048576).toFixed(0)} MiB`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await run(
  `CloudFormation template, ${cfnResources} resources`,
  'template.yaml',
  cloudFormationYaml(Math.max(1, Math.ceil(cfnResources / 5))),
);
await run(`Terraform plan JSON, ${planResources} resources`, 'plan.json', plan(planResources));
