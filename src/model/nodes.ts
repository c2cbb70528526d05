import type { SourceSpan } from './source.js';
import type { Maybe } from './unknown.js';

/**
 * The node and edge kinds of the isolation graph (DESIGN.md "The graph"). Every input format maps onto
 * these; rules read only them. Properties an input cannot decide are `Maybe<T>` (see unknown.ts).
 */

/** A suppression written next to the element it silences, with the reason it is accepted. */
export interface InlineSuppression {
  rule: string;
  reason: string;
  /** YYYY-MM-DD; the suppression stops applying after this day. */
  expires?: string;
  source: SourceSpan;
}

/** Shared empties for the many elements with no property spans or suppressions (large estates have millions). */
export const NO_SPANS: Readonly<Record<string, never>> = Object.freeze({});
export const NO_SUPPRESSIONS: readonly InlineSuppression[] = Object.freeze([]) as readonly InlineSuppression[];

interface NodeBase<K extends string> {
  kind: K;
  /** Unique in the scan; what references and fingerprints use. */
  id: string;
  /** Human name when the input has one apart from the id (a CloudFormation logical id, a Terraform address). */
  label?: string;
  /** The element as a whole: findings about it land here unless a property span is more precise. */
  source: SourceSpan;
  /** Spans of the properties the adapter read, by property name, so findings land on the line at fault. */
  at: Readonly<Record<string, SourceSpan>>;
  suppressions: readonly InlineSuppression[];
  /** The tenant that owns this element, where the input says. */
  tenant?: Maybe<string>;
}

export interface HostNode extends NodeBase<'host'> {
  cores: Maybe<number>;
  threadsPerCore: Maybe<number>;
  /** true: a vCPU is one hardware thread; false: a vCPU is one physical core (1 OCPU = 1 core). */
  countHyperthreads: boolean;
  memoryMiB: Maybe<number>;
  memoryScrubbing: Maybe<boolean>;
  rootOfTrust: Maybe<'security-chip' | 'tpm' | 'none'>;
  controllerBoot: Maybe<'private-storage' | 'network' | 'shared-storage'>;
}

export interface HypervisorNode extends NodeBase<'hypervisor'> {
  hypervisorKind: Maybe<string>;
  reservedCores: Maybe<number>;
  reservedMemoryMiB: Maybe<number>;
  firewall: Maybe<boolean>;
  memoryAccessApi: Maybe<boolean>;
}

export interface ControllerNode extends NodeBase<'controller'> {
  controllerKind: Maybe<string>;
  memoryAccessApi: Maybe<boolean>;
}

export type CardKind = 'vpc' | 'ebs' | 'instance-storage' | 'security-chip';

export interface CardNode extends NodeBase<'card'> {
  cardKind: CardKind;
  /** A vpc card that filters guest traffic plays the hypervisor firewall's role. */
  firewall: Maybe<boolean>;
}

export interface InstanceNode extends NodeBase<'instance'> {
  vcpus: Maybe<number>;
  memoryMiB: Maybe<number>;
  /** Nitro Enclaves allocator pool (allocator.yaml) on this instance, when declared. */
  enclavePool?: { cpuCount: Maybe<number>; memoryMiB: Maybe<number>; source: SourceSpan };
}

export interface EnclaveNode extends NodeBase<'enclave'> {
  vcpus: Maybe<number>;
  memoryMiB: Maybe<number>;
  cid: Maybe<number>;
  debug: Maybe<boolean>;
  /** production unless the input says otherwise: debug mode is only tolerated elsewhere. */
  environment: Maybe<string>;
}

export interface VolumeNode extends NodeBase<'volume'> {
  volumeKind: Maybe<string>;
  encrypted: Maybe<boolean>;
  wipe: Maybe<'on-release' | 'crypto-erase' | 'none'>;
}

export type Protocol = 'tcp' | 'udp' | 'icmp' | 'all';

/** One inbound rule of a security group or firewall. */
export interface IngressRule {
  protocol: Maybe<Protocol>;
  fromPort: Maybe<number>;
  toPort: Maybe<number>;
  /** A CIDR or a principal id. */
  peer: Maybe<string>;
  source: SourceSpan;
  suppressions: readonly InlineSuppression[];
}

export interface NicNode extends NodeBase<'nic'> {}

export interface NetworkNode extends NodeBase<'network'> {}

export interface SecurityGroupNode extends NodeBase<'securityGroup'> {
  ingress: IngressRule[];
}

