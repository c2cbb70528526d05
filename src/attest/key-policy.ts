/**
 * Which KMS keys of a scan would release their secret to the enclave a document comes from. KMS compares
 * the kms:RecipientAttestation:ImageSha384 (= PCR0) and kms:RecipientAttestation:PCR<n> condition keys
 * with the PCRs of the attestation document sent in the request's Recipient parameter
 * (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-nitro-enclaves.html).
 *
 * This is an adapter over today's key-policy model (KeyNode.policy: PolicyStatement[] with its
 * conditions): the rest of `attest` sees only KeyVerdict, so the policy evaluation can be replaced by a
 * fuller one without touching the verifier. It evaluates only the attestation conditions; the caller
 * (the principal) is reported, not judged, since a document does not say who sends it.
 */
import type { Graph } from '../model/graph.js';
import type { KeyNode, PolicyCondition, PolicyStatement } from '../model/nodes.js';
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
}

const ATTESTATION_KEY = /^kms:RecipientAttestation:(ImageSha384|PCR(\d+))$/i;
/** The KMS operations that take a Recipient attestation document. */
const RECIPIENT_ACTIONS = [
  'kms:Decrypt',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyPair',
  'kms:GenerateRandom',
  'kms:DeriveSharedSecret',
];

type Outcome =
  { result: true; detail: string } | { result: false; detail: string } | { result: undefined; detail: string };

/** One verdict per key in the scan that has a policy, in the graph's order. */
export function keysForDocument(graph: Graph, pcrs: Record<number, string>): KeyVerdict[] {
  return graph.nodes('key').map((key) => verdictFor(graph, key, pcrs));
}

function verdictFor(graph: Graph, key: KeyNode, pcrs: Record<number, string>): KeyVerdict {
  const base = { key: nameOf(key), file: key.source.file, line: key.source.startLine };
  const policy = key.policy;
  if (policy === undefined) return { ...base, unlocks: undefined, reason: 'its key policy is not in the scan' };
  if (isUnknown(policy))
    return { ...base, unlocks: undefined, reason: `its key policy cannot be read: ${policy.reason}` };
  const relevant = policy.filter((statement) =>
    statement.actions.some((action) => !isUnknown(action) && coversRecipientAction(action)),
  );
  // A Deny that applies wins over every Allow (IAM policy evaluation logic).
  for (const statement of relevant.filter((s) => !isUnknown(s.effect) && s.effect === 'Deny')) {
    const outcome = conditionsHold(statement, pcrs);
    if (outcome.result === true) {
      return {
        ...base,
        unlocks: false,
        reason: `the Deny statement at line ${statement.source.startLine} applies${outcome.detail ? `: ${outcome.detail}` : ''}`,
      };
    }
    if (outcome.result === undefined)
      return {
        ...base,
        unlocks: undefined,
        reason: `Deny statement at line ${statement.source.startLine}: ${outcome.detail}`,
      };
  }
  const refusals: string[] = [];
  const undecided: string[] = [];
  for (const statement of relevant) {
    if (isUnknown(statement.effect)) {
      undecided.push(`the statement at line ${statement.source.startLine} has an unresolved Effect`);
      continue;
    }
    if (statement.effect !== 'Allow') continue;
    const who = principals(graph, statement);
    const outcome = conditionsHold(statement, pcrs);
    const at = `line ${statement.source.startLine}`;
    if (outcome.result === true) {
      const attested = statement.conditions.some((c) => ATTESTATION_KEY.test(c.key));
      return {
        ...base,
        unlocks: true,
        reason: attested
          ? `the statement at ${at} lets ${who} decrypt for it: ${outcome.detail}`
          : `the statement at ${at} lets ${who} decrypt without any attestation condition, with this document or none`,
      };
    }
    if (outcome.result === false) refusals.push(`the statement at ${at} does not apply: ${outcome.detail}`);
    else undecided.push(`the statement at ${at} cannot be judged: ${outcome.detail}`);
  }
  if (undecided.length > 0) return { ...base, unlocks: undefined, reason: undecided[0] };
  if (refusals.length > 0) return { ...base, unlocks: false, reason: refusals.join('; ') };
  return { ...base, unlocks: false, reason: 'no Allow statement of its policy grants kms:Decrypt' };
}

function coversRecipientAction(action: string): boolean {
  const pattern = new RegExp(
    `^${action
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return RECIPIENT_ACTIONS.some((name) => pattern.test(name));
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

/** Whether every attestation condition of a statement holds for these PCRs (other condition keys are not judged). */
function conditionsHold(statement: PolicyStatement, pcrs: Record<number, string>): Outcome {
  const held: string[] = [];
  for (const condition of statement.conditions) {
    if (condition.key === '?') return { result: undefined, detail: 'a condition cannot be read' };
    const match = ATTESTATION_KEY.exec(condition.key);
    if (!match) continue;
    const index = match[2] === undefined ? 0 : Number(match[2]);
    const outcome = evaluate(condition, index, pcrs[index]);
    if (outcome.result !== true) return outcome;
    held.push(outcome.detail);
  }
  return { result: true, detail: held.join(', ') };
}

function evaluate(condition: PolicyCondition, index: number, actual: string | undefined): Outcome {
  const name = condition.key.replace(/^kms:RecipientAttestation:/i, '');
  const label = name.toLowerCase() === 'imagesha384' ? 'ImageSha384 (PCR0)' : `PCR${index}`;
  let operator = condition.operator.replace(/^(ForAnyValue|ForAllValues):/i, '');
  const ifExists = /IfExists$/i.test(operator);
  operator = operator.replace(/IfExists$/i, '');
  const negated = /^StringNot/i.test(operator);
  const base = operator.replace(/^StringNot/i, 'String');
  if (!/^(StringEquals|StringEqualsIgnoreCase|StringLike)$/i.test(base)) {
    return { result: undefined, detail: `${label}: operator ${condition.operator} is not evaluated` };
  }
  if (actual === undefined) {
    return ifExists
      ? { result: true, detail: `${label} absent (${condition.operator})` }
      : { result: false, detail: `${label} is not in the document` };
  }
  let matched = false;
  let unknownValue: string | undefined;
  const wanted: string[] = [];
  for (const { value } of condition.values) {
    if (isUnknown(value)) {
      unknownValue ??= value.reason;
      continue;
    }
    wanted.push(value);
    if (matches(base, value, actual)) matched = true;
  }
  if (!matched && unknownValue !== undefined) return { result: undefined, detail: `${label}: ${unknownValue}` };
  const holds = negated ? !matched : matched;
  if (holds) return { result: true, detail: `${label} ${negated ? 'differs from' : 'matches'} ${short(wanted)}` };
  return negated
    ? { result: false, detail: `${label} is ${short([actual])}, which ${condition.operator} excludes` }
    : { result: false, detail: `${label} is ${short([actual])}, the policy wants ${short(wanted)}` };
}

function matches(operator: string, wanted: string, actual: string): boolean {
  if (/^StringEquals$/i.test(operator)) return wanted === actual;
  if (/^StringEqualsIgnoreCase$/i.test(operator)) return wanted.toLowerCase() === actual.toLowerCase();
  const pattern = wanted
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${pattern}$`).test(actual);
}

/** PCR values are 96 hex digits: the first 16 say which one it is. */
function short(values: string[]): string {
  if (values.length === 0) return 'no value';
  return values.map((v) => (v.length > 20 ? `${v.slice(0, 16)}…` : v)).join(' or ');
}
