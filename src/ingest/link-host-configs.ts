import { basename, dirname } from 'node:path';
import { directoryOf, directoryOfMachineId } from '../model/host-placement.js';
import type { GraphEdge, GraphNode, ImageNode, InstanceNode } from '../model/nodes.js';
import { NO_SPANS, NO_SUPPRESSIONS } from '../model/nodes.js';
import type { SourceSpan } from '../model/source.js';
import { isUnknown, unknown } from '../model/unknown.js';
import type { LinkDraft, Linker } from './linker.js';

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
 *      `enclaveEnabled: true`, an allocator pool or enclaves), it is taken only when linking cannot change
 *      what another input declared: the parent declares no enclave pool and no enclaves of its own, no
 *      files beside it configure it, and no other directory's files would be guessed onto it too. A guess
 *      that would override a pool, or add enclaves to a parent that has its own, is a conflict: the files
 *      get a stand-in (3) whose reason says so, and rules report it as a note.
 *   3. Otherwise a stand-in instance with id `host-directory:<dir>`, named "the machine of <dir>/" (the
 *      directory relative to the scan root; outside it, its last segment: never an absolute path in a
 *      message), whose vCPUs and memory are unknown, with the reason (none found, which candidates made it
 *      ambiguous, or the conflict): rules report notes at the enclave's and allocator.yaml's lines, never
 *      guesses.
 * There is no explicit link from a file to a machine declared elsewhere: put the files beside the manifest
 * or template that declares their machine.
 * Expected-PCR files are merged into the EIF they describe (by name beside it, or the one image of their
 * directory); one that describes nothing in the scan stays apart and enclave-image-pcrs notes it.
 */
export const hostConfigLinker: Linker = {
  name: 'host-configs',
  link: linkHostConfigs,
};

function linkHostConfigs(draft: LinkDraft): void {
  const nodes = draft.nodes;
  const problems = {
    push: ({ message, source }: { message: string; source: SourceSpan }) => draft.problem(message, source),
  };
  const directories = new Map<string, { nitro: boolean; source: SourceSpan }>();
  // Directories of Kubernetes workloads that request enclaves: their machine is the scan's EKS node group.
  const kubernetes = new Set<string>();
  // Parents whose enclaves another input declares (a host manifest's `enclaves:`), not a directory's run configs.
  const enclaveParents = new Set<string>();
  const note = (directory: string, nitro: boolean, source: SourceSpan) => {
    const known = directories.get(directory);
    if (known) known.nitro ||= nitro;
    else directories.set(directory, { nitro, source });
  };
  // The edges with an end on a directory's machine: the only ones `rewrite` changes (every edge of the scan
  // passes through it; reading each id's text once, here, is enough).
  const directoryEdges = new Set<GraphEdge>();
  for (const edge of draft.edges) {
    // Every edge of the scan passes here: look a node up only for the edges that need one.
    const toDirectory = directoryOfMachineId(edge.to);
    const directory = toDirectory ?? directoryOfMachineId(edge.from);
    if (directory === undefined) {
      if (edge.kind === 'runsOn' && nodes.get(edge.from)?.kind === 'enclave') enclaveParents.add(edge.to);
      continue;
    }
    const other = nodes.get(toDirectory !== undefined ? edge.from : edge.to);
    const nitro = other?.kind === 'enclave' || (edge.kind === 'channel' && edge.relays === 'vsock-proxy');
    if (other?.kind === 'enclave' && other.pod) kubernetes.add(directory);
    note(directory, nitro, edge.source);
    directoryEdges.add(edge);
  }
  const pools = new Map<string, InstanceNode>();
  // The Nitro Enclaves device plugin's DaemonSet (src/ingest/kubernetes-enclaves.ts): settings of the nodes it runs on.
  const plugins = new Map<string, InstanceNode>();
  for (const node of nodes.values()) {
    if (node.kind !== 'instance' || !node.placement?.placeholder) continue;
    const directory = node.placement.directory;
    note(directory, true, node.source);
    if (node.enclaveDevicePlugin && !node.enclavePool) {
      kubernetes.add(directory);
      if (!plugins.has(directory)) plugins.set(directory, node);
      continue;
    }
    if (pools.has(directory)) {
      problems.push({
        message: `a second allocator.yaml in ${readableDirectory(directory)} (the first is ${readableFile(pools.get(directory)!.source.file)}); one parent has one pool`,
        source: node.source,
      });
    } else {
      pools.set(directory, node);
    }
  }

  // First the directories whose machine is declared beside them; then the scan-wide guesses, which must
  // not land on a machine those directories (or another guess) already configure.
  const machines = new Map<string, string>();
  const reasons = new Map<string, string>();
  const guesses = new Map<string, GraphNode>();
  const candidates = directories.size > 0 ? machineCandidates(nodes, enclaveParents) : undefined;
  for (const [directory, { nitro }] of directories) {
    const chosen = chooseMachine(candidates!, directory, nitro, kubernetes.has(directory));
    if ('machine' in chosen) machines.set(directory, chosen.machine);
    else if ('guess' in chosen) guesses.set(directory, chosen.guess);
    else reasons.set(directory, chosen.reason);
  }
  const configuredBeside = new Map([...machines].map(([directory, machine]) => [machine, directory]));
  for (const [directory, guess] of guesses) {
    const conflict = guessConflict(guess, directory, guesses, configuredBeside, enclaveParents);
    if (conflict === undefined) machines.set(directory, guess.id);
    else reasons.set(directory, conflict);
  }
  for (const [directory, reason] of reasons) {
    const id = `host-directory:${directory}`;
    const stand: InstanceNode = {
      kind: 'instance',
      id,
      label: `the machine of ${readableDirectory(directory)}`,
      standIn: { directory },
      vcpus: unknown(reason),
      memoryMiB: unknown(reason),
      // Rules place their notes on the files' own lines (the enclave's cpu_count, allocator.yaml's keys).
      source: directories.get(directory)!.source,
      at: NO_SPANS,
      suppressions: NO_SUPPRESSIONS,
    };
    nodes.set(id, stand);
    machines.set(directory, id);
  }
  for (const [directory, pool] of pools) {
    nodes.delete(pool.id);
    const machineId = machines.get(directory)!;
    const machine = nodes.get(machineId) as InstanceNode;
    if (machine.enclavePool && pool.enclavePool) {
      // The parent's own input declares a pool too: two answers to one question. allocator.yaml is what
      // the allocator service reads, so it is kept, and the conflict is reported rather than resolved silently.
      const declared = machine.enclavePool.source;
      problems.push({
        message: `the enclave pool of '${machine.label ?? machine.id}' is declared twice: here and at ${declared.file}:${declared.startLine}; keep one (this allocator.yaml is what the allocator service reads)`,
        source: pool.enclavePool.source,
      });
    }
    nodes.set(machineId, { ...machine, enclavePool: pool.enclavePool });
  }
  for (const [directory, plugin] of plugins) {
    nodes.delete(plugin.id);
    const machineId = machines.get(directory)!;
    const machine = nodes.get(machineId) as InstanceNode;
    nodes.set(machineId, { ...machine, enclaveDevicePlugin: plugin.enclaveDevicePlugin });
  }
  mergeExpectedPcrs(nodes);

  // The edges to a directory's machine now go to the machine chosen for it.
  if (directoryEdges.size === 0) return;
  const edges = draft.edges;
  for (let i = 0; i < edges.length; i++) {
    const edge = edges[i];
    if (!directoryEdges.has(edge)) continue;
    const from = directoryOfMachineId(edge.from);
    const to = directoryOfMachineId(edge.to);
    const mapped = { ...edge } as GraphEdge & { initiator?: string };
    if (from !== undefined) mapped.from = machines.get(from) ?? edge.from;
    if (to !== undefined) mapped.to = machines.get(to) ?? edge.to;
    if (mapped.kind === 'channel' && directoryOfMachineId(mapped.initiator) !== undefined) {
      mapped.initiator = machines.get(directoryOfMachineId(mapped.initiator)!) ?? mapped.initiator;
    }
    edges[i] = mapped;
  }
}

