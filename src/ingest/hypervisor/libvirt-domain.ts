import type { Element } from '@xmldom/xmldom';
import type {
  AccessEdge,
  AccessMethod,
  GraphEdge,
  GraphFragment,
  GraphNode,
  InstanceNode,
  NicNode,
  VolumeNode,
} from '../../model/nodes.js';
import { NO_SPANS, NO_SUPPRESSIONS } from '../../model/nodes.js';
import type { SourceSpan } from '../../model/source.js';
import { NOT_DECLARED, unknown, type Maybe } from '../../model/unknown.js';
import type { Adapter, AdapterInput } from '../adapter.js';
import {
  accessEdge,
  isLoopback,
  libvirtSizeInMiB,
  networkPrincipal,
  NETWORK_PRINCIPAL,
  placeholderIn,
  placeholderUnknown,
} from './common.js';
import { configBoolean } from './key-value.js';
import { hostContextForDomain, type LibvirtHostContext } from './libvirt-host.js';
import { attribute, attributeSpan, child, children, elementSpan, parseXml, rootElementName, textOf } from './xml.js';

/**
 * libvirt domain XML (https://libvirt.org/formatdomain.html): one guest with its disks, interfaces, graphics and
 * consoles. Domains inherit listen addresses and passwords from the qemu.conf of their host directory
 * (see libvirt-host.ts); without one, libvirt's built-in defaults apply (VNC and SPICE on 127.0.0.1).
 */
export const libvirtDomainAdapter: Adapter = {
  format: 'libvirt-domain',
  extensions: ['.xml', '.xml.j2'],
  claims: ({ text }) => rootElementName(text) === 'domain' && /<domain\b[^>]*\btype\s*=/.test(text.slice(0, 4096)),
  load(input) {
    const root = parseXml(input.file, input.text);
    return new DomainReader(input, root, hostContextForDomain(input)).read();
  },
};

/** Wiping released blocks belongs to the management layer, not to the domain (https://libvirt.org/formatdomain.html#hard-drives-floppy-disks-cdroms). */
const WIPE_NOT_IN_DOMAIN = unknown(
  'libvirt domain XML has no wipe-on-release setting; the storage or management layer (Nova volume_clear) decides',
);

/** Interface types whose traffic crosses a host bridge or tap that nwfilter can filter. */
const FILTERABLE_INTERFACES = new Set(['network', 'bridge', 'ethernet', 'direct']);
/** Interface types that bypass the host's network stack: nothing on the host can filter them. */
const UNFILTERABLE_INTERFACES = new Set(['hostdev', 'vdpa']);

class DomainReader {
  private readonly nodes: GraphNode[] = [];
  private readonly edges: GraphEdge[] = [];
  private readonly file: string;
  private readonly id: string;

  constructor(
    input: AdapterInput,
    private readonly root: Element,
    private readonly host: LibvirtHostContext | undefined,
  ) {
    this.file = input.file;
    const name = textOf(child(root, 'name')) || textOf(child(root, 'uuid')) || 'domain';
    // Test suites and templates reuse guest names, so the file keeps ids unique across a scan.
    this.id = `${input.file}#${name}`;
  }

  private span(element: Element): SourceSpan {
    return elementSpan(this.file, element);
  }

  read(): GraphFragment {
    const root = this.root;
    const devices = child(root, 'devices');
    const instance: InstanceNode = {
      kind: 'instance',
      id: this.id,
      label: textOf(child(root, 'name')),
      tenant: this.tenant(),
      vcpus: this.vcpus(),
      memoryMiB: this.memory(),
      source: this.span(root),
      at: this.propertySpans(),
      suppressions: NO_SUPPRESSIONS,
    };
    const confidential = this.launchSecurity();
    if (confidential) instance.confidential = confidential;
    // --- nested virtualization (https://docs.kernel.org/virt/kvm/x86/running-nested-guests.html) and the platform declaration in <metadata>
    const nested = this.nestedVirtualization();
    if (nested) {
      instance.nestedVirtualization = nested.value;
      (instance.at as Record<string, SourceSpan>).nestedVirtualization = nested.source;
    }
    if (this.declaredPlatform()) instance.platform = true;
    const shared = this.sharedMemory(devices);
    if (shared.length > 0) instance.sharedMemory = shared;
    this.nodes.push(instance);
    if (this.host) {
      this.edges.push({
        kind: 'runsOn',
        from: this.id,
        to: this.host.hostId,
        source: instance.source,
        at: NO_SPANS,
        suppressions: NO_SUPPRESSIONS,
        weak: true,
      });
    }
    if (devices) {
      for (const disk of children(devices, 'disk')) this.disk(disk, instance);
      children(devices, 'interface').forEach((element, index) => this.nic(element, index));
      for (const graphics of children(devices, 'graphics')) this.graphics(graphics);
      for (const kind of ['serial', 'console'] as const)
        children(devices, kind).forEach((element) => this.characterDevice(element));
    }
    if (this.edges.some((edge) => edge.kind === 'access' && edge.from === NETWORK_PRINCIPAL)) {
      this.nodes.push(networkPrincipal(instance.source));
    }
    return { nodes: this.nodes, edges: this.edges };
  }

