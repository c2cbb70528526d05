import type { Component } from '../generated/manifest.js';
import type { SourceSpan } from './source.js';
import type { InstanceTypeSpec } from './ec2-instance-types.js';
import type { Maybe } from './unknown.js';
import type { Default } from './provenance.js';
import type { AttachedPolicy, PolicyStatement } from './policy.js';

/**
 * The node and edge kinds of the isolation graph (docs/architecture.md, "The graph"). Every input format maps onto
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
export const NO_SUPPRESSIONS: readonly InlineSuppression[] = Object.freeze([]);

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
  /**
   * The documented defaults the adapter applied, by property name (as in `at`): a known property listed
   * here was left unset by the input; one not listed was written (src/model/provenance.ts).
   */
  defaults?: Readonly<Record<string, Default>>;
  suppressions: readonly InlineSuppression[];
  /** The tenant that owns this element, where the input says. */
  tenant?: Maybe<string>;
  /**
   * A built-in node that several inputs may each declare (the `network` principal of self-run hypervisor
   * configs): the assembler keeps the first and accepts identical repeats instead of calling them duplicates.
   */
  shared?: true;
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
  // --- Self-run hypervisor host properties (libvirt, Nova, Xen; https://docs.openstack.org/nova/latest/configuration/config.html, https://xenbits.xen.org/docs/unstable/man/xl.cfg.5.html). Absent when no input says.
  /** Nova `*_allocation_ratio`: how far the scheduler oversubscribes this host (1.0 = not at all). */
  allocationRatios?: { cpu: Maybe<number>; ram: Maybe<number>; disk: Maybe<number> };
  /** Simultaneous multithreading on (Xen `smt=`, default true on x86). */
  smt?: Maybe<boolean>;
  /** Xen `sched-gran=`: cpu lets two domains share the SMT siblings of one core; core/socket do not. */
  schedulingGranularity?: Maybe<'cpu' | 'core' | 'socket'>;
  /** Xen `bootscrub=`: free memory zeroed at boot (default idle = in the background, before any allocation). */
  bootScrub?: boolean;
  // --- Layered hosts (https://docs.kernel.org/virt/kvm/x86/running-nested-guests.html): KVM's `nested` module option in /etc/modprobe.d/*.conf.
  /** The host offers nested virtualization (VMX/SVM) to guests that ask for it (`options kvm_intel nested=1`). */
  nestedVirtualization?: Maybe<boolean>;
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
  // --- Layered hosts (the layered host model in docs/architecture.md).
  /** The guest is declared a platform (it runs guests of its own): nested virtualization is expected there. */
  platform?: boolean;
  /** Nested virtualization exposed to this guest (VMX/SVM passed through). */
  nestedVirtualization?: Maybe<boolean>;
  /** Nitro Enclaves allocator pool (allocator.yaml) on this instance, when declared. */
  enclavePool?: {
    cpuCount: Maybe<number>;
    memoryMiB: Maybe<number>;
    source: SourceSpan;
    /** allocator.yaml `cpu_pool`: the CPU ids reserved, when listed. */
    cpuIds?: number[];
    /** Lines of the CPU and memory settings, when the input has them apart from the pool as a whole. */
    cpuSource?: SourceSpan;
    memorySource?: SourceSpan;
  };
  // --- AWS properties (CloudFormation / Terraform adapters; https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-instance.html, https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/instance). Absent when the input cannot say.
  /** An EC2 instance, a launch template / launch configuration that instances start from, or an EKS managed node group. */
  awsKind?: 'instance' | 'launch-template' | 'launch-configuration' | 'eks-node-group';
  /** IMDS `HttpTokens` / `http_tokens`: `required` means IMDSv2 only. */
  metadataTokens?: Maybe<'required' | 'optional'>;
  /** IMDS `HttpEndpoint` / `http_endpoint`. */
  metadataEndpoint?: Maybe<'enabled' | 'disabled'>;
  /** `EnclaveOptions.Enabled` / `enclave_options { enabled }`: the instance may run Nitro Enclaves. */
  enclaveEnabled?: Maybe<boolean>;
  /** The launch template (node id) an instance is started from: what the instance leaves unset, it takes from there (one machine). */
  launchTemplate?: string;
  /** `HibernationOptions.Configured` / `hibernation`, `hibernation_options.configured`: hibernation cannot be used with enclaves. */
  hibernation?: Maybe<boolean>;
  /** `KeyName` / `key_name`: an SSH key pair installed at launch. */
  keyName?: Maybe<string>;
  /** `Tenancy` / `tenancy` (default, dedicated, host). */
  tenancy?: Maybe<string>;
  // --- Self-run hypervisor guest properties (libvirt, Xen, Kata; https://libvirt.org/formatdomain.html, https://xenbits.xen.org/docs/unstable/man/xl.cfg.5.html, https://github.com/kata-containers/kata-containers/blob/main/src/runtime/config/configuration-qemu.toml.in).
  /** A confidential guest (SEV, SEV-SNP, TDX, s390 PV, a Kata confidential sandbox) and whether its policy lets the host debug it. */
  confidential?: { technology: string; debug: Maybe<boolean>; source: SourceSpan };
  /** Guest memory the guest shares with other guests or the host (libvirt `<shmem>`, `memoryBacking/access mode='shared'`). */
  sharedMemory?: Array<{ name: string; source: SourceSpan }>;
  // --- Enclave host configs (nitro-cli run config, allocator.yaml, vsock-proxy, Firecracker; https://docs.aws.amazon.com/enclaves/latest/user/cmd-nitro-run-enclave.html, https://github.com/aws/aws-nitro-enclaves-cli/blob/main/vsock_proxy/README.md, https://github.com/firecracker-microvm/firecracker/blob/main/docs/getting-started.md).
  /** EC2 instance type ("m5.xlarge"); capacity comes from src/model/ec2-instance-types.ts when vCPUs/memory are not declared. */
  instanceType?: Maybe<string>;
  /** What the instance type is (vCPUs, cores, memory, enclave support), looked up once in assembly (src/model/ec2-instance-types.ts, `--instance-types`). */
  instanceTypeFacts?: InstanceTypeSpec;
  /** The Nitro Enclaves Kubernetes device plugin on this machine's nodes (https://github.com/aws/aws-nitro-enclaves-k8s-device-plugin): `MAX_ENCLAVES_PER_NODE` (default 4). */
  enclaveDevicePlugin?: { maxEnclavesPerNode: Maybe<number>; source: SourceSpan };
  /** Set on nodes a host-side config file stands in for: linked to the machine of its directory after assembly. */
  placement?: HostPlacement;
  /**
   * Set on the machine the linker makes for a directory of host-side config files whose machine no input
   * declares (src/ingest/link-host-configs.ts): it has no lines of its own, so findings about it land on
   * the files' lines, and messages call it by its label ("the machine of <dir>/").
   */
  standIn?: { directory: string };
  /** A Firecracker microVM (this instance is its guest VM). */
  microvm?: MicroVmConfig;
  // --- cloud-init user data given literally in a template (CloudFormation UserData, Terraform user_data).
  cloudInit?: CloudInitLogin;
  // --- OpenStack flavors (Terraform openstack_compute_flavor_v2, Heat OS::Nova::Flavor; https://docs.openstack.org/nova/latest/configuration/extra-specs.html).
  /** Set on the template node a Nova flavor is: every instance started from it gets these extra specs. */
  flavor?: NovaFlavorSettings;
  // --- Kata RuntimeClass link (https://kubernetes.io/docs/concepts/containers/runtime-class/; src/ingest/hypervisor/link-runtime-classes.ts).
  /** Set on the sandbox VM of a Kata configuration.toml; `selectedBy` lists the RuntimeClasses whose handler selects it. */
  kataSandbox?: { selectedBy: Array<{ name: string; source: SourceSpan }> };
}

