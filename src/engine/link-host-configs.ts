import { basename, dirname } from 'node:path';
import { directoryOf, directoryOfMachineId } from '../model/host-placement.js';
import type { GraphEdge, GraphFragment, GraphNode, ImageNode, InstanceNode } from '../model/nodes.js';
import { NO_SPANS, NO_SUPPRESSIONS } from '../model/nodes.js';
import type { SourceSpan } from '../model/source.js';
import { isUnknown, unknown } from '../model/unknown.js';
import type { AssemblyProblem } from './assemble.js';

/**
 * Links host-side config files to the machine they sit on, after every input is read (so it works whatever
 * adapter declared the machine: a host manifest, CloudFormation, Terraform).
 *
 * The rule (documented in docs and the report): nitro-cli run configs, allocator.yaml, vsock-proxy.yaml and
 * Firecracker configs in one directory belong to one machine, all their enclaves running at once.
 *   1. If the files beside them (same directory) declare exactly one candidate — an instance not marked
 *      `enclaveEnabled: false` (or, for a directory holding only Firecracker configs, a host or an
 *      instance) — that is the machine.
 *   2. Otherwise, for Nitro files, if the whole scan has exactly one enclave parent (an instance with
 *      `enclaveEnabled: true`, an allocator pool or enclaves), that is the machine.
 *   3. Otherwise a stand-in instance with id `host-directory:<dir>` whose vCPUs and memory are unknown,
 *      with the reason (none found, or which candidates made it ambiguous): rules report notes, never guesses.
 * Expected-PCR files are merged into the EIF they describe (by name beside it, or the one image of their
 * directory); one that describes nothing in the scan stays apart and enclave-image-pcrs notes it.
 */
export interface LinkResult {
  rewrite(edge: GraphEdge): GraphEdge;
  problems: AssemblyProblem[];
}

export function linkHostConfigs(nodes: Map<string, GraphNode>, fragments: GraphFragment[]): LinkResult {
  const problems: AssemblyProblem[] = [];
  const directories = new Map<string, { nitro: boolean; source: SourceSpan }>();
  const enclaveParents = new Set<string>();
  const note = (directory: string, nitro: boolean, source: SourceSpan) => {
    const known = directories.get(directory);
    if (known) known.nitro ||= nitro;
    else directories.set(directory, { nitro, source });
  };
  for (const fragment of fragments) {
    for (const edge of fragment.edges) {
      const directory = directoryOfMachineId(edge.to) ?? directoryOfMachineId(edge.from);
      const other = nodes.get(directoryOfMachineId(edge.to) !== undefined ? edge.from : edge.to);
      if (edge.kind === 'runsOn' && other?.kind === 'enclave' && directory === undefined) enclaveParents.add(edge.to);
      if (directory === undefined) continue;
      const nitro = other?.kind === 'enclave' || (edge.kind === 'channel' && edge.relays === 'vsock-proxy');
      note(directory, nitro, edge.source);
    }
  }
  const pools = new Map<string, InstanceNode>();
  for (const node of nodes.values()) {
    if (node.kind !== 'instance' || !node.placement?.placeholder) continue;
    const directory = node.placement.directory;
    note(directory, true, node.source);
    if (pools.has(directory)) {
      problems.push({ message: `a second allocator.yaml in ${directory} (the first is ${pools.get(directory)!.source.file}); one parent has one pool`, source: node.source });
    } else {
      pools.set(directory, node);
    }
  }

  const machines = new Map<string, string>();
  for (const [directory, { nitro, source }] of directories) {
    const chosen = chooseMachine(nodes, directory, nitro, enclaveParents);
    if (typeof chosen === 'string') {
      machines.set(directory, chosen);
    } else {
      const id = `host-directory:${directory}`;
      const stand: InstanceNode = {
        kind: 'instance',
        id,
        label: `the machine of ${directory}/`,
        vcpus: unknown(chosen.reason),
        memoryMiB: unknown(chosen.reason),
        source,
        at: NO_SPANS,
        suppressions: NO_SUPPRESSIONS,
      };
      nodes.set(id, stand);
      machines.set(directory, id);
    }
  }
  for (const [directory, pool] of pools) {
    nodes.delete(pool.id);
    const machineId = machines.get(directory)!;
    const machine = nodes.get(machineId) as InstanceNode;
    nodes.set(machineId, { ...machine, enclavePool: pool.enclavePool });
  }
  mergeExpectedPcrs(nodes);

  return {
    problems,
    rewrite(edge) {
      const from = directoryOfMachineId(edge.from);
      const to = directoryOfMachineId(edge.to);
      if (from === undefined && to === undefined) return edge;
      const mapped = { ...edge } as GraphEdge & { initiator?: string };
      if (from !== undefined) mapped.from = machines.get(from) ?? edge.from;
      if (to !== undefined) mapped.to = machines.get(to) ?? edge.to;
      if (mapped.kind === 'channel' && directoryOfMachineId(mapped.initiator!) !== undefined) {
        mapped.initiator = machines.get(directoryOfMachineId(mapped.initiator!)!) ?? mapped.initiator;
      }
      return mapped;
    },
  };
}