  private propertySpans(): Record<string, SourceSpan> {
    const at: Record<string, SourceSpan> = {};
    const vcpu = child(this.root, 'vcpu');
    if (vcpu) at.vcpus = this.span(vcpu);
    const memory = child(this.root, 'memory');
    if (memory) at.memory = this.span(memory);
    const security = child(this.root, 'launchSecurity');
    if (security) at.confidential = this.span(child(security, 'policy') ?? security);
    return at;
  }

  /** Nova writes the owning project into `<metadata><nova:instance><nova:owner><nova:project>`; any `tenant` element counts too. */
  private tenant(): Maybe<string> {
    const metadata = child(this.root, 'metadata');
    if (!metadata) return NOT_DECLARED;
    for (const entry of children(metadata)) {
      if (entry.localName === 'tenant') return textOf(entry) || NOT_DECLARED;
      const owner = child(entry, 'owner');
      const project = owner && child(owner, 'project');
      if (project) return attribute(project, 'uuid') ?? textOf(project) ?? NOT_DECLARED;
    }
    return NOT_DECLARED;
  }

  /**
   * Whether the guest gets VMX/SVM: `<feature policy='require'|'force' name='vmx'|'svm'/>` asks for it,
   * `disable`/`forbid` refuses it; `<cpu mode='host-passthrough'|'maximum'>` passes it through when the host's
   * KVM module offers nested virtualization (modprobe.d `nested=1`), which the host directory may show.
   */
  private nestedVirtualization(): { value: Maybe<boolean>; source: SourceSpan } | undefined {
    const cpu = child(this.root, 'cpu');
    if (!cpu) return undefined;
    const offered = this.host?.modprobe ? (this.host.modprobe.setting?.offered ?? undefined) : undefined;
    for (const feature of children(cpu, 'feature')) {
      if (!['vmx', 'svm'].includes(attribute(feature, 'name') ?? '')) continue;
      const policy = attribute(feature, 'policy') ?? 'require';
      if (policy === 'disable' || policy === 'forbid') return { value: false, source: this.span(feature) };
      if (policy === 'require' || policy === 'force') return { value: offered !== false, source: this.span(feature) };
    }
    const mode = attribute(cpu, 'mode');
    if (mode !== 'host-passthrough' && mode !== 'maximum') return undefined;
    const value: Maybe<boolean> =
      offered ??
      unknown(
        `<cpu mode='${mode}'> passes VMX/SVM through only when the host's kvm_intel/kvm_amd module has nested enabled, which the scan does not show`,
      );
    return { value, source: this.span(cpu) };
  }

  /**
   * A guest declared a platform (it runs guests of its own): an element named `platform` in `<metadata>` with
   * true/yes/1, in any namespace — `<isolint:platform xmlns:isolint="https://isolint.dev/xmlns/domain/1">true</isolint:platform>`.
   */
  private declaredPlatform(): boolean {
    const metadata = child(this.root, 'metadata');
    if (!metadata) return false;
    return children(metadata).some(
      (entry) => entry.localName === 'platform' && configBoolean(textOf(entry) ?? '') === true,
    );
  }

  private number(element: Element | undefined): Maybe<number> | undefined {
    const text = textOf(element);
    if (text === undefined || text === '') return undefined;
    const placeholder = placeholderIn(text);
    if (placeholder) return placeholderUnknown(placeholder);
    const value = Number(text);
    return Number.isFinite(value) ? value : unknown(`"${text}" is not a number`);
  }

  private vcpus(): Maybe<number> {
    // <vcpu> is the maximum; a domain without one has 1 vCPU.
    return this.number(child(this.root, 'vcpu')) ?? 1;
  }

  private memory(): Maybe<number> {
    const element = child(this.root, 'memory') ?? child(this.root, 'currentMemory');
    const value = this.number(element);
    if (value === undefined) return NOT_DECLARED;
    if (typeof value !== 'number') return value;
    const unit = attribute(element, 'unit');
    const mib = libvirtSizeInMiB(value, unit);
    return mib === undefined ? unknown(`unknown memory unit "${unit}"`) : mib;
  }

