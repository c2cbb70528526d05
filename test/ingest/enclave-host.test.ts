import { mkdirSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check } from '../../src/check.js';
import { defaultConfig } from '../../src/engine/config.js';
import type { Adapter } from '../../src/ingest/adapter.js';
import { NO_SPANS, NO_SUPPRESSIONS } from '../../src/model/nodes.js';
import { REPO_ROOT } from '../helpers.js';
import { temporaryDirectories } from '../temporary.js';

const temporaryDirectory = temporaryDirectories('enclave-host');

const PCR0 = '8801f985457b2afdad54dea428a2bbff515ccddd90ba43be9ad74a65a5d6b3ceccc0709d0c6070941e92abf31cc4d6b1';
const OTHER = 'ab'.repeat(48);

function scratch(files: Record<string, string>): string {
  const directory = temporaryDirectory();
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(directory, name, '..'), { recursive: true });
    writeFileSync(join(directory, name), text);
  }
  return directory;
}

async function run(directory: string, adapters: Adapter[] = []) {
  return check({
    paths: [directory],
    cwd: directory,
    root: directory,
    config: defaultConfig(directory),
    adapters,
    today: new Date('2026-11-01'),
  });
}

const RUN_CONFIG = `{
  "eif_path": "/opt/enclaves/signer.eif",
  "memory_mib": 2048,
  "cpu_count": 4,
  "enclave_cid": 16
}
`;
const ALLOCATOR = `---
memory_mib: 1024
cpu_count: 2
`;

/**
 * Stands in for the CloudFormation adapter (being written beside this work): an enclave-enabled m5.2xlarge
 * instance, its role, and a KMS key whose policy pins PCR0 for that role — the shapes of nodes.ts it fills.
 */
const cloudFormationStandIn: Adapter = {
  format: 'cfn-stand-in',
  extensions: ['.cfn'],
  claims: ({ file }) => file.endsWith('.cfn'),
  load({ file }) {
    const line = (n: number) => ({ file, startLine: n, startColumn: 1, endLine: n, endColumn: 20 });
    return {
      nodes: [
        {
          kind: 'instance',
          id: 'Parent',
          vcpus: { unknown: true, reason: 'not declared' },
          memoryMiB: { unknown: true, reason: 'not declared' },
          instanceType: 'm5.2xlarge',
          enclaveEnabled: true,
          awsKind: 'instance',
          source: line(2),
          at: { instanceType: line(3) },
          suppressions: NO_SUPPRESSIONS,
        },
        { kind: 'role', id: 'ParentRole', source: line(5), at: NO_SPANS, suppressions: NO_SUPPRESSIONS },
        {
          kind: 'key',
          id: 'DataKey',
          source: line(7),
          at: NO_SPANS,
          suppressions: NO_SUPPRESSIONS,
          policy: [
            {
              effect: 'Allow',
              principals: ['arn:aws:iam::123456789012:role/parent'],
              principalRoles: ['ParentRole'],
              actions: ['kms:Decrypt'],
              conditions: [
                {
                  operator: 'StringEqualsIgnoreCase',
                  key: 'kms:RecipientAttestation:ImageSha384',
                  values: [{ value: OTHER, source: line(12) }],
                  source: line(11),
                },
              ],
              source: line(8),
              suppressions: NO_SUPPRESSIONS,
            },
          ],
        },
      ],
      edges: [
        {
          kind: 'uses',
          from: 'Parent',
          to: 'ParentRole',
          source: line(4),
          at: NO_SPANS,
          suppressions: NO_SUPPRESSIONS,
        },
        {
          kind: 'uses',
          from: 'ParentRole',
          to: 'DataKey',
          source: line(9),
          at: NO_SPANS,
          suppressions: NO_SUPPRESSIONS,
        },
      ],
    };
  },
};

