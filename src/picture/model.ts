import { isUnknown } from '../model/unknown.js';
import { subjectId, type CheckResult } from '../engine/check.js';
import { isOpen, severityRank } from '../engine/finding.js';
import type { Severity } from '../engine/rule.js';
import type { GraphNode } from '../model/nodes.js';

/**
 * What the pictures draw, derived once from a check result: elements nested by what runs on what (a host
 * box holds its guests, a guest holds its enclaves, at any depth), attached parts (volumes, NICs) inside
 * their owner, arrows for channels in the direction of who initiates and for access, and the open findings
 * on each element. The DOT, Mermaid and HTML renderers only lay this out.
 */
export interface PictureNode {
  id: string;
  kind: GraphNode['kind'];
  label: string;
  /** Small print under the label: tenant, vCPUs, memory, whatever identifies the element. */
  detail: string;
  children: PictureNode[];
  findings: PictureFinding[];
  /** The worst open finding's severity, if any. */
  worst?: Severity;
  file: string;
  line: number;
}

export interface PictureFinding {
  ruleId: string;
  severity: Severity;
  message: string;
  file: string;
  line: number;
  /** For a finding about a channel or an access: the index of its arrow in `arrows`. */
  arrow?: number;
}

export interface PictureArrow {
  from: string;
  to: string;
  label: string;
  /** `attaches`: from each owner to a part that several own (drawn beside them, not inside one). */
  kind: 'channel' | 'access' | 'uses' | 'manages' | 'attaches';
  /** The worst open finding about this edge, if any: the arrow is drawn flagged. */
  worst?: Severity;
}

export interface Picture {
  roots: PictureNode[];
  arrows: PictureArrow[];
  /** Findings on elements that are not drawn (edges without a node of their own), listed apart. */
  loose: PictureFinding[];
}

/** Kinds drawn inside their owner rather than as boxes of their own. */
const ATTACHED_KINDS = new Set(['volume', 'nic', 'securityGroup', 'image']);

export function buildPicture(result: Pick<CheckResult, 'graph' | 'findings'>): Picture {
  const { graph } = result;
  const findingsBySubject = new Map<string, PictureFinding[]>();
  const findingsByEdge = new Map<string, PictureFinding[]>();
  const loose: PictureFinding[] = [];
  for (const finding of result.findings) {
    if (!isOpen(finding)) continue;
    const entry = {
      ruleId: finding.ruleId,
      severity: finding.severity,
      message: finding.message,
      file: finding.location.file,
      line: finding.location.startLine,
    };
    if (!graph.node(finding.subject)) {
      const list = findingsByEdge.get(finding.subject) ?? [];
      list.push(entry);
      findingsByEdge.set(finding.subject, list);
    }
    if (finding.element && graph.node(finding.element)) {
      const list = findingsBySubject.get(finding.element) ?? [];
      list.push(entry);
      findingsBySubject.set(finding.element, list);
    } else {
      loose.push(entry);
    }
  }

  const drawn = new Map<string, PictureNode>();
  const make = (node: GraphNode): PictureNode => {
    const findings = findingsBySubject.get(node.id) ?? [];
    const worst = findings.map((f) => f.severity).sort((a, b) => severityRank(b) - severityRank(a))[0];
    const picture: PictureNode = {
      id: node.id,
      kind: node.kind,
      // The name people wrote (a logical id, a Terraform address); the file-qualified id is in the tooltip.
      label: node.label ?? node.id,
      detail: detailOf(node),
      children: [],
      findings,
      ...(worst ? { worst } : {}),
      file: node.source.file,
      line: node.source.startLine,
    };
    drawn.set(node.id, picture);
    return picture;
  };

  const roots: PictureNode[] = [];
  const attachedOwner = (node: GraphNode): GraphNode | undefined => {
    if (!ATTACHED_KINDS.has(node.kind)) return undefined;
    if (node.kind === 'image') {
      const user = graph.in(node.id, 'uses')[0];
      return user ? graph.node(user.from) : undefined;
    }
    // A NIC is drawn inside its guest (its network is not an owner); a group inside its NIC or instance, but
    // only when it has exactly one owner: one shared by an instance and a launch template goes beside them.
    const owners = ownersOf(node);
    return owners.length === 1 ? owners[0] : undefined;
  };
  const ownersOf = (node: GraphNode): GraphNode[] => [
    ...new Set(graph.attachmentsOf(node.id).filter((owner) => owner.kind !== 'network')),
  ];
  /** Where a part several own goes: beside its owners (in their common parent), or at the top. */
  const besideOwners = (node: GraphNode): GraphNode | undefined => {
    if (!ATTACHED_KINDS.has(node.kind) || node.kind === 'image') return undefined;
    const owners = ownersOf(node);
    if (owners.length < 2) return undefined;
    const parents = new Set(owners.map((owner) => (graph.runsOn(owner.id) ?? attachedOwner(owner))?.id));
    const [only] = parents;
    return parents.size === 1 && only !== undefined && only !== node.id ? graph.node(only) : undefined;
  };
  const parentOf = (node: GraphNode): GraphNode | undefined =>
    graph.runsOn(node.id) ?? attachedOwner(node) ?? besideOwners(node);

  // Parents before children: walk from the nodes that have no parent down.
  const childrenOf = new Map<string, GraphNode[]>();
  for (const node of graph.allNodes()) {
    const parent = parentOf(node);
    if (parent && parent.id !== node.id) {
      const list = childrenOf.get(parent.id) ?? [];
      list.push(node);
      childrenOf.set(parent.id, list);
    } else {
      roots.push(make(node));
    }
  }
  const visit = (picture: PictureNode, depth: number) => {
    if (depth > 64) return; // a runsOn cycle: draw what we have
    for (const child of childrenOf.get(picture.id) ?? []) {
      if (drawn.has(child.id)) continue;
      const node = make(child);
      picture.children.push(node);
      visit(node, depth + 1);
    }
  };
  for (const root of [...roots]) visit(root, 0);

  const arrows: PictureArrow[] = [];
  const subjects: string[] = [];
  for (const channel of graph.edges('channel')) {
    const other = channel.initiator === channel.from ? channel.to : channel.from;
    const protocol = typeof channel.protocol === 'string' ? channel.protocol : '?';
    const port = typeof channel.port === 'number' ? `:${channel.port}` : '';
    subjects[arrows.length] = subjectId(channel);
    arrows.push({ from: channel.initiator, to: other, label: `${protocol}${port}`, kind: 'channel' });
  }
  for (const access of graph.edges('access')) {
    subjects[arrows.length] = subjectId(access);
    arrows.push({ from: access.from, to: access.to, label: access.method, kind: 'access' });
  }
  for (const manages of graph.edges('manages'))
    arrows.push({ from: manages.from, to: manages.to, label: 'manages', kind: 'manages' });
  // --- who may use a key: the machine's role (its instance profile), and the roles a key policy allows.
  for (const uses of graph.edges('uses')) {
    if (graph.node(uses.to)?.kind === 'role' && graph.node(uses.from)?.kind === 'instance')
      arrows.push({ from: uses.from, to: uses.to, label: 'role', kind: 'uses' });
  }
  for (const key of graph.nodes('key')) {
    if (!key.policy || isUnknown(key.policy)) continue;
    const roles = new Set(
      key.policy.filter((statement) => statement.effect === 'Allow').flatMap((s) => s.principalRoles),
    );
    for (const role of roles) arrows.push({ from: role, to: key.id, label: 'key policy', kind: 'uses' });
  }
  // --- parts with several owners (a security group shared by an instance and a launch template): an
  // arrow from each owner, since the part is drawn beside them rather than inside one.
  for (const node of graph.allNodes()) {
    if (!ATTACHED_KINDS.has(node.kind) || node.kind === 'image') continue;
    const owners = ownersOf(node);
    if (owners.length < 2) continue;
    for (const owner of owners) arrows.push({ from: owner.id, to: node.id, label: 'attaches', kind: 'attaches' });
  }
  // A finding about an edge names its arrow, and the arrow is drawn flagged, so it can be followed.
  const kept: PictureArrow[] = [];
  arrows.forEach((arrow, index) => {
    if (!drawn.has(arrow.from) || !drawn.has(arrow.to)) return;
    const about = subjects[index] === undefined ? [] : (findingsByEdge.get(subjects[index]) ?? []);
    const worst = about.map((f) => f.severity).sort((a, b) => severityRank(b) - severityRank(a))[0];
    for (const finding of about) finding.arrow = kept.length;
    kept.push(worst ? { ...arrow, worst } : arrow);
  });
  return { roots: order(roots), arrows: kept, loose };
}

