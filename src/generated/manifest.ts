/* Generated from schemas/ by scripts/generate-types.mjs. Do not edit; run `npm run generate`. */

/**
 * An identifier unique in the scan: letters, digits and . _ : / @ -
 *
 * This interface was referenced by `IsolintManifest`'s JSON-Schema
 * via the `definition` "Id".
 */
export type Id = string;
/**
 * Inline suppressions: each silences one rule on this element, with a reason (and an optional expiry date).
 *
 * This interface was referenced by `IsolintManifest`'s JSON-Schema
 * via the `definition` "Suppressions".
 */
export type Suppressions = {
  /**
   * The id of the rule to suppress.
   */
  rule: string;
  /**
   * Why this finding is accepted; recorded in SARIF.
   */
  reason: string;
  /**
   * YYYY-MM-DD after which the suppression no longer applies.
   */
  expires?: string;
}[];
/**
 * A memory size: a number of MiB, or a string with a unit such as "512MiB", "32GiB", "64GB" or "1TiB" (GB, G and Gi are read as GiB, MB as MiB, TB as TiB: memory comes in binary units).
 *
 * This interface was referenced by `IsolintManifest`'s JSON-Schema
 * via the `definition` "Size".
 */
export type Size = number | string;
/**
 * How a principal reaches a component. ssh, rdp, serial-console, console, vnc, spice and telnet are interactive; api and ssm are mediated.
 *
 * This interface was referenced by `IsolintManifest`'s JSON-Schema
 * via the `definition` "AccessMethod".
 */
export type AccessMethod = 'ssh' | 'rdp' | 'serial-console' | 'console' | 'vnc' | 'spice' | 'telnet' | 'api' | 'ssm';
/**
 * A port (22), a range ("8000-8100") or "all".
 *
 * This interface was referenced by `IsolintManifest`'s JSON-Schema
 * via the `definition` "PortRange".
 */
export type PortRange = number | string;

/**
 * isolint host manifest (apiVersion isolint/v1): hosts with their hypervisor, controller and cards, the instances and enclaves on them, and the channels between components.
 */
export interface IsolintManifest {
  /**
   * Path or URL of this schema, for editor completion.
   */
  $schema?: string;
  /**
   * Manifest format version; always isolint/v1.
   */
  apiVersion: 'isolint/v1';
  metadata?: Metadata;
  principals?: Principal[];
  networks?: Network[];
  /**
   * Volumes declared once and attached by id from several instances (multi-attach).
   */
  volumes?: Volume[];
  hosts?: Host[];
  channels?: Channel[];
}
/**
 * This interface was referenced by `IsolintManifest`'s JSON-Schema
 * via the `definition` "Metadata".
 */
export interface Metadata {
  name?: string;
  /**
   * Where this deployment runs; debug-mode enclaves are only tolerated outside production. Default production.
   */
  environment?: 'production' | 'staging' | 'development' | 'test';
  owner?: string;
}
/**
 * This interface was referenced by `IsolintManifest`'s JSON-Schema
 * via the `definition` "Principal".
 */
export interface Principal {
  id: Id;
  /**
   * internet stands for anyone; operator and administrator are people with privileged access.
   */
  kind: 'operator' | 'administrator' | 'provider' | 'control-plane' | 'internet' | 'tenant' | 'service';
  tenant?: string;
  /**
   * Whether this principal authenticates with a second factor.
   */
  mfa?: boolean;
  suppress?: Suppressions;
}
/**
 * This interface was referenced by `IsolintManifest`'s JSON-Schema
 * via the `definition` "Network".
 */
export interface Network {
  id: Id;
  /**
   * The tenant that owns this network (VPC). Omit for a provider network.
   */
  tenant?: string;
  suppress?: Suppressions;
}
/**
 * This interface was referenced by `IsolintManifest`'s JSON-Schema
 * via the `definition` "Volume".
 */
export interface Volume {
  id: Id;
  /**
   * Default ebs.
   */
  kind?: 'ebs' | 'instance-storage' | 'local' | 'network';
  size?: Size;
  /**
   * Owner; defaults to the tenant of the instance that declares it.
   */
  tenant?: string;
  encrypted?: boolean;
  /**
   * How blocks are reset before another guest gets them.
   */
  wipe?: 'on-release' | 'crypto-erase' | 'none';
  suppress?: Suppressions;
}
/**
 * This interface was referenced by `IsolintManifest`'s JSON-Schema
 * via the `definition` "Host".
 */
