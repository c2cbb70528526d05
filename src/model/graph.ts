import type {
  EdgeKind,
  EdgeOfKind,
  GraphEdge,
  GraphNode,
  HostNode,
  NodeKind,
  NodeOfKind,
} from './nodes.js';

/**
 * The isolation graph: nodes by id and kind, edges indexed both ways. Immutable once built; rules only
 * read it. Queries that more than one rule needs live here, not in rules (STYLE.md §1).
 */
export class Graph {
  private readonly nodesById: Map<string, GraphNode>;
  private readonly nodesByKind = new Map<NodeKind, GraphNode[]>();
  private readonly outgoing = new Map<string, GraphEdge[]>();
  private readonly incoming = new Map<string, GraphEdge[]>();
  private readonly edgesByKind = new Map<EdgeKind, GraphEdge[]>();

  /** Nodes as a list, or already keyed by id (the assembler has that map; no need to build it twice). */
  constructor(nodes: Iterable<GraphNode> | Map<string, GraphNode>, edges: Iterable<GraphEdge>) {
    this.nodesById = nodes instanceof Map ? nodes : new Map([...nodes].map((node) => [node.id, node]));
    for (const node of this.nodesById.values()) push(this.nodesByKind, node.kind, node);
    for (const edge of edges) {
      push(this.outgoing, edge.from, edge);
      push(this.incoming, edge.to, edge);
      push(this.edgesByKind, edge.kind, edge);
    }
  }

  get size(): { nodes: number; edges: number } {
    let edges = 0;
    for (const list of this.edgesByKind.values()) edges += list.length;
    return { nodes: this.nodesById.size, edges };
  }

  node(id: string): GraphNode | undefined {
    return this.nodesById.get(id);
  }

  nodes<K extends NodeKind>(kind: K): readonly NodeOfKind<K>[] {
    return (this.nodesByKind.get(kind) ?? []) as NodeOfKind<K>[];
  }

  allNodes(): IterableIterator<GraphNode> {
    return this.nodesById.values();
  }

  edges<K extends EdgeKind>(kind: K): readonly EdgeOfKind<K>[] {
    return (this.edgesByKind.get(kind) ?? []) as EdgeOfKind<K>[];
  }

  /** Edges leaving a node, optionally of one kind. */
  out<K extends EdgeKind>(id: string, kind: K): EdgeOfKind<K>[];
  out(id: string): GraphEdge[];
  out(id: string, kind?: EdgeKind): GraphEdge[] {
    const list = this.outgoing.get(id) ?? [];
    return kind ? list.filter((edge) => edge.kind === kind) : list;
  }

  /** Edges arriving at a node, optionally of one kind. */
  in<K extends EdgeKind>(id: string, kind: K): EdgeOfKind<K>[];
  in(id: string): GraphEdge[];
  in(id: string, kind?: EdgeKind): GraphEdge[] {
    const list = this.incoming.get(id) ?? [];
    return kind ? list.filter((edge) => edge.kind === kind) : list;
  }

  /** What a node runs on directly (an enclave's parent instance, an instance's host). */
  runsOn(id: string): GraphNode | undefined {
    const edge = this.out(id, 'runsOn')[0];
    return edge ? this.node(edge.to) : undefined;
  }

  /** What runs directly on a node. */
  runningOn(id: string): GraphNode[] {
    return this.in(id, 'runsOn')
      .map((edge) => this.node(edge.from))
      .filter((node): node is GraphNode => node !== undefined);
  }

  /** Everything that runs on a node at any depth (guests, their enclaves, nested platforms' guests). */
  runningOnTransitively(id: string): GraphNode[] {
    const found: GraphNode[] = [];
    const seen = new Set<string>([id]);
    const queue = [id];
    for (let head = 0; head < queue.length; head++) {
      const current = queue[head]!;
      for (const node of this.runningOn(current)) {
        if (seen.has(node.id)) continue;
        seen.add(node.id);
        found.push(node);
        queue.push(node.id);
      }
    }
    return found;
  }

  /** The host at the bottom of a node's runsOn chain, if any. */
  hostOf(id: string): HostNode | undefined {
    const seen = new Set<string>();
    let current = this.node(id);
    while (current && !seen.has(current.id)) {
      if (current.kind === 'host') return current;
      seen.add(current.id);
      current = this.runsOn(current.id);
    }
    return undefined;
  }

  /** Nodes attached to a node (its volumes, NICs, security groups), optionally of one kind. */
  attachedTo<K extends NodeKind>(id: string, kind?: K): NodeOfKind<K>[] {
    return this.in(id, 'attaches')
      .map((edge) => this.node(edge.from))
      .filter((node): node is NodeOfKind<K> => node !== undefined && (!kind || node.kind === kind));
  }

  /** What a node is attached to (the instances a volume is attached to, the network of a NIC). */
  attachmentsOf(id: string): GraphNode[] {
    return this.out(id, 'attaches')
      .map((edge) => this.node(edge.to))
      .filter((node): node is GraphNode => node !== undefined);
  }

  /** Channels with this node at either end. */
  channelsOf(id: string): EdgeOfKind<'channel'>[] {
    return [...this.out(id, 'channel'), ...this.in(id, 'channel')];
  }

  /**
   * Breadth-first path search over the edges a caller allows, following edges in their direction
   * (or both ways when `undirected`). Returns the edges of the shortest path, or undefined.
   * Answers questions such as "does any channel lead from tenant A's guest to tenant B's volume?".
   */
  path(
    from: string,
    to: (node: GraphNode) => boolean,
    follow: (edge: GraphEdge) => boolean,
    undirected = false,
  ): GraphEdge[] | undefined {
    const previous = new Map<string, GraphEdge | null>([[from, null]]);
    const queue = [from];
    for (let head = 0; head < queue.length; head++) {
      const current = queue[head]!;
      const node = this.node(current);
      if (current !== from && node && to(node)) return this.walkBack(previous, current, from);
      const candidates = undirected ? [...this.out(current), ...this.in(current)] : this.out(current);
      for (const edge of candidates) {
        if (!follow(edge)) continue;
        const next = edge.from === current ? edge.to : edge.from;
        if (previous.has(next)) continue;
        previous.set(next, edge);
        queue.push(next);
      }
    }
    return undefined;
  }

  private walkBack(previous: Map<string, GraphEdge | null>, target: string, from: string): GraphEdge[] {
    const path: GraphEdge[] = [];
    let current = target;
    while (current !== from) {
      const edge = previous.get(current);
      if (!edge) break;
      path.unshift(edge);
      current = edge.from === current ? edge.to : edge.from;
    }
    return path;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