/** What a `#cloud-config` makes of logging in: each setting that lets a password alone in, or why it cannot be told. */
export interface CloudInitLogin {
  passwordLogin: Maybe<Array<{ what: string; source: SourceSpan }>>;
  /** The user data property. */
  source: SourceSpan;
}

/** A flavor's extra specs that rules judge, with Nova's defaults when a key is absent (https://docs.openstack.org/nova/latest/configuration/extra-specs.html). */
export interface NovaFlavorSettings {
  /** `hw:cpu_policy`: shared (default) floats vCPUs over overcommittable host CPUs; dedicated pins each to its own. */
  cpuPolicy: Maybe<'shared' | 'dedicated' | 'mixed'>;
  /** `hw:cpu_thread_policy` (applies to dedicated vCPUs): prefer (default) may give a core's other sibling to another guest. */
  cpuThreadPolicy: Maybe<'prefer' | 'isolate' | 'require'>;
  /** `hw:mem_encryption` (AMD SEV): guest memory encrypted with a per-guest key. */
  memoryEncryption: Maybe<boolean>;
  /** `hw:mem_page_size` as written (large, small, any, 2MB…), when set. */
  memoryPageSize?: Maybe<string>;
}

/**
 * Host-side config files (run configs, allocator.yaml, vsock-proxy.yaml, Firecracker configs) sit on the
 * machine they configure but do not name it: every such file in one directory belongs to one machine,
 * found after assembly by src/ingest/link-host-configs.ts.
 */
