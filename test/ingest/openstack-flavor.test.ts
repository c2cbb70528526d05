import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { heatTemplateAdapter } from '../../src/ingest/hypervisor/heat.js';
import '../../src/ingest/hypervisor/nova-flavor.js';
import { terraformAdapter } from '../../src/ingest/terraform/adapter.js';
import { terraformPlanAdapter } from '../../src/ingest/terraform/plan.js';
import type { InstanceNode } from '../../src/model/nodes.js';
import { isUnknown } from '../../src/model/unknown.js';
import { temporaryDirectories } from '../temporary.js';

const temporaryDirectory = temporaryDirectories('flavor');

/** OpenStack flavors (https://docs.openstack.org/nova/latest/user/flavors.html, https://docs.openstack.org/nova/latest/configuration/extra-specs.html) from Terraform .tf, plan JSON and Heat templates. */
const flavors = (nodes: { kind: string }[]) =>
  nodes.filter((n): n is InstanceNode => n.kind === 'instance' && 'flavor' in n);

describe('Terraform openstack_compute_flavor_v2', () => {
  beforeAll(async () => {
    await terraformAdapter.prepare!();
  });
  const loadTf = (text: string) => {
    const directory = temporaryDirectory();
    const path = join(directory, 'flavors.tf');
    writeFileSync(path, text);
    return terraformAdapter.load({ file: 'tf/flavors.tf', absolutePath: path, text });
  };

  it('reads extra specs with their lines and Nova defaults for absent keys', () => {
    const [shared, pinned] = flavors(
      loadTf(`resource "openstack_compute_flavor_v2" "web" {
  name  = "web"
  ram   = "2048"
  vcpus = "2"
}

resource "openstack_compute_flavor_v2" "nfv" {
  name  = "nfv"
  ram   = 8192
  vcpus = 4
  extra_specs = {
    "hw:cpu_policy"        = "dedicated"
    "hw:cpu_thread_policy" = "isolate"
    "hw:mem_encryption"    = "true"
    "hw:mem_page_size"     = "1GB"
  }
}
`).nodes,
    );
    expect(shared.id).toBe('tf/openstack_compute_flavor_v2.web');
    expect(shared.flavor).toEqual({ cpuPolicy: 'shared', cpuThreadPolicy: 'prefer', memoryEncryption: false });
    expect(shared.vcpus).toBe(2);
    expect(shared.memoryMiB).toBe(2048);
    expect(shared.source.startLine).toBe(1);
    expect(pinned.flavor).toEqual({
      cpuPolicy: 'dedicated',
      cpuThreadPolicy: 'isolate',
      memoryEncryption: true,
      memoryPageSize: '1GB',
    });
    expect(pinned.at.cpuPolicy.startLine).toBe(12);
    expect(pinned.at.cpuThreadPolicy.startLine).toBe(13);
    expect(pinned.at.memoryEncryption.startLine).toBe(14);
  });

  it('keeps specs from an undeclared local unknown, and knows the literal keys of merge(local.x, {…})', () => {
    const [fromLocal, merged] = flavors(
      loadTf(`resource "openstack_compute_flavor_v2" "a" {
  ram = 1024
  vcpus = 1
  extra_specs = local.specs
}
resource "openstack_compute_flavor_v2" "b" {
  ram = 1024
  vcpus = 2
  extra_specs = merge(local.specs, {
    "hw:cpu_policy" = "dedicated"
  })
}
`).nodes,
    );
    expect(isUnknown(fromLocal.flavor!.cpuPolicy)).toBe(true);
    expect(merged.flavor!.cpuPolicy).toBe('dedicated');
    expect(merged.at.cpuPolicy.startLine).toBe(10);
    expect(isUnknown(merged.flavor!.cpuThreadPolicy)).toBe(true);
  });

  it('reads flavors from a plan', () => {
    const plan = JSON.stringify(
      {
        format_version: '1.2',
        planned_values: {
          root_module: {
            resources: [
              {
                address: 'openstack_compute_flavor_v2.f',
                mode: 'managed',
                type: 'openstack_compute_flavor_v2',
                values: { ram: 512, vcpus: 1, extra_specs: { 'hw:cpu_policy': 'dedicated' } },
              },
            ],
          },
        },
      },
      null,
      2,
    );
    const [flavor] = flavors(
      terraformPlanAdapter.load({ file: 'plan.json', absolutePath: '/nonexistent/plan.json', text: plan }).nodes,
    );
    expect(flavor.flavor!.cpuPolicy).toBe('dedicated');
    expect(flavor.flavor!.cpuThreadPolicy).toBe('prefer');
    expect(flavor.at.cpuPolicy.startLine).toBe(14);
  });
});

describe('Heat OS::Nova::Flavor', () => {
  const heat = `heat_template_version: 2018-08-31
parameters:
  specs: { type: json }
resources:
  nfv:
    type: OS::Nova::Flavor
    properties:
      ram: 8192
      vcpus: 4
      extra_specs:
        "hw:cpu_policy": dedicated
        "hw:cpu_thread_policy": require
  computed:
    type: OS::Nova::Flavor
    properties: { ram: 1024, vcpus: 1, extra_specs: { get_param: specs } }
  server:
    type: OS::Nova::Server
    properties: { flavor: { get_resource: nfv } }
`;
  it('is claimed by content and maps flavors only, with positions and unknown intrinsics', () => {
    const input = { file: 'heat/stack.yaml', absolutePath: '/nonexistent/stack.yaml', text: heat };
    expect(heatTemplateAdapter.claims(input)).toBe(true);
    const [nfv, computed, ...rest] = flavors(heatTemplateAdapter.load(input).nodes);
    expect(rest).toEqual([]);
    expect(nfv.id).toBe('heat/stack.yaml#nfv');
    expect(nfv.source.startLine).toBe(6);
    expect(nfv.flavor).toMatchObject({ cpuPolicy: 'dedicated', cpuThreadPolicy: 'require', memoryEncryption: false });
    expect(nfv.at.cpuThreadPolicy.startLine).toBe(12);
    expect(isUnknown(computed.flavor!.cpuPolicy)).toBe(true);
    expect(
      heatTemplateAdapter.claims({ ...input, text: 'AWSTemplateFormatVersion: 2010-09-09\nResources: {}\n' }),
    ).toBe(false);
  });

  it('refuses a template whose resources are not a map, in one line', () => {
    try {
      heatTemplateAdapter.load({
        file: 'bad.yaml',
        absolutePath: '/nonexistent/bad.yaml',
        text: 'heat_template_version: 2018-08-31\nresources: [a, b]\n',
      });
      throw new Error('no error');
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).message).toMatch(/resources must be a map/);
      expect((error as InputError).message).not.toContain('\n');
    }
  });
});