/** A directory as messages show it: relative to the scan root, or only its last segment when outside it. */
export function readableDirectory(directory: string): string {
  if (directory === '.' || directory === '') return './';
  return `${readableFile(directory)}/`;
}

/** Display paths outside the scan root are absolute: messages show only the last segment. */
function readableFile(file: string): string {
  return /^(?:[A-Za-z]:)?\//.test(file) ? `…/${basename(file)}` : file;
}

function describeNodes(list: GraphNode[]): string {
  return (
    list
      .slice(0, 5)
      .map((n) => `'${n.label ?? n.id}' (${readableFile(n.source.file)}:${n.source.startLine})`)
      .join(', ') + (list.length > 5 ? ', …' : '')
  );
}

type Choice = { machine: string } | { guess: GraphNode } | { reason: string };

/** The machines config files may sit on, each with its directory: read once, whatever the number of directories. */
interface MachineCandidates {
  /** Instances that may be a parent (not a microVM, not a pool placeholder, enclaves not disabled) and hosts, by directory, in input order. */
  byDirectory: Map<string, GraphNode[]>;
  /** Instances with enclaves turned off, by directory: the machine of files beside them when nothing else is (rules then say nitro-cli fails). */
  disabledByDirectory: Map<string, GraphNode[]>;
  /** The EKS managed node groups of the scan, where Kubernetes workloads run. */
  nodeGroups: GraphNode[];
  /** Of those instances, the enclave parents (enclave support, a pool, or enclaves), in input order. */
  enclaveParents: Array<{ node: GraphNode; directory: string }>;
}

