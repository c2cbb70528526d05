import { basename, dirname, join, posix } from 'node:path';
import type {
  AccessEdge,
  AccessMethod,
  GraphEdge,
  GraphFragment,
  GraphNode,
  HostNode,
  InstanceNode,
  NicNode,
  VolumeNode,
} from '../../model/nodes.js';
import { NO_SPANS, NO_SUPPRESSIONS } from '../../model/nodes.js';
import { LineIndex, type SourceSpan } from '../../model/source.js';
import { NOT_DECLARED, unknown, type Maybe } from '../../model/unknown.js';
import type { Adapter, AdapterInput } from '../adapter.js';
import {
  accessEdge,
  inputError,
  isLoopback,
  networkPrincipal,
  NETWORK_PRINCIPAL,
  placeholderIn,
  placeholderUnknown,
} from './common.js';
import { configBoolean, parseKeyValueConfig, type ConfigValue, type KeyValueConfig } from './key-value.js';
import { filesOf } from '../input-files.js';

/**
 * Xen: guest configs for `xl` (xl.cfg, https://xenbits.xen.org/docs/unstable/man/xl.cfg.5.html) and the hypervisor's boot command line in a
 * GRUB file. A Xen host is a directory holding a GRUB file (`grub`, `grub.cfg`, `*.grub`) whose
 * Xen line isolint reads; the xl.cfg files in that directory or in its `xen/` subdirectory (the /etc/xen
 * layout) are its guests.
 */

const XL_KEYS =
  /^\s*(memory|maxmem|vcpus|maxvcpus|kernel|disk|vif|builder|type|bootloader|vnc|sdl|serial|cpus|vfb)\s*=/m;

function isXlConfig(text: string): boolean {
  return /^\s*name\s*=\s*["']/m.test(text) && XL_KEYS.test(text) && !/^\s*\[[^\]'"]*\]\s*$/m.test(text);
}

const XEN_LINE = /GRUB_CMDLINE_XEN(?:_DEFAULT)?\s*=|^\s*multiboot2?\s+\S*xen\S*/m;

/** Files that can be a Xen host's GRUB file (they have no common extension, so the name decides). */
function isGrubName(name: string): boolean {
  return name === 'grub' || name === 'grub.cfg' || name.endsWith('.grub');
}

export const xlConfigAdapter: Adapter = {
  format: 'xen-xl',
  extensions: ['.cfg', '.xl', '.hvm', '.pv', '.pvh', '.pvlinux', '.pvhlinux'],
  // A YAML or JSON file is never an xl.cfg, however its keys look (Cloud Posse's README.yaml has `name:` lines).
  claims: ({ file, text }) => !isGrubName(basename(file)) && !/\.(ya?ml|json)$/i.test(file) && isXlConfig(text),
  load: (input) => new XlReader(input, parseKeyValueConfig(input.file, input.text)).read(),
};

export const xenGrubAdapter: Adapter = {
  format: 'xen-grub',
  extensions: ['grub', '.cfg'],
  claims: ({ text }) => XEN_LINE.test(text),
  load: (input) => {
    const host = xenHostNode(input.file, posix.dirname(input.file), input.text);
    if (!host)
      throw inputError('no Xen command line found (GRUB_CMDLINE_XEN or a multiboot line loading xen)', input.file);
    return { nodes: [host], edges: [] };
  },
};

interface CommandLineOption {
  name: string;
  value: string | undefined;
  start: number;
  end: number;
}

