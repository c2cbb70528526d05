import { basename, dirname, join, posix } from 'node:path';
import type { Element } from '@xmldom/xmldom';
import type { AccessEdge, GraphFragment, HostNode } from '../../model/nodes.js';
import { NO_SUPPRESSIONS } from '../../model/nodes.js';
import type { SourceSpan } from '../../model/source.js';
import { NOT_DECLARED, unknown } from '../../model/unknown.js';
import type { Adapter, AdapterInput } from '../adapter.js';
import { accessEdge, libvirtSizeInMiB, networkPrincipal, NETWORK_PRINCIPAL } from './common.js';
import { configBoolean, parseKeyValueConfig, type KeyValueConfig } from './key-value.js';
import { attribute, child, children, elementSpan, parseXml, rootElementName } from './xml.js';
import { modprobeOfHostDirectory, nestedOffered, type KvmNestedSetting } from './modprobe.js';
import { filesOf, sessionOf } from '../input-files.js';

/**
 * A libvirt host is a directory, laid out like /etc/libvirt (https://libvirt.org/remote.html): `qemu.conf` and
 * `libvirtd.conf` (the daemon defaults every domain inherits) and optionally `capabilities.xml`
 * (`virsh capabilities`: the host's cores, threads and memory). The domains of that host are the domain
 * XMLs in the same directory or in its `qemu/` subdirectory. Each of these files yields the same host node
 * (built from all of them, marked shared), so any subset of them checked alone still has its host.
 */

export const DAEMON_FILES = ['qemu.conf', 'libvirtd.conf'] as const;
export const CAPABILITIES_FILE = 'capabilities.xml';
export const HOST_FILES = [CAPABILITIES_FILE, ...DAEMON_FILES];

export interface LibvirtHostContext {
  /** Graph id of the host: `libvirt-host:<directory as displayed>`. */
  hostId: string;
  qemu?: KeyValueConfig;
  libvirtd?: KeyValueConfig;
  capabilities?: { root: Element; file: string };
  /** The first host file, where the host node is located. */
  primaryFile: string;
  /** KVM's `nested` module option from modprobe.d beside the host files (https://docs.kernel.org/virt/kvm/x86/running-nested-guests.html; modprobe.ts). */
  modprobe?: { setting?: KvmNestedSetting };
}

/**
 * The host context of a file: its daemon files and capabilities, read once per directory and version in a
 * check (its session). `displayDirectory` names the host in findings; `absoluteDirectory` is where the
 * files are read, through the scan's files.
 */
export function libvirtHostContext(
  displayDirectory: string,
  absoluteDirectory: string,
  scan: Pick<AdapterInput, 'files' | 'session'>,
): LibvirtHostContext | undefined {
  const files = filesOf(scan);
  const cache = sessionOf(scan).cache<{ stamp: string; context: LibvirtHostContext | undefined }>('libvirt-hosts');
  const stamps = HOST_FILES.map((name) => {
    const stamp = files.stamp(join(absoluteDirectory, name));
    return stamp === undefined ? '' : `${name}:${stamp}`;
  });
  const modprobe = modprobeOfHostDirectory(displayDirectory, absoluteDirectory, files);
  const stamp = stamps.join('|') + `|${modprobe?.stamp ?? ''}`;
  const cached = cache.get(absoluteDirectory);
  if (cached && cached.stamp === stamp) return cached.context;
  let context: LibvirtHostContext | undefined;
  if (stamps.some(Boolean)) {
    const display = (name: string) => (displayDirectory === '.' ? name : `${displayDirectory}/${name}`);
    const read = (name: string) => files.read(join(absoluteDirectory, name));
    const present = HOST_FILES.filter((_, i) => stamps[i]);
    context = { hostId: `libvirt-host:${displayDirectory}`, primaryFile: display(present[0]) };
    if (modprobe) context.modprobe = modprobe;
    if (present.includes('qemu.conf')) context.qemu = parseKeyValueConfig(display('qemu.conf'), read('qemu.conf'));
    if (present.includes('libvirtd.conf'))
      context.libvirtd = parseKeyValueConfig(display('libvirtd.conf'), read('libvirtd.conf'));
    if (present.includes(CAPABILITIES_FILE)) {
      context.capabilities = {
        root: parseXml(display(CAPABILITIES_FILE), read(CAPABILITIES_FILE)),
        file: display(CAPABILITIES_FILE),
      };
    }
  }
  cache.set(absoluteDirectory, { stamp, context });
  return context;
}

/** The host context a domain file inherits from, looking in its directory and above a `qemu/` directory. */
export function hostContextForDomain(input: AdapterInput): LibvirtHostContext | undefined {
  let display = posix.dirname(input.file);
  let absolute = dirname(input.absolutePath);
  for (let depth = 0; depth < 2; depth++) {
    if (HOST_FILES.some((name) => filesOf(input).exists(join(absolute, name))))
      return libvirtHostContext(display, absolute, input);
    if (basename(absolute) !== 'qemu') return undefined;
    display = posix.dirname(display);
    absolute = dirname(absolute);
  }
  return undefined;
}

