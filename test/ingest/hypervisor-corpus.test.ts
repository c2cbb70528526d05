import { describe, expect, it } from 'vitest';
import { check, type CheckResult } from '../../src/check.js';
import { defaultConfig } from '../../src/engine/config.js';
import { NO_SHARED, REPO_ROOT, SHARED_SKIP, sharedPath } from '../helpers.js';

/**
 * The public corpus (shared/corpus, read in place): every file is read without an input error, and what
 * isolint reports is what a reviewer would (corpus README: which file must fire and which must not).
 */
const CORPUS = NO_SHARED ? '' : sharedPath('corpus');

let result: CheckResult;
const findingsIn = (name: string, severity = 'error') =>
  result.findings
    .filter((f) => f.location.file.endsWith(name) && f.severity === severity)
    .map((f) => `${f.ruleId}:${f.messageId}@${f.location.startLine}`)
    .sort();

describe.skipIf(NO_SHARED)(`the hypervisor corpus${SHARED_SKIP}`, () => {
  it('reads every file without an input error', async () => {
    result = await check({ paths: [CORPUS], cwd: REPO_ROOT, root: REPO_ROOT, config: defaultConfig(REPO_ROOT) });
    expect(result.problems.filter((p) => p.level === 'error')).toEqual([]);
    const read = result.files.map((f) => f.file.split('/corpus/')[1]).sort();
    // Every libvirt, Xen and Kata file is claimed; the Terraform flavors belong to the Terraform adapter when it is present.
    for (const name of [
      'libvirt/graphics-vnc.xml',
      'libvirt/luks-disks.xml',
      'libvirt/launch-security-tdx.xml',
      'xen/xlexample.hvm',
      'xen/xlexample.pvhlinux',
      'kata/configuration-qemu.toml.in',
      'kata/configuration-qemu-snp.toml.in',
    ]) {
      expect(read).toContain(name);
    }
    expect(read.filter((name) => name.startsWith('libvirt/'))).toHaveLength(15);
  });

  it('reports a routable VNC listen, in the attribute or only in <listen>', () => {
    expect(findingsIn('libvirt/graphics-vnc.xml')).toEqual([
      'encrypted-block-storage:unencrypted@17',
      'no-interactive-access:networkListener@29',
    ]);
    expect(findingsIn('libvirt/graphics-vnc-no-listen-attr.xml')).toEqual([
      'encrypted-block-storage:unencrypted@17',
      'no-interactive-access:networkListener@29',
    ]);
  });

  it('accepts unix-socket and loopback listeners (VNC socket, SPICE on 127.0.0.1, telnet serial on 127.0.0.1)', () => {
    for (const name of ['graphics-vnc-socket.xml', 'graphics-spice.xml', 'serial-tcp-telnet-chardev.xml']) {
      expect(findingsIn(`libvirt/${name}`).filter((f) => f.startsWith('no-interactive-access'))).toEqual([]);
    }
  });

  it('accepts LUKS disks and skips read-only cdroms', () => {
    expect(findingsIn('libvirt/luks-disks.xml')).toEqual([]);
    expect(findingsIn('libvirt/disk-readonly-disk.xml')).toEqual(['encrypted-block-storage:unencrypted@17']);
    // Three shareable disks in one domain of no known tenant: unencrypted, but nothing crosses tenants.
    expect(findingsIn('libvirt/disk-shared.xml')).toEqual([
      'encrypted-block-storage:unencrypted@17',
      'encrypted-block-storage:unencrypted@32',
      'encrypted-block-storage:unencrypted@39',
    ]);
  });

  it('accepts SEV and TDX policies that forbid debugging, and a user-mode NIC', () => {
    expect(findingsIn('libvirt/launch-security-sev.xml')).toEqual([]);
    expect(findingsIn('libvirt/launch-security-tdx.xml')).toEqual([]);
    expect(
      findingsIn('libvirt/net-virtio.x86_64-latest.xml').filter((f) => f.startsWith('hypervisor-firewall')),
    ).toEqual([]);
  });

  it('judges the Xen examples: SDL is local, VNC is off when sdl=1 and vnc is not set', () => {
    expect(findingsIn('xen/xlexample.hvm').filter((f) => f.startsWith('no-interactive-access'))).toEqual([]);
    expect(findingsIn('xen/xlexample.hvm')).toEqual(['hypervisor-firewall:noHostFilter@38']);
    expect(findingsIn('xen/xlexample.pvhlinux').filter((f) => f.startsWith('no-interactive-access'))).toEqual([]);
  });

  it('reads the Terraform flavors: pinned with require on an even count passes, specs from a missing locals.tf stay unknown', () => {
    const flavorNotes = (name: string) =>
      result.findings
        .filter((f) => f.location.file.endsWith(name))
        .map((f) => `${f.ruleId}:${f.messageId}:${f.severity}@${f.location.startLine}`);
    // p3: merge(local…, {"hw:cpu_thread_policy" = "require", "hw:cpu_policy" = "dedicated"}) with 24 vCPUs.
    expect(flavorNotes('nova/p3.24core-60ram-500edisk-pin-smt-flavor.tf')).toEqual([]);
    // c2: extra_specs = local.ostack_flavor_c2_extra_specs from a locals.tf outside the corpus: a note, never an error.
    expect(flavorNotes('nova/c2.1core-2ram-flavor.tf')).toEqual(['tenant-isolation:undecidedFlavor:note@7']);
    const read = result.files.map((f) => f.file.split('/corpus/')[1]);
    expect(read).toContain('nova/c2.1core-2ram-flavor.tf');
    expect(read).toContain('nova/p3.24core-60ram-500edisk-pin-smt-flavor.tf');
  });

  it('keeps Kata template placeholders unknown: no errors, at most notes', () => {
    expect(findingsIn('kata/configuration-qemu.toml.in')).toEqual([]);
    expect(findingsIn('kata/configuration-qemu-snp.toml.in')).toEqual([]);
  });
});
