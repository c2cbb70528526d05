/**
 * Which KMS keys of a scan would release their secret to the enclave a document comes from. KMS compares
 * the kms:RecipientAttestation:ImageSha384 (= PCR0) and kms:RecipientAttestation:PCR<n> condition keys
 * with the PCRs of the attestation document sent in the request's Recipient parameter
 * (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-nitro-enclaves.html).
 *
 * The decision is the shared evaluator's (src/model/policy.ts: Allow/Deny, operators and their case rules,
 * IfExists, Null, root delegation with the role's identity policies), asked for the same principals the
 * kms-enclave-attestation rule judges (src/model/enclave-parents.ts), with a request context built from the
 * document's PCRs: `attest --check` and `check` read a key policy one way. A document does not say who sends
 * it, so every principal the scan offers is asked (enclave parents' roles first, then the roles and role ARNs
 * the policy names) and the first that KMS would serve is named.
 */
import type { Graph } from '../model/graph.js';
import type { KeyNode, PolicyCondition, PolicyStatement } from '../model/nodes.js';
import { enclaveParents, identityOf, knownRoleArns, rolePrincipal } from '../model/enclave-parents.js';
import {
  ENCLAVE_ATTESTATION_KEY,
  attestedContext,
  conditionKeyExists,
  coversAction,
  evaluateCondition,
  evaluateKmsRequest,
  parseOperator,
  statementApplies,
  statementPrincipal,
  type ContextValue,
  type IdentityPolicies,
  type KmsRequest,
  type RolePrincipal,
  type Verdict,
} from '../model/policy.js';
import { nameOf } from '../model/queries.js';
import { isUnknown } from '../model/unknown.js';

export interface KeyVerdict {
  /** The key as findings name it. */
  key: string;
  file: string;
  line: number;
  /** Whether KMS would accept the document for this key; undefined when the scan cannot tell. */
  unlocks: boolean | undefined;
  /** Why, in one line, naming the statement's line and the PCR at fault. */
  reason: string;
  /** Who KMS would serve, when it would: the role as findings name it (or the ARN the policy names). */
  principal?: string;
  /** Whether that principal is an enclave parent's role, the principals `check` judges. */
  enclaveParent?: boolean;
}

/**
 * The KMS operations that take a Recipient attestation document and use the key (GenerateRandom takes one
 * too but uses no key): https://docs.aws.amazon.com/kms/latest/developerguide/conditions-nitro-enclaves.html.
 */
const RECIPIENT_OPERATIONS = [
  'kms:Decrypt',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyPair',
  'kms:DeriveSharedSecret',
];

/** A principal to ask for, with its identity policies (none for a role the scan does not hold). */
interface Candidate {
  principal: RolePrincipal;
  identity: IdentityPolicies;
  /** As messages name it. */
  name: string;
  enclaveParent: boolean;
}

/** One verdict per key in the scan that has a policy, in the graph's order. */
export function keysForDocument(graph: Graph, pcrs: Record<number, string>): KeyVerdict[] {
  const parents = enclaveParents(graph);
  const roleArns = knownRoleArns(graph);
  const context = attestedContext(pcrs);
  return graph.nodes('key').map((key) => verdictFor(graph, key, context, parents, roleArns));
}

