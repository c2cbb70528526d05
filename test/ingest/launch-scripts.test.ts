import { beforeAll, describe, expect, it } from 'vitest';
import type { ChannelEdge, EnclaveNode, GraphFragment, InstanceNode } from '../../src/model/nodes.js';
import { cloudFormationAdapter } from '../../src/ingest/cloudformation.js';
import { shellScriptAdapter, systemdUnitAdapter } from '../../src/ingest/launch-scripts.js';
import { kubernetesEnclaveAdapter } from '../../src/ingest/kubernetes-enclaves.js';

beforeAll(async () => {
  await shellScriptAdapter.prepare!();
});

const load = (adapter: typeof shellScriptAdapter, file: string, text: string): GraphFragment =>
  adapter.load({ file, absolutePath: `/nowhere/${file}`, text });
const enclaves = (fragment: GraphFragment) => fragment.nodes.filter((n): n is EnclaveNode => n.kind === 'enclave');
const channels = (fragment: GraphFragment) => fragment.edges.filter((e): e is ChannelEdge => e.kind === 'channel');

describe('launch scripts', () => {
  it('reads run-enclave flags at their lines, literal variables resolved, the rest unknown', () => {
    const fragment = load(
      shellScriptAdapter,
      'start.sh',
      [
        '#!/bin/bash',
        'CPUS=4',
        'export MEM=8192',
        'if [ -e /dev/nitro_enclaves ]; then',
        '  sudo -u ec2-user nitro-cli run-enclave --cpu-count "$CPUS" \\',
        '    --memory=${MEM} --eif-path /opt/app.eif --enclave-cid 16',
        'fi',
        'nitro-cli run-enclave --cpu-count $(nproc) --memory $UNSET --eif-path /opt/other.eif --enclave-name other',
      ].join('\n'),
    );
    const [app, other] = enclaves(fragment);
    expect(app).toMatchObject({ label: 'app', vcpus: 4, memoryMiB: 8192, cid: 16, debug: false });
    expect(app.at.cpu_count.startLine).toBe(5);
    expect(app.at.memory).toMatchObject({ startLine: 6, startColumn: 5 });
    expect(other.label).toBe('other');
    expect(other.vcpus).toMatchObject({ unknown: true });
    expect(other.memoryMiB).toMatchObject({ unknown: true, reason: '$UNSET is set outside the script' });
    expect(fragment.edges.filter((e) => e.kind === 'runsOn').map((e) => e.to)).toEqual([
      'host-directory:.',
      'host-directory:.',
    ]);
  });

  it('says where a script has a syntax error, and still reads the commands before it', () => {
    const fragment = load(
      shellScriptAdapter,
      'broken.sh',
      [
        '#!/bin/bash',
        'nitro-cli run-enclave --cpu-count 2 --memory 4096 --eif-path /opt/app.eif',
        'if [ -e x ]; then',
        '  echo "$(( 1 +',
      ].join('\n'),
    );
    expect(enclaves(fragment).map((e) => [e.label, e.vcpus, e.memoryMiB])).toEqual([['app', 2, 4096]]);
    expect(fragment.skipped?.map((s) => [s.source.file, s.source.startLine, s.message])).toEqual([
      ['broken.sh', 2, 'shell syntax error from here on (bash would refuse the script): what follows may be misread'],
    ]);
  });

  it('a script bash accepts has no syntax note', () => {
    const fragment = load(
      shellScriptAdapter,
      'fine.sh',
      '#!/bin/bash\nset -euo pipefail\nnitro-cli run-enclave --cpu-count 2 --memory 4096 --eif-path /opt/app.eif\n',
    );
    expect(fragment.skipped ?? []).toEqual([]);
  });

  it('turns an allocator heredoc into the pool, positions inside it, then applies sed -i edits', () => {
    const fragment = load(
      shellScriptAdapter,
      'setup.sh',
      [
        '#!/bin/bash',
        'cat <<-EOF | sudo tee /etc/nitro_enclaves/allocator.yaml',
        '\tmemory_mib: 2048',
        '\tcpu_count: 2',
        '\tEOF',
        "sed -i -e 's/^cpu_count:.*/cpu_pool: 2,3/' /etc/nitro_enclaves/allocator.yaml",
      ].join('\n'),
    );
    const pool = (fragment.nodes.find((n) => n.kind === 'instance') as InstanceNode).enclavePool!;
    expect(pool).toMatchObject({ memoryMiB: 2048, cpuCount: 2, cpuIds: [2, 3] });
    expect(pool.memorySource).toMatchObject({ startLine: 3, startColumn: 2 });
    expect(pool.cpuSource?.startLine).toBe(6);
  });

  it('starts from the stock allocator.yaml when the script only edits it', () => {
    const fragment = load(
      shellScriptAdapter,
      'tune.sh',
      "#!/bin/sh\nsed -i 's/^memory_mib:.*/memory_mib: 6144/' /etc/nitro_enclaves/allocator.yaml\n",
    );
    const pool = (fragment.nodes.find((n) => n.kind === 'instance') as InstanceNode).enclavePool!;
    expect(pool).toMatchObject({ memoryMiB: 6144, cpuCount: 2 });
  });

  it('a heredoc allocator.yaml the allocator would refuse is skipped at its line, the rest still read', () => {
    const fragment = load(
      shellScriptAdapter,
      'bad.sh',
      [
        '#!/bin/bash',
        "cat > /etc/nitro_enclaves/allocator.yaml <<'EOF'",
        'memory_mib: 2048',
        'cpus: 2',
        'EOF',
        'nitro-cli run-enclave --cpu-count 2 --memory 1024 --eif-path /opt/app.eif',
      ].join('\n'),
    );
    expect(fragment.skipped?.map((s) => [s.source.startLine, /unexpected key "cpus"/.test(s.message)])).toEqual([
      [4, true],
    ]);
    expect(enclaves(fragment)).toHaveLength(1);
  });

  it('vsock-proxy is checked against the allowlist the script writes; socat forwarders are egress', () => {
    const fragment = load(
      shellScriptAdapter,
      'proxy.sh',
      [
        '#!/bin/bash',
        'tee /etc/nitro_enclaves/vsock-proxy.yaml <<EOF',
        'allowlist:',
        '- {address: kms.eu-west-1.amazonaws.com, port: 443}',
        'EOF',
        'vsock-proxy 8000 kms.eu-west-1.amazonaws.com 443 &',
        'vsock-proxy 8001 s3.eu-west-1.amazonaws.com 443 &',
        'socat VSOCK-LISTEN:8002,fork TCP6:[fd00:ec2::254]:80 &',
      ].join('\n'),
    );
    const found = channels(fragment).map((c) => [
      c.source.startLine,
      c.forwarder?.tool,
      c.forwarder?.allowlisted,
      c.port,
    ]);
    expect(found).toEqual([
      [4, undefined, undefined, 443],
      [6, 'vsock-proxy', true, 443],
      [7, 'vsock-proxy', false, 443],
      [8, 'socat', undefined, 80],
    ]);
    expect(fragment.nodes.find((n) => n.id.endsWith('socat'))).toMatchObject({ address: 'fd00:ec2::254:80' });
  });

  it('reads systemd ExecStart lines in place', () => {
    const fragment = load(
      systemdUnitAdapter,
      'signer.service',
      '[Unit]\nDescription=signer\n\n[Service]\nExecStart=-/usr/bin/nitro-cli run-enclave --cpu-count 2 --memory 512 --eif-path /opt/s.eif --attach-console\n',
    );
    const [enclave] = enclaves(fragment);
    expect(enclave).toMatchObject({ debug: true, memoryMiB: 512 });
    expect(enclave.at.debug).toMatchObject({ startLine: 5, startColumn: 92 });
  });
});

