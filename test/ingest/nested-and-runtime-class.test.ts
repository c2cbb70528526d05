import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { kvmNestedSettings, modprobeAdapter } from '../../src/ingest/hypervisor/modprobe.js';
import { runtimeClassAdapter } from '../../src/ingest/hypervisor/runtime-class.js';
import type { HostNode } from '../../src/model/nodes.js';

describe('modprobe.d kvm nested option (HYPERVISOR-FACTS §4.3)', () => {
  it('reads kvm_intel/kvm-intel/kvm_amd nested settings with their lines, the last one winning', () => {
    const text = '# nested guests\noptions kvm-intel nested=Y\noptions kvm_amd nested=0 avic=1\n';
    expect(kvmNestedSettings('kvm.conf', text).map((s) => [s.module, s.offered, s.source.startLine])).toEqual([
      ['kvm_intel', true, 2],
      ['kvm_amd', false, 3],
    ]);
    const input = { file: 'etc/modprobe.d/kvm.conf', absolutePath: '/nonexistent/etc/modprobe.d/kvm.conf', text: 'options kvm_intel nested=1\n' };
    expect(modprobeAdapter.claims(input)).toBe(true);
    const host = modprobeAdapter.load(input).nodes[0] as HostNode;
    expect(host.id).toBe('kvm-host:etc/modprobe.d/kvm.conf');
    expect(host.nestedVirtualization).toBe(true);
    expect(host.at.nestedVirtualization!.startLine).toBe(1);
  });

  it('refuses a nested value that is neither on nor off, in one line at its line', () => {
    try {
      modprobeAdapter.load({ file: 'kvm.conf', absolutePath: '/nonexistent/kvm.conf', text: '\noptions kvm_intel nested=maybe\n' });
      throw new Error('no error');
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).message).toMatch(/nested=maybe/);
      expect((error as InputError).message).not.toContain('\n');
    }
  });
});

describe('Kubernetes RuntimeClass (HYPERVISOR-FACTS §5.3)', () => {
  const text = 'apiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata:\n  name: kata-qemu\nhandler: kata-qemu\n';
  it('is claimed and read without an input error', () => {
    const input = { file: 'k8s/runtimeclass.yaml', absolutePath: '/nonexistent/rc.yaml', text };
    expect(runtimeClassAdapter.claims(input)).toBe(true);
    expect(runtimeClassAdapter.load(input)).toEqual({ nodes: [], edges: [] });
  });
  it('refuses a RuntimeClass without a handler', () => {
    expect(() => runtimeClassAdapter.load({ file: 'rc.yaml', absolutePath: '/nonexistent/rc.yaml', text: text.replace(/handler.*\n/, '') })).toThrow(InputError);
  });
});
