import type { Picture, PictureArrow, PictureNode } from './model.js';

/**
 * Where everything of a picture goes, computed once by ELK's layered algorithm (elkjs, the Eclipse Layout
 * Kernel: https://eclipse.dev/elk/) and shared by the SVG and the HTML page, so both show the same drawing.
 * Boxes nest as the picture does; arrows are routed orthogonally around boxes from initiator to listener, and
 * ELK places their labels so they do not overlap boxes or each other.
 */
export interface LaidOutBox {
  node: PictureNode;
  /** Absolute position and size, in px. */
  x: number;
  y: number;
  width: number;
  height: number;
  depth: number;
  /** The label as drawn (shortened to fit; the whole one is in the tooltip). */
  label: string;
  detail: string;
  compound: boolean;
}

export interface Point {
  x: number;
  y: number;
}

export interface LaidOutArrow {
  arrow: PictureArrow;
  points: Point[];
  label?: { text: string; x: number; y: number; width: number; height: number };
}

export interface Layout {
  width: number;
  height: number;
  /** Parents before children, so drawing them in order paints children on top. */
  boxes: LaidOutBox[];
  arrows: LaidOutArrow[];
}

/** Text is measured by estimate (no DOM here): average advance of the sans-serif faces the page asks for. */
const LABEL_PX_PER_CHAR = 7.4;
const DETAIL_PX_PER_CHAR = 6.4;
const ARROW_LABEL_PX_PER_CHAR = 6.2;
const MAX_LABEL_CHARS = 40;
const HEADER_HEIGHT = 42;
const SMALL_KINDS = new Set(['volume', 'nic', 'securityGroup', 'image']);

interface ElkNode {
  id: string;
  width?: number;
  height?: number;
  x?: number;
  y?: number;
  children?: ElkNode[];
  edges?: ElkEdge[];
  labels?: Array<{ text: string; width: number; height: number }>;
  layoutOptions?: Record<string, string>;
}

interface ElkEdge {
  id: string;
  sources: string[];
  targets: string[];
  labels?: Array<{ text: string; width: number; height: number; x?: number; y?: number }>;
  sections?: Array<{ startPoint: Point; endPoint: Point; bendPoints?: Point[] }>;
  container?: string;
}

type ElkClass = new () => { layout(graph: ElkNode): Promise<ElkNode> };

