import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check } from '../../src/check.js';
import { defaultConfig } from '../../src/engine/config.js';
import type { EnclaveNode, InstanceNode } from '../../src/model/nodes.js';
import { temporaryDirectories } from '../temporary.js';

/**
 * Launch paths written the way public Nitro Enclaves deployments write them (written fresh for this test):
 * a build-and-run script fed by /etc/environment, instance user data that installs the CLI and edits the
 * allocator with a variable, a systemd unit starting a script with arguments, a standalone cloud-config, a
 * bootstrap that writes the allocator by heredoc, and a Terraform templatefile target. None of them is an
 * error: what the files do not say stays unknown (a note at most), at its exact line.
 */
const FILES: Record<string, string> = {
  'f1/run-enclave.sh':
    '#!/usr/bin/env bash\nset -euo pipefail\n\n# Settings come from /etc/environment on the parent.\nsource /etc/environment\n\nEIF="${EIF_PATH:-/opt/signer/signer.eif}"\nCPUS="$ENCLAVE_CPUS"\n\ndocker build -t signer-enclave:latest ./enclave\nnitro-cli build-enclave --docker-uri signer-enclave:latest --output-file "$EIF"\n\nnitro-cli run-enclave \\\n  --eif-path "$EIF" \\\n  --cpu-count "$CPUS" \\\n  --memory "${MEM:-4096}" \\\n  --enclave-cid 16\n\nnitro-cli describe-enclaves\n',
  'f2/user-data.sh':
    '#!/bin/bash -xe\nset -euo pipefail\nMEM="$1"\namazon-linux-extras install aws-nitro-enclaves-cli -y\nyum install -y aws-nitro-enclaves-cli-devel\nusermod -aG ne ec2-user\nsed -i "s/^memory_mib:.*/memory_mib: ${MEM}/" /etc/nitro_enclaves/allocator.yaml\nsed -i \'s/^cpu_count:.*/cpu_count: 2/\' /etc/nitro_enclaves/allocator.yaml\nsystemctl enable --now nitro-enclaves-allocator.service\nsystemctl enable --now docker\nnitro-cli run-enclave --config /opt/app/enclave.json\n',
  'f3/enclave.service':
    '[Unit]\nDescription=Payments enclave\nAfter=nitro-enclaves-allocator.service\nRequires=nitro-enclaves-allocator.service\n\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/opt/payments/start-enclave.sh 2 3072\nExecStop=/usr/bin/nitro-cli terminate-enclave --all\n\n[Install]\nWantedBy=multi-user.target\n',
  'f3/start-enclave.sh':
    '#!/bin/bash\nset -e\nCPU_COUNT=$1\nMEMORY_MIB=$2\nvsock-proxy 8000 kms.eu-west-1.amazonaws.com 443 &\nnitro-cli run-enclave --cpu-count $CPU_COUNT --memory $MEMORY_MIB \\\n    --eif-path /opt/payments/payments.eif --enclave-cid 16\n',
  'f4/cloud-config.yaml':
    "#cloud-config\npackage_update: true\npackages:\n  - aws-nitro-enclaves-cli\nwrite_files:\n  - path: /etc/nitro_enclaves/allocator.yaml\n    permissions: '0644'\n    content: |\n      ---\n      memory_mib: 2048\n      cpu_count: 2\nruncmd:\n  - systemctl enable --now nitro-enclaves-allocator.service\n  - [ systemctl, enable, --now, nitro-enclaves-vsock-proxy.service ]\n  - nitro-cli run-enclave --eif-path /home/ec2-user/app.eif --cpu-count 2 --memory 1024 --enclave-cid 16\n",
  'f5/bootstrap.sh':
    '#!/bin/bash\nset -euo pipefail\nENCLAVE_MEMORY=${ENCLAVE_MEMORY:-6144}\nENCLAVE_CPUS=4\n\ncat <<EOT > /etc/nitro_enclaves/allocator.yaml\n---\nmemory_mib: ${ENCLAVE_MEMORY}\ncpu_count: ${ENCLAVE_CPUS}\nEOT\n\nsystemctl restart nitro-enclaves-allocator.service\n\ncat > /opt/enclave/enclave.json <<\'JSON\'\n{\n  "enclave_name": "wallet",\n  "eif_path": "/opt/enclave/wallet.eif",\n  "memory_mib": 4096,\n  "cpu_count": 2,\n  "enclave_cid": 16,\n  "debug_mode": false\n}\nJSON\n\nnitro-cli run-enclave --config /opt/enclave/enclave.json\n',
  'tf/main.tf':
    'resource "aws_instance" "signer" {\n  ami           = "ami-0abcdef1234567890"\n  instance_type = "m5.xlarge"\n  enclave_options {\n    enabled = true\n  }\n  user_data = templatefile("${path.module}/user-data.sh", { mem = 2048 })\n}\n',
  'tf/user-data.sh':
    "#!/bin/bash\nsed -i 's/^memory_mib:.*/memory_mib: ${mem}/' /etc/nitro_enclaves/allocator.yaml\nsystemctl enable --now nitro-enclaves-allocator.service\nnitro-cli run-enclave --eif-path /opt/app.eif --cpu-count 2 --memory 1024 --debug-mode\n",
};