function verdictFor(
  graph: Graph,
  key: KeyNode,
  context: (key: string) => ContextValue,
  parents: ReturnType<typeof enclaveParents>,
  roleArns: Map<string, string>,
): KeyVerdict {
  const base = { key: nameOf(key), file: key.source.file, line: key.source.startLine };
  const policy = key.policy;
  if (policy === undefined) return { ...base, unlocks: undefined, reason: 'its key policy is not in the scan' };
  if (isUnknown(policy))
    return { ...base, unlocks: undefined, reason: `its key policy cannot be read: ${policy.reason}` };

  const candidates = candidatesFor(graph, policy, parents, roleArns);
  let undecided: Extract<Verdict, { allowed: object }> | undefined;
  let deniedBy: PolicyStatement | undefined;
  for (const { principal, identity, name, enclaveParent } of candidates) {
    for (const action of RECIPIENT_OPERATIONS) {
      const request: KmsRequest = { role: principal, action, key: key.id, context };
      const verdict = evaluateKmsRequest(policy, identity, request);
      if (verdict.allowed === true) {
        return {
          ...base,
          unlocks: true,
          reason: granted(graph, verdict.grant, verdict.through, verdict.possibly, context),
          principal: name,
          enclaveParent,
        };
      }
      if (verdict.allowed === false) deniedBy ??= verdict.deniedBy;
      else undecided ??= verdict;
    }
  }
  if (undecided) {
    const { allowed, at: statement, condition } = undecided;
    const reason = allowed.reason;
    const what = condition && ENCLAVE_ATTESTATION_KEY.test(condition.key) ? `${label(condition)}: ${reason}` : reason;
    const where = statement
      ? `the ${statement.effect === 'Deny' ? 'Deny ' : ''}statement at line ${statement.source.startLine}`
      : 'the policy';
    return { ...base, unlocks: undefined, reason: `${where} cannot be judged: ${what}` };
  }
  if (deniedBy) {
    const held = describeHeld(deniedBy, context);
    return {
      ...base,
      unlocks: false,
      reason: `the Deny statement at line ${deniedBy.source.startLine} applies${held ? `: ${held}` : ''}`,
    };
  }
  const refusals = refusalsOf(policy, candidates, key, context);
  if (refusals.length > 0) return { ...base, unlocks: false, reason: refusals.join('; ') };
  return { ...base, unlocks: false, reason: 'no Allow statement of its policy grants kms:Decrypt' };
}

/**
 * The principals to ask for: enclave parents' roles, then the scan's roles the policy names, then role ARNs it
 * names that the scan does not hold; with none of those, the caller is anyone (a statement naming `*` or the
 * account still decides).
 */
function candidatesFor(
  graph: Graph,
  policy: PolicyStatement[],
  parents: ReturnType<typeof enclaveParents>,
  roleArns: Map<string, string>,
): Candidate[] {
  const candidates: Candidate[] = [];
  const seen = new Set<string>();
  const add = (candidate: Candidate) => {
    if (seen.has(candidate.principal.id)) return;
    seen.add(candidate.principal.id);
    candidates.push(candidate);
  };
  const ofRole = (id: string) => {
    const role = graph.node(id);
    if (role?.kind === 'role')
      add({
        principal: rolePrincipal(role, roleArns.get(role.id)),
        identity: identityOf(role),
        name: nameOf(role),
        enclaveParent: parents.has(role.id),
      });
  };
  for (const parent of parents.values()) ofRole(parent.role.id);
  for (const statement of policy) for (const id of statement.principalRoles) ofRole(id);
  for (const role of graph.nodes('role')) {
    const principal = rolePrincipal(role, roleArns.get(role.id));
    if (policy.some((statement) => statementPrincipal(statement, principal) === 'role' && !wildcardOnly(statement)))
      ofRole(role.id);
  }
  for (const statement of policy) {
    for (const entry of statement.principals) {
      if (typeof entry !== 'string') continue;
      const arn = /^arn:[^:]*:(?:iam|sts)::([^:]*):(role|assumed-role)\/(.+)$/.exec(entry);
      if (!arn) continue;
      const path = arn[3];
      const name = arn[2] === 'role' ? path.split('/').pop()! : path.split('/')[0];
      add({
        principal: { id: `arn:${entry}`, name, ...(/^\d{12}$/.test(arn[1]) ? { account: arn[1] } : {}) },
        identity: { statements: [] },
        name: entry,
        enclaveParent: false,
      });
    }
  }
  if (candidates.length === 0)
    add({ principal: { id: '(any caller)' }, identity: { statements: [] }, name: 'any caller', enclaveParent: false });
  return candidates;
}

function wildcardOnly(statement: PolicyStatement): boolean {
  return statement.principalRoles.length === 0 && statement.principals.every((p) => p === '*');
}

/** "the statement at line N lets role 'R' decrypt for it: ImageSha384 (PCR0) matches …". */
function granted(
  graph: Graph,
  grant: PolicyStatement,
  through: PolicyStatement | undefined,
  possibly: boolean,
  context: (key: string) => ContextValue,
): string {
  const who = through ? 'its role' : principals(graph, grant);
  const at = through
    ? `the identity policy statement at ${grant.source.file}:${grant.source.startLine}, through the root delegation at line ${through.source.startLine},`
    : `the statement at line ${grant.source.startLine}`;
  const attested = [...(through?.conditions ?? []), ...grant.conditions].some((c) =>
    ENCLAVE_ATTESTATION_KEY.test(c.key),
  );
  const held = [through, grant]
    .filter((s): s is PolicyStatement => s !== undefined)
    .map((s) => describeHeld(s, context))
    .filter(Boolean)
    .join(', ');
  const caller = possibly ? ' (when the request meets its other conditions)' : '';
  return attested
    ? `${at} lets ${who} decrypt for it${caller}: ${held}`
    : `${at} lets ${who} decrypt without any attestation condition, with this document or none${caller}`;
}

