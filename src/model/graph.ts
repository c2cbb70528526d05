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
/** A node's edges, both ways, each direction grouped by kind: queries neither filter nor allocate. */
interface Adjacency {
  out: GraphEdge[];
  in: GraphEdge[];
  outByKind: Partial<Record<EdgeKind, GraphEdge[]>>;
  inByKind: Partial<Record<EdgeKind, GraphEdge[]>>;
}

const NO_EDGES: GraphEdge[] = [];

/** runsOn chains deeper than this are cycles: a real stack is host, platform, guest, enclave… */
export const MAX_RUNS_ON_DEPTH = 64;

export class Graph {
  private readonly nodesById: Map<string, GraphNode>;
  private readonly nodesByKind = new Map<NodeKind, GraphNode[]>();
  private readonly adjacency = new Map<string, Adjacency>();
  private readonly edgesByKind = new Map<EdgeKind, GraphEdge[]>();

  /** Nodes as a list, or already keyed by id (the assembler has that map; no need to build it twice). */
  constructor(nodes: Iterable<GraphNode> | Map<string, GraphNode>, edges: Iterable<GraphEdge>) {
    this.nodesById = nodes instanceof Map ? nodes : new Map([...nodes].map((node) => [node.id, node]));
    for (const node of this.nodesById.values()) push(this.nodesByKind, node.kind, node);
    for (const edge of edges) {
      const from = this.adjacencyOf(edge.from);
      from.out.push(edge);
      (from.outByKind[edge.kind] ??= []).push(edge);
      const to = this.adjacencyOf(edge.to);
      to.in.push(edge);
      (to.inByKind[edge.kind] ??= []).push(edge);
      push(this.edgesByKind, edge.kind, edge);
    }
  }

  private adjacencyOf(id: string): Adjacency {
    let adjacency = this.adjacency.get(id);
    if (!adjacency) {
      adjacency = { out: [], in: [], outByKind: {}, inByKind: {} };
      this.adjacency.set(id, adjacency);
    }
    return adjacency;
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
  out<K extends EdgeKind>(id: string, kind: K): readonly EdgeOfKind<K>[];
  out(id: string): readonly GraphEdge[];
  out(id: string, kind?: EdgeKind): readonly GraphEdge[] {
    const adjacency = this.adjacency.get(id);
    if (!adjacency) return NO_EDGES;
    return kind ? (adjacency.outByKind[kind] ?? NO_EDGES) : adjacency.out;
  }

  /** Edges arriving at a node, optionally of one kind. */
  in<K extends EdgeKind>(id: string, kind: K): readonly EdgeOfKind<K>[];
  in(id: string): readonly GraphEdge[];
  in(id: string, kind?: EdgeKind): readonly GraphEdge[] {
    const adjacency = this.adjacency.get(id);
    if (!adjacency) return NO_EDGES;
    return kind ? (adjacency.inByKind[kind] ?? NO_EDGES) : adjacency.in;
  }

  /** What a node runs on directly (an enclave's parent instance, an instance's host). */
  runsOn(id: string): GraphNode | undefined {
    const edge = this.out(id, 'runsOn')[0];
    return edge ? this.node(edge.to) : undefined;
  }

  /** What runs directly on a node (computed once per node: rules ask it of every host and parent). */
  runningOn(id: string): readonly GraphNode[] {
    let guests = this.runningOnCache.get(id);
    if (!guests) {
      guests = [];
      for (const edge of this.in(id, 'runsOn')) {
        const node = this.node(edge.from);
        if (node) guests.push(node);
      }
      this.runningOnCache.set(id, guests);
    }
    return guests;
  }

  private readonly runningOnCache = new Map<string, GraphNode[]>();

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
    let current = this.node(id);
    // A chain longer than this is a runsOn cycle in the input; layered hosts are a few levels deep.
    for (let depth = 0; current && depth < MAX_RUNS_ON_DEPTH; depth++) {
      if (current.kind === 'host') return current;
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
