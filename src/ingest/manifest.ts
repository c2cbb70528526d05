import { dirname, resolve } from 'node:path';
import { InputError } from '../errors.js';
import type {
  Access,
  Channel,
  Component,
  Enclave,
  Host,
  Instance,
  IsolintManifest,
  Nic,
  Principal,
  Size,
  Suppressions,
  Volume,
} from '../generated/manifest.js';
import type {
  AccessEdge,
  ChannelEdge,
  EdgeKind,
  FragmentWarning,
  GraphFragment,
  GraphNode,
  IngressRule,
  InlineSuppression,
} from '../model/nodes.js';
import { NO_SPANS, NO_SUPPRESSIONS } from '../model/nodes.js';
import type { SourceSpan } from '../model/source.js';
import { NOT_DECLARED, type Maybe } from '../model/unknown.js';
import type { Adapter } from './adapter.js';
import { FragmentBuilder } from './fragment-builder.js';
import { parseJson } from './json.js';
import { parseYaml, type LocatedDocument } from './located.js';
import { validateAgainstSchema } from './schema-validation.js';
import { expiryProblem, malformedSuppressionMessage, suppressionEntryProblem } from './suppression-entry.js';

/** isolint's own host manifest (apiVersion isolint/v1), YAML or JSON. */
export const manifestAdapter: Adapter = {
  format: 'isolint-manifest',
  extensions: ['.yaml', '.yml', '.json'],
  claims: ({ text }) => /["']?apiVersion["']?\s*:\s*["']?isolint\/v\d/.test(text),
  load(input) {
    const documents =
      /\.json$/i.test(input.file) || /^\s*[{[]/.test(input.text)
        ? [parseJson(input.file, input.text)]
        : parseYaml(input.file, input.text);
    const built: GraphFragment[] = [];
    for (const document of documents) {
      const value = document.value as { apiVersion?: unknown } | null;
      if (value === null || typeof value !== 'object' || !('apiVersion' in value)) continue;
      // Before the schema: a malformed `suppress:` entry is a warning, never an invalid manifest.
      const suppressions = input.text.includes('suppress') ? takeSuppressions(document) : undefined;
      validateAgainstSchema(document, 'manifest.schema.json', 'manifest');
      const fragment = new ManifestReader(document, input.absolutePath, suppressions?.byOwner).read();
      built.push(suppressions?.warnings.length ? { ...fragment, warnings: suppressions.warnings } : fragment);
    }
    // One document (the usual case, and every large one) keeps its id map for the assembler.
    if (built.length === 1) return built[0];
    const fragment: GraphFragment = { nodes: [], edges: [] };
    for (const part of built) {
      // Not push(...list): spreading a few hundred thousand elements overflows the call stack.
      for (const node of part.nodes) fragment.nodes.push(node);
      for (const edge of part.edges) fragment.edges.push(edge);
      if (part.warnings) (fragment.warnings ??= []).push(...part.warnings);
    }
    return fragment;
  },
};

const MIB_PER_PREFIX: Record<string, number> = { M: 1, G: 1024, T: 1024 * 1024 };

/**
 * A Size (number of MiB, or "32GiB", "64GB", "64 G") in MiB. Decimal units are read as binary ones, as memory is
 * sold and as AWS lists it ("Memory (GiB)"): 64GB of RAM is 64 GiB, and reading it as 59.6 GiB would invent
 * oversubscription.
 */
export function sizeInMiB(size: Size): number {
  if (typeof size === 'number') return size;
  const match = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z])/.exec(size)!;
  return Math.round(Number(match[1]) * MIB_PER_PREFIX[match[2].toUpperCase()]);
}

/**
 * Every `suppress:` list of a manifest, read and taken out of the document before it is validated: the
 * well-formed entries by the object that carries them, a warning at the line of each malformed one (no rule,
 * no reason, an unknown key, an expiry that is not a day), which then suppresses nothing.
 */