/** The attestation conditions of a statement that hold for the document, as people read them. */
function describeHeld(statement: PolicyStatement, context: (key: string) => ContextValue): string {
  const held: string[] = [];
  for (const condition of statement.conditions) {
    if (!ENCLAVE_ATTESTATION_KEY.test(condition.key)) continue;
    const value = context(condition.key);
    const wanted = condition.values.map((v) => v.value).filter((v): v is string => !isUnknown(v));
    if (value === 'absent') held.push(`${label(condition)} absent (${condition.operator})`);
    else if (parseOperator(condition.operator)?.negated) held.push(`${label(condition)} differs from ${short(wanted)}`);
    else held.push(`${label(condition)} matches ${short(wanted)}`);
  }
  return held.join(', ');
}

/** Why each Allow statement that names an asked principal and a recipient operation does not apply. */
function refusalsOf(
  policy: PolicyStatement[],
  candidates: Candidate[],
  key: KeyNode,
  context: (key: string) => ContextValue,
): string[] {
  const refusals: string[] = [];
  for (const statement of policy) {
    if (statement.effect !== 'Allow') continue;
    const action = RECIPIENT_OPERATIONS.find((operation) => coversAction(statement, operation) === true);
    if (!action) continue;
    for (const { principal } of candidates) {
      const named = statementPrincipal(statement, principal);
      if (named === 'none' || isUnknown(named)) continue;
      const request: KmsRequest = { role: principal, action, key: key.id, context };
      const { applies, at } = statementApplies(statement, request, named === 'account' ? 'role' : named);
      const line = `line ${statement.source.startLine}`;
      if (applies === 'never')
        refusals.push(
          `the statement at ${line} does not apply: ${at ? failed(at, context) : 'its conditions do not hold'}`,
        );
      else if (named === 'account')
        refusals.push(
          `the root delegation at ${line} grants through identity policies, and none in the scan allows it`,
        );
      else continue;
      break;
    }
  }
  return refusals;
}

/** Why one condition fails for the document. */
function failed(condition: PolicyCondition, context: (key: string) => ContextValue): string {
  const wanted = condition.values.map((v) => v.value).filter((v): v is string => !isUnknown(v));
  if (!ENCLAVE_ATTESTATION_KEY.test(condition.key)) {
    if (!conditionKeyExists(condition.key)) return `${condition.key} is not a condition key KMS has`;
    return `${condition.operator} on ${condition.key} does not hold`;
  }
  const value = context(condition.key);
  if (value === 'absent' || value === 'caller') return `${label(condition)} is not in the document`;
  const actual = value.present[0];
  const outcome = evaluateCondition(condition, context);
  if (outcome === 'false' && parseOperator(condition.operator)?.negated)
    return `${label(condition)} is ${short([actual])}, which ${condition.operator} excludes`;
  return `${label(condition)} is ${short([actual])}, the policy wants ${short(wanted)}`;
}

function label(condition: PolicyCondition): string {
  const match = ENCLAVE_ATTESTATION_KEY.exec(condition.key);
  if (!match) return condition.key;
  return match[2] === undefined ? 'ImageSha384 (PCR0)' : `PCR${Number(match[2])}`;
}

function principals(graph: Graph, statement: PolicyStatement): string {
  const roles = statement.principalRoles.map((id) => {
    const node = graph.node(id);
    return `role '${node ? nameOf(node) : id}'`;
  });
  if (roles.length > 0) return roles.join(', ');
  const written = statement.principals.map((p) => (isUnknown(p) ? 'an unresolved principal' : p));
  return written.length > 0 ? written.join(', ') : 'its principals';
}

/** PCR values are 96 hex digits: the first 16 say which one it is. */
function short(values: string[]): string {
  if (values.length === 0) return 'no value';
  return values.map((v) => (v.length > 20 ? `${v.slice(0, 16)}…` : v)).join(' or ');
}
