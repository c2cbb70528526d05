import { MAX_RUNS_ON_DEPTH, type Graph } from './graph.js';
import type {
  CardNode,
  ControllerNode,
  GraphNode,
  HostNode,
  HypervisorNode,
  IngressRule,
  InstanceNode,
  SecurityGroupNode,
} from './nodes.js';
import { isUnknown, type Maybe } from './unknown.js';
import { isEveryAddress, parseCidr } from './cidr.js';

/** Graph questions more than one rule asks. Rules never reach into one another; they share these. */

export const GUEST_KINDS: ReadonlySet<string> = new Set(['instance', 'enclave']);

/** The hypervisor, controller and cards that run on a host. */
export function hostComponents(
  graph: Graph,
  host: HostNode,
): {
  hypervisors: HypervisorNode[];
  controllers: ControllerNode[];
  cards: CardNode[];
} {
  const hypervisors: HypervisorNode[] = [];
  const controllers: ControllerNode[] = [];
  const cards: CardNode[] = [];
  // One pass over what runs on the host (rules ask this of every host).
  for (const node of graph.runningOn(host.id)) {
    if (node.kind === 'hypervisor') hypervisors.push(node);
    else if (node.kind === 'controller') controllers.push(node);
    else if (node.kind === 'card') cards.push(node);
  }
  return { hypervisors, controllers, cards };
}

/** A node's tenant: its own, else that of what it runs on (an enclave inherits its parent's). */
export function tenantOf(graph: Graph, node: GraphNode): Maybe<string> | undefined {
  let current: GraphNode | undefined = node;
  for (let depth = 0; current && depth < MAX_RUNS_ON_DEPTH; depth++) {
    if (current.tenant !== undefined && !isUnknown(current.tenant)) return current.tenant;
    current = graph.runsOn(current.id);
  }
  return node.tenant;
}

/** Security groups that filter an instance's traffic: on the instance itself or on any of its NICs. */
export function securityGroupsOf(graph: Graph, instance: InstanceNode | GraphNode): SecurityGroupNode[] {
  // One pass over the instance's attachments (its groups first, then its NICs' groups, each in input order).
  const groups: SecurityGroupNode[] = [];
  let nics: GraphNode[] | undefined;
  for (const node of graph.attachedTo(instance.id)) {
    if (node.kind === 'securityGroup') groups.push(node);
    else if (node.kind === 'nic') (nics ??= []).push(node);
  }
  for (const nic of nics ?? []) {
    for (const group of graph.attachedTo(nic.id, 'securityGroup')) if (!groups.includes(group)) groups.push(group);
  }
  return groups;
}

/**
 * The machines a security group filters: instances, launch templates and configurations that name it
 * directly or on one of their network interfaces, in input order, each once.
 */
export function machinesUsingGroup(graph: Graph, group: SecurityGroupNode): InstanceNode[] {
  const machines: InstanceNode[] = [];
  const add = (node: GraphNode) => {
    if (node.kind === 'instance' && !machines.includes(node)) machines.push(node);
  };
  for (const node of graph.attachmentsOf(group.id)) {
    if (node.kind === 'nic') for (const owner of graph.attachmentsOf(node.id)) add(owner);
    else add(node);
  }
  return machines;
}

const EVERYWHERE = new Set(['0.0.0.0/0', '::/0', 'internet']);

/** Whether a rule's peer is "anyone": any /0 block (as EC2 reads it) or the internet principal. */
export function peerIsEverywhere(peer: Maybe<string>): Maybe<boolean> {
  if (isUnknown(peer)) return peer;
  if (EVERYWHERE.has(peer.trim())) return true;
  const cidr = parseCidr(peer);
  return cidr !== undefined && isEveryAddress(cidr);
}

/** Whether an ingress rule admits a TCP port (protocol "all" admits every port, whatever the range says). */
export function ruleAdmitsTcpPort(rule: IngressRule, port: number): Maybe<boolean> {
  if (isUnknown(rule.protocol)) return rule.protocol;
  if (rule.protocol === 'all') return true;
  if (rule.protocol !== 'tcp') return false;
  if (isUnknown(rule.fromPort)) return rule.fromPort;
  if (isUnknown(rule.toPort)) return rule.toPort;
  return rule.fromPort <= port && port <= rule.toPort;
}

/** Whether an ingress rule admits every TCP port (protocol "all", or TCP 0–65535). */
export function ruleAdmitsEveryTcpPort(rule: IngressRule): boolean {
  if (rule.protocol === 'all') return true;
  return rule.protocol === 'tcp' && rule.fromPort === 0 && rule.toPort === 65535;
}

/**
 * What messages call an element: its id, unless the id is qualified by its file (`<file>#<logical id>`, as
 * the CloudFormation and Terraform adapters make them), then the input's own short name for it.
 */
export function nameOf(node: GraphNode): string {
  // --- host-side config files: a directory's stand-in machine is called by its label, "the machine of
  // <dir>/" (src/ingest/link-host-configs.ts), never by a path-bearing id.
  if (node.kind === 'instance' && node.standIn && node.label) return node.label;
  // --- names without paths (findings never show absolute paths or the scan root): an id carrying a path
  // (`<file>#<logical id>`, any `/` or `\\`) gives way to the label, else to the part after the last `#`.
  const id = node.id;
  if (!id.includes('#') && !id.includes('/') && !id.includes('\\')) return id;
  if (node.label) return node.label;
  const hash = id.lastIndexOf('#');
  return hash >= 0 ? id.slice(hash + 1) : id;
}

/** `nameOf` for an edge end that may not be in the graph (an edge to an id no input declares). */
export function nodeName(node: GraphNode | undefined, id: string): string {
  return node ? nameOf(node) : nameOf({ id } as GraphNode);
}

/** Shorten long lists of related locations: SARIF viewers show only so many. */
export const MAX_RELATED = 20;

/**
 * Whether a machine may run enclaves (`EnclaveOptions`): its own setting, else that of the launch template it
 * is started from (an instance and its launch template are one machine). Undefined when nothing says.
 */
export function enclaveSupport(graph: Graph, machine: InstanceNode): Maybe<boolean> | undefined {
  if (machine.enclaveEnabled !== undefined) return machine.enclaveEnabled;
  const template = machine.launchTemplate !== undefined ? graph.node(machine.launchTemplate) : undefined;
  return template?.kind === 'instance' ? template.enclaveEnabled : undefined;
}

/** The node whose line says whether a machine may run enclaves (itself, or its launch template). */
export function enclaveSupportSource(graph: Graph, machine: InstanceNode): InstanceNode {
  if (machine.enclaveEnabled !== undefined || machine.launchTemplate === undefined) return machine;
  const template = graph.node(machine.launchTemplate);
  return template?.kind === 'instance' ? template : machine;
}

/** A machine's enclave pool: its own, else that of the launch template its nodes start from (its user data's allocator). */
export function enclavePoolOf(graph: Graph, machine: InstanceNode): InstanceNode['enclavePool'] {
  if (machine.enclavePool || machine.launchTemplate === undefined) return machine.enclavePool;
  const template = graph.node(machine.launchTemplate);
  return template?.kind === 'instance' ? template.enclavePool : undefined;
}
