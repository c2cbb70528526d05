import { InputError } from '../errors.js';
import type { EdgeKind, GraphEdge, GraphFragment, GraphNode } from '../model/nodes.js';
import { NO_SPANS, NO_SUPPRESSIONS } from '../model/nodes.js';
import type { SourceSpan } from '../model/source.js';

/**
 * Collects the nodes and edges one input declares; an id declared twice in one input is an input error
 * at the second declaration (across inputs, the assembler reports it).
 */
export class FragmentBuilder {
  readonly nodes: GraphNode[] = [];
  readonly edges: GraphEdge[] = [];
  protected readonly ids = new Map<string, GraphNode>();

  /** How an error names a node: `id "x"` by default, `resource "Web"` for templates. */
  constructor(private readonly describe: (node: GraphNode) => string = (node) => `id "${node.id}"`) {}

  add<N extends GraphNode>(node: N): N {
    const earlier = this.ids.get(node.id);
    if (earlier) {
      throw new InputError(`duplicate ${this.describe(node)} (first declared on line ${earlier.source.startLine})`, {
        file: node.source.file,
        line: node.source.startLine,
        column: node.source.startColumn,
      });
    }
    this.ids.set(node.id, node);
    this.nodes.push(node);
    return node;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** A node this input declared, by id. */
  node(id: string): GraphNode | undefined {
    return this.ids.get(id);
  }

  /** An edge with no properties of its own (runsOn, attaches, manages, uses, controls). */
  edge(kind: Exclude<EdgeKind, 'access' | 'channel'>, from: string, to: string, source: SourceSpan): void {
    this.edges.push({ kind, from, to, source, at: NO_SPANS, suppressions: NO_SUPPRESSIONS });
  }

  fragment(): GraphFragment {
    return { nodes: this.nodes, edges: this.edges, byId: this.ids };
  }
}
