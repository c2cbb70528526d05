import type { EdgeKind, EdgeOfKind, GraphEdge, GraphNode, HostNode, NodeKind, NodeOfKind } from './nodes.js';

/** Edges by the id of one of their ends (for one edge kind and one direction, or for all kinds). */
type EdgeIndex = Map<string, GraphEdge[]>;

/** The nodes at the far end of one kind of edge, by the id of the near end. */
type NodeIndex = Map<string, GraphNode[]>;

type Direction = 'out' | 'in';

// Shared empty answers: a query about a node without such edges allocates nothing. Typed readonly.
const NO_EDGES: GraphEdge[] = [];
const NO_NODES: GraphNode[] = [];

/** runsOn chains deeper than this are cycles: a real stack is host, platform, guest, enclave… */
export const MAX_RUNS_ON_DEPTH = 64;

/**
 * The isolation graph: nodes by id and kind, edges by kind and indexed both ways. Immutable once built;
 * rules only read it. Queries that more than one rule needs live here, not in rules.
 * The indexes by node are built on first use (a graph of a million nodes is built in one pass over its
 * nodes and one over its edges), so a query's first call pays for its index.
 */
export class Graph {
  private readonly nodesById: Map<string, GraphNode>;
  private readonly nodesByKind = new Map<NodeKind, GraphNode[]>();
  private readonly edgesByKind = new Map<EdgeKind, GraphEdge[]>();
  /** Every edge in input order. */
  private readonly edgeList: readonly GraphEdge[];
  /**
   * One index per edge kind and direction, keyed by node id, each built from that kind's edges when first
   * asked for. A few large maps instead of a record of arrays per node: at a million nodes, per-node objects
   * were most of the heap and of the garbage collector's work. An index no query asks for is never built
   * (rules read `manages` and `access` edges by kind, not by node), and one built alone, in one tight loop,
   * is built faster than all of them interleaved.
   */
  private readonly outByKind = new Map<EdgeKind, EdgeIndex>();
  private readonly inByKind = new Map<EdgeKind, EdgeIndex>();
  /**
   * The graph's own queries (what a node runs on, what runs on it, what is attached to it, each asked of
   * every host, guest, volume and NIC) read the nodes at the far end, found once when first asked for:
   * one lookup per query instead of one per edge (at a million nodes each lookup misses the cache).
   */
  private parents: Map<string, GraphNode | undefined> | undefined;
  private guests: NodeIndex | undefined;
  private attached: NodeIndex | undefined;
  private attachments: NodeIndex | undefined;
  /** All kinds by one end, in input order: only `out(id)` / `in(id)` without a kind read these. */
  private allOut: EdgeIndex | undefined;
  private allIn: EdgeIndex | undefined;

  /**
   * Nodes as a list, or already keyed by id (the assembler has that map; no need to build it twice, so the
   * graph keeps it: it may not change afterwards). The edges are copied as they are now.
   */
  constructor(nodes: Iterable<GraphNode> | Map<string, GraphNode>, edges: Iterable<GraphEdge>) {
    this.nodesById = nodes instanceof Map ? nodes : new Map([...nodes].map((node) => [node.id, node]));
    for (const node of this.nodesById.values()) push(this.nodesByKind, node.kind, node);
    this.edgeList = Array.isArray(edges) ? (edges as GraphEdge[]).slice() : [...edges];
    for (const edge of this.edgeList) push(this.edgesByKind, edge.kind, edge);
  }

  /** The index of one edge kind in one direction (built on first use). */
  private index(direction: Direction, kind: EdgeKind): EdgeIndex {
    const byKind = direction === 'out' ? this.outByKind : this.inByKind;
    let index = byKind.get(kind);
    if (!index) {
      index = indexEdges(this.edgesByKind.get(kind) ?? NO_EDGES, direction);
      byKind.set(kind, index);
    }
    return index;
  }