  /**
   * `<launchSecurity>` and whether its policy lets the host debug the guest: SEV policy bit 0 set
   * forbids debugging (libvirt formatdomain); SEV-SNP guest policy bit 19 allows it (AMD SEV-SNP firmware
   * ABI); TDX TD attribute bit 0 is DEBUG (Intel TDX module spec). The last two are outside the fact
   * sheet's sources (lists them as unconfirmed there).
   */
  private launchSecurity(): InstanceNode['confidential'] {
    const element = child(this.root, 'launchSecurity');
    if (!element) return undefined;
    const technology = attribute(element, 'type') ?? 'unknown';
    const policyElement = child(element, 'policy');
    const policyText = textOf(policyElement);
    const source = this.span(policyElement ?? element);
    if (technology === 's390-pv') return { technology, debug: false, source };
    if (policyText === undefined || policyText === '') {
      // SEV requires a policy; SNP and TDX default to debugging off in libvirt and QEMU.
      return { technology, debug: technology === 'sev' ? unknown('no <policy> given') : false, source };
    }
    const placeholder = placeholderIn(policyText);
    if (placeholder) return { technology, debug: placeholderUnknown(placeholder), source };
    let policy: bigint;
    try {
      policy = BigInt(policyText);
    } catch {
      return { technology, debug: unknown(`policy "${policyText}" is not a number`), source };
    }
    const bit = (n: number) => (policy >> BigInt(n)) & 1n;
    if (technology === 'sev') return { technology, debug: bit(0) === 0n, source };
    if (technology === 'sev-snp') return { technology, debug: bit(19) === 1n, source };
    if (technology === 'tdx') return { technology, debug: bit(0) === 1n, source };
    return { technology, debug: unknown(`launch security type "${technology}" is not known to isolint`), source };
  }

  private sharedMemory(devices: Element | undefined): NonNullable<InstanceNode['sharedMemory']> {
    const shared: NonNullable<InstanceNode['sharedMemory']> = [];
    for (const shmem of devices ? children(devices, 'shmem') : []) {
      shared.push({ name: `shmem:${attribute(shmem, 'name') ?? '?'}`, source: this.span(shmem) });
    }
    return shared;
  }

