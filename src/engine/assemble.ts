import type { GraphEdge, GraphFragment, GraphNode } from '../model/nodes.js';
import { Graph } from '../model/graph.js';
import type { InstanceTypeSpec } from '../model/ec2-instance-types.js';
import type { SourceSpan } from '../model/source.js';
import type { LinkDraft, Linker, LinkOptions } from '../ingest/linker.js';

export interface AssemblyProblem {
  message: string;
  source?: SourceSpan;
}

export interface AssembleOptions {
  /** The link-and-enrich stage, in order (src/ingest/linker.ts). */
  linkers?: readonly Linker[];
  /** `.isolint.yaml` `policies:`: standalone key policy files → the key they are put on. */
  keyPolicies?: Readonly<Record<string, string>>;
  /** Measure the enclave images the inputs name (default true). */
  measureImages?: boolean;
  /** `--instance-types FILE`: describe-instance-types facts that extend or correct the built-in table. */
  instanceTypes?: ReadonlyMap<string, InstanceTypeSpec>;
}

/**
 * Builds the graph of a scan (docs/architecture.md, "The pipeline"): merges the fragments of every input,
 * runs the link-and-enrich stage, resolves every edge, then freezes the graph. An id declared twice or a
 * reference to nothing is a problem at the offending line, and the element is left out so everything else
 * is still checked. The fragments are handed over: the first one's id map becomes the graph's.
 */
export async function buildGraph(
  fragments: GraphFragment[],
  options: AssembleOptions = {},
): Promise<{ graph: Graph; problems: AssemblyProblem[] }> {
  const { draft, problems } = draftOf(fragments);
  const linkOptions = linkOptionsOf(options);
  for (const linker of options.linkers ?? []) {
    try {
      await linker.link(draft, linkOptions);
    } catch (error) {
      problems.push(linkerFailed(linker, error));
    }
  }
  return { graph: resolve(draft, problems), problems };
}

/** `buildGraph` for linkers that finish at once (tests, benches): one that returns a promise is refused. */
export function assembleGraph(
  fragments: GraphFragment[],
  options: AssembleOptions = {},
): { graph: Graph; problems: AssemblyProblem[] } {
  const { draft, problems } = draftOf(fragments);
  const linkOptions = linkOptionsOf(options);
  for (const linker of options.linkers ?? []) {
    try {
      if (linker.link(draft, linkOptions) instanceof Promise)
        throw new Error('it works asynchronously: build the graph with buildGraph');
    } catch (error) {
      problems.push(linkerFailed(linker, error));
    }
  }
  return { graph: resolve(draft, problems), problems };
}

function linkOptionsOf(options: AssembleOptions): LinkOptions {
  return {
    keyPolicies: options.keyPolicies ?? {},
    measureImages: options.measureImages !== false,
    ...(options.instanceTypes ? { instanceTypes: options.instanceTypes } : {}),
  };
}

function linkerFailed(linker: Linker, error: unknown): AssemblyProblem {
  return { message: `linker ${linker.name} failed: ${error instanceof Error ? error.message : String(error)}` };
}

/** Every input's nodes by id (duplicates refused) and edges in input order: what the linkers work on. */
function draftOf(fragments: GraphFragment[]): { draft: LinkDraft; problems: AssemblyProblem[] } {
  const problems: AssemblyProblem[] = [];
  // The first input's own id map, when it has one, is taken over rather than rebuilt: an adapter hands its
  // fragment over with `load` and never reads it again (GraphFragment.byId).
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
  let edges: GraphEdge[];
  if (fragments.length === 1) edges = fragments[0].edges.slice();
  else {
    edges = [];
    for (const fragment of fragments) for (const edge of fragment.edges) edges.push(edge);
  }
  const draft: LinkDraft = {
    nodes,
    edges,
    problem: (message, source) => problems.push({ message, source }),
  };
  return { draft, problems };
}

/** After the last linker: every edge must end on declared nodes; the graph is built and frozen. */
function resolve(draft: LinkDraft, problems: AssemblyProblem[]): Graph {
  const nodes = draft.nodes;
  const edges: GraphEdge[] = [];
  for (const edge of draft.edges) {
    const missing = !nodes.has(edge.from) ? edge.from : !nodes.has(edge.to) ? edge.to : undefined;
    if (missing !== undefined) {
      if (edge.weak) continue;
      problems.push({ message: `"${missing}" is not declared in any input`, source: edge.source });
      continue;
    }
    edges.push(edge);
  }
  return new Graph(nodes, edges).freeze();
}
