import type { GraphEdge, GraphFragment, GraphNode, HostNode, InstanceNode, VolumeNode } from '../../model/nodes.js';
import { NO_SPANS, NO_SUPPRESSIONS } from '../../model/nodes.js';
import { LineIndex, type SourceSpan } from '../../model/source.js';
import { unknown, type Maybe } from '../../model/unknown.js';
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

/**
 * OpenStack Nova's `nova.conf` (https://docs.openstack.org/nova/latest/configuration/config.html): one compute host's allocation ratios, console
 * listeners and ephemeral storage. oslo.config's INI dialect is read here line by line because the INI
 * packages on npm drop line numbers, and findings must land on the option's line.
 */

interface IniOption {
  value: string;
  span: SourceSpan;
}

class Ini {
  private readonly sections = new Map<string, Map<string, IniOption>>();
  /** Where each section starts: findings about an option left unset land on its section. */
  readonly headers = new Map<string, SourceSpan>();
  constructor(
    readonly file: string,
    readonly text: string,
  ) {
    const lines = new LineIndex(text);
    let section = 'DEFAULT';
    let offset = 0;
    text.split('\n').forEach((raw, index) => {
      const start = offset;
      offset += raw.length + 1;
      const line = raw.replace(/\r$/, '');
      if (/^\s*([#;]|$)/.test(line)) return;
      const header = /^\s*\[([^\]]+)\]\s*([#;].*)?$/.exec(line);
      if (header) {
        section = header[1].trim();
        if (!this.headers.has(section)) this.headers.set(section, lines.span(file, start, start + line.length));
        return;
      }
      const option = /^\s*([A-Za-z0-9_.-]+)\s*[=:]\s?(.*)$/.exec(line);
      if (!option) {
        if (/^\s/.test(line)) return; // an indented continuation line
        throw inputError(
          `expected "[section]" or "name = value", found "${line.trim().slice(0, 40)}"`,
          file,
          index + 1,
          1,
        );
      }
      let map = this.sections.get(section);
      if (!map) this.sections.set(section, (map = new Map<string, IniOption>()));
      // oslo.config keeps " # …" in a value; deployment tools and reviewers write trailing comments anyway,
      // and no nova option value contains " #", so they are dropped here.
      map.set(option[1], {
        value: option[2].replace(/\s+[#;].*$/, '').trim(),
        span: lines.span(file, start, start + line.length),
      });
    });
  }

  get(section: string, key: string): IniOption | undefined {
    return this.sections.get(section)?.get(key);
  }
}

function isNovaConf(text: string): boolean {
  return (
    /^\s*\[(libvirt|compute|vnc|serial_console|spice|ephemeral_storage_encryption|placement|api_database|neutron|glance)\]\s*$/m.test(
      text,
    ) &&
    /^\s*\[DEFAULT\]|^\s*(cpu_allocation_ratio|ram_allocation_ratio|compute_driver|transport_url|server_listen|images_type|volume_clear|cpu_dedicated_set)\s*=/m.test(
      text,
    )
  );
}

export const novaConfAdapter: Adapter = {
  format: 'nova-conf',
  extensions: ['.conf', '.ini', '.conf.j2'],
  claims: ({ text }) => isNovaConf(text),
  load: (input) => new NovaReader(input).read(),
};

class NovaReader {
  private readonly ini: Ini;
  private readonly nodes: GraphNode[] = [];
  private readonly edges: GraphEdge[] = [];
  private readonly hostId: string;

  constructor(private readonly input: AdapterInput) {
    this.ini = new Ini(input.file, input.text);
    this.hostId = `nova-compute:${input.file}`;
  }

  private number(option: IniOption): Maybe<number> {
    const placeholder = placeholderIn(option.value);
    if (placeholder) return placeholderUnknown(placeholder);
    const value = Number(option.value);
    if (option.value === '' || !Number.isFinite(value)) {
      throw inputError(
        `expected a number, found "${option.value}"`,
        this.input.file,
        option.span.startLine,
        option.span.startColumn,
      );
    }
    return value;
  }

  /**
   * The ratio a new compute node gets: `*_allocation_ratio`, else `initial_*_allocation_ratio`,
   * else the release default — CPU 16.0 and RAM 1.5 before 2023.1 Antelope, 4.0 and 1.0 since: unknown.
   */
  private ratio(name: 'cpu' | 'ram' | 'disk', at: Record<string, SourceSpan>): Maybe<number> {
    const key = `${name}_allocation_ratio`;
    const option = this.ini.get('DEFAULT', key) ?? this.ini.get('DEFAULT', `initial_${key}`);
    if (option && option.value !== '' && option.value.toLowerCase() !== 'none') {
      at[key] = option.span;
      return this.number(option);
    }
    if (name === 'disk') return 1.0; // 1.0 in every release
    if (name === 'cpu' && this.ini.get('compute', 'cpu_dedicated_set') && !this.ini.get('compute', 'cpu_shared_set')) {
      return 1.0; // only PCPU inventory, which "cannot be overcommitted"
    }
    return unknown(
      `${key} is not set: the release default applies (${name === 'cpu' ? '16.0 before 2023.1 Antelope, 4.0 since' : '1.5 before 2023.1 Antelope, 1.0 since'})`,
    );
  }

  read(): GraphFragment {
    const at: Record<string, SourceSpan> = {};
    const ratios = { cpu: this.ratio('cpu', at), ram: this.ratio('ram', at), disk: this.ratio('disk', at) };
    const fileStart: SourceSpan = this.ini.headers.get('DEFAULT') ?? {
      file: this.input.file,
      startLine: 1,
      startColumn: 1,
      endLine: 1,
      endColumn: 1,
    };
    const host: HostNode = {
      kind: 'host',
      id: this.hostId,
      label: 'compute host configured by this nova.conf',
      cores: unknown('nova.conf does not say how many cores the compute host has'),
      threadsPerCore: unknown('nova.conf does not say how many threads per core the compute host has'),
      countHyperthreads: true,
      memoryMiB: unknown('nova.conf does not say how much memory the compute host has'),
      memoryScrubbing: unknown(
        'KVM hosts scrub freed memory only with the kernel option init_on_free=1, which nova.conf does not show',
      ),
      rootOfTrust: unknown('nova.conf does not describe the host hardware'),
      controllerBoot: unknown('nova.conf does not describe the host hardware'),
      allocationRatios: ratios,
      source: fileStart,
      at,
      suppressions: NO_SUPPRESSIONS,
    };
    this.nodes.push(host);
    this.ephemeralStorage();
    this.consoles();
    return { nodes: this.nodes, edges: this.edges };
  }

  /** The instances this host will run, as one node: their consoles are configured here, not per guest. */
  private guests(): InstanceNode {
    let guests = this.nodes.find((n): n is InstanceNode => n.kind === 'instance');
    if (!guests) {
      guests = {
        kind: 'instance',
        id: `${this.input.file}#instances`,
        label: 'every instance this compute host runs',
        vcpus: unknown('flavors decide'),
        memoryMiB: unknown('flavors decide'),
        source: { file: this.input.file, startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 },
        at: NO_SPANS,
        suppressions: NO_SUPPRESSIONS,
      };
      this.nodes.push(guests);
    }
    return guests;
  }

  /** `[libvirt] images_type`, `volume_clear`, `[ephemeral_storage_encryption] enabled`. */
  private ephemeralStorage(): void {
    const imagesType = this.ini.get('libvirt', 'images_type')?.value ?? 'default';
    const encryption = this.ini.get('ephemeral_storage_encryption', 'enabled');
    const clear = this.ini.get('libvirt', 'volume_clear');
    const clearSize = this.ini.get('libvirt', 'volume_clear_size');
    const at: Record<string, SourceSpan> = {};
    const images = this.ini.get('libvirt', 'images_type');
    let wipe: VolumeNode['wipe'];
    if (imagesType === 'lvm') {
      const mode = clear?.value ?? 'zero';
      const partial = clearSize !== undefined && Number(clearSize.value) > 0;
      wipe = mode === 'none' || partial ? 'none' : 'on-release';
      const span = partial && mode !== 'none' ? clearSize.span : (clear?.span ?? images?.span);
      if (span) at.wipe = span;
    } else if (imagesType === 'rbd') {
      wipe = unknown(
        'ephemeral disks live in Ceph (images_type = rbd): the Ceph cluster decides how released objects are reused',
      );
    } else {
      wipe = unknown(
        `volume_clear applies only to images_type = lvm; ${imagesType} ephemeral disks are files whose blocks the host filesystem reuses`,
      );
    }
    let encrypted: Maybe<boolean>;
    if (encryption) {
      const on = /^(true|yes|on|1)$/i.test(encryption.value);
      encrypted = placeholderIn(encryption.value) ? placeholderUnknown(placeholderIn(encryption.value)!) : on;
      at.encrypted = encryption.span;
    } else if (imagesType === 'rbd') {
      encrypted = unknown("ephemeral disks live in Ceph (images_type = rbd): encryption is the cluster's");
    } else {
      encrypted = false; // [ephemeral_storage_encryption] enabled defaults to False
      if (images) at.encrypted = images.span;
    }
    const volume: VolumeNode = {
      kind: 'volume',
      id: `${this.input.file}#ephemeral-disks`,
      label: `ephemeral disks (images_type = ${imagesType})`,
      volumeKind: 'nova-ephemeral',
      encrypted,
      wipe,
      source: images?.span ?? { file: this.input.file, startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 },
      at,
      suppressions: NO_SUPPRESSIONS,
    };
    this.nodes.push(volume);
  }

  /**
   * Where guests' consoles listen: `[vnc] server_listen` (VNC on by default), `[spice] server_listen`
   * when SPICE is on, and the raw TCP serial ports on `[serial_console] proxyclient_address` when serial
   * consoles are on (that address is where they bind, which Nova's documentation does not confirm). The proxies in front
   * (noVNC, HTML5, serial proxy on 0.0.0.0) check tokens and are not counted.
   */
  private consoles(): void {
    const on = (section: string, fallback: boolean) => {
      const value = this.ini.get(section, 'enabled')?.value;
      return value === undefined ? fallback : /^(true|yes|on|1)$/i.test(value);
    };
    const listeners: Array<
      [section: string, key: string, method: 'vnc' | 'spice' | 'serial-console', enabled: boolean]
    > = [
      ['vnc', 'server_listen', 'vnc', on('vnc', true)],
      ['spice', 'server_listen', 'spice', on('spice', false)],
      ['serial_console', 'proxyclient_address', 'serial-console', on('serial_console', false)],
    ];
    for (const [section, key, method, enabled] of listeners) {
      if (!enabled) continue;
      const option =
        this.ini.get(section, key) ?? (section === 'vnc' ? this.ini.get('vnc', 'vncserver_listen') : undefined);
      if (!option || isLoopback(option.value)) continue;
      const edge = accessEdge(NETWORK_PRINCIPAL, this.guests().id, method, option.span, false, option.value);
      const placeholder = placeholderIn(option.value);
      if (placeholder) edge.undecided = placeholderUnknown(placeholder).reason;
      this.edges.push(edge);
    }
    if (this.edges.length > 0) this.nodes.push(networkPrincipal(this.edges[0].source));
  }
}