export interface Host {
  id: Id;
  name?: string;
  /**
   * Physical cores.
   */
  cores?: number;
  /**
   * Hardware threads per core (2 with SMT/hyperthreading).
   */
  threadsPerCore?: number;
  /**
   * true (default): one vCPU is one hardware thread. false: one vCPU is one physical core (an OCPU), so hyperthreads add no capacity.
   */
  countHyperthreads?: boolean;
  /**
   * A memory size: a number of MiB, or a string with a unit such as "512MiB", "32GiB", "64GB" or "1TiB" (GB, G and Gi are read as GiB, MB as MiB, TB as TiB: memory comes in binary units).
   */
  memory?: number | string;
  /**
   * Memory is scrubbed (zeroed) before it is given to another guest.
   */
  memoryScrubbing?: boolean;
  rootOfTrust?: {
    /**
     * The hardware root of trust that measures the host's firmware.
     */
    kind?: 'security-chip' | 'tpm' | 'none';
    /**
     * Where the controller boots from; private-storage keeps its firmware out of reach of the host.
     */
    controllerBoot?: 'private-storage' | 'network' | 'shared-storage';
  };
  hypervisor?: Hypervisor;
  controller?: Controller;
  cards?: Card[];
  access?: Access[];
  instances?: Instance[];
  suppress?: Suppressions;
  /**
   * A layered host (a micro-hypervisor core with services, per-tenant VMMs and upper-layer platforms beside and above it). Components run on the host unless they say runsOn.
   */
  components?: Component[];
}
/**
 * This interface was referenced by `IsolintManifest`'s JSON-Schema
 * via the `definition` "Hypervisor".
 */
export interface Hypervisor {
  /**
   * An identifier unique in the scan: letters, digits and . _ : / @ -
   */
  id?: string;
  /**
   * nitro, kvm, xen, firecracker, hyper-v, ...
   */
  kind?: string;
  /**
   * What the hypervisor keeps for itself.
   */
  reserved?: {
    cores?: number;
    memory?: Size;
  };
  /**
   * Guest traffic passes a firewall between the physical NIC and the guest interface.
   */
  firewall?: boolean;
  /**
   * Some API reads or writes guest memory (debugger, dump, introspection).
   */
  memoryAccessApi?: boolean;
  suppress?: Suppressions;
}
/**
 * This interface was referenced by `IsolintManifest`'s JSON-Schema
 * via the `definition` "Controller".
 */
export interface Controller {
  /**
   * An identifier unique in the scan: letters, digits and . _ : / @ -
   */
  id?: string;
  /**
   * nitro-controller, bmc, dpu, ...
   */
  kind?: string;
  memoryAccessApi?: boolean;
  suppress?: Suppressions;
}
/**
 * This interface was referenced by `IsolintManifest`'s JSON-Schema
 * via the `definition` "Card".
 */
export interface Card {
  /**
   * An identifier unique in the scan: letters, digits and . _ : / @ -
   */
  id?: string;
  kind: 'vpc' | 'ebs' | 'instance-storage' | 'security-chip';
  /**
   * For a vpc card: it filters guest traffic (security groups). Default true.
   */
  firewall?: boolean;
  suppress?: Suppressions;
}
/**
 * This interface was referenced by `IsolintManifest`'s JSON-Schema
 * via the `definition` "Access".
 */
export interface Access {
  method: AccessMethod;
  /**
   * An identifier unique in the scan: letters, digits and . _ : / @ -
   */
  from: string;
  /**
   * On a host: which component is reached (default host).
   */
  target?: 'host' | 'hypervisor' | 'controller';
  authenticated?: boolean;
  authorized?: boolean;
  /**
   * Every call is logged to an audit trail.
   */
  audited?: boolean;
  /**
   * The principal must present a second factor.
   */
  mfa?: boolean;
  suppress?: Suppressions;
  /**
   * How an interactive login proves who it is. A password alone (without mfa) is refused by no-password-only-login.
   */
  login?: 'password' | 'key' | 'certificate';
}
/**
 * This interface was referenced by `IsolintManifest`'s JSON-Schema
 * via the `definition` "Instance".
 */
export interface Instance {
  id: Id;
  tenant?: string;
  vcpus?: number;
  memory?: Size;
  volumes?: (Volume | string)[];
  nics?: Nic[];
  access?: Access[];
  /**
   * The Nitro Enclaves allocator pool reserved on this instance (allocator.yaml).
   */
  allocator?: {
    cpuCount?: number;
    memory?: Size;
  };
  enclaves?: Enclave[];
  suppress?: Suppressions;
  /**
   * An identifier unique in the scan: letters, digits and . _ : / @ -
   */
  runsOn?: string;
  /**
   * The guest is itself a platform that runs guests (nested virtualization is expected).
   */
  platform?: boolean;
  /**
   * Nested virtualization (VMX/SVM) is exposed to this guest.
   */
  nestedVirtualization?: boolean;
}
/**
 * This interface was referenced by `IsolintManifest`'s JSON-Schema
 * via the `definition` "Nic".
 */
