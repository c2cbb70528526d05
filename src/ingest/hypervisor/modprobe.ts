import { basename, dirname, join, posix } from 'node:path';
import type { HostNode } from '../../model/nodes.js';
import { NO_SUPPRESSIONS } from '../../model/nodes.js';
import { LineIndex, type SourceSpan } from '../../model/source.js';
import { NOT_DECLARED, unknown } from '../../model/unknown.js';
import type { Adapter } from '../adapter.js';
import { inputError } from './common.js';
import { HOST_FILES, libvirtHostContext, libvirtHostNode } from './libvirt-host.js';
import type { InputFiles } from '../adapter.js';
import { filesOf } from '../input-files.js';

/**
 * KVM's `nested` module option in `/etc/modprobe.d/*.conf` (https://docs.kernel.org/virt/kvm/x86/running-nested-guests.html): `options kvm_intel
 * nested=1` (or `kvm-intel`, `Y`) and `options kvm_amd nested=1` offer nested virtualization (VMX/SVM) to
 * every guest whose CPU model passes it through. modprobe treats `-` and `_` in module names alike; the
 * last setting read wins (files in name order, lines in order).
 */

export interface KvmNestedSetting {
  /** true: nested=1/Y; false: nested=0/N. */
  offered: boolean;
  module: string;
  source: SourceSpan;
}

const OPTIONS_LINE = /^[ \t]*options[ \t]+kvm[-_](intel|amd)\b([^\n]*)$/gm;

/** The kvm_intel / kvm_amd `nested` settings of one modprobe file, last one last. */
export function kvmNestedSettings(file: string, text: string): KvmNestedSetting[] {
  const lines = new LineIndex(text);
  const found: KvmNestedSetting[] = [];
  for (let match = OPTIONS_LINE.exec(text); match; match = OPTIONS_LINE.exec(text)) {
    const parameter = /(?:^|\s)nested=(\S*)/.exec(match[2]);
    if (!parameter) continue;
    const value = parameter[1].replace(/^["']|["']$/g, '');
    let offered: boolean;
    if (/^(1|y|yes|on|true)$/i.test(value)) offered = true;
    else if (/^(0|n|no|off|false)$/i.test(value)) offered = false;
    else {
      const { line, column } = lines.position(match.index);
      throw inputError(`kvm_${match[1]} nested=${value.slice(0, 20)} is not 1/Y or 0/N`, file, line, column);
    }
    const end = match.index + match[0].length;
    found.push({
      offered,
      module: `kvm_${match[1]}`,
      source: lines.span(file, match.index + match[0].search(/\S/), end),
    });
  }
  return found;
}

/** Whether a modprobe file sets a KVM module's `nested` option (what the adapter claims). */
export function setsKvmNested(text: string): boolean {
  return /^[ \t]*options[ \t]+kvm[-_](intel|amd)\b[^\n]*\bnested=/m.test(text);
}

/**
 * The `nested` setting of a host directory: `modprobe.d/*.conf` in it, or beside it when the directory is an
 * /etc/libvirt (then /etc/modprobe.d). Undefined when no modprobe directory is there.
 */
export function modprobeOfHostDirectory(
  displayDirectory: string,
  absoluteDirectory: string,
  files: InputFiles,
): { setting?: KvmNestedSetting; stamp: string } | undefined {
  const candidates = [[join(absoluteDirectory, 'modprobe.d'), posix.join(displayDirectory, 'modprobe.d')]];
  if (basename(absoluteDirectory) === 'libvirt')
    candidates.push([
      join(dirname(absoluteDirectory), 'modprobe.d'),
      posix.join(posix.dirname(displayDirectory), 'modprobe.d'),
    ]);
  for (const [absolute, display] of candidates) {
    if (!files.isDirectory(absolute)) continue;
    const names = files.list(absolute).filter((name) => name.endsWith('.conf'));
    let setting: KvmNestedSetting | undefined;
    let stamp = '';
    for (const name of names) {
      let text: string;
      try {
        text = files.read(join(absolute, name));
      } catch {
        continue; // over the size cap: reported if it is read itself
      }
      stamp += `${name}:${text.length}|`;
      try {
        setting = kvmNestedSettings(posix.join(display, name), text).at(-1) ?? setting;
      } catch {
        // A malformed file is reported when it is read itself; here it decides nothing.
      }
    }
    return { setting, stamp };
  }
  return undefined;
}

/** What a host's KVM offers, as the host property (unknown when modprobe.d says nothing: the kernel default applies). */
export function nestedOffered(modprobe: { setting?: KvmNestedSetting } | undefined): HostNode['nestedVirtualization'] {
  if (!modprobe) return undefined;
  if (modprobe.setting) return modprobe.setting.offered;
  return unknown('modprobe.d does not set kvm_intel/kvm_amd nested, so the kernel default applies');
}

/**
 * A modprobe file on its own (not under a libvirt host directory): a KVM host of its own, id
 * `kvm-host:<file>`. Under a libvirt host (see libvirt-host.ts) the libvirt host node carries the setting.
 */
export function standaloneKvmHost(file: string, text: string): HostNode {
  const setting = kvmNestedSettings(file, text).at(-1);
  const source: SourceSpan = setting?.source ?? { file, startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 };
  return {
    kind: 'host',
    id: `kvm-host:${file}`,
    label: `KVM host configured by ${file}`,
    cores: unknown('modprobe.d does not say how many cores the host has'),
    threadsPerCore: unknown('modprobe.d does not say how many threads per core the host has'),
    countHyperthreads: true,
    memoryMiB: unknown('modprobe.d does not say how much memory the host has'),
    memoryScrubbing: unknown(
      'KVM hosts scrub freed memory only with the kernel option init_on_free=1, which modprobe.d does not show',
    ),
    rootOfTrust: NOT_DECLARED,
    controllerBoot: NOT_DECLARED,
    nestedVirtualization: setting ? setting.offered : NOT_DECLARED,
    source,
    at: setting ? { nestedVirtualization: setting.source } : {},
    suppressions: NO_SUPPRESSIONS,
  };
}

export const modprobeAdapter: Adapter = {
  format: 'modprobe',
  extensions: ['.conf'],
  claims: ({ text }) => setsKvmNested(text),
  load(input) {
    kvmNestedSettings(input.file, input.text); // this file's own errors first
    // <host>/modprobe.d/kvm.conf, or /etc/modprobe.d beside /etc/libvirt: the libvirt host of that directory.
    if (basename(dirname(input.absolutePath)) === 'modprobe.d') {
      const display = posix.dirname(posix.dirname(input.file));
      const absolute = dirname(dirname(input.absolutePath));
      for (const [d, a] of [
        [display, absolute],
        [posix.join(display, 'libvirt'), join(absolute, 'libvirt')],
      ] as const) {
        const context = HOST_FILES.some((name) => filesOf(input).exists(join(a, name)))
          ? libvirtHostContext(d, a, input)
          : undefined;
        if (context) return { nodes: [libvirtHostNode(context)], edges: [] };
      }
    }
    return { nodes: [standaloneKvmHost(input.file, input.text)], edges: [] };
  },
};