export interface HostPlacement {
  /** Absolute directory of the file. */
  directory: string;
  /** The node only carries properties (an allocator pool) for the directory's machine and is merged into it. */
  placeholder?: boolean;
}

/** Firecracker machine settings rules judge (https://github.com/firecracker-microvm/firecracker/blob/main/docs/getting-started.md). */
export interface MicroVmConfig {
  /** What the config declares the guest to be (top-level `x-isolint.isolation`; Firecracker ignores unknown top-level keys). */
  isolation: Maybe<'enclave' | 'vm'>;
  /** Whether isolation from side channels is asked for (`x-isolint.sideChannels`, or implied by `enclave`). */
  sideChannelIsolation: boolean;
  /** machine-config.smt (guest-visible SMT; default false). */
  smt: Maybe<boolean>;
  /** vsock.uds_path, resolved against the config's directory: two guests sharing it share the host-side sockets. */
  vsockUdsPath?: string;
}

export interface EnclaveNode extends NodeBase<'enclave'> {
  vcpus: Maybe<number>;
  memoryMiB: Maybe<number>;
  cid: Maybe<number>;
  debug: Maybe<boolean>;
  /** production unless the input says otherwise: debug mode is only tolerated elsewhere. */
  environment: Maybe<string>;
  // --- Enclave host configs (https://docs.aws.amazon.com/enclaves/latest/user/cmd-nitro-run-enclave.html).
  /** The nitro-cli run config as written, for what nitro-cli and the driver refuse (https://docs.aws.amazon.com/enclaves/latest/user/cmd-nitro-run-enclave.html, https://docs.kernel.org/virt/ne_overview.html). */
  launch?: EnclaveLaunchConfig;
  // --- Kubernetes workloads that launch enclaves from their containers (https://docs.aws.amazon.com/enclaves/latest/user/kubernetes.html).
  /** A Pod (or the pod template of a Deployment, StatefulSet, DaemonSet, Job, CronJob) requesting `aws.ec2.nitro/nitro_enclaves`. */
  pod?: {
    workload: string;
    name: string;
    hugepages: Array<{ size: string; mebibytes: Maybe<number>; source: SourceSpan }>;
  };
}

/** A nitro-cli run config's CPU choice as written (exactly one of the two is allowed). */
export interface EnclaveLaunchConfig {
  /** Unknown when templated (`"{{ cpus }}"`, src/ingest/typed-values.ts). */
  cpuCount?: Maybe<number>;
  cpuIds?: number[];
  /** `attach_console: true` (implies debug mode). */
  attachConsole: boolean;
}