/** Hosts first, then the rest by kind and id, so pictures are stable from run to run. */
function order(nodes: PictureNode[]): PictureNode[] {
  const rank = (kind: string) => ['principal', 'host', 'network', 'instance', 'volume'].indexOf(kind) + 1 || 99;
  nodes.sort((a, b) => rank(a.kind) - rank(b.kind) || a.id.localeCompare(b.id));
  for (const node of nodes) order(node.children);
  return nodes;
}

function detailOf(node: GraphNode): string {
  const known = (value: unknown) =>
    typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean' ? value : undefined;
  const parts: string[] = [];
  const tenant = known(node.tenant);
  if (tenant !== undefined) parts.push(`tenant ${tenant}`);
  switch (node.kind) {
    case 'host': {
      const cores = known(node.cores);
      const memory = known(node.memoryMiB);
      if (cores !== undefined) parts.push(`${cores} cores × ${known(node.threadsPerCore) ?? '?'}`);
      if (memory !== undefined) parts.push(`${Math.round(Number(memory) / 1024)} GiB`);
      break;
    }
    case 'instance':
    case 'enclave': {
      const vcpus = known(node.vcpus);
      const memory = known(node.memoryMiB);
      if (vcpus !== undefined) parts.push(`${vcpus} vCPU`);
      if (memory !== undefined)
        parts.push(`${Number(memory) >= 1024 ? `${Math.round(Number(memory) / 1024)} GiB` : `${memory} MiB`}`);
      if (node.kind === 'enclave' && node.debug === true) parts.push('debug');
      break;
    }
    case 'volume':
      parts.push(node.encrypted === true ? 'encrypted' : node.encrypted === false ? 'unencrypted' : 'encryption ?');
      break;
    case 'card':
      parts.push(node.cardKind);
      break;
    case 'hypervisor':
    case 'controller': {
      const kind = known(node.kind === 'hypervisor' ? node.hypervisorKind : node.controllerKind);
      if (kind !== undefined) parts.push(String(kind));
      break;
    }
    case 'principal':
      parts.push(node.principalKind);
      break;
    default:
      break;
  }
  return parts.join(', ');
}