export interface KeyNode extends NodeBase<'key'> {}

export interface RoleNode extends NodeBase<'role'> {}

/** One expected PCR and where it was written, so a mismatch lands on that line. */
export interface ExpectedPcr {
  value: string;
  source: SourceSpan;
}

export interface ImageMeasurement {
  pcrs: Record<string, string>;
  crcOk: boolean;
  signatureValid?: boolean;
}

export interface ImageNode extends NodeBase<'image'> {
  /** Absolute path of the EIF on disk, when the input names a local file. */
  path: Maybe<string>;
  expectedPcrs: Record<string, ExpectedPcr>;
  /** Filled in by the engine before rules run, when the image file could be measured. */
  measurement?: Maybe<ImageMeasurement>;
}

export type PrincipalKind =
  | 'operator'
  | 'administrator'
  | 'provider'
  | 'control-plane'
  | 'internet'
  | 'tenant'
  | 'service';

export interface PrincipalNode extends NodeBase<'principal'> {
  principalKind: PrincipalKind;
  mfa: Maybe<boolean>;
}

/** Something outside the scanned estate that a channel reaches: a vsock CID, a proxied host and port. */
export interface EndpointNode extends NodeBase<'endpoint'> {
  /** `vsock:<cid>`, `<host>:<port>`, a URL: what a reviewer would recognise. */
  address: string;
}

export type GraphNode =
  | HostNode
  | HypervisorNode
  | ControllerNode
  | CardNode
  | InstanceNode
  | EnclaveNode
  | VolumeNode
  | NicNode
  | NetworkNode
  | SecurityGroupNode
  | KeyNode
  | RoleNode
  | ImageNode
  | PrincipalNode
  | EndpointNode;

export type NodeKind = GraphNode['kind'];
export type NodeOfKind<K extends NodeKind> = Extract<GraphNode, { kind: K }>;

// ---------------------------------------------------------------------------------------------
// Edges

interface EdgeBase<K extends string> {
  kind: K;
  from: string;
  to: string;
  source: SourceSpan;
  at: Readonly<Record<string, SourceSpan>>;
  suppressions: readonly InlineSuppression[];
}

/** instance → host, enclave → parent instance, hypervisor/controller → host; chains of any depth. */
export interface RunsOnEdge extends EdgeBase<'runsOn'> {}

/** volume / nic / securityGroup → instance or enclave; nic → network. */
export interface AttachesEdge extends EdgeBase<'attaches'> {}

/** controller → hypervisor or card it manages. */
export interface ManagesEdge extends EdgeBase<'manages'> {}

/** enclave → image, role → key. */
export interface UsesEdge extends EdgeBase<'uses'> {}

/** principal → component it may change at run time (provider, administrator, a tenant). */
export interface ControlsEdge extends EdgeBase<'controls'> {}

export type AccessMethod = 'ssh' | 'rdp' | 'serial-console' | 'console' | 'vnc' | 'spice' | 'telnet' | 'api' | 'ssm';

export const INTERACTIVE_METHODS: ReadonlySet<string> = new Set([
  'ssh',
  'rdp',
  'serial-console',
  'console',
  'vnc',
  'spice',
  'telnet',
]);

/** principal → node, by some access method. */
export interface AccessEdge extends EdgeBase<'access'> {
  method: AccessMethod;
  authenticated: Maybe<boolean>;
  audited: Maybe<boolean>;
  mfa: Maybe<boolean>;
}

/** A communication path between two components; `initiator` is the end that opens it. */
export interface ChannelEdge extends EdgeBase<'channel'> {
  id?: string;
  initiator: string;
  protocol: Maybe<string>;
  port: Maybe<number>;
  /** For vsock: the CID the channel goes to, when given as a number rather than a node. */
  peerCid?: Maybe<number>;
  authenticated: Maybe<boolean>;
  encrypted: Maybe<boolean>;
  audited: Maybe<boolean>;
  memoryAccess: Maybe<boolean>;
}

export type GraphEdge = RunsOnEdge | AttachesEdge | ManagesEdge | UsesEdge | ControlsEdge | AccessEdge | ChannelEdge;
export type EdgeKind = GraphEdge['kind'];
export type EdgeOfKind<K extends EdgeKind> = Extract<GraphEdge, { kind: K }>;

/** What one adapter produces from one input file. */
export interface GraphFragment {
  nodes: GraphNode[];
  edges: GraphEdge[];
}