  private disk(disk: Element, instance: InstanceNode): void {
    const device = attribute(disk, 'device') ?? 'disk';
    const readonly = child(disk, 'readonly') !== undefined || device === 'cdrom';
    // A read-only cdrom or floppy is an installation medium, not storage a guest writes to.
    if ((device === 'cdrom' || device === 'floppy') && readonly) return;
    const source = child(disk, 'source');
    const backing =
      attribute(source, 'file') ??
      attribute(source, 'dev') ??
      attribute(source, 'dir') ??
      attribute(source, 'name') ??
      (attribute(source, 'pool') ? `${attribute(source, 'pool')}/${attribute(source, 'volume') ?? ''}` : undefined);
    const target = attribute(child(disk, 'target'), 'dev') ?? backing ?? String(disk.lineNumber);
    const encryption = (source && child(source, 'encryption')) ?? child(disk, 'encryption');
    let encrypted: Maybe<boolean> = false;
    const at: Record<string, SourceSpan> = { encrypted: this.span(disk) };
    if (encryption) {
      const format = attribute(encryption, 'format') ?? 'default';
      const placeholder = placeholderIn(format);
      // Only LUKS is real encryption; qcow encryption is broken and refused since libvirt 4.5.
      encrypted = placeholder ? placeholderUnknown(placeholder) : format === 'luks' || format === 'luks2';
      at.encrypted = this.span(encryption);
    }
    const volume: VolumeNode = {
      kind: 'volume',
      id: `${this.id}/disk/${target}`,
      label: backing,
      tenant: instance.tenant,
      volumeKind: device,
      encrypted,
      wipe: WIPE_NOT_IN_DOMAIN,
      backing,
      shareable: child(disk, 'shareable') !== undefined,
      source: this.span(disk),
      at,
      suppressions: NO_SUPPRESSIONS,
    };
    const shareable = child(disk, 'shareable');
    if (shareable) at.shareable = this.span(shareable);
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

  private nic(element: Element, index: number): void {
    const type = attribute(element, 'type') ?? 'user';
    const mac = attribute(child(element, 'mac'), 'address');
    const nic: NicNode = {
      kind: 'nic',
      id: `${this.id}/interface/${mac ?? index}`,
      label: `${type} interface${mac ? ` ${mac}` : ''}`,
      source: this.span(element),
      at: NO_SPANS,
      suppressions: NO_SUPPRESSIONS,
    };
    const passthrough = type === 'direct' && attribute(child(element, 'source'), 'mode') === 'passthrough';
    if (UNFILTERABLE_INTERFACES.has(type) || passthrough) {
      nic.filterable = false;
    } else if (FILTERABLE_INTERFACES.has(type)) {
      nic.hostFilter = child(element, 'filterref') !== undefined;
    }
    // type='user' (SLIRP) is NAT inside the QEMU process: nothing reaches the guest unless forwarded.
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

  /**
   * VNC, SPICE and RDP framebuffers. The address comes from a `<listen>` child, else the
   * `listen` attribute, else qemu.conf (`vnc_listen`, `spice_listen`), else 127.0.0.1. A socket or
   * `type='none'` listen is local. `passwd=''` disables access altogether.
   */
  private graphics(element: Element): void {
    const type = attribute(element, 'type');
    if (type !== 'vnc' && type !== 'spice' && type !== 'rdp') return;
    const passwd = attribute(element, 'passwd');
    if (passwd === '') return;
    if (attribute(element, 'socket') !== undefined) return;
    const qemu = this.host?.qemu;
    let address: string | undefined;
    let where: SourceSpan = this.span(element);
    let networkListen: string | undefined;
    const listens = children(element, 'listen');
    const listen = listens[0];
    if (listen) {
      const listenType = attribute(listen, 'type') ?? 'address';
      if (listenType === 'socket' || listenType === 'none') return;
      if (listenType === 'network') {
        // The address comes from a libvirt network's definition, which no input in the scan
        // describes: whether it is loopback is unknown, a note (the edge's `undecided`), never an error.
        networkListen = attribute(listen, 'network') ?? '?';
        address = `network:${networkListen}`;
        where = this.span(listen);
      } else if (attribute(listen, 'address') !== undefined) {
        address = attribute(listen, 'address');
        where = this.span(listen);
      }
    }
    if (address === undefined && attribute(element, 'listen') !== undefined) {
      address = attribute(element, 'listen');
      where = attributeSpan(this.file, element, 'listen');
    }
    if (address === undefined) {
      if (type === 'vnc' && configBoolean(qemu?.scalar('vnc_auto_unix_socket')) === true) return;
      const key = `${type}_listen`;
      const inherited = qemu?.scalar(key);
      if (inherited === undefined) return; // libvirt's default: 127.0.0.1
      address = inherited;
      // The element is where the fix goes (add a listen), qemu.conf is why: report on the element.
    }
    const placeholder = placeholderIn(address);
    if (!placeholder && isLoopback(address)) return;
    const globalPassword =
      type === 'vnc' ? qemu?.scalar('vnc_password') : type === 'spice' ? qemu?.scalar('spice_password') : undefined;
    const sasl = type === 'vnc' && configBoolean(qemu?.scalar('vnc_sasl')) === true;
    const authenticated: Maybe<boolean> = Boolean(passwd) || Boolean(globalPassword) || sasl;
    const edge: AccessEdge = accessEdge(NETWORK_PRINCIPAL, this.id, type, where, authenticated, address);
    // A templated address cannot be judged: the rule says so in a note.
    if (placeholder) edge.undecided = placeholderUnknown(placeholder).reason;
    else if (networkListen !== undefined)
      edge.undecided = `it listens on an address of libvirt network '${networkListen}', whose definition is not in the scan`;
    this.edges.push(edge);
  }

  /**
   * Serial ports and consoles on TCP or UDP: a bind on a non-loopback (or omitted) host accepts
   * connections from the network. With mode='connect' (the default) QEMU dials out to host:service and
   * nothing listens, so no access edge. pty, unix, file and the rest stay on the host.
   */
  private characterDevice(element: Element): void {
    const type = attribute(element, 'type');
    if (type !== 'tcp' && type !== 'udp') return;
    const protocol = attribute(child(element, 'protocol'), 'type') ?? 'raw';
    for (const source of children(element, 'source')) {
      // libvirt's default mode is connect, for tcp and udp alike (a udp source pair is connect + bind).
      const mode = attribute(source, 'mode') ?? 'connect';
      if (mode !== 'bind') continue;
      const host = attribute(source, 'host');
      if (host !== undefined && isLoopback(host)) continue;
      const address = `${host ?? '0.0.0.0'}:${attribute(source, 'service') ?? '?'}`;
      const method: AccessMethod = protocol === 'telnet' ? 'telnet' : 'serial-console';
      const tls =
        attribute(element, 'tls') === 'yes' ||
        protocol === 'telnets' ||
        protocol === 'tls' ||
        configBoolean(this.host?.qemu?.scalar('chardev_tls')) === true;
      this.edges.push(
        accessEdge(
          NETWORK_PRINCIPAL,
          this.id,
          method,
          this.span(source),
          tls ? unknown('TLS without client certificates authenticates no one') : false,
          address,
        ),
      );
      return;
    }
  }
}