describe('enclave host configs, across files', () => {
  it('finds the pool too small for the enclaves and the PCR pinned in KMS that differs from the image (parent from CloudFormation)', async () => {
    const directory = scratch({
      'host/run-enclave.json': RUN_CONFIG,
      'host/allocator.yaml': ALLOCATOR,
      'host/template.cfn': 'stand-in\n',
    });
    copyFileSync(join(REPO_ROOT, 'fixtures/rules/enclave-image-pcrs/signer.eif'), join(directory, 'host/signer.eif'));
    writeFileSync(join(directory, 'host/signer.expected.json'), `{"PCR0": "${PCR0}"}\n`);
    const result = await run(directory, [cloudFormationStandIn]);
    expect(result.problems.filter((p) => p.level === 'error')).toEqual([]);
    const seen = result.findings.map((f) => `${f.ruleId}/${f.messageId}@${f.location.file}:${f.location.startLine}`);
    expect(seen).toContain('no-oversubscription/poolCpu@host/allocator.yaml:3');
    expect(seen).toContain('no-oversubscription/poolMemory@host/allocator.yaml:2');
    expect(seen).toContain('enclave-image-pcrs/kmsMismatch@host/template.cfn:12');
    // The expected-PCR file matches the image: no mismatch from it. m5.2xlarge (8 vCPUs, SMT) lets 6 go to enclaves.
    expect(seen.filter((s) => s.startsWith('enclave-image-pcrs/mismatch'))).toEqual([]);
    expect(seen.filter((s) => s.startsWith('no-oversubscription/parentCpu'))).toEqual([]);
    const pin = result.findings.find((f) => f.messageId === 'kmsMismatch')!;
    expect(pin.message).toContain("role 'ParentRole' of parent 'Parent'");
  });

  it('uses a host manifest beside the files as the parent', async () => {
    const directory = scratch({
      'host/parent.yaml':
        'apiVersion: isolint/v1\nhosts:\n  - id: h\n    instances:\n      - id: parent-1\n        vcpus: 4\n        memory: 8GiB\n',
      'host/run-enclave.json': RUN_CONFIG,
    });
    const result = await run(directory);
    const parentCpu = result.findings.find((f) => f.messageId === 'parentCpu');
    expect(parentCpu?.location).toMatchObject({ file: 'host/parent.yaml', startLine: 6 });
  });

  it('says so in a note when the parent is ambiguous, and never guesses', async () => {
    const manifest = (id: string) =>
      `apiVersion: isolint/v1\nhosts:\n  - id: h-${id}\n    instances:\n      - id: ${id}\n        vcpus: 2\n        memory: 4GiB\n        allocator: { cpuCount: 2, memory: 1GiB }\n`;
    const directory = scratch({
      'a.yaml': manifest('p1'),
      'b.yaml': manifest('p2'),
      'host/run-enclave.json': RUN_CONFIG,
    });
    const result = await run(directory);
    const notes = result.findings.filter(
      (f) => f.ruleId === 'no-oversubscription' && f.location.file === 'host/run-enclave.json',
    );
    expect(notes.map((f) => f.severity)).toEqual(['note']);
    expect(notes[0].message).toContain('could belong to any of 2 enclave-enabled instances');
    expect(result.findings.some((f) => f.messageId === 'parentCpu')).toBe(false);
  });
});

