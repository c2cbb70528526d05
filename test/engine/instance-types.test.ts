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