/** The host node, the same whichever of the host's files builds it. */
export function libvirtHostNode(context: LibvirtHostContext): HostNode {
  const source: SourceSpan = { file: context.primaryFile, startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 };
  const at: Record<string, SourceSpan> = {};
  let cores: HostNode['cores'] = unknown('no capabilities.xml (virsh capabilities) in the host directory');
  let threadsPerCore: HostNode['threadsPerCore'] = cores;
  let memoryMiB: HostNode['memoryMiB'] = unknown('no capabilities.xml (virsh capabilities) in the host directory');
  const capabilities = context.capabilities;
  if (capabilities) {
    const host = child(capabilities.root, 'host');
    const topology = host && child(child(host, 'cpu') ?? host, 'topology');
    if (topology) {
      const count = (name: string) => Number(attribute(topology, name) ?? '1');
      cores = count('sockets') * count('dies') * count('cores');
      threadsPerCore = count('threads');
      at.cores = elementSpan(capabilities.file, topology);
    }
    const cells = host ? children(child(child(host, 'topology') ?? host, 'cells') ?? host, 'cell') : [];
    if (cells.length > 0) {
      let total = 0;
      for (const cell of cells) {
        const memory = child(cell, 'memory');
        total += libvirtSizeInMiB(Number(memory?.textContent ?? 0), attribute(memory, 'unit')) ?? 0;
      }
      memoryMiB = Math.floor(total);
      at.memory = elementSpan(capabilities.file, cells[0]);
    }
    if (host) Object.assign(source, elementSpan(capabilities.file, host));
  }
  return {
    kind: 'host',
    id: context.hostId,
    cores,
    threadsPerCore,
    countHyperthreads: true,
    memoryMiB,
    // Scrubbing on KVM is the kernel's (init_on_free=1), not in libvirt's files (https://docs.kernel.org/admin-guide/kernel-parameters.html, https://xenbits.xen.org/docs/unstable/misc/xen-command-line.html).
    memoryScrubbing: unknown(
      'KVM hosts scrub freed memory only with the kernel option init_on_free=1, which libvirt files do not show',
    ),
    rootOfTrust: NOT_DECLARED,
    controllerBoot: NOT_DECLARED,
    shared: true,
    ...(context.modprobe ? { nestedVirtualization: nestedOffered(context.modprobe) } : {}),
    source,
    at: context.modprobe?.setting ? { ...at, nestedVirtualization: context.modprobe.setting.source } : at,
    suppressions: NO_SUPPRESSIONS,
  };
}

/**
 * libvirtd.conf: `listen_tcp = 1` with `auth_tcp = "none"` lets anyone on the network drive libvirt's
 * remote API, which includes opening any guest's console (https://libvirt.org/remote.html: listen_tcp off by default,
 * auth_tcp default "sasl"; libvirtd also needs --listen, which the file cannot show).
 */
function libvirtdAccess(context: LibvirtHostContext): AccessEdge[] {
  const conf = context.libvirtd;
  if (!conf || configBoolean(conf.scalar('listen_tcp')) !== true) return [];
  const auth = conf.scalar('auth_tcp') ?? 'sasl';
  if (auth !== 'none') return [];
  const address = conf.scalar('listen_addr') ?? '0.0.0.0';
  const span = conf.spanOf('auth_tcp') ?? conf.spanOf('listen_tcp')!;
  return [
    accessEdge(
      NETWORK_PRINCIPAL,
      context.hostId,
      'console',
      span,
      false,
      `${address}:${conf.scalar('tcp_port') ?? '16509'}`,
    ),
  ];
}

function isLibvirtDaemonFile({ file, text }: AdapterInput): boolean {
  const name = basename(file);
  if (name === 'qemu.conf' || name === 'libvirtd.conf') return true;
  return (
    /^\s*(vnc_listen|spice_listen|vnc_tls|spice_tls|listen_tcp|listen_tls|auth_tcp|auth_unix_rw|unix_sock_group)\s*=/m.test(
      text,
    ) && !/^\s*\[/m.test(text)
  );
}

/** qemu.conf, libvirtd.conf and `virsh capabilities` dumps: the libvirt host of their directory. */
export const libvirtHostAdapter: Adapter = {
  format: 'libvirt-host',
  extensions: ['.conf', '.xml'],
  claims(input) {
    if (/\.xml$/i.test(input.file)) return rootElementName(input.text) === 'capabilities' && /<host>/.test(input.text);
    return isLibvirtDaemonFile(input);
  },
  load(input): GraphFragment {
    // Parse this file first, so its own syntax errors are reported against it.
    if (/\.xml$/i.test(input.file)) parseXml(input.file, input.text);
    else parseKeyValueConfig(input.file, input.text);
    const name = basename(input.file);
    let context: LibvirtHostContext | undefined;
    if (HOST_FILES.includes(name)) {
      context = libvirtHostContext(posix.dirname(input.file), dirname(input.absolutePath), input);
    }
    if (!context) {
      // A daemon file under another name: a host of its own.
      context = { hostId: `libvirt-host:${input.file}`, primaryFile: input.file };
      if (/\.xml$/i.test(input.file))
        context.capabilities = { root: parseXml(input.file, input.text), file: input.file };
      else if (/^\s*(listen_tcp|listen_tls|auth_tcp)\s*=/m.test(input.text))
        context.libvirtd = parseKeyValueConfig(input.file, input.text);
      else context.qemu = parseKeyValueConfig(input.file, input.text);
    }
    const host = libvirtHostNode(context);
    const edges = name === 'libvirtd.conf' || context.libvirtd?.file === input.file ? libvirtdAccess(context) : [];
    const nodes: GraphFragment['nodes'] = [host];
    if (edges.length > 0) nodes.push(networkPrincipal(edges[0].source));
    return { nodes, edges };
  },
};