describe('user data', () => {
  it('reads cloud-init runcmd (strings and argv lists) and write_files at the template lines', async () => {
    await cloudFormationAdapter.prepare!();
    const template = [
      'Resources:',
      '  Parent:',
      '    Type: AWS::EC2::Instance',
      '    Properties:',
      '      InstanceType: m5.xlarge',
      '      UserData:',
      '        Fn::Base64: |',
      '          #cloud-config',
      '          write_files:',
      '            - path: /etc/nitro_enclaves/allocator.yaml',
      '              content: |',
      '                memory_mib: 3072',
      '                cpu_count: 2',
      '          runcmd:',
      '            - "nitro-cli run-enclave --cpu-count 2 --memory 1024 --eif-path /opt/a.eif"',
      '            - [nitro-cli, run-enclave, --cpu-count, "2", --memory, "512", --eif-path, /opt/b.eif]',
    ].join('\n');
    const fragment = cloudFormationAdapter.load({ file: 't.yaml', absolutePath: '/nowhere/t.yaml', text: template });
    const parent = fragment.nodes.find((n) => n.kind === 'instance') as InstanceNode;
    expect(parent.enclavePool).toMatchObject({ memoryMiB: 3072, cpuCount: 2 });
    expect(parent.enclavePool?.memorySource).toMatchObject({ startLine: 12, startColumn: 17 });
    const [a, b] = enclaves(fragment);
    expect(a.at.memory).toMatchObject({ startLine: 15, startColumn: 52 });
    expect([a.memoryMiB, b.memoryMiB, b.source.startLine]).toEqual([1024, 512, 16]);
    expect(fragment.edges.filter((e) => e.kind === 'runsOn').map((e) => e.to)).toEqual([
      't.yaml#Parent',
      't.yaml#Parent',
    ]);
  });
});

describe('Kubernetes workloads', () => {
  it('a Deployment requesting the enclave device is an enclave sized by its hugepages', () => {
    const fragment = load(
      kubernetesEnclaveAdapter,
      'k8s/app.yaml',
      [
        'apiVersion: batch/v1',
        'kind: CronJob',
        'metadata: {name: rotate}',
        'spec:',
        '  jobTemplate:',
        '    spec:',
        '      template:',
        '        spec:',
        '          containers:',
        '            - name: rotate',
        '              resources:',
        '                limits:',
        '                  aws.ec2.nitro/nitro_enclaves: "1"',
        '                  hugepages-1Gi: 2Gi',
        '                  hugepages-2Mi: 512Mi',
      ].join('\n'),
    );
    const [enclave] = enclaves(fragment);
    expect(enclave).toMatchObject({ label: 'CronJob rotate', memoryMiB: 2560 });
    expect(enclave.source.startLine).toBe(13);
    expect(enclave.pod?.hugepages.map((page) => page.size)).toEqual(['1Gi', '2Mi']);
  });
});
