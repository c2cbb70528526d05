import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { kvmNestedSettings, modprobeAdapter } from '../../src/ingest/hypervisor/modprobe.js';
import { join } from 'node:path';
import { check } from '../../src/check.js';
import { defaultConfig } from '../../src/engine/config.js';
import { kataConfigOfHandler, runtimeClassAdapter } from '../../src/ingest/hypervisor/runtime-class.js';
import type { ComponentNode, HostNode } from '../../src/model/nodes.js';
import { toSarif } from '../../src/report/sarif.js';
import { REPO_ROOT } from '../helpers.js';

describe('modprobe.d kvm nested option (https://docs.kernel.org/virt/kvm/x86/running-nested-guests.html)', () => {
  it('reads kvm_intel/kvm-intel/kvm_amd nested settings with their lines, the last one winning', () => {
    const text = '# nested guests\noptions kvm-intel nested=Y\noptions kvm_amd nested=0 avic=1\n';
    expect(kvmNestedSettings('kvm.conf', text).map((s) => [s.module, s.offered, s.source.startLine])).toEqual([
      ['kvm_intel', true, 2],
      ['kvm_amd', false, 3],
    ]);
    const input = {
      file: 'etc/modprobe.d/kvm.conf',
      absolutePath: '/nonexistent/etc/modprobe.d/kvm.conf',
      text: 'options kvm_intel nested=1\n',
    };
    expect(modprobeAdapter.claims(input)).toBe(true);
    const host = modprobeAdapter.load(input).nodes[0] as HostNode;
    expect(host.id).toBe('kvm-host:etc/modprobe.d/kvm.conf');
    expect(host.nestedVirtualization).toBe(true);
    expect(host.at.nestedVirtualization.startLine).toBe(1);
  });

  it('refuses a nested value that is neither on nor off, in one line at its line', () => {
    try {
      modprobeAdapter.load({
        file: 'kvm.conf',
        absolutePath: '/nonexistent/kvm.conf',
        text: '\noptions kvm_intel nested=maybe\n',
      });
      throw new Error('no error');
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).message).toMatch(/nested=maybe/);
      expect((error as InputError).message).not.toContain('\n');
    }
  });
});

describe('Kubernetes RuntimeClass (https://kubernetes.io/docs/concepts/containers/runtime-class/)', () => {
  const text = 'apiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata:\n  name: kata-qemu\nhandler: kata-qemu\n';
  it('reads a Kata class as the container-layer pods of that class, with its handler line and the config it selects', () => {
    const input = { file: 'k8s/runtimeclass.yaml', absolutePath: '/nonexistent/rc.yaml', text };
    expect(runtimeClassAdapter.claims(input)).toBe(true);
    const { nodes, edges } = runtimeClassAdapter.load(input);
    expect(edges).toEqual([]);
    const pods = nodes[0] as ComponentNode;
    expect(nodes).toHaveLength(1);
    expect(pods).toMatchObject({
      kind: 'component',
      id: 'k8s/runtimeclass.yaml#RuntimeClass/kata-qemu',
      layer: 'container',
      label: 'RuntimeClass kata-qemu',
    });
    expect(pods.runtimeClass).toEqual({
      name: 'kata-qemu',
      handler: 'kata-qemu',
      configFile: 'configuration-qemu.toml',
    });
    expect(pods.at.handler.startLine).toBe(5);
    expect(pods.source.startLine).toBe(4);
  });
  it('names the Kata configuration a handler selects as kata-deploy installs them, and nothing for other handlers', () => {
    expect(kataConfigOfHandler('kata')).toBe('configuration.toml');
    expect(kataConfigOfHandler('kata-qemu')).toBe('configuration-qemu.toml');
    expect(kataConfigOfHandler('kata-qemu-snp')).toBe('configuration-qemu-snp.toml');
    expect(kataConfigOfHandler('kata-fc')).toBe('configuration-fc.toml');
    expect(kataConfigOfHandler('runc')).toBeUndefined();
    expect(kataConfigOfHandler('runsc')).toBeUndefined();
    const gvisor = text.replace(/kata-qemu/g, 'gvisor').replace('handler: gvisor', 'handler: runsc');
    expect(runtimeClassAdapter.load({ file: 'rc.yaml', absolutePath: '/nonexistent/rc.yaml', text: gvisor })).toEqual({
      nodes: [],
      edges: [],
    });
  });
  it('links a class to the sandbox its handler selects: findings on the config name the class', async () => {
    const directory = join(REPO_ROOT, 'fixtures/rules/no-interactive-access/trigger-kata-runtimeclass');
    const result = await check({
      paths: ['.'],
      cwd: directory,
      root: directory,
      config: defaultConfig(directory),
      onlyRules: ['no-interactive-access'],
    });
    expect(result.problems).toEqual([]);
    const sandbox = result.graph.node('configuration-clh.toml#sandbox');
    expect(sandbox?.label).toBe('Kata sandbox VM (clh) of RuntimeClass kata-clh');
    expect(result.graph.runsOn('runtimeclass.yaml#RuntimeClass/kata-clh')?.id).toBe('configuration-clh.toml#sandbox');
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0].message).toContain('RuntimeClass kata-clh');
    expect(result.findings[0].related).toContainEqual(
      expect.objectContaining({
        label: "RuntimeClass 'kata-clh'",
        span: expect.objectContaining({ file: 'runtimeclass.yaml', startLine: 6 }),
      }),
    );
    const sarif = JSON.stringify(toSarif(result));
    expect(sarif).toContain('"relatedLocations"');
    expect(sarif).toContain("RuntimeClass 'kata-clh'");
  });
  it('notes a class whose Kata configuration is not in the scan on its handler line, and links nothing', async () => {
    const directory = join(REPO_ROOT, 'fixtures/rules/containers-inside-vm');
    const result = await check({
      paths: ['trigger-runtimeclass-without-config.yaml'],
      cwd: directory,
      root: directory,
      config: defaultConfig(directory),
    });
    expect(result.problems).toEqual([]);
    expect(result.findings.map((f) => [f.ruleId, f.messageId, f.severity, f.location.startLine])).toEqual([
      ['containers-inside-vm', 'noKataConfig', 'note', 7],
    ]);
    expect(result.findings[0].message).toBe(
      "Cannot tell which VM the pods of 'RuntimeClass kata-qemu-snp' get: handler 'kata-qemu-snp' selects configuration-qemu-snp.toml, and that file (or its .toml.in template) is not in the scan.",
    );
    expect(result.graph.runsOn('trigger-runtimeclass-without-config.yaml#RuntimeClass/kata-qemu-snp')).toBeUndefined();
  });
  it('refuses a RuntimeClass without a handler', () => {
    expect(() =>
      runtimeClassAdapter.load({
        file: 'rc.yaml',
        absolutePath: '/nonexistent/rc.yaml',
        text: text.replace(/handler.*\n/, ''),
      }),
    ).toThrow(InputError);
  });
});