export interface Nic {
  id: Id;
  /**
   * An identifier unique in the scan: letters, digits and . _ : / @ -
   */
  network?: string;
  /**
   * Inbound rules of the security group on this interface.
   */
  ingress?: {
    ports: PortRange;
    /**
     * Default tcp.
     */
    protocol?: 'tcp' | 'udp' | 'icmp' | 'all';
    /**
     * A CIDR ("0.0.0.0/0", "10.0.0.0/8", "::/0") or a principal id.
     */
    from: string;
    suppress?: Suppressions;
  }[];
  suppress?: Suppressions;
}
/**
 * This interface was referenced by `IsolintManifest`'s JSON-Schema
 * via the `definition` "Enclave".
 */
export interface Enclave {
  id: Id;
  vcpus?: number;
  memory?: Size;
  cid?: number;
  /**
   * Debug mode: console readable, attestation PCRs all zeros.
   */
  debug?: boolean;
  image?: Image;
  /**
   * Must stay empty: enclaves have no network.
   */
  nics?: Nic[];
  /**
   * Must stay empty: enclaves have no persistent storage.
   */
  volumes?: (Volume | Id)[];
  vsock?: Vsock[];
  access?: Access[];
  suppress?: Suppressions;
}
/**
 * This interface was referenced by `IsolintManifest`'s JSON-Schema
 * via the `definition` "Image".
 */
export interface Image {
  /**
   * Path of the EIF, relative to this manifest.
   */
  path?: string;
  expectedPcrs?: Pcrs;
}
/**
 * Expected PCR values: 96 lower- or upper-case hex digits (SHA-384).
 *
 * This interface was referenced by `IsolintManifest`'s JSON-Schema
 * via the `definition` "Pcrs".
 */
export interface Pcrs {
  [k: string]: string;
}
/**
 * This interface was referenced by `IsolintManifest`'s JSON-Schema
 * via the `definition` "Vsock".
 */
export interface Vsock {
  /**
   * "parent" for the parent instance (CID 3), or a CID.
   */
  to: 'parent' | number;
  port?: number;
  suppress?: Suppressions;
}
/**
 * This interface was referenced by `IsolintManifest`'s JSON-Schema
 * via the `definition` "Component".
 */
export interface Component {
  id: Id;
  /**
   * core: the micro-hypervisor core; lower-service: a user-space service beside it (drivers, storage, console…); vmm: a per-tenant VMM; upper-platform: a tenant's nested hypervisor or container platform; container: a container; service: a daemon on a machine.
   */
  layer: 'core' | 'lower-service' | 'vmm' | 'upper-platform' | 'container' | 'service';
  /**
   * What the component does; a core lists every duty it carries.
   */
  provides?: (
    | 'scheduling'
    | 'mmu'
    | 'ipc'
    | 'vmx-events'
    | 'interrupts'
    | 'device-driver'
    | 'storage'
    | 'block-storage'
    | 'object-storage'
    | 'checkpointing'
    | 'admin-console'
    | 'resource-multiplexing'
    | 'data-protection'
    | 'vmm'
    | 'hypervisor'
    | 'container-engine'
    | 'ssh-daemon'
    | 'other'
  )[];
  /**
   * The tenant the component serves.
   */
  tenant?: string;
  /**
   * Principals that can change the component at run time (provider, administrator, a tenant).
   */
  controlledBy?: Id[];
  /**
   * The hardware root of trust that measures the component before it runs.
   */
  measuredBy?: 'tpm' | 'txt' | 'sgx' | 'sev' | 'tdx' | 'none';
  /**
   * An identifier unique in the scan: letters, digits and . _ : / @ -
   */
  runsOn?: string;
  nestedVirtualization?: boolean;
  /**
   * For a platform: the vCPUs of the VM it is.
   */
  vcpus?: number;
  memory?: Size;
  access?: Access[];
  suppress?: Suppressions;
}
/**
 * This interface was referenced by `IsolintManifest`'s JSON-Schema
 * via the `definition` "Channel".
 */
export interface Channel {
  id?: Id;
  from: Id;
  to: Id;
  /**
   * An identifier unique in the scan: letters, digits and . _ : / @ -
   */
  initiator?: string;
  /**
   * vsock, pci, tcp, https, api, ...
   */
  protocol?: string;
  port?: number;
  authenticated?: boolean;
  encrypted?: boolean;
  audited?: boolean;
  /**
   * The channel can read or write guest memory.
   */
  memoryAccess?: boolean;
  suppress?: Suppressions;
}