describe('enclave host configs, linked only where it cannot change another input', () => {
  // Regression: the one enclave parent of the scan (examples/deployment.yaml, with its own allocator pool of
  // 4 vCPUs / 8 GiB) got the pool and the enclave of files in an unrelated directory: two false errors.
  it("does not put files of an unrelated directory on the scan's only enclave parent when it has its own pool", async () => {
    const directory = scratch({});
    const here = join(directory, 'sc');
    mkdirSync(here);
    for (const name of ['run-enclave.json', 'allocator.yaml'])
      copyFileSync(join(REPO_ROOT, 'fixtures/scenarios/enclave-parent-cloudformation', name), join(here, name));
    const result = await check({
      paths: ['examples/deployment.yaml', here],
      cwd: REPO_ROOT,
      root: REPO_ROOT,
      config: defaultConfig(REPO_ROOT),
      today: new Date('2026-11-01'),
    });
    expect(result.problems.filter((p) => p.level === 'error')).toEqual([]);
    const capacity = result.findings.filter((f) => f.ruleId === 'no-oversubscription');
    // Nothing about acme-signer-parent: its pool and enclaves are its manifest's alone.
    expect(
      capacity.filter(
        (f) => f.location.file === 'examples/deployment.yaml' && f.message.includes('acme-signer-parent'),
      ),
    ).toEqual([]);
    const notes = capacity
      .filter((f) => f.severity === 'note')
      .map((f) => `${f.location.file.replace(directory, '<tmp>')}:${f.location.startLine}`);
    expect(notes).toEqual(['<tmp>/sc/allocator.yaml:3', '<tmp>/sc/run-enclave.json:5']);
    for (const finding of capacity.filter((f) => f.location.file.startsWith(directory))) {
      expect(finding.message).toContain("'the machine of …/sc/'");
      expect(finding.message).not.toContain(directory);
    }
    expect(capacity.find((f) => f.severity === 'note')!.message).toContain(
      'with its own enclave pool, which these files would replace',
    );
  });

  // Regression: parents whose enclaves a manifest declares were never recognised as enclave parents (the
  // enclave's runsOn edge was read the wrong way round), so these files were left without a machine for a
  // reason that did not apply.
  it("does not add an unrelated directory's enclave to the only parent when its manifest declares enclaves", async () => {
    const manifest =
      'apiVersion: isolint/v1\nhosts:\n  - id: h\n    instances:\n      - id: parent-1\n        vcpus: 8\n        memory: 16GiB\n        enclaves:\n          - id: e1\n            vcpus: 2\n            memory: 2GiB\n';
    const directory = scratch({ 'a/parent.yaml': manifest, 'host/run-enclave.json': RUN_CONFIG });
    const result = await run(directory);
    const enclaves = result.graph.nodes('enclave');
    expect(enclaves).toHaveLength(2);
    // The manifest's enclave stays on its parent; the run config's is not put beside it.
    expect(result.graph.runsOn('e1')?.id).toBe('parent-1');
    expect(result.graph.runningOn('parent-1').map((node) => node.id)).toEqual(['e1']);
    const notes = result.findings.filter(
      (f) => f.ruleId === 'no-oversubscription' && f.location.file === 'host/run-enclave.json',
    );
    expect(notes.map((f) => f.severity)).toEqual(['note']);
    expect(notes[0].message).toContain('with enclaves of its own, which these files would add to');
  });

  it('still takes the only enclave parent when nothing else configures it', async () => {
    const directory = scratch({ 'infra/template.cfn': 'stand-in\n', 'host/run-enclave.json': RUN_CONFIG });
    const result = await run(directory, [cloudFormationStandIn]);
    const enclave = result.graph.nodes('enclave')[0];
    expect(result.graph.runsOn(enclave.id)?.id).toBe('Parent');
  });

  it('does not guess two directories onto one parent', async () => {
    const directory = scratch({
      'infra/template.cfn': 'stand-in\n',
      'a/run-enclave.json': RUN_CONFIG,
      'b/run-enclave.json': RUN_CONFIG,
    });
    const result = await run(directory, [cloudFormationStandIn]);
    expect(
      result.graph
        .nodes('enclave')
        .map((e) => result.graph.runsOn(e.id)?.id)
        .sort(),
    ).toEqual(['host-directory:a', 'host-directory:b']);
    const notes = result.findings.filter((f) => f.ruleId === 'no-oversubscription' && f.severity === 'note');
    expect(notes.map((f) => `${f.location.file}:${f.location.startLine}`).sort()).toEqual([
      'a/run-enclave.json:4',
      'b/run-enclave.json:4',
    ]);
    expect(notes[0].message).toMatch(/the files in [ab]\/ would be put on it too/);
  });

  it("places the notes about a directory's stand-in machine on the enclave's and allocator.yaml's lines", async () => {
    const directory = scratch({ 'host/run.json': RUN_CONFIG, 'host/allocator.yaml': ALLOCATOR });
    const result = await run(directory);
    const notes = result.findings.filter((f) => f.ruleId === 'no-oversubscription' && f.severity === 'note');
    expect(notes.map((f) => `${f.location.file}:${f.location.startLine}`).sort()).toEqual([
      'host/allocator.yaml:3',
      'host/run.json:4',
    ]);
    for (const note of notes) {
      expect(note.message).toMatch(
        /^Cannot check .* of 'the machine of host\/': the machine the files in host\/ sit on is not in the scan/,
      );
    }
  });
});