function takeSuppressions(document: LocatedDocument): {
  byOwner: WeakMap<object, readonly InlineSuppression[]>;
  warnings: FragmentWarning[];
} {
  const byOwner = new WeakMap<object, readonly InlineSuppression[]>();
  const warnings: FragmentWarning[] = [];
  const visit = (value: unknown): void => {
    if (typeof value !== 'object' || value === null) return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    const record = value as Record<string, unknown>;
    for (const [key, child] of Object.entries(record)) if (key !== 'suppress') visit(child);
    if (!Object.hasOwn(record, 'suppress')) return;
    const list = record.suppress;
    delete record.suppress;
    if (!Array.isArray(list)) {
      warnings.push({
        message: malformedSuppressionMessage(undefined, 'suppress is a list of {rule, reason, expires}'),
        source: document.spanOfKey(record, 'suppress'),
      });
      return;
    }
    const kept: InlineSuppression[] = [];
    list.forEach((entry: unknown, index) => {
      const source = document.spanOfKey(list, index);
      const problem = suppressionEntryProblem(entry);
      if (problem !== undefined) {
        warnings.push({ message: malformedSuppressionMessage(entry, problem), source });
        return;
      }
      const { rule, reason, expires } = entry as { rule: string; reason: string; expires?: string };
      const late = expiryProblem(rule, expires);
      if (late !== undefined) warnings.push({ message: late, source });
      else kept.push({ rule, reason, expires, source });
    });
    if (kept.length) byOwner.set(record, kept);
  };
  visit(document.value);
  return { byOwner, warnings };
}

/** The built-in principal that stands for anyone on the internet; usable without declaring it. */
export const INTERNET = 'internet';

class ManifestReader {
  private readonly fragment = new FragmentBuilder();
  private readonly manifest: IsolintManifest;
  private readonly environment: string;
  private readonly sharedVolumes = new Map<string, Volume>();

  constructor(
    private readonly document: LocatedDocument,
    private readonly absolutePath: string,
    /** The `suppress:` entries taken out of the document before it was validated, by their owner. */
    private readonly suppressionsByOwner?: WeakMap<object, readonly InlineSuppression[]>,
  ) {
    this.manifest = document.value as IsolintManifest;
    this.environment = this.manifest.metadata?.environment ?? 'production';
  }

  read(): GraphFragment {
    const m = this.manifest;
    for (const principal of m.principals ?? []) this.readPrincipal(principal);
    if (!this.fragment.has(INTERNET) && this.mentionsInternet()) {
      this.add({
        kind: 'principal',
        id: INTERNET,
        principalKind: 'internet',
        mfa: false,
        // Every manifest that mentions the internet declares it; the assembler keeps one.
        shared: true,
        source: this.document.spanOf(m),
        at: NO_SPANS,
        suppressions: NO_SUPPRESSIONS,
      });
    }
    for (const network of m.networks ?? []) {
      this.add({ kind: 'network', id: network.id, tenant: network.tenant, ...this.base(network) });
    }
    for (const volume of m.volumes ?? []) {
      this.sharedVolumes.set(volume.id, volume);
      this.addVolume(volume, undefined);
    }
    for (const host of m.hosts ?? []) this.readHost(host);
    for (const channel of m.channels ?? []) this.readChannel(channel);
    return this.fragment.fragment();
  }

  // -- helpers ---------------------------------------------------------------------------------

  /** Source span (its `id` line unless given), property spans and suppressions of one manifest object. */
  private base(
    object: object & { suppress?: Suppressions },
    source: SourceSpan = this.sourceOf(object),
  ): {
    source: SourceSpan;
    at: Readonly<Record<string, SourceSpan>>;
    suppressions: readonly InlineSuppression[];
  } {
    return { source, at: this.document.lazySpans(object), suppressions: this.suppressions(object) };
  }

  /** Where an element is named: its `id` line, else the whole object. */
  private sourceOf(object: object): SourceSpan {
    return this.document.hasKey(object, 'id') ? this.document.spanOfKey(object, 'id') : this.document.spanOf(object);
  }

  private suppressions(object: { suppress?: Suppressions }): readonly InlineSuppression[] {
    return this.suppressionsByOwner?.get(object) ?? NO_SUPPRESSIONS;
  }

  private add<N extends GraphNode>(node: N): N {
    return this.fragment.add(node);
  }

  private edge(kind: Exclude<EdgeKind, 'access' | 'channel'>, from: string, to: string, source: SourceSpan): void {
    this.fragment.edge(kind, from, to, source);
  }

  private maybe<T>(value: T | undefined): Maybe<T> {
    return value === undefined ? NOT_DECLARED : value;
  }

  private size(value: Size | undefined): Maybe<number> {
    return value === undefined ? NOT_DECLARED : sizeInMiB(value);
  }