export interface VolumeNode extends NodeBase<'volume'> {
  // --- Firecracker drives (https://github.com/firecracker-microvm/firecracker/blob/main/docs/getting-started.md).
  /** `is_read_only` (Firecracker default false). */
  readOnly?: Maybe<boolean>;
  /** `is_root_device`. */
  rootDevice?: boolean;
  volumeKind: Maybe<string>;
  encrypted: Maybe<boolean>;
  /**
   * true when the volume is made from a snapshot (an AMI's root snapshot included) whose encryption it
   * inherits: EBS encryption by default encrypts it even when the snapshot is not (EC2 user guide,
   * "Encryption by default").
   */
  encryptionFromSnapshot?: boolean;
  wipe: Maybe<'on-release' | 'crypto-erase' | 'none'>;
  // --- Self-run hypervisor disks (libvirt, Xen; https://libvirt.org/formatdomain.html#hard-drives-floppy-disks-cdroms, https://xenbits.xen.org/docs/unstable/man/xl.cfg.5.html).
  /** The host-side backing (image file, block device, network volume): two guests naming it share the disk. */
  backing?: string;
  /** libvirt `<shareable/>`: the disk is meant to be attached to several domains at once. */
  shareable?: boolean;
}

/** `other`: an IP protocol without TCP ports (ESP, GRE…): every port of it is open, never a TCP port. */
export type Protocol = 'tcp' | 'udp' | 'icmp' | 'all' | 'other';

/** One inbound rule of a security group or firewall. */
export interface IngressRule {
  protocol: Maybe<Protocol>;
  fromPort: Maybe<number>;
  toPort: Maybe<number>;
  /** A CIDR (canonical, as EC2 stores it) or a principal id. */
  peer: Maybe<string>;
  /** The CIDR as the input wrote it, when EC2 reads it differently (`192.168.1.0/0` is `0.0.0.0/0`). */
  peerWritten?: string;
  source: SourceSpan;
  suppressions: readonly InlineSuppression[];
}

export interface NicNode extends NodeBase<'nic'> {
  // --- Self-run hypervisor interfaces (libvirt, Xen; https://libvirt.org/formatdomain.html#network-interfaces, https://xenbits.xen.org/docs/unstable/man/xl.cfg.5.html). Absent for other inputs.
  /** A per-interface filter on the host side (libvirt nwfilter `filterref`, Xen vif `ip=` antispoofing rules). */
  hostFilter?: Maybe<boolean>;
  /** false when the host cannot filter the interface at all (SR-IOV hostdev, vDPA, macvtap passthrough). */
  filterable?: boolean;
}

export interface NetworkNode extends NodeBase<'network'> {}

export interface SecurityGroupNode extends NodeBase<'securityGroup'> {
  ingress: IngressRule[];
}

// Key, identity and trust policies and their evaluation live in policy.ts.
export type { AttachedPolicy, PolicyCondition, PolicyStatement } from './policy.js';

export interface KeyNode extends NodeBase<'key'> {
  /** Key policy statements, when the input has a key policy (unknown when it cannot be read). */
  policy?: Maybe<PolicyStatement[]>;
  /**
   * A policy file of its own (`aws kms put-key-policy --policy file://…`) that no key of the scan is linked
   * to: judged on its own, against the roles it names.
   */
  standalonePolicy?: boolean;
  /** For a standalone policy file: the key it is put on (`# isolint: key=<id>` sidecar), linked after assembly. */
  linkedKey?: string;
  /** The key's ARN when the input says (plan JSON), so identity policy Resources name it. */
  keyArn?: string;
}

export interface RoleNode extends NodeBase<'role'> {
  /** The role's name or ARN, when the input says, so literal ARNs in policies find it. */
  roleName?: Maybe<string>;
  /** The role's ARN when it can be told (its account named in the scan), for PCR3. */
  roleArn?: Maybe<string>;
  /** Identity policies attached to the role (inline, managed ones of the scan), each with its statements. */
  policies?: AttachedPolicy[];
  /** Policies attached that the scan does not hold (a managed policy ARN of another template), by reason. */
  unreadablePolicies?: Array<{ reason: string; source: SourceSpan }>;
  /** The trust policy (AssumeRolePolicyDocument / assume_role_policy): who may assume the role. */
  trust?: Maybe<PolicyStatement[]>;
}