const directory = temporaryDirectories('launch-realistic');

async function scan(only: string) {
  const root = directory();
  for (const [path, text] of Object.entries(FILES)) {
    if (!path.startsWith(`${only}/`)) continue;
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const result = await check({ paths: [join(root, only)], cwd: root, root, config: defaultConfig(root) });
  const enclaves = result.graph.nodes('enclave') as EnclaveNode[];
  const pools = (result.graph.nodes('instance') as InstanceNode[]).flatMap((node) => node.enclavePool ?? []);
  return { result, enclaves, pools };
}

const noErrors = (result: Awaited<ReturnType<typeof scan>>['result']) => {
  expect(result.problems.filter((problem) => problem.level === 'error')).toEqual([]);
  expect(result.findings.filter((finding) => finding.severity === 'error').map((f) => f.ruleId)).toEqual([]);
};

describe('realistic launch paths', () => {
  it('a build-and-run script with values from /etc/environment: unknown stays a note at the run-enclave line', async () => {
    const { result, enclaves } = await scan('f1');
    noErrors(result);
    const [signer] = enclaves;
    expect(signer.vcpus).toMatchObject({ unknown: true, reason: '$ENCLAVE_CPUS is set outside the script' });
    expect(signer.cid).toBe(16);
    expect(signer.at.cpu_count).toMatchObject({ startLine: 15, startColumn: 3 });
    expect(signer.at.memory).toMatchObject({ startLine: 16, startColumn: 3 });
    expect(signer.at.cid).toMatchObject({ startLine: 17, startColumn: 3 });
    expect(
      result.findings.filter((f) => f.ruleId === 'no-oversubscription').map((f) => [f.severity, f.location.startLine]),
    ).toEqual([['note', 13]]);
  });

  it('user data whose sed -i sets memory_mib from an unknown variable leaves the pool memory unknown, not the stock 512', async () => {
    const { result, pools } = await scan('f2');
    noErrors(result);
    expect(pools).toHaveLength(1);
    expect(pools[0].memoryMiB).toMatchObject({ unknown: true });
    expect(pools[0].memorySource).toMatchObject({ startLine: 7 });
    expect(pools[0].cpuCount).toBe(2);
    expect(pools[0].cpuSource).toMatchObject({ startLine: 8 });
  });

  it('a script started by a systemd unit with arguments: the positional values are unknown, the proxy is egress at its line', async () => {
    const { result, enclaves } = await scan('f3');
    noErrors(result);
    expect(enclaves.map((e) => [e.label, e.at.cpu_count.startLine, e.at.image.startLine])).toEqual([
      ['payments', 6, 7],
    ]);
    expect(enclaves[0].memoryMiB).toMatchObject({
      unknown: true,
      reason: '$2 is an argument the script is started with',
    });
    expect(result.findings.filter((f) => f.ruleId === 'enclave-no-network').map((f) => f.location.startLine)).toEqual([
      5,
    ]);
  });

  it('a cloud-config file of its own is read: write_files allocator and runcmd launch at their lines', async () => {
    const { result, enclaves, pools } = await scan('f4');
    noErrors(result);
    expect(result.files.map((f) => f.format)).toEqual(['cloud-config']);
    expect(enclaves.map((e) => [e.vcpus, e.memoryMiB, e.at.image.startLine, e.at.image.startColumn])).toEqual([
      [2, 1024, 15, 27],
    ]);
    expect(enclaves[0].at.cpu_count).toMatchObject({ startLine: 15, startColumn: 61 });
    expect(pools.map((p) => [p.cpuCount, p.memoryMiB, p.memorySource?.startLine, p.cpuSource?.startLine])).toEqual([
      [2, 2048, 10, 11],
    ]);
  });

  it('a heredoc allocator.yaml with expanded variables is the pool, at the lines inside the heredoc', async () => {
    const { result, pools } = await scan('f5');
    noErrors(result);
    expect(pools.map((p) => [p.cpuCount, p.memorySource?.startLine, p.cpuSource?.startLine])).toEqual([[4, 8, 9]]);
  });

  it("a Terraform templatefile target is that instance's launch path only, not a second script of the directory", async () => {
    const { result, enclaves } = await scan('tf');
    expect(result.problems.filter((problem) => problem.level === 'error')).toEqual([]);
    expect(enclaves).toHaveLength(1);
    expect(result.findings.filter((f) => f.ruleId === 'no-oversubscription')).toEqual([]);
    expect(
      result.findings
        .filter((f) => f.ruleId === 'enclave-no-debug-mode')
        .map((f) => [f.location.file, f.location.startLine]),
    ).toEqual([['tf/user-data.sh', 4]]);
  });
});
