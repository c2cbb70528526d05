import type { GraphEdge, GraphFragment, GraphNode } from '../model/nodes.js';
import { Graph } from '../model/graph.js';
import { instanceTypeSpec, type InstanceTypeSpec } from '../model/ec2-instance-types.js';
import type { SourceSpan } from '../model/source.js';
import { linkHostConfigs } from './link-host-configs.js';
import { linkRuntimeClasses } from './link-runtime-classes.js';
import { linkKeyPolicies } from './link-key-policies.js';

export interface AssemblyProblem {
  message: string;
  source: SourceSpan;
}

/**
 * Merges the fragments of every input into one graph. Cross-file references resolve here; an id
 * declared twice or a reference to nothing is a problem at the offending line, and the element is
 * left out so everything else is still checked.
 */
export function assembleGraph(
  fragments: GraphFragment[],
  options: {
    /** `.isolint.yaml` `policies:`: standalone key policy files → the key they are put on. */
    keyPolicies?: Readonly<Record<string, string>>;
    /** `--instance-types FILE`: describe-instance-types facts that extend or correct the built-in table. */
    instanceTypes?: ReadonlyMap<string, InstanceTypeSpec>;
  } = {},
): { graph: Graph; problems: AssemblyProblem[] } {
  const problems: AssemblyProblem[] = [];
  // The first input's own id map, when it has one, is taken over rather than rebuilt.
  const first = fragments.find((fragment) => fragment.nodes.length > 0);
  const takeOver = first?.byId !== undefined && first.byId.size === first.nodes.length;
  const nodes = takeOver ? first.byId! : new Map<string, GraphNode>();
  for (const fragment of fragments) {
    if (takeOver && fragment === first) continue;
    for (const node of fragment.nodes) {
      const earlier = nodes.get(node.id);
      if (earlier) {
        // Built-in nodes (the `network` principal) may be declared by every input that needs them.
        if (earlier.shared && node.shared && earlier.kind === node.kind) continue;
        problems.push({
          message: `duplicate id "${node.id}" (also declared at ${earlier.source.file}:${earlier.source.startLine})`,
          source: node.source,
        });
        continue;
      }
      nodes.set(node.id, node);
    }
  }
  // --- instance types: the facts of each instance's type, from --instance-types first, then the built-in table.
  // An instance started from a launch template without a type of its own runs the template's (one machine).
  for (const node of [...nodes.values()]) {
    if (node.kind !== 'instance') continue;
    let typed = node;
    const template = node.launchTemplate !== undefined ? nodes.get(node.launchTemplate) : undefined;
    if (node.instanceType === undefined && template?.kind === 'instance' && template.instanceType !== undefined) {
      typed = { ...node, instanceType: template.instanceType };
      if (template.at.instanceType) typed.at = { ...node.at, instanceType: template.at.instanceType };
    }
    const facts =
      typeof typed.instanceType === 'string' ? instanceTypeSpec(typed.instanceType, options.instanceTypes) : undefined;
    if (facts) typed = { ...typed, instanceTypeFacts: facts };
    if (typed !== node) nodes.set(node.id, typed);
  }
  // Host-side config files (run configs, allocator.yaml, vsock-proxy, Firecracker) find their machine here.
  const linked = linkHostConfigs(nodes, fragments);
  for (const problem of linked.problems) problems.push(problem);
  // Standalone key policy files find their key and roles here (src/ingest/policy-file.ts).
  const policies = linkKeyPolicies(nodes, options.keyPolicies);
  for (const problem of policies.problems) problems.push(problem);
  const edges: GraphEdge[] = [...policies.edges];
  for (const fragment of fragments) {
    for (const original of fragment.edges) {
      const edge = linked.rewrite(original);
      const missing = !nodes.has(edge.from) ? edge.from : !nodes.has(edge.to) ? edge.to : undefined;
      if (missing !== undefined) {
        if (edge.weak) continue;
        problems.push({ message: `"${missing}" is not declared in any input`, source: edge.source });
        continue;
      }
      edges.push(edge);
    }
  }
  // --- Kata RuntimeClass link (https://kubernetes.io/docs/concepts/containers/runtime-class/): a class's pods run on the sandbox its handler selects.
  for (const edge of linkRuntimeClasses(nodes)) edges.push(edge);
  return { graph: new Graph(nodes, edges), problems };
}
