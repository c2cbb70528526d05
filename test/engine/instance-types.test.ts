import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check } from '../../src/check.js';
import { defaultConfig } from '../../src/engine/config.js';
import { builtInInstanceTypeCount, coreSiblings, instanceTypeSpec } from '../../src/model/ec2-instance-types.js';

const TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Signer:
    Type: AWS::EC2::Instance
    Properties:
      InstanceType: x9z.2xlarge
      ImageId: ami-0abcdef1234567890
      EnclaveOptions:
        Enabled: true
      UserData:
        Fn::Base64: |
          #!/bin/bash
          cat > /etc/nitro_enclaves/allocator.yaml <<'EOF'
          memory_mib: 4096
          cpu_pool: 1,2
          EOF
`;

describe('instance types', () => {
  it('knows every current Nitro family, with cores, threads and enclave support', () => {
    expect(builtInInstanceTypeCount()).toBeGreaterThan(700);
    expect(instanceTypeSpec('m5a.2xlarge')).toMatchObject({ vcpus: 8, memoryMiB: 32768, cores: 4, enclaves: true });
    expect(instanceTypeSpec('c7g.4xlarge')).toMatchObject({ vcpus: 16, threadsPerCore: 1, enclaves: true });
    expect(instanceTypeSpec('t3.xlarge')?.enclaves).toBe(false);
    expect(instanceTypeSpec('m5.metal')?.enclaves).toBe(false);
    expect(instanceTypeSpec('c5.9xlarge')).toMatchObject({ vcpus: 36, memoryMiB: 72 * 1024 });
    // m5.2xlarge numbers the second thread of core n as n + 4.
    expect(coreSiblings(instanceTypeSpec('m5.2xlarge')!, 1)).toEqual([1, 5]);
    expect(coreSiblings(instanceTypeSpec('m5a.2xlarge')!, 1)).toBeUndefined();
  });

  it('follows AWS: bare metal from the 7th generation is metal-24xl/48xl, enclave parents are the listed families', () => {
    // gp.html names these sizes; there is no m7i.metal or m8g.metal.
    expect(instanceTypeSpec('m7i.metal')).toBeUndefined();
    expect(instanceTypeSpec('m7i.metal-24xl')).toMatchObject({ vcpus: 96, memoryMiB: 384 * 1024, enclaves: false });
    expect(instanceTypeSpec('m7a.metal-48xl')).toMatchObject({ vcpus: 192, threadsPerCore: 1, enclaves: false });
    expect(instanceTypeSpec('m8g.metal-48xl')).toMatchObject({ vcpus: 192, enclaves: false });
    expect(instanceTypeSpec('r7iz.metal-16xl')).toMatchObject({ vcpus: 64, memoryMiB: 512 * 1024 });
    expect(instanceTypeSpec('m8i.metal-96xl')).toMatchObject({ vcpus: 384 });
    // nitro-enclave.html#nitro-enclave-reqs: C7gn, C8a, Im4gn, Is4gen and HPC types are not listed;
    // M8a and R8a exclude only the medium size; M7a excludes medium and large; G5 and Inf1 admit every size.
    expect(instanceTypeSpec('c7gn.4xlarge')?.enclaves).toBe(false);
    expect(instanceTypeSpec('c8a.4xlarge')?.enclaves).toBe(false);
    expect(instanceTypeSpec('im4gn.2xlarge')?.enclaves).toBe(false);
    expect(instanceTypeSpec('is4gen.xlarge')?.enclaves).toBe(false);
    expect(instanceTypeSpec('hpc6a.48xlarge')).toMatchObject({ vcpus: 96, threadsPerCore: 1, enclaves: false });
    expect(instanceTypeSpec('m8a.large')).toMatchObject({ vcpus: 2, threadsPerCore: 1, enclaves: true });
    expect(instanceTypeSpec('m7a.large')?.enclaves).toBe(false);
    expect(instanceTypeSpec('m6g.large')?.enclaves).toBe(true);
    expect(instanceTypeSpec('m5.large')?.enclaves).toBe(false);
    expect(instanceTypeSpec('g5.xlarge')).toMatchObject({ vcpus: 4, memoryMiB: 16 * 1024, enclaves: true });
    expect(instanceTypeSpec('inf1.xlarge')).toMatchObject({ vcpus: 4, memoryMiB: 8 * 1024, enclaves: true });
    expect(instanceTypeSpec('t3.micro')).toMatchObject({ vcpus: 2, cores: 1, enclaves: false });
  });

  it('--instance-types adds a type from describe-instance-types JSON, and a bad file is one problem at its line', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'isolint-types-'));
    writeFileSync(join(directory, 'template.yaml'), TEMPLATE);
    const types = join(directory, 'types.json');
    const run = () =>
      check({
        paths: [join(directory, 'template.yaml')],
        cwd: directory,
        root: directory,
        config: defaultConfig(directory),
        instanceTypes: types,
        onlyRules: ['no-oversubscription'],
      });
    writeFileSync(
      types,
      JSON.stringify({
        InstanceTypes: [
          {
            InstanceType: 'x9z.2xlarge',
            VCpuInfo: { DefaultVCpus: 8, DefaultCores: 8, DefaultThreadsPerCore: 1 },
            MemoryInfo: { SizeInMiB: 65536 },
            NitroEnclavesSupport: 'supported',
          },
        ],
      }),
    );
    const known = await run();
    expect(known.problems.filter((p) => p.level === 'error')).toEqual([]);
    // One thread per core: 1,2 are two whole cores, and nothing is undecided about the parent.
    expect(known.findings.map((f) => f.messageId)).toEqual([]);
    writeFileSync(types, '{"InstanceTypes": [{"InstanceType": "x9z.2xlarge"}]}');
    const bad = await run();
    expect(bad.problems.filter((p) => p.level === 'error').map((p) => [p.file, p.line])).toEqual([['types.json', 1]]);
  });
});