export function shorten(text: string, max = MAX_LABEL_CHARS): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export async function layoutPicture(picture: Picture): Promise<Layout> {
  // Loaded on use: ELK is 1.6 MB of JavaScript that only `isolint graph` needs.
  const loaded = (await import('elkjs/lib/elk.bundled.js')) as unknown as {
    default: ElkClass & { default?: ElkClass };
  };
  const ELK = loaded.default.default ?? loaded.default;
  const elk = new ELK();

  const nodes = new Map<string, PictureNode>();
  const parents = new Map<string, string>();
  const toElk = (node: PictureNode, parent?: string): ElkNode => {
    nodes.set(node.id, node);
    if (parent !== undefined) parents.set(node.id, parent);
    const label = shorten(node.label);
    const detail = shorten(`${node.kind}${node.detail ? ` · ${node.detail}` : ''}`, 48);
    const textWidth = Math.max(label.length * LABEL_PX_PER_CHAR, detail.length * DETAIL_PX_PER_CHAR) + 28;
    if (node.children.length === 0) {
      const small = SMALL_KINDS.has(node.kind);
      return { id: node.id, width: Math.max(small ? 80 : 120, Math.ceil(textWidth)), height: small ? 36 : 44 };
    }
    return {
      id: node.id,
      children: node.children.map((child) => toElk(child, node.id)),
      layoutOptions: {
        'elk.padding': `[top=${HEADER_HEIGHT + 10},left=12,bottom=12,right=12]`,
        'elk.nodeSize.constraints': 'MINIMUM_SIZE',
        // (height, width): with INCLUDE_CHILDREN and direction DOWN, elkjs 0.12 reads a compound node's
        // minimum size transposed (a test checks that boxes come out at least as wide as their names).
        'elk.nodeSize.minimum': `(${HEADER_HEIGHT + 20}, ${Math.ceil(textWidth)})`,
      },
    };
  };
  const children = picture.roots.map((root) => toElk(root));

  const ancestors = (id: string): Set<string> => {
    const seen = new Set<string>();
    for (let at = parents.get(id); at !== undefined; at = parents.get(at)) seen.add(at);
    return seen;
  };
  // An arrow between a box and one it contains has no route outside both; ELK refuses it, so it is drawn
  // as a short stub inside the outer box instead (rare: a controller managing its own host).
  const routable = picture.arrows.map(
    (arrow) =>
      nodes.has(arrow.from) &&
      nodes.has(arrow.to) &&
      arrow.from !== arrow.to &&
      !ancestors(arrow.from).has(arrow.to) &&
      !ancestors(arrow.to).has(arrow.from),
  );
  const edges: ElkEdge[] = picture.arrows.flatMap((arrow, index) =>
    routable[index]
      ? [
          {
            id: `arrow-${index}`,
            sources: [arrow.from],
            targets: [arrow.to],
            labels: arrow.label
              ? [{ text: arrow.label, width: Math.ceil(arrow.label.length * ARROW_LABEL_PX_PER_CHAR) + 8, height: 14 }]
              : [],
          },
        ]
      : [],
  );

  // Siblings with no arrow between them would all sit in one layer: one row as wide as a rack. Invisible
  // edges from each to the one a row below wrap them into a grid of about the page's proportions.
  const hidden: ElkEdge[] = [];
  const connected = new Set(picture.arrows.flatMap((arrow) => [arrow.from, arrow.to]));
  const wrap = (node: PictureNode) => {
    const loose = node.children.filter((child) => !connected.has(child.id));
    const columns = Math.max(3, Math.ceil(Math.sqrt(loose.length * 2)));
    for (let i = 0; i + columns < loose.length; i++)
      hidden.push({ id: `grid-${hidden.length}`, sources: [loose[i].id], targets: [loose[i + columns].id] });
    node.children.forEach(wrap);
  };
  picture.roots.forEach(wrap);

  const graph = await elk.layout({
    id: 'isolint-root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.spacing.nodeNode': '20',
      'elk.layered.spacing.nodeNodeBetweenLayers': '36',
      'elk.spacing.edgeNode': '14',
      'elk.spacing.edgeEdge': '8',
      'elk.spacing.edgeLabel': '4',
      'elk.spacing.componentComponent': '28',
      'elk.aspectRatio': '1.8',
      'elk.padding': '[top=16,left=16,bottom=16,right=16]',
    },
    children,
    edges: [...edges, ...hidden],
  });

  const boxes: LaidOutBox[] = [];
  const origins = new Map<string, Point>([['isolint-root', { x: 0, y: 0 }]]);
  const place = (elkNode: ElkNode, origin: Point, depth: number) => {
    const node = nodes.get(elkNode.id)!;
    const x = origin.x + (elkNode.x ?? 0);
    const y = origin.y + (elkNode.y ?? 0);
    origins.set(elkNode.id, { x, y });
    boxes.push({
      node,
      x,
      y,
      width: elkNode.width ?? 0,
      height: elkNode.height ?? 0,
      depth,
      label: shorten(node.label),
      detail: shorten(`${node.kind}${node.detail ? ` · ${node.detail}` : ''}`, 48),
      compound: node.children.length > 0,
    });
    for (const child of elkNode.children ?? []) place(child, { x, y }, depth + 1);
  };
  for (const child of graph.children ?? []) place(child, { x: 0, y: 0 }, 0);

  const allEdges: ElkEdge[] = [];
  const collect = (elkNode: ElkNode) => {
    allEdges.push(...(elkNode.edges ?? []));
    for (const child of elkNode.children ?? []) collect(child);
  };
  collect(graph);
  const byId = new Map(allEdges.map((edge) => [edge.id, edge]));
  const boxOf = new Map(boxes.map((box) => [box.node.id, box]));

  const arrows: LaidOutArrow[] = picture.arrows.map((arrow, index) => {
    const edge = byId.get(`arrow-${index}`);
    if (!edge?.sections?.length) return stub(arrow, boxOf.get(arrow.from), boxOf.get(arrow.to));
    // Edge coordinates are relative to the edge's container (https://eclipse.dev/elk/documentation/tooldevelopers/graphdatastructure/coordinatesystem.html).
    const origin = origins.get(edge.container ?? 'isolint-root') ?? { x: 0, y: 0 };
    const shift = (point: Point) => ({ x: point.x + origin.x, y: point.y + origin.y });
    const points = edge.sections.flatMap((section, i) => [
      ...(i === 0 ? [shift(section.startPoint)] : []),
      ...(section.bendPoints ?? []).map(shift),
      shift(section.endPoint),
    ]);
    const elkLabel = edge.labels?.[0];
    return {
      arrow,
      points,
      ...(elkLabel && elkLabel.x !== undefined
        ? {
            label: {
              text: elkLabel.text,
              x: origin.x + elkLabel.x,
              y: origin.y + (elkLabel.y ?? 0),
              width: elkLabel.width,
              height: elkLabel.height,
            },
          }
        : {}),
    };
  });

  return { width: graph.width ?? 0, height: graph.height ?? 0, boxes, arrows };
}

/** An arrow between nested boxes: from the inner box's top edge up into the outer box's header band. */
function stub(arrow: PictureArrow, from?: LaidOutBox, to?: LaidOutBox): LaidOutArrow {
  if (!from || !to) return { arrow, points: [] };
  const inner = from.depth > to.depth ? from : to;
  const x = inner.x + inner.width / 2;
  const top = { x, y: inner.y - 8 };
  const edge = { x, y: inner.y };
  const points = inner === from ? [edge, top] : [top, edge];
  return {
    arrow,
    points,
    label: {
      text: arrow.label,
      x: x + 4,
      y: inner.y - 20,
      width: arrow.label.length * ARROW_LABEL_PX_PER_CHAR + 8,
      height: 14,
    },
  };
}