  private mentionsInternet(): boolean {
    const text = this.document.text;
    return /\b(from|initiator|to)\s*["']?\s*:\s*["']?internet\b/.test(text);
  }

  // -- elements --------------------------------------------------------------------------------

  private readPrincipal(principal: Principal): void {
    this.add({
      kind: 'principal',
      id: principal.id,
      principalKind: principal.kind,
      tenant: principal.tenant,
      mfa: this.maybe(principal.mfa),
      ...this.base(principal),
    });
  }

  private readHost(host: Host): void {
    this.add({
      kind: 'host',
      id: host.id,
      label: host.name,
      cores: this.maybe(host.cores),
      // Left out, it is unknown (SMT hosts have 2): a capacity check then says it cannot tell, never guesses 1.
      threadsPerCore: this.maybe(host.threadsPerCore),
      countHyperthreads: host.countHyperthreads ?? true,
      memoryMiB: this.size(host.memory),
      memoryScrubbing: this.maybe(host.memoryScrubbing),
      rootOfTrust: this.maybe(host.rootOfTrust?.kind),
      controllerBoot: this.maybe(host.rootOfTrust?.controllerBoot),
      source: this.sourceOf(host),
      at: this.document.lazySpans(host, host.rootOfTrust),
      suppressions: this.suppressions(host),
    });

    const hypervisorId = host.hypervisor?.id ?? `${host.id}/hypervisor`;
    if (host.hypervisor) {
      const hypervisor = host.hypervisor;
      const hypervisorSpan = this.document.spanOfKey(host, 'hypervisor');
      this.add({
        kind: 'hypervisor',
        id: hypervisorId,
        hypervisorKind: this.maybe(hypervisor.kind),
        reservedCores: this.maybe(hypervisor.reserved?.cores),
        reservedMemoryMiB: this.size(hypervisor.reserved?.memory),
        firewall: this.maybe(hypervisor.firewall),
        // The Nitro hypervisor has no memory access API at all ("there are no APIs for memory access").
        memoryAccessApi: hypervisor.memoryAccessApi ?? (hypervisor.kind === 'nitro' ? false : NOT_DECLARED),
        source: hypervisorSpan,
        at: this.document.lazySpans(hypervisor, hypervisor.reserved),
        suppressions: this.suppressions(hypervisor),
      });
      this.edge('runsOn', hypervisorId, host.id, hypervisorSpan);
    }

    const controllerId = host.controller?.id ?? `${host.id}/controller`;
    if (host.controller) {
      const controller = host.controller;
      const controllerSpan = this.document.spanOfKey(host, 'controller');
      this.add({
        kind: 'controller',
        id: controllerId,
        controllerKind: this.maybe(controller.kind),
        memoryAccessApi: controller.memoryAccessApi ?? (controller.kind === 'nitro' ? false : NOT_DECLARED),
        ...this.base(controller, controllerSpan),
      });
      this.edge('runsOn', controllerId, host.id, controllerSpan);
      if (host.hypervisor) this.edge('manages', controllerId, hypervisorId, controllerSpan);
    }

    for (const card of host.cards ?? []) {
      const id = card.id ?? `${host.id}/${card.kind}`;
      this.add({
        kind: 'card',
        id,
        cardKind: card.kind,
        firewall: card.firewall ?? (card.kind === 'vpc' ? true : NOT_DECLARED),
        ...this.base(card, this.document.spanOfKey(card, this.document.hasKey(card, 'id') ? 'id' : 'kind')),
      });
      const cardSpan = this.document.spanOf(card);
      this.edge('runsOn', id, host.id, cardSpan);
      if (host.controller) this.edge('manages', controllerId, id, cardSpan);
    }

    for (const access of host.access ?? []) {
      const target =
        access.target === 'hypervisor' ? hypervisorId : access.target === 'controller' ? controllerId : host.id;
      this.addAccess(access, target);
    }

    for (const component of host.components ?? []) this.readComponent(component, host.id);
    for (const instance of host.instances ?? []) this.readInstance(instance, host.id);
  }

  /** A component of a layered host (the layered host model in docs/architecture.md): what it is, who controls it, how it is measured. */
  private readComponent(component: Component, hostId: string): void {
    const base = this.base(component);
    this.add({
      kind: 'component',
      id: component.id,
      layer: component.layer,
      roles: component.provides ?? [],
      tenant: this.maybe(component.tenant),
      measuredBy: this.maybe(component.measuredBy),
      nestedVirtualization: this.maybe(component.nestedVirtualization),
      vcpus: this.maybe(component.vcpus),
      memoryMiB: this.size(component.memory),
      ...base,
    });
    this.edge(
      'runsOn',
      component.id,
      component.runsOn ?? hostId,
      component.runsOn ? this.document.spanOfKey(component, 'runsOn') : base.source,
    );
    (component.controlledBy ?? []).forEach((principal, i) => {
      this.edge('controls', principal, component.id, this.document.spanOfKey(component.controlledBy!, i));
    });
    for (const access of component.access ?? []) this.addAccess(access, component.id);
  }

  private readInstance(instance: Instance, hostId: string): void {
    const base = this.base(instance);
    const pool = instance.allocator;
    this.add({
      kind: 'instance',
      id: instance.id,
      tenant: this.maybe(instance.tenant),
      vcpus: this.maybe(instance.vcpus),
      memoryMiB: this.size(instance.memory),
      ...(instance.platform !== undefined ? { platform: instance.platform } : {}),
      ...(instance.nestedVirtualization !== undefined ? { nestedVirtualization: instance.nestedVirtualization } : {}),
      enclavePool: pool
        ? {
            cpuCount: this.maybe(pool.cpuCount),
            memoryMiB: this.size(pool.memory),
            source: this.document.spanOfKey(instance, 'allocator'),
          }
        : undefined,
      ...base,
    });
    // A guest of a layered host may run on a tenant's upper-layer platform instead of the host itself.
    this.edge(
      'runsOn',
      instance.id,
      instance.runsOn ?? hostId,
      instance.runsOn ? this.document.spanOfKey(instance, 'runsOn') : base.source,
    );
    this.readAttachments(instance, instance.id, instance.tenant);
    for (const access of instance.access ?? []) this.addAccess(access, instance.id);
    for (const enclave of instance.enclaves ?? []) this.readEnclave(enclave, instance);
  }

  /** Volumes and NICs of an instance or enclave, as nodes attached to it. */
  private readAttachments(owner: Instance | Enclave, ownerId: string, tenant: string | undefined): void {
    (owner.volumes ?? []).forEach((volume, i) => {
      const span = this.document.spanOfKey(owner.volumes!, i);
      if (typeof volume === 'string') {
        if (!this.sharedVolumes.has(volume)) {
          throw new InputError(`volume "${volume}" is not declared under top-level volumes`, {
            file: span.file,
            line: span.startLine,
            column: span.startColumn,
          });
        }
        this.edge('attaches', volume, ownerId, span);
      } else {
        this.addVolume(volume, tenant);
        this.edge('attaches', volume.id, ownerId, this.sourceOf(volume));
      }
    });
    for (const nic of owner.nics ?? []) this.addNic(nic, ownerId, tenant);
  }

  private addVolume(volume: Volume, tenant: string | undefined): void {
    this.add({
      kind: 'volume',
      id: volume.id,
      tenant: this.maybe(volume.tenant ?? tenant),
      volumeKind: volume.kind ?? 'ebs',
      encrypted: this.maybe(volume.encrypted),
      wipe: this.maybe(volume.wipe),
      ...this.base(volume),
    });
  }

  private addNic(nic: Nic, ownerId: string, tenant: string | undefined): void {
    const base = this.base(nic);
    this.add({ kind: 'nic', id: nic.id, tenant: this.maybe(tenant), ...base });
    this.edge('attaches', nic.id, ownerId, base.source);
    if (nic.network) this.edge('attaches', nic.id, nic.network, this.document.spanOfKey(nic, 'network'));
    if (nic.ingress) {
      const ingressSpan = this.document.spanOfKey(nic, 'ingress');
      const groupId = `${nic.id}/ingress`;
      const ingress: IngressRule[] = nic.ingress.map((rule) => {
        const { fromPort, toPort } = portRange(rule.ports);
        return {
          protocol: rule.protocol ?? 'tcp',
          fromPort,
          toPort,
          peer: rule.from,
          source: this.document.spanOf(rule),
          suppressions: this.suppressions(rule),
        };
      });
      this.add({
        kind: 'securityGroup',
        id: groupId,
        ingress,
        tenant: this.maybe(tenant),
        ...base,
        source: ingressSpan,
        suppressions: NO_SUPPRESSIONS,
      });
      this.edge('attaches', groupId, nic.id, ingressSpan);
    }
  }

  private readEnclave(enclave: Enclave, parent: Instance): void {
    const base = this.base(enclave);
    this.add({
      kind: 'enclave',
      id: enclave.id,
      tenant: this.maybe(parent.tenant),
      vcpus: this.maybe(enclave.vcpus),
      memoryMiB: this.size(enclave.memory),
      cid: this.maybe(enclave.cid),
      // nitro-cli's default: debug mode only when asked for (https://docs.aws.amazon.com/enclaves/latest/user/cmd-nitro-run-enclave.html).
      debug: enclave.debug ?? false,
      environment: this.environment,
      ...base,
    });
    this.edge('runsOn', enclave.id, parent.id, base.source);
    this.readAttachments(enclave, enclave.id, parent.tenant);
    for (const access of enclave.access ?? []) this.addAccess(access, enclave.id);

    if (enclave.image) {
      const image = enclave.image;
      const imageId = `${enclave.id}/image`;
      const expected = image.expectedPcrs ?? {};
      this.add({
        kind: 'image',
        id: imageId,
        path: image.path ? resolve(dirname(this.absolutePath), image.path) : NOT_DECLARED,
        expectedPcrs: Object.fromEntries(
          Object.entries(expected).map(([name, value]) => [
            name,
            { value, source: this.document.spanOfValue(expected, name) },
          ]),
        ),
        ...this.base(image),
        source: this.document.spanOfKey(enclave, 'image'),
      });
      this.edge('uses', enclave.id, imageId, this.document.spanOfKey(enclave, 'image'));
    }

    (enclave.vsock ?? []).forEach((vsock, i) => {
      const span = this.document.spanOfKey(enclave.vsock!, i);
      const toParent = vsock.to === 'parent' || vsock.to === 3;
      let to = parent.id;
      if (!toParent) {
        to = `vsock:${String(vsock.to)}`;
        if (!this.fragment.has(to)) {
          this.add({
            kind: 'endpoint',
            id: to,
            address: to,
            source: span,
            at: NO_SPANS,
            suppressions: NO_SUPPRESSIONS,
          });
        }
      }
      const channel: ChannelEdge = {
        kind: 'channel',
        from: enclave.id,
        to,
        initiator: enclave.id,
        protocol: 'vsock',
        port: this.maybe(vsock.port),
        peerCid: vsock.to === 'parent' ? 3 : vsock.to,
        authenticated: NOT_DECLARED,
        encrypted: NOT_DECLARED,
        audited: NOT_DECLARED,
        memoryAccess: false,
        source: span,
        at: this.base(vsock).at,
        suppressions: this.suppressions(vsock),
      };
      this.fragment.edges.push(channel);
    });
  }

  private addAccess(access: Access, target: string): void {
    const base = this.base(access);
    const edge: AccessEdge = {
      kind: 'access',
      from: access.from,
      to: target,
      method: access.method,
      authenticated: this.maybe(access.authenticated),
      audited: this.maybe(access.audited),
      mfa: this.maybe(access.mfa),
      login: this.maybe(access.login),
      // `method` is required by the schema: its line is where an access finding belongs.
      source: this.document.spanOfKey(access, 'method'),
      at: base.at,
      suppressions: base.suppressions,
    };
    this.fragment.edges.push(edge);
  }

  private readChannel(channel: Channel): void {
    const base = this.base(channel);
    const edge: ChannelEdge = {
      kind: 'channel',
      id: channel.id,
      from: channel.from,
      to: channel.to,
      initiator: channel.initiator ?? channel.from,
      protocol: this.maybe(channel.protocol),
      port: this.maybe(channel.port),
      authenticated: this.maybe(channel.authenticated),
      encrypted: this.maybe(channel.encrypted),
      audited: this.maybe(channel.audited),
      memoryAccess: channel.memoryAccess ?? false,
      source: base.source,
      at: base.at,
      suppressions: base.suppressions,
    };
    if (edge.initiator !== edge.from && edge.initiator !== edge.to) {
      const span = base.at.initiator ?? base.source;
      throw new InputError(
        `channel initiator "${edge.initiator}" must be one of its ends ("${edge.from}" or "${edge.to}")`,
        {
          file: span.file,
          line: span.startLine,
          column: span.startColumn,
        },
      );
    }
    this.fragment.edges.push(edge);
  }
}

/** "22" / 22 / "8000-8100" / "all" as a port range. */
function portRange(ports: number | string): { fromPort: number; toPort: number } {
  if (typeof ports === 'number') return { fromPort: ports, toPort: ports };
  if (ports === 'all') return { fromPort: 0, toPort: 65535 };
  const [from, to] = ports.split('-').map(Number);
  return { fromPort: from, toPort: to ?? from };
}