/** Account- and region-wide settings an input declares (Terraform `aws_ebs_encryption_by_default`). */
export interface AccountNode extends NodeBase<'account'> {
  ebsEncryptionByDefault: Maybe<boolean>;
}

/** One expected PCR and where it was written, so a mismatch lands on that line. */
export interface ExpectedPcr {
  value: string;
  source: SourceSpan;
}

export interface ImageMeasurement {
  pcrs: Record<string, string>;
  crcOk: boolean;
  signatureValid?: boolean;
  /** Size of the EIF file: nitro-cli wants at least 4 × this much enclave memory (https://docs.kernel.org/virt/ne_overview.html). */
  fileBytes?: number;
}

export interface ImageNode extends NodeBase<'image'> {
  /** Absolute path of the EIF on disk, when the input names a local file. */
  path: Maybe<string>;
  expectedPcrs: Record<string, ExpectedPcr>;
  /** Filled in by the engine before rules run, when the image file could be measured. */
  measurement?: Maybe<ImageMeasurement>;
  /**
   * Set on expected-PCR files found in a scan (no image of their own): their PCRs are merged into the image
   * they describe after assembly (src/ingest/link-host-configs.ts).
   */
  expectedFor?: {
    /** Absolute path of the EIF named like the file (`signer.expected.json` → `signer.eif` beside it), if the name says. */
    eifPath?: string;
    /** Absolute directory of the file: a generically named file describes the one image used there. */
    directory: string;
  };
}

export type PrincipalKind =
  | 'operator'
  | 'administrator'
  | 'provider'
  | 'control-plane'
  | 'internet'
  | 'tenant'
  | 'service'
  /** Anyone who can reach the host's network (a listener bound beyond loopback): self-run hypervisor inputs. */
  | 'network';

export interface PrincipalNode extends NodeBase<'principal'> {
  principalKind: PrincipalKind;
  mfa: Maybe<boolean>;
}

/** Something outside the scanned estate that a channel reaches: a vsock CID, a proxied host and port. */
export interface EndpointNode extends NodeBase<'endpoint'> {
  /** `vsock:<cid>`, `<host>:<port>`, a URL: what a reviewer would recognise. */
  address: string;
}

// --- Layered hosts (the layered host model in docs/architecture.md): a micro-hypervisor core, lower-layer services and per-tenant
// VMMs beside it, per-tenant upper-layer platforms above it, containers, and the services of a machine.

/**
 * Where a component sits in a layered host (bottom to top) and what it does: the manifest schema's own
 * enums, so the two are never written twice.
 */
export type Layer = Component['layer'];
export type ComponentRole = NonNullable<Component['provides']>[number];

export interface ComponentNode extends NodeBase<'component'> {
  layer: Layer;
  /** What it does; a core lists every duty it carries. */
  roles: ComponentRole[];
  /** The hardware root of trust that measures it before it runs, if any. */
  measuredBy: Maybe<'tpm' | 'txt' | 'sgx' | 'sev' | 'tdx' | 'none'>;
  nestedVirtualization: Maybe<boolean>;
  /** Capacity of an upper-layer platform (the VM it is), for the guests it runs. */
  vcpus: Maybe<number>;
  memoryMiB: Maybe<number>;
  /** An SSH daemon's settings (sshd_config), for no-password-only-login. */
  ssh?: SshSettings;
  // --- Kata RuntimeClass link (https://kubernetes.io/docs/concepts/containers/runtime-class/; src/ingest/hypervisor/link-runtime-classes.ts).
  /**
   * The pods of a Kubernetes RuntimeClass with a Kata handler: `configFile` is the configuration its handler
   * selects (`kata-qemu` → `configuration-qemu.toml`); `sandbox` the Kata sandbox linked after assembly, or
   * unknown when no such config is in the scan.
   */
  runtimeClass?: { name: string; handler: string; configFile: string; sandbox?: Maybe<string[]> };
}

