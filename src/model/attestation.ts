import { createHash } from 'node:crypto';
import type { Graph } from './graph.js';
import type { EdgeKind, EnclaveNode, GraphNode, KeyNode } from './nodes.js';
import type { SourceSpan } from './source.js';
import { isUnknown, type Maybe } from './unknown.js';

/** `kms:RecipientAttestation:ImageSha384` (= PCR0) and `kms:RecipientAttestation:PCR<n>` (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-nitro-enclave.html). */
const CONDITION_KEY = /^kms:RecipientAttestation:(ImageSha384|PCR(\d+))$/i;

/** One PCR value a KMS key policy requires of the enclave asking for the key. */
export interface AttestationPin {
  key: KeyNode;
  pcr: string;
  value: Maybe<string>;
  source: SourceSpan;
  /** How the key was tied to the enclave, for the message (never a silent guess). */
  link: string;
}

/**
 * The PCRs that KMS key policies in the scan pin for an enclave. A key gates an enclave when a policy
 * statement (Allow) names, as principal, a role tied to the enclave's parent instance (an edge between them,
 * or through one intermediate such as an instance profile). When no key is tied that way and the scan holds
 * exactly one measured enclave image, keys tied to no instance at all are taken to gate that image — and the
 * link says so.
 */
export function attestationPins(graph: Graph, enclave: EnclaveNode, onlyImageInScan: boolean): AttestationPin[] {
  // No key, no pin: the roles of the parent need not be looked for (asked for every enclave of the scan).
  if (graph.nodes('key').length === 0) return [];
  const parent = graph.runsOn(enclave.id);
  const roles = parent ? rolesOf(graph, parent) : new Set<string>();
  const linked: AttestationPin[] = [];
  const unlinked: AttestationPin[] = [];
  for (const key of graph.nodes('key')) {
    if (!key.policy || isUnknown(key.policy)) continue;
    for (const statement of key.policy) {
      if (!isUnknown(statement.effect) && statement.effect !== 'Allow') continue;
      const role = statement.principalRoles.find((id) => roles.has(id));
      const tiedToAnInstance = statement.principalRoles.some((id) => instancesOfRole(graph, id) > 0);
      for (const condition of statement.conditions) {
        const match = CONDITION_KEY.exec(condition.key);
        if (!match) continue;
        const pcr = match[2] === undefined ? 'PCR0' : `PCR${match[2]}`;
        for (const { value, source } of condition.values) {
          if (role !== undefined && parent) {
            linked.push({
              key,
              pcr,
              value,
              source,
              link: `its policy names role '${graph.node(role)?.label ?? role}' of parent '${parent.label ?? parent.id}'`,
            });
          } else if (!tiedToAnInstance) {
            unlinked.push({
              key,
              pcr,
              value,
              source,
              link: 'assumed: the only enclave image in the scan, and the policy names no role of any instance',
            });
          }
        }
      }
    }
  }
  if (linked.length > 0) return linked;
  return onlyImageInScan ? unlinked : [];
}

const NOT_THROUGH = new Set(['instance', 'host', 'enclave', 'key', 'image', 'endpoint', 'principal']);

/** Roles within two hops of an instance (instance → role, or instance → instance profile → role), any edge kind but runsOn and channels. */
function rolesOf(graph: Graph, instance: GraphNode): Set<string> {
  const roles = new Set<string>();
  for (const first of neighbours(graph, instance.id)) {
    if (first.kind === 'role') roles.add(first.id);
    else if (!NOT_THROUGH.has(first.kind))
      for (const second of neighbours(graph, first.id)) if (second.kind === 'role') roles.add(second.id);
  }
  return roles;
}

/** Per graph (immutable), how many instances each role is tied to: asked for every enclave, key and statement. */
const instanceCounts = new WeakMap<Graph, Map<string, number>>();

function instancesOfRole(graph: Graph, roleId: string): number {
  let counts = instanceCounts.get(graph);
  if (!counts) instanceCounts.set(graph, (counts = new Map<string, number>()));
  let count = counts.get(roleId);
  if (count === undefined) counts.set(roleId, (count = countInstancesOfRole(graph, roleId)));
  return count;
}

function countInstancesOfRole(graph: Graph, roleId: string): number {
  let count = 0;
  for (const first of neighbours(graph, roleId)) {
    if (first.kind === 'instance') count++;
    else if (!NOT_THROUGH.has(first.kind) && first.kind !== 'role')
      for (const second of neighbours(graph, first.id)) if (second.kind === 'instance') count++;
  }
  return count;
}

/** The edge kinds a role is tied to an instance through (every kind but runsOn and channels; the Record keeps the list complete). */
const THROUGH_KINDS = Object.keys({
  attaches: true,
  manages: true,
  uses: true,
  controls: true,
  access: true,
} satisfies Record<Exclude<EdgeKind, 'runsOn' | 'channel'>, true>) as EdgeKind[];

/** Nodes at the other end of a node's edges of those kinds, either way (callers count or collect them: order is no matter). */
function neighbours(graph: Graph, id: string): GraphNode[] {
  const found: GraphNode[] = [];
  for (const kind of THROUGH_KINDS) {
    for (const edge of graph.out(id, kind)) {
      const node = graph.node(edge.to);
      if (node) found.push(node);
    }
    for (const edge of graph.in(id, kind)) {
      const node = graph.node(edge.from);
      if (node) found.push(node);
    }
  }
  return found;
}

/**
 * A PCR extended once from zero with a string's UTF-8 bytes, as the Nitro hypervisor records PCR3 (the parent's
 * IAM role ARN) and PCR4 (its instance id): SHA-384(48 zero bytes ‖ value), hex
 * (https://docs.aws.amazon.com/enclaves/latest/user/set-up-attestation.html#where). The same value
 * `isolint pcr --role-arn` prints (src/eif/pcr.ts; a test keeps the two equal).
 */
export function pcrOfString(value: string): string {
  return createHash('sha384').update(Buffer.alloc(48)).update(value, 'utf8').digest('hex');
}