function machineCandidates(nodes: Map<string, GraphNode>, enclaveParents: Set<string>): MachineCandidates {
  const byDirectory = new Map<string, GraphNode[]>();
  const disabledByDirectory = new Map<string, GraphNode[]>();
  const parents: MachineCandidates['enclaveParents'] = [];
  const nodeGroups: GraphNode[] = [];
  // An instance started from a launch template and that template are one machine: the instance stands for both.
  const templatesInUse = new Set<string>();
  for (const node of nodes.values())
    if (node.kind === 'instance' && node.launchTemplate) templatesInUse.add(node.launchTemplate);
  for (const node of nodes.values()) {
    if (templatesInUse.has(node.id)) continue;
    if (node.kind === 'instance' && node.awsKind === 'eks-node-group') nodeGroups.push(node);
    const enclaveEnabled =
      node.kind === 'instance' && node.enclaveEnabled === undefined && node.launchTemplate
        ? (nodes.get(node.launchTemplate) as InstanceNode | undefined)?.enclaveEnabled
        : node.kind === 'instance'
          ? node.enclaveEnabled
          : undefined;
    if (node.kind === 'instance' && !node.microvm && !node.placement && enclaveEnabled === false) {
      const directory = directoryOf(node.source.file);
      const list = disabledByDirectory.get(directory);
      if (list) list.push(node);
      else disabledByDirectory.set(directory, [node]);
    }
    const instance = node.kind === 'instance' && !node.microvm && !node.placement && enclaveEnabled !== false;
    if (!instance && node.kind !== 'host') continue;
    const directory = directoryOf(node.source.file);
    const list = byDirectory.get(directory);
    if (list) list.push(node);
    else byDirectory.set(directory, [node]);
    if (
      instance &&
      node.kind === 'instance' &&
      ((!isUnknown(enclaveEnabled) && enclaveEnabled === true) ||
        node.enclavePool !== undefined ||
        enclaveParents.has(node.id))
    ) {
      parents.push({ node, directory });
    }
  }
  return { byDirectory, disabledByDirectory, nodeGroups, enclaveParents: parents };
}

function chooseMachine(candidates: MachineCandidates, directory: string, nitro: boolean, pods = false): Choice {
  // Beside the files: instances, and hosts too for a directory of Firecracker configs only.
  const local = (candidates.byDirectory.get(directory) ?? []).filter((node) => node.kind === 'instance' || !nitro);
  const here = readableDirectory(directory);
  if (local.length === 1) return { machine: local[0].id };
  const disabled = nitro && local.length === 0 ? (candidates.disabledByDirectory.get(directory) ?? []) : [];
  if (disabled.length === 1) return { machine: disabled[0].id };
  if (local.length > 1) {
    return {
      reason: `the files in ${here} could belong to any of ${local.length} machines declared beside them: ${describeNodes(local)}`,
    };
  }
  const global = nitro
    ? candidates.enclaveParents.filter((parent) => parent.directory !== directory).map((parent) => parent.node)
    : [];
  // Pods run on the node group's nodes, whatever its launch template says of enclaves (rules then say so).
  const nodeGroups = pods ? candidates.nodeGroups : [];
  if (pods && nodeGroups.length === 1) return { guess: nodeGroups[0] };
  if (global.length === 1) return { guess: global[0] };
  if (global.length > 1) {
    return {
      reason: `the files in ${here} could belong to any of ${global.length} enclave-enabled instances in the scan: ${describeNodes(global)}; put them beside the one they configure`,
    };
  }
  return {
    reason: `the machine the files in ${here} sit on is not in the scan (add a host manifest, or the CloudFormation/Terraform instance, beside them)`,
  };
}

/**
 * Why the scan's only enclave parent may not be taken for a directory's machine: linking must not change
 * what another input declared (its pool, its enclaves) nor merge two directories' files on a guess.
 */
function guessConflict(
  guess: GraphNode,
  directory: string,
  guesses: Map<string, GraphNode>,
  configuredBeside: Map<string, string>,
  enclaveParents: Set<string>,
): string | undefined {
  const only = `the only enclave parent in the scan, ${describeNodes([guess])}, is declared in another directory`;
  const fix = `put the files in ${readableDirectory(directory)} beside the manifest or template of the machine they configure`;
  if (guess.kind === 'instance' && guess.enclavePool !== undefined) {
    return `${only} with its own enclave pool, which these files would replace; ${fix}`;
  }
  if (enclaveParents.has(guess.id)) return `${only} with enclaves of its own, which these files would add to; ${fix}`;
  const beside = configuredBeside.get(guess.id);
  if (beside !== undefined) return `${only} and the files in ${readableDirectory(beside)} configure it; ${fix}`;
  const others = [...guesses]
    .filter(([other, node]) => other !== directory && node.id === guess.id)
    .map(([other]) => readableDirectory(other));
  if (others.length > 0) return `${only} and the files in ${others.join(', ')} would be put on it too; ${fix}`;
  return undefined;
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
      (image) =>
        dirname(image.path as string) === directory ||
        directoryOf(image.source.file) === directoryOf(expected.source.file),
    );
    let targets = eifPath
      ? images.filter(
          (image) =>
            image.path === eifPath || (here.includes(image) && basename(image.path as string) === basename(eifPath)),
        )
      : [];
    if (!eifPath && new Set(here.map((image) => image.path)).size === 1) targets = here;
    if (targets.length === 0) continue;
    nodes.delete(expected.id);
    for (const target of targets) {
      const current = nodes.get(target.id) as ImageNode;
      nodes.set(target.id, { ...current, expectedPcrs: { ...current.expectedPcrs, ...expected.expectedPcrs } });
    }
  }
}