/** What sshd_config says about logging in (OpenSSH defaults when a key is absent). */
export interface SshSettings {
  passwordAuthentication: Maybe<boolean>;
  keyboardInteractive: Maybe<boolean>;
  permitRootLogin: Maybe<string>;
  /** `AuthenticationMethods`: lists of methods that must all succeed, e.g. `publickey,password`. */
  authenticationMethods: Maybe<string[]>;
  // --- sshd Match blocks (src/ingest/sshd-config.ts)
  /** Password methods a `Match` block turns on for some connections only. */
  conditional?: SshMatchSetting[];
}

/** A password method enabled inside one sshd `Match` block; `property` keys the line in the node's `at`. */
export interface SshMatchSetting {
  method: 'password' | 'keyboard-interactive';
  /** The Match criteria, e.g. `Address 10.0.0.0/8`. */
  match: string;
  property: string;
  /** What applies inside the block: its own AuthenticationMethods, else the global one. */
  authenticationMethods: Maybe<string[]>;
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
  | EndpointNode
  | AccountNode
  | ComponentNode;

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
  /**
   * Dropped silently when either end is not in the scan: a guest's tie to the host directory it sits in
   * (laid out like /etc/libvirt) holds only when that host's files are checked too.
   */
  weak?: true;
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
  /** How an interactive login proves who it is (manifest `login`): a password alone is not enough. */
  login?: Maybe<'password' | 'key' | 'certificate'>;
  /** The address a listener binds or a console connects to, when the input names one (`0.0.0.0:5901`). */
  address?: string;
  /** Why the access may not exist after all (a templated listen address): rules report at most a note. */
  undecided?: string;
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
  /** `vsock-proxy`: the parent-side leg of a relay enclaves reach over vsock (an allowlist entry, https://github.com/aws/aws-nitro-enclaves-cli/blob/main/vsock_proxy/README.md). */
  relays?: 'vsock-proxy';
  /**
   * Set when the relay is a command a launch script starts (`vsock-proxy 8000 kms… 443`, `socat VSOCK-LISTEN:… TCP:host:port`;
   * src/ingest/shell/launches.ts) rather than an allowlist entry. `allowlisted`: whether vsock-proxy's allowlist lets
   * it forward there (it refuses to start otherwise); `undecided`: why the remote is not known.
   */
  forwarder?: { tool: 'vsock-proxy' | 'socat'; allowlisted?: Maybe<boolean>; undecided?: string };
}

export type GraphEdge = RunsOnEdge | AttachesEdge | ManagesEdge | UsesEdge | ControlsEdge | AccessEdge | ChannelEdge;
export type EdgeKind = GraphEdge['kind'];
export type EdgeOfKind<K extends EdgeKind> = Extract<GraphEdge, { kind: K }>;

/** What one adapter produces from one input file. */
export interface GraphFragment {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /**
   * The same nodes by id, when the adapter built that map anyway (to refuse duplicate ids): the
   * assembler takes it over (and the link stage changes it) instead of hashing a large input's million ids a
   * second time: the adapter hands the fragment over and never reads it again.
   */
  byId?: Map<string, GraphNode>;
  /** What the adapter ignored while still reading the rest (a malformed suppression comment): warnings. */
  warnings?: FragmentWarning[];
  /** What the adapter skipped and why (a CloudFormation module, a resource it cannot read): the rest is checked. */
  skipped?: Array<{ source: SourceSpan; message: string }>;
  /** What the adapter skipped and says so (a Terraform module that was not downloaded). */
  problems?: Array<{ file?: string; line?: number; column?: number; message: string; level: 'warning' }>;
}

export interface FragmentWarning {
  message: string;
  source: SourceSpan;
}
