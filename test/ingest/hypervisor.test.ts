import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { kataConfigAdapter } from '../../src/ingest/hypervisor/kata.js';
import { libvirtDomainAdapter } from '../../src/ingest/hypervisor/libvirt-domain.js';
import { novaConfAdapter } from '../../src/ingest/hypervisor/nova.js';
import { xlConfigAdapter, xenGrubAdapter } from '../../src/ingest/hypervisor/xen.js';
import type { Adapter } from '../../src/ingest/adapter.js';
import type { GraphFragment, HostNode, InstanceNode, VolumeNode } from '../../src/model/nodes.js';
import { isUnknown } from '../../src/model/unknown.js';

const load = (adapter: Adapter, text: string, file = 'in/test.txt'): GraphFragment => {
  const input = { file, absolutePath: `/nonexistent/${file}`, text };
  expect(adapter.claims(input)).toBe(true);
  return adapter.load(input);
};
const failure = (adapter: Adapter, text: string, file = 'in/bad.txt'): InputError => {
  try {
    adapter.load({ file, absolutePath: `/nonexistent/${file}`, text });
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('no error');
};

describe('libvirt domain XML', () => {
  const xml = `<domain type='kvm'>
  <name>g</name>
  <memory unit='GiB'>2</memory>
  <vcpu>@VCPUS@</vcpu>
  <devices>
    <disk type='file'><source file='/a.img'/><target dev='vda'/></disk>
  </devices>
</domain>`;
  it('converts memory units, keeps placeholders unknown and places disks on their element', () => {
    const fragment = load(libvirtDomainAdapter, xml, 'vms/g.xml');
    const guest = fragment.nodes.find((n): n is InstanceNode => n.kind === 'instance')!;
    expect(guest.id).toBe('vms/g.xml#g');
    expect(guest.memoryMiB).toBe(2048);
    expect(isUnknown(guest.vcpus)).toBe(true);
    const disk = fragment.nodes.find((n): n is VolumeNode => n.kind === 'volume')!;
    expect(disk.encrypted).toBe(false);
    expect(disk.source.startLine).toBe(6);
  });
  it('does not claim other XML and reports malformed XML on its line', () => {
    expect(
      libvirtDomainAdapter.claims({ file: 'a.xml', absolutePath: '/a.xml', text: '<network><name>x</name></network>' }),
    ).toBe(false);
    const error = failure(libvirtDomainAdapter, "<domain type='kvm'>\n  <name>x</nam>\n</domain>", 'bad.xml');
    expect(error.place.line).toBe(2);
    expect(error.format()).not.toMatch(/\n/);
  });
});

describe('Xen', () => {
  it('reads xl.cfg lists with positions and the host command line', () => {
    const fragment = load(
      xlConfigAdapter,
      'name = "a"\nmemory = 512\nmaxmem = 1024\ndisk = [\n  "phy:/dev/vg/a,raw,xvda,rw",\n  "/isos/x.iso,raw,hdc,r,devtype=cdrom",\n]\n',
      'xen/a.cfg',
    );
    const guest = fragment.nodes.find((n): n is InstanceNode => n.kind === 'instance')!;
    expect(guest.memoryMiB).toBe(1024);
    const disks = fragment.nodes.filter((n) => n.kind === 'volume');
    expect(disks).toHaveLength(1);
    expect(disks[0].source.startLine).toBe(5);
    const host = load(xenGrubAdapter, 'GRUB_CMDLINE_XEN_DEFAULT="smt=0 sched-gran=core"\n', 'grub')
      .nodes[0] as HostNode;
    expect(host.smt).toBe(false);
    expect(host.schedulingGranularity).toBe('core');
    expect(host.at.smt.startColumn).toBe(27);
  });
  it('reports an unclosed list on its line', () => {
    const error = failure(xlConfigAdapter, 'name = "a"\nvif = [ "bridge=xenbr0"\n');
    expect(error.place.line).toBe(2);
  });
});

describe('nova.conf', () => {
  it('keeps unset ratios unknown and explicit ones on their line', () => {
    const fragment = load(
      novaConfAdapter,
      '[DEFAULT]\nram_allocation_ratio = 1.0\n\n[libvirt]\nimages_type = lvm\nvolume_clear = none\n',
    );
    const host = fragment.nodes.find((n): n is HostNode => n.kind === 'host')!;
    expect(isUnknown(host.allocationRatios!.cpu)).toBe(true);
    expect(host.allocationRatios!.ram).toBe(1);
    expect(host.at.ram_allocation_ratio.startLine).toBe(2);
    const ephemeral = fragment.nodes.find((n): n is VolumeNode => n.kind === 'volume')!;
    expect(ephemeral.wipe).toBe('none');
    expect(ephemeral.at.wipe.startLine).toBe(6);
  });
  it('refuses a ratio that is not a number, on its line', () => {
    const error = failure(novaConfAdapter, '[DEFAULT]\ncpu_allocation_ratio = lots\n[libvirt]\nimages_type = lvm\n');
    expect(error.place.line).toBe(2);
  });
});

describe('Kata configuration.toml', () => {
  it('reads templates: @VAR@ values are unknown, literal ones keep their line', () => {
    const fragment = load(
      kataConfigAdapter,
      '[hypervisor.qemu]\ndefault_vcpus = 1\ndefault_memory = @DEFMEMSZ@\nconfidential_guest = true\nenable_debug = @DEFENABLEDEBUG@\n',
      'configuration.toml.in',
    );
    const sandbox = fragment.nodes.find((n): n is InstanceNode => n.kind === 'instance')!;
    expect(sandbox.vcpus).toBe(1);
    expect(isUnknown(sandbox.memoryMiB)).toBe(true);
    expect(isUnknown(sandbox.confidential!.debug)).toBe(true);
    expect(sandbox.confidential!.source.startLine).toBe(5);
  });
});