describe('enclave host configs, templated values', () => {
  it('treats a templated value as unknown, and still checks every other entry', async () => {
    const directory = scratch({
      'host/vsock-proxy.yaml':
        'allowlist:\n- {address: example.com, port: "{{ port }}"}\n- {address: kms.eu-west-1.amazonaws.com, port: 443}\n',
      'host/run.json':
        '{\n  "eif_path": "signer.eif",\n  "memory_mib": "{{ enclave_memory }}",\n  "cpu_count": "${CPUS}",\n  "debug_mode": "@DEBUG@"\n}\n',
      'host/allocator.yaml': 'memory_mib: "{{ pool_memory }}"\ncpu_pool: "{{ pool_cpus }}"\n',
      'vm/vm.json':
        '{"boot-source": {"kernel_image_path": "vmlinux"}, "machine-config": {"vcpu_count": "{{ vcpus }}", "mem_size_mib": 512, "smt": "{{ smt }}"}}\n',
      'host/signer.expected.json': `{"PCR0": "${PCR0}", "PCR1": "{{ pcr1 }}"}\n`,
    });
    const result = await run(directory);
    expect(result.problems.filter((p) => p.level === 'error')).toEqual([]);
    expect(result.files.map((f) => f.format).sort()).toEqual([
      'expected-pcrs',
      'firecracker-config',
      'nitro-cli-run-config',
      'nitro-enclaves-allocator',
      'vsock-proxy-allowlist',
    ]);
    // signer.eif itself is not in the scratch directory: that (and only that) is an error, the gate failing closed.
    expect(
      result.findings.filter(
        (f) => f.severity === 'error' && f.location.file.startsWith('host/run.json') && f.messageId !== 'notMeasured',
      ),
    ).toEqual([]);
    const endpoints = result.graph
      .nodes('endpoint')
      .map((e) => e.address)
      .sort();
    expect(endpoints).toEqual(['example.com:{{ port }}', 'kms.eu-west-1.amazonaws.com:443']);
    const channel = result.graph.edges('channel').find((e) => e.id?.endsWith('allowlist/0/channel'));
    expect(channel?.port).toEqual({
      unknown: true,
      reason: 'templated value {{ port }} is filled in at build or deploy time',
    });
    const enclave = result.graph.nodes('enclave')[0];
    expect(enclave.memoryMiB).toMatchObject({ unknown: true, reason: expect.stringContaining('{{ enclave_memory }}') });
    expect(enclave.vcpus).toMatchObject({ unknown: true, reason: expect.stringContaining('${CPUS}') });
    expect(enclave.debug).toMatchObject({ unknown: true, reason: expect.stringContaining('@DEBUG@') });
    const microvm = result.graph.nodes('instance').find((n) => n.microvm)!;
    expect(microvm.vcpus).toMatchObject({ unknown: true });
    expect(microvm.memoryMiB).toBe(512);
    // The templated PCR is left out; the real one is still compared.
    const image = result.graph.nodes('image').find((n) => n.expectedPcrs.PCR0);
    expect(image && Object.keys(image.expectedPcrs)).toEqual(['PCR0']);
  });
});

describe('enclave host configs, bad files', () => {
  const cases: Array<[string, string, RegExp]> = [
    [
      'run.json',
      '{"eif_path": "a.eif", "memory_mib": "1G", "cpu_count": 2}',
      /^run\.json:1:\d+: invalid nitro-cli run config: "memory_mib" must be a whole number/,
    ],
    [
      'run.json',
      '{"eif_path": "a.eif",\n "memory_mib": 64,\n "cpu_ids": [1, "x"]}',
      /^run\.json:3:\d+: invalid nitro-cli run config: "cpu_ids" must list CPU numbers/,
    ],
    [
      'allocator.yaml',
      'memory_mib: 512\ncpu_count: 2\ncpu_pool: 2,3\n',
      /^allocator\.yaml:3:1: invalid allocator\.yaml: use exactly one of cpu_count and cpu_pool/,
    ],
    [
      'allocator.yaml',
      'memory_mib: 512\ncpu_count: 2\nhugepages: 1\n',
      /^allocator\.yaml:3:1: invalid allocator\.yaml: unexpected key "hugepages"/,
    ],
    [
      'allocator.yaml',
      'memory_mib: 512\ncpu_pool: 2-x\n',
      /^allocator\.yaml:2:1: invalid allocator\.yaml: cpu_pool must list CPUs/,
    ],
    [
      'vsock-proxy.yaml',
      'allowlist:\n- {address: kms.us-east-1.amazonaws.com}\n',
      /^vsock-proxy\.yaml:2:\d+: invalid vsock-proxy allowlist: "port" is required/,
    ],
    // Text around a placeholder is not a template left to fill in: still a wrong value.
    [
      'vsock-proxy.yaml',
      'allowlist:\n- {address: example.com, port: "80{{ x }}"}\n',
      /^vsock-proxy\.yaml:2:\d+: invalid vsock-proxy allowlist: "port" must be a whole number/,
    ],
    [
      'vm.json',
      '{"boot-source": {"kernel_image_path": "vmlinux"}, "machine-config": {"vcpu_count": 2}}',
      /^vm\.json:1:\d+: invalid Firecracker config: "mem_size_mib" is required/,
    ],
    ['signer.expected.json', '{"PCR0": "1234"}', /^signer\.expected\.json:1:\d+: invalid expected-PCR file/],
  ];
  for (const [name, text, message] of cases) {
    it(`${name}: ${message.source.slice(0, 60)}`, async () => {
      const directory = scratch({ [name]: text });
      const result = await run(directory);
      const errors = result.problems.filter((p) => p.level === 'error');
      expect(errors).toHaveLength(1);
      const line = `${errors[0].file}:${errors[0].line}:${errors[0].column}: ${errors[0].message}`;
      expect(line).toMatch(message);
      expect(line).not.toMatch(/\n/);
    });
  }
});