  /** The existing nodes at the far end of one edge kind, by the near end (edges to undeclared ids are skipped). */
  private farEnds(kind: EdgeKind, direction: Direction): NodeIndex {
    const index: NodeIndex = new Map();
    const edges = this.edgesByKind.get(kind) ?? NO_EDGES;
    for (let i = 0; i < edges.length; i++) {
      const edge = edges[i];
      const node = this.nodesById.get(direction === 'out' ? edge.to : edge.from);
      if (node !== undefined) appendExact(index, direction === 'out' ? edge.from : edge.to, node);
    }
    return index;
  }

  /** Edges of every kind by one end, in input order: what `out(id)` and `in(id)` without a kind read. */
  private allEdges(direction: Direction): EdgeIndex {
    if (direction === 'out') return (this.allOut ??= indexEdges(this.edgeList, 'out'));
    return (this.allIn ??= indexEdges(this.edgeList, 'in'));
  }

  /**
   * Freezes every node and edge (their own properties; what they point to is theirs to keep unchanged):
   * once the link stage is over nothing may change the graph, and a rule or reporter that tries fails
   * loudly instead of changing what the next rule reads. The engine calls this when it builds the graph.
   */
  freeze(): this {
    for (const node of this.nodesById.values()) Object.freeze(node);
    for (const edge of this.edgeList) Object.freeze(edge);
    this.frozen = true;
    return this;
  }

  /** Whether `freeze` has run. */
  isFrozen(): boolean {
    return this.frozen;
  }

  private frozen = false;

  get size(): { nodes: number; edges: number } {
    return { nodes: this.nodesById.size, edges: this.edgeList.length };
  }

  node(id: string): GraphNode | undefined {
    return this.nodesById.get(id);
  }

  nodes<K extends NodeKind>(kind: K): readonly NodeOfKind<K>[] {
    return (this.nodesByKind.get(kind) ?? NO_NODES) as NodeOfKind<K>[];
  }

  allNodes(): IterableIterator<GraphNode> {
    return this.nodesById.values();
  }

  /** Every edge, in input order. */
  everyEdge(): readonly GraphEdge[] {
    return this.edgeList;
  }

  edges<K extends EdgeKind>(kind: K): readonly EdgeOfKind<K>[] {
    return (this.edgesByKind.get(kind) ?? NO_EDGES) as EdgeOfKind<K>[];
  }

  /** Edges leaving a node, optionally of one kind (without one, in input order; prefer asking by kind). */
  out<K extends EdgeKind>(id: string, kind: K): readonly EdgeOfKind<K>[];
  out(id: string): readonly GraphEdge[];
  out(id: string, kind?: EdgeKind): readonly GraphEdge[] {
    const index = kind ? (this.outByKind.get(kind) ?? this.index('out', kind)) : this.allEdges('out');
    return index.get(id) ?? NO_EDGES;
  }

  /** Edges arriving at a node, optionally of one kind (without one, in input order; prefer asking by kind). */
  in<K extends EdgeKind>(id: string, kind: K): readonly EdgeOfKind<K>[];
  in(id: string): readonly GraphEdge[];
  in(id: string, kind?: EdgeKind): readonly GraphEdge[] {
    const index = kind ? (this.inByKind.get(kind) ?? this.index('in', kind)) : this.allEdges('in');
    return index.get(id) ?? NO_EDGES;
  }

  /** What a node runs on directly (an enclave's parent instance, an instance's host): its first runsOn edge's end. */
  runsOn(id: string): GraphNode | undefined {
    return (this.parents ??= this.firstParents()).get(id);
  }

  /** Each node's first runsOn target (undefined when that id is declared nowhere, as `out(id, 'runsOn')[0]` says). */
  private firstParents(): Map<string, GraphNode | undefined> {
    const parents = new Map<string, GraphNode | undefined>();
    const edges = this.edgesByKind.get('runsOn') ?? NO_EDGES;
    // Backwards, so that a node's first edge is the one set last.
    for (let i = edges.length - 1; i >= 0; i--) parents.set(edges[i].from, this.nodesById.get(edges[i].to));
    return parents;
  }

  /** What runs directly on a node (found once for all nodes: rules ask it of every host and parent). */
  runningOn(id: string): readonly GraphNode[] {
    return (this.guests ??= this.farEnds('runsOn', 'in')).get(id) ?? NO_NODES;
  }