/** The Xen options of a GRUB file, with their offsets. The last Xen line wins. */
function xenOptions(text: string): CommandLineOption[] {
  const options: CommandLineOption[] = [];
  const pattern = /GRUB_CMDLINE_XEN(?:_DEFAULT)?\s*=\s*(["']?)(.*?)\1\s*$|^\s*multiboot2?\s+\S*xen\S*(.*)$/gm;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    const body = match[2] ?? match[3] ?? '';
    const bodyStart = match.index + match[0].indexOf(body, match[0].indexOf(match[2] !== undefined ? '=' : 'xen'));
    const token = /\S+/g;
    for (let t = token.exec(body); t; t = token.exec(body)) {
      const [name, ...rest] = t[0].split('=');
      options.push({
        name: name.replace(/_/g, '-'),
        value: rest.length ? rest.join('=') : undefined,
        start: bodyStart + t.index,
        end: bodyStart + t.index + t[0].length,
      });
    }
  }
  return options;
}

/** Xen's boolean option syntax: no value, 1/0, yes/no, on/off, true/false, enable/disable. */
function xenBoolean(option: CommandLineOption | undefined): boolean | undefined {
  if (!option) return undefined;
  if (option.value === undefined) return !option.name.startsWith('no-');
  return (
    configBoolean(option.value) ?? (option.value === 'enable' ? true : option.value === 'disable' ? false : undefined)
  );
}

export function xenHostNode(file: string, directory: string, text: string): HostNode | undefined {
  if (!XEN_LINE.test(text)) return undefined;
  const lines = new LineIndex(text);
  const options = xenOptions(text);
  const find = (name: string) => [...options].reverse().find((o) => o.name === name || o.name === `no-${name}`);
  const at: Record<string, SourceSpan> = {};
  const spanOf = (option: CommandLineOption) => lines.span(file, option.start, option.end);
  const smtOption = find('smt');
  const granularity = find('sched-gran');
  const bootscrub = find('bootscrub');
  if (smtOption) at.smt = spanOf(smtOption);
  if (granularity) at.schedulingGranularity = spanOf(granularity);
  if (bootscrub) at.bootScrub = spanOf(bootscrub);
  const firstLine = XEN_LINE.exec(text)!;
  const gran = granularity?.value;
  return {
    kind: 'host',
    id: `xen-host:${directory}`,
    cores: unknown('a Xen command line does not say how many cores the host has'),
    threadsPerCore: unknown('a Xen command line does not say how many threads per core the host has'),
    countHyperthreads: true,
    memoryMiB: unknown('a Xen command line does not say how much memory the host has'),
    // Xen scrubs every page of a dying domain before reuse, whatever the options (page_alloc.c).
    memoryScrubbing: true,
    // bootscrub defaults to idle: free memory is scrubbed in the background and allocations always get scrubbed pages.
    bootScrub: xenBoolean(bootscrub) ?? true,
    smt: xenBoolean(smtOption) ?? true,
    schedulingGranularity:
      gran === 'core' || gran === 'socket' || gran === 'cpu'
        ? gran
        : gran === undefined
          ? 'cpu'
          : unknown(`sched-gran=${gran} is not a value Xen documents`),
    rootOfTrust: NOT_DECLARED,
    controllerBoot: NOT_DECLARED,
    source: lines.span(file, firstLine.index, firstLine.index + firstLine[0].length),
    at,
    suppressions: NO_SUPPRESSIONS,
  };
}

/** The host directory of a guest config: its own or, for an /etc/xen-style `xen/` directory, the parent. */
function hostIdForGuest(input: AdapterInput): string | undefined {
  let display = posix.dirname(input.file);
  let absolute = dirname(input.absolutePath);
  for (let depth = 0; depth < 2; depth++) {
    for (const name of ['grub', 'grub.cfg']) {
      const path = join(absolute, name);
      if (filesOf(input).exists(path) && XEN_LINE.test(readQuietly(input, path))) return `xen-host:${display}`;
    }
    if (basename(absolute) !== 'xen') return undefined;
    display = posix.dirname(display);
    absolute = dirname(absolute);
  }
  return undefined;
}

/** `key=value,key=value` specs (vif, vfb) and positional disk specs, with their offsets inside the value. */
function specFields(value: ConfigValue): Map<string, string> {
  const fields = new Map<string, string>();
  value.text.split(',').forEach((part, index) => {
    const equals = part.indexOf('=');
    if (equals < 0) fields.set(`#${index}`, part.trim());
    else fields.set(part.slice(0, equals).trim(), part.slice(equals + 1).trim());
  });
  return fields;
}

class XlReader {
  private readonly nodes: GraphNode[] = [];
  private readonly edges: GraphEdge[] = [];
  private readonly id: string;
  private readonly type: string;

  constructor(
    private readonly input: AdapterInput,
    private readonly conf: KeyValueConfig,
  ) {
    this.id = `${input.file}#${conf.scalar('name') ?? 'domain'}`;
    const builder = conf.scalar('builder');
    this.type = conf.scalar('type') ?? (builder === 'hvm' ? 'hvm' : 'pv');
  }

  private span(key: string): SourceSpan {
    return this.conf.spanOf(key) ?? this.conf.fileStart();
  }

  private number(key: string): Maybe<number> | undefined {
    const text = this.conf.scalar(key);
    if (text === undefined) return undefined;
    const placeholder = placeholderIn(text);
    if (placeholder) return placeholderUnknown(placeholder);
    const value = Number(text);
    return Number.isFinite(value) ? value : unknown(`${key} = "${text}" is not a number`);
  }

  read(): GraphFragment {
    const memory = this.number('memory');
    const maxmem = this.number('maxmem');
    // maxmem above memory is pre-ballooned room the guest may grow into: count what it may take.
    const memoryMiB: Maybe<number> =
      memory === undefined
        ? NOT_DECLARED
        : typeof memory === 'number' && typeof maxmem === 'number'
          ? Math.max(memory, maxmem)
          : memory;
    const at: Record<string, SourceSpan> = {};
    for (const [property, key] of [
      ['vcpus', this.conf.get('maxvcpus') ? 'maxvcpus' : 'vcpus'],
      ['memory', this.conf.get('maxmem') ? 'maxmem' : 'memory'],
    ] as const) {
      const span = this.conf.spanOf(key);
      if (span) at[property] = span;
    }
    const instance: InstanceNode = {
      kind: 'instance',
      id: this.id,
      label: this.conf.scalar('name'),
      tenant: this.tenant(),
      vcpus: this.number('maxvcpus') ?? this.number('vcpus') ?? 1,
      memoryMiB,
      source: this.span('name'),
      at,
      suppressions: NO_SUPPRESSIONS,
    };
    // --- nested virtualization (`nestedhvm`, HVM only, disabled by default) and a `# platform: true` comment
    const nestedhvm = configBoolean(this.conf.scalar('nestedhvm'));
    if (nestedhvm !== undefined && this.type === 'hvm') {
      instance.nestedVirtualization = nestedhvm;
      at.nestedVirtualization = this.span('nestedhvm');
    }
    if (/^\s*#\s*platform\s*:\s*(true|yes)\b/im.test(this.input.text)) instance.platform = true;
    this.nodes.push(instance);
    const hostId = hostIdForGuest(this.input);
    if (hostId)
      this.edges.push({
        kind: 'runsOn',
        from: this.id,
        to: hostId,
        source: instance.source,
        at: NO_SPANS,
        suppressions: NO_SUPPRESSIONS,
        weak: true,
      });
    this.conf.list('disk').forEach((disk) => this.disk(disk, instance));
    this.conf.list('vif').forEach((vif, index) => this.vif(vif, index));
    this.framebuffers();
    this.serial();
    if (this.edges.some((e) => e.kind === 'access' && e.from === NETWORK_PRINCIPAL))
      this.nodes.push(networkPrincipal(instance.source));
    return { nodes: this.nodes, edges: this.edges };
  }

  /** xl.cfg has no tenant field: isolint reads a `# tenant: <name>` comment (documented in the README). */
  private tenant(): Maybe<string> {
    const match = /^\s*#\s*tenant\s*:\s*(\S+)/m.exec(this.input.text);
    return match ? match[1] : NOT_DECLARED;
  }

  /** diskspec: positional `target,format,vdev,access` or keyed; access defaults to rw, cdroms to r. */
  private disk(value: ConfigValue, instance: InstanceNode): void {
    const fields = specFields(value);
    const target = fields.get('target') ?? fields.get('#0') ?? '';
    const devtype =
      fields.get('devtype') ?? (fields.get('#3')?.includes('cdrom') || /:cdrom\b/.test(value.text) ? 'cdrom' : 'disk');
    const access =
      fields.get('access') ??
      (fields.has('#3') ? fields.get('#3')!.replace(/,?cdrom/, '') : undefined) ??
      (devtype === 'cdrom' ? 'r' : 'rw');
    if (devtype === 'cdrom' && /^(r|ro)$/.test(access)) return;
    const vdev = fields.get('vdev') ?? fields.get('#2') ?? target;
    const volume: VolumeNode = {
      kind: 'volume',
      id: `${this.id}/disk/${vdev}`,
      label: target.replace(/^(phy|file|tap|aio):/, ''),
      tenant: instance.tenant,
      volumeKind: devtype,
      // xl has no encryption setting: a disk is encrypted only if its backing (dm-crypt in dom0 or the
      // backend domain) is, which the guest config does not show.
      encrypted: /\/dev\/mapper\/(luks|crypt)/.test(target)
        ? true
        : unknown(
            'xl.cfg has no disk encryption setting; only the backing device (dm-crypt in the backend domain) can be encrypted',
          ),
      wipe: unknown('xl.cfg has no wipe-on-release setting; the storage layer decides'),
      backing: target.replace(/^(phy|file|tap|aio):/, ''),
      shareable: access.endsWith('!'),
      source: this.conf.spanOfValue(value),
      at: NO_SPANS,
      suppressions: NO_SUPPRESSIONS,
    };
    this.nodes.push(volume);
    this.edges.push({
      kind: 'attaches',
      from: volume.id,
      to: this.id,
      source: volume.source,
      at: NO_SPANS,
      suppressions: NO_SUPPRESSIONS,
    });
  }

  /** vifspec: with `ip=` the vif scripts install rules that let only that address out; without, nothing filters. */
  private vif(value: ConfigValue, index: number): void {
    const fields = specFields(value);
    const nic: NicNode = {
      kind: 'nic',
      id: `${this.id}/vif/${fields.get('mac') ?? index}`,
      label: `vif ${value.text || '(defaults)'}`,
      hostFilter: fields.has('ip') && fields.get('ip') !== '',
      source: this.conf.spanOfValue(value),
      at: NO_SPANS,
      suppressions: NO_SUPPRESSIONS,
    };
    if (fields.get('type') === 'ioemu' && !fields.has('ip')) nic.hostFilter = false;
    this.nodes.push(nic);
    this.edges.push({
      kind: 'attaches',
      from: nic.id,
      to: this.id,
      source: nic.source,
      at: NO_SPANS,
      suppressions: NO_SUPPRESSIONS,
    });
  }

  /** VNC and SPICE: HVM top-level keys (vnc on by default, on 127.0.0.1), PV `vfb` specs. */
  private framebuffers(): void {
    if (this.type === 'hvm') {
      const nographic = configBoolean(this.conf.scalar('nographic')) === true;
      const vnc = configBoolean(this.conf.scalar('vnc')) ?? !nographic;
      if (vnc) {
        this.listener(
          'vnc',
          this.conf.scalar('vnclisten') ?? '127.0.0.1',
          this.conf.scalar('vncpasswd'),
          this.span(this.conf.get('vnclisten') ? 'vnclisten' : 'vnc'),
        );
      }
      if (configBoolean(this.conf.scalar('spice')) === true) {
        const host = this.conf.scalar('spicehost');
        const ticketing = configBoolean(this.conf.scalar('spicedisable_ticketing')) !== true;
        this.listener(
          'spice',
          host === undefined || host === '' ? '0.0.0.0' : host,
          ticketing ? (this.conf.scalar('spicepasswd') ?? '') : '',
          this.span(host !== undefined ? 'spicehost' : 'spice'),
        );
      }
    }
    for (const vfb of this.conf.list('vfb')) {
      const fields = specFields(vfb);
      if (configBoolean(fields.get('vnc')) !== true) continue;
      this.listener('vnc', fields.get('vnclisten') ?? '127.0.0.1', fields.get('vncpasswd'), this.conf.spanOfValue(vfb));
    }
  }

  private listener(method: AccessMethod, listen: string, password: string | undefined, where: SourceSpan): void {
    const placeholder = placeholderIn(listen);
    // vnclisten may carry a display number: "0.0.0.0:1".
    const address = /^[\d.]+:\d+$/.test(listen) ? listen.slice(0, listen.lastIndexOf(':')) : listen;
    if (!placeholder && isLoopback(address)) return;
    const edge: AccessEdge = accessEdge(NETWORK_PRINCIPAL, this.id, method, where, Boolean(password), listen);
    if (placeholder) edge.undecided = placeholderUnknown(placeholder).reason;
    this.edges.push(edge);
  }

  /** `serial` (HVM): QEMU chardev strings; tcp:/telnet:/udp: on a non-loopback or empty host reach the network. */
  private serial(): void {
    for (const value of this.conf.list('serial')) {
      const match = /^(tcp|telnet|udp):([^:,]*):(\d+)/.exec(value.text);
      if (!match) continue;
      const host = match[2];
      if (host !== '' && isLoopback(host)) continue;
      const method: AccessMethod = match[1] === 'telnet' ? 'telnet' : 'serial-console';
      this.edges.push(
        accessEdge(
          NETWORK_PRINCIPAL,
          this.id,
          method,
          this.conf.spanOfValue(value),
          false,
          `${host || '0.0.0.0'}:${match[3]}`,
        ),
      );
    }
  }
}

/** A sibling file's text, or nothing when the scan may not read it (its size cap). */
function readQuietly(input: AdapterInput, path: string): string {
  try {
    return filesOf(input).read(path);
  } catch {
    return '';
  }
}