function chooseMachine(
  nodes: Map<string, GraphNode>,
  directory: string,
  nitro: boolean,
  enclaveParents: Set<string>,
): string | { reason: string } {
  const eligible = (node: GraphNode): boolean =>
    (node.kind === 'instance' && !node.microvm && !node.placement && node.enclaveEnabled !== false) ||
    (!nitro && node.kind === 'host');
  const local: GraphNode[] = [];
  const global: GraphNode[] = [];
  for (const node of nodes.values()) {
    if (!eligible(node)) continue;
    if (directoryOf(node.source.file) === directory) local.push(node);
    else if (
      nitro &&
      node.kind === 'instance' &&
      ((!isUnknown(node.enclaveEnabled) && node.enclaveEnabled === true) || node.enclavePool !== undefined || enclaveParents.has(node.id))
    ) {
      global.push(node);
    }
  }
  if (local.length === 1) return local[0]!.id;
  const describe = (list: GraphNode[]) =>
    list.slice(0, 5).map((n) => `'${n.label ?? n.id}' (${n.source.file}:${n.source.startLine})`).join(', ') + (list.length > 5 ? ', …' : '');
  if (local.length > 1) {
    return { reason: `the files in ${directory}/ could belong to any of ${local.length} machines declared beside them: ${describe(local)}` };
  }
  if (global.length === 1) return global[0]!.id;
  if (global.length > 1) {
    return { reason: `the files in ${directory}/ could belong to any of ${global.length} enclave-enabled instances in the scan: ${describe(global)}; put them beside the one they configure` };
  }
  return {
    reason: `the machine the files in ${directory}/ sit on is not in the scan (add a host manifest, or the CloudFormation/Terraform instance, beside them)`,
  };
}

function mergeExpectedPcrs(nodes: Map<string, GraphNode>): void {
  const images: ImageNode[] = [];
  const expectations: ImageNode[] = [];
  for (const node of nodes.values()) {
    if (node.kind !== 'image') continue;
    if (node.expectedFor) expectations.push(node);
    else if (!isUnknown(node.path)) images.push(node);
  }
  for (const expected of expectations) {
    const { eifPath, directory } = expected.expectedFor!;
    // Images beside the file, or declared by a file beside it (a run config whose eif_path points elsewhere).
    const here = images.filter(
      (image) => dirname(image.path as string) === directory || directoryOf(image.source.file) === directoryOf(expected.source.file),
    );
    let targets = eifPath ? images.filter((image) => image.path === eifPath || (here.includes(image) && basename(image.path as string) === basename(eifPath))) : [];
    if (!eifPath && new Set(here.map((image) => image.path)).size === 1) targets = here;
    if (targets.length === 0) continue;
    nodes.delete(expected.id);
    for (const target of targets) {
      const current = nodes.get(target.id) as ImageNode;
      nodes.set(target.id, { ...current, expectedPcrs: { ...current.expectedPcrs, ...expected.expectedPcrs } });
    }
  }
}