  /** Everything that runs on a node at any depth (guests, their enclaves, nested platforms' guests). */
  runningOnTransitively(id: string): GraphNode[] {
    const found: GraphNode[] = [];
    const direct = this.runningOn(id);
    if (direct.length === 0) return found;
    const seen = new Set<string>([id]);
    // `found` is the queue too: every node found is visited once, in breadth-first order.
    for (let i = 0; i < direct.length; i++) visit(direct[i]);
    for (let head = 0; head < found.length; head++) {
      const guests = this.runningOn(found[head].id);
      for (let i = 0; i < guests.length; i++) visit(guests[i]);
    }
    return found;

    function visit(node: GraphNode): void {
      if (seen.has(node.id)) return;
      seen.add(node.id);
      found.push(node);
    }
  }

  /** The host at the bottom of a node's runsOn chain, if any. */
  hostOf(id: string): HostNode | undefined {
    let current = this.nodesById.get(id);
    const parents = (this.parents ??= this.firstParents());
    // A chain longer than this is a runsOn cycle in the input; layered hosts are a few levels deep.
    for (let depth = 0; current && depth < MAX_RUNS_ON_DEPTH; depth++) {
      if (current.kind === 'host') return current;
      current = parents.get(current.id);
    }
    return undefined;
  }

  /** Nodes attached to a node (its volumes, NICs, security groups), optionally of one kind. A new list. */
  attachedTo<K extends NodeKind>(id: string, kind?: K): NodeOfKind<K>[] {
    const nodes = (this.attached ??= this.farEnds('attaches', 'in')).get(id);
    if (!nodes) return [];
    if (!kind) return nodes.slice() as NodeOfKind<K>[];
    const found: NodeOfKind<K>[] = [];
    for (let i = 0; i < nodes.length; i++) if (nodes[i].kind === kind) found.push(nodes[i] as NodeOfKind<K>);
    return found;
  }

  /** What a node is attached to (the instances a volume is attached to, the network of a NIC). A new list. */
  attachmentsOf(id: string): GraphNode[] {
    const nodes = (this.attachments ??= this.farEnds('attaches', 'out')).get(id);
    return nodes ? nodes.slice() : [];
  }

  /** Channels with this node at either end (those leaving it first). A new list. */
  channelsOf(id: string): EdgeOfKind<'channel'>[] {
    return (this.out(id, 'channel') as EdgeOfKind<'channel'>[]).concat(this.in(id, 'channel'));
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
    const step = (current: string, edges: readonly GraphEdge[]): void => {
      for (let i = 0; i < edges.length; i++) {
        const edge = edges[i];
        if (!follow(edge)) continue;
        const next = edge.from === current ? edge.to : edge.from;
        if (previous.has(next)) continue;
        previous.set(next, edge);
        queue.push(next);
      }
    };
    for (let head = 0; head < queue.length; head++) {
      const current = queue[head];
      const node = this.node(current);
      if (current !== from && node && to(node)) return this.walkBack(previous, current, from);
      step(current, this.out(current));
      if (undirected) step(current, this.in(current));
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

/**
 * Edges by one end, each list in the order of `edges`. Most nodes have one, two or three edges of a kind each
 * way: those lists are made at their exact size (a list grown by push keeps room for 16 more, which at a
 * million nodes would be most of the index).
 */
function indexEdges(edges: readonly GraphEdge[], direction: Direction): EdgeIndex {
  const index: EdgeIndex = new Map();
  for (let i = 0; i < edges.length; i++)
    appendExact(index, direction === 'out' ? edges[i].from : edges[i].to, edges[i]);
  return index;
}

/** Appends to a keyed list, making lists of up to three at their exact size. */
function appendExact<V>(index: Map<string, V[]>, key: string, value: V): void {
  const list = index.get(key);
  if (list === undefined) index.set(key, [value]);
  else if (list.length === 1) index.set(key, [list[0], value]);
  else if (list.length === 2) index.set(key, [list[0], list[1], value]);
  else list.push(value);
}
