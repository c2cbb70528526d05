import type { InlineSuppression } from './nodes.js';
import type { SourceSpan } from './source.js';
import { isUnknown, unknown, type Maybe, type Unknown } from './unknown.js';

/**
 * IAM and KMS policies as the graph keeps them, and an evaluator that decides them the way AWS does
 * (IAM policy evaluation logic, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html;
 * condition operators, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html;
 * KMS key policies, https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html). Pure: no I/O,
 * no graph; rules hand it statements and a request and get back whether the request can be allowed.
 */

/** The marker adapters write for "the account this template or module deploys into" inside an ARN. */
export const OWN_ACCOUNT = '${AWS::AccountId}';

/** One condition of a statement: `"StringEqualsIgnoreCase": {"kms:RecipientAttestation:PCR0": "…"}`. */
export interface PolicyCondition {
  operator: string;
  key: string;
  values: Array<{ value: Maybe<string>; source: SourceSpan }>;
  /** The condition key's line. */
  source: SourceSpan;
  /** The operator's line (`StringEqualsIgnoreCase:`). */
  operatorSource?: SourceSpan;
}

/** One statement of a key policy, an identity policy or a trust policy, with the spans of what rules judge. */
export interface PolicyStatement {
  sid?: string;
  effect: Maybe<string>;
  /**
   * Principals as written, typed: `AWS:arn:…`, `Service:ec2.amazonaws.com`, `Federated:…`, or `*`. For
   * `AWS` ones only the ARN is kept (no prefix), as earlier versions did: `arn:aws:iam::1:role/x`, `*`.
   * Interpolated ARNs whose account is the deploying one read `arn:aws:iam::${AWS::AccountId}:…`.
   * Empty for identity policies (they have no Principal element).
   */
  principals: Array<Maybe<string>>;
  /** Role nodes the principals name (by reference or by ARN), resolved by the adapter. */
  principalRoles: string[];
  /** `NotPrincipal` instead of `Principal`. */
  notPrincipal?: boolean;
  actions: Array<Maybe<string>>;
  /** `NotAction` instead of `Action`. */
  notAction?: boolean;
  /** The Action (or NotAction) line. */
  actionSource?: SourceSpan;
  /** Resources as written (identity policies); key policies say `*`, the key itself. */
  resources?: Array<Maybe<string>>;
  notResource?: boolean;
  /** Key nodes the resources name by reference (`!GetAtt Key.Arn`, `aws_kms_key.k.arn`). */
  resourceKeys?: string[];
  conditions: PolicyCondition[];
  source: SourceSpan;
  suppressions: readonly InlineSuppression[];
}

/** A policy document attached to a role (inline, managed, or a trust policy), with where it is written. */
export interface AttachedPolicy {
  /** The policy's name or logical id, for messages. */
  name: string;
  statements: Maybe<PolicyStatement[]>;
  source: SourceSpan;
}

// ---------------------------------------------------------------------------------------------
// Actions

/** IAM action patterns (`kms:Decrypt*`, `kms:*`, `*`) match case-insensitively, with * and ?. */
export function actionMatches(pattern: string, action: string): boolean {
  return wildcard(pattern, 'i').test(action);
}

function wildcard(pattern: string, flags: string): RegExp {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, flags);
}

/** Whether a statement's Action (or NotAction) covers `action`; unknown when an unread entry might. */
export function coversAction(statement: PolicyStatement, action: string): Maybe<boolean> {
  let listed = false;
  let undecided: Unknown | undefined;
  for (const pattern of statement.actions) {
    if (isUnknown(pattern)) undecided ??= pattern;
    else if (actionMatches(pattern, action)) listed = true;
  }
  if (statement.notAction) return listed ? false : (undecided ?? true);
  return listed ? true : (undecided ?? false);
}

/**
 * KMS operations whose requests can carry an attestation document (the `Recipient` parameter), the only
 * ones kms:RecipientAttestation:* conditions can match
 * (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-nitro-enclave.html).
 */
export const ATTESTED_OPERATIONS: readonly string[] = [
  'kms:Decrypt',
  'kms:DeriveSharedSecret',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyPair',
  'kms:GenerateRandom',
];

/**
 * Operations that hand the caller plaintext (or, for ReEncryptFrom, move the ciphertext under a key the
 * caller may decrypt) unless an attestation document makes KMS encrypt the answer for the enclave.
 * GenerateRandom uses no key; the `…WithoutPlaintext` forms return no plaintext.
 */
export const PLAINTEXT_OPERATIONS: readonly string[] = [
  'kms:Decrypt',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyPair',
  'kms:DeriveSharedSecret',
  'kms:ReEncryptFrom',
];

// ---------------------------------------------------------------------------------------------
// Condition keys

/** The attestation keys of Nitro Enclaves: ImageSha384 (= PCR0) and PCR<n>. */
export const ENCLAVE_ATTESTATION_KEY = /^kms:RecipientAttestation:(ImageSha384|PCR(\d+))$/i;
/** The NitroTPM family (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-nitro-tpm.html). */
export const TPM_ATTESTATION_KEY = /^kms:RecipientAttestation:NitroTPMPCR(\d+)$/i;

/**
 * The KMS condition keys (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html and the
 * service authorization reference). Key names are case-insensitive; `kms:EncryptionContext:<key>` takes any
 * context key.
 */
const KMS_KEYS = new Set(
  [
    'kms:BypassPolicyLockoutSafetyCheck',
    'kms:CallerAccount',
    'kms:CustomerMasterKeySpec',
    'kms:CustomerMasterKeyUsage',
    'kms:DataKeyPairSpec',
    'kms:EncryptionAlgorithm',
    'kms:EncryptionContextKeys',
    'kms:ExpirationModel',
    'kms:GrantConstraintType',
    'kms:GrantIsForAWSResource',
    'kms:GrantOperations',
    'kms:GranteePrincipal',
    'kms:KeyAgreementAlgorithm',
    'kms:KeyOrigin',
    'kms:KeySpec',
    'kms:KeyUsage',
    'kms:MacAlgorithm',
    'kms:MessageType',
    'kms:MultiRegion',
    'kms:MultiRegionKeyType',
    'kms:PrimaryRegion',
    'kms:ReEncryptOnSameKey',
    'kms:ReplicaRegion',
    'kms:RequestAlias',
    'kms:ResourceAliases',
    'kms:RetiringPrincipal',
    'kms:RotationPeriodInDays',
    'kms:ScheduleKeyDeletionPendingWindowInDays',
    'kms:SigningAlgorithm',
    'kms:ValidTo',
    'kms:ViaService',
    'kms:WrappingAlgorithm',
    'kms:WrappingKeySpec',
  ].map((key) => key.toLowerCase()),
);

/** Whether KMS knows a `kms:` condition key; keys of other services and `aws:` global keys are not judged. */
export function conditionKeyExists(key: string): boolean {
  if (!/^kms:/i.test(key)) return true;
  if (ENCLAVE_ATTESTATION_KEY.test(key) || TPM_ATTESTATION_KEY.test(key)) return true;
  if (/^kms:EncryptionContext:.+/i.test(key)) return true;
  return KMS_KEYS.has(key.toLowerCase());
}

// ---------------------------------------------------------------------------------------------
// Condition operators

export interface ParsedOperator {
  /** `ForAnyValue` / `ForAllValues`, when qualified. */
  set?: 'ForAnyValue' | 'ForAllValues';
  /** The operator without qualifier and IfExists: `StringEquals`. */
  base: string;
  ifExists: boolean;
  /** StringNotEquals, NotIpAddress…: several values are NOR'ed and an absent key makes them true. */
  negated: boolean;
}

const OPERATORS = new Set([
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'NumericEquals',
  'NumericNotEquals',
  'NumericLessThan',
  'NumericLessThanEquals',
  'NumericGreaterThan',
  'NumericGreaterThanEquals',
  'DateEquals',
  'DateNotEquals',
  'DateLessThan',
  'DateLessThanEquals',
  'DateGreaterThan',
  'DateGreaterThanEquals',
  'Bool',
  'BinaryEquals',
  'IpAddress',
  'NotIpAddress',
  'ArnEquals',
  'ArnNotEquals',
  'ArnLike',
  'ArnNotLike',
  'Null',
]);

/** The operator's parts, or undefined when IAM has no such operator. */
export function parseOperator(operator: string): ParsedOperator | undefined {
  const match = /^(?:(ForAnyValue|ForAllValues):)?(.+?)(IfExists)?$/.exec(operator);
  if (!match) return undefined;
  const base = match[2];
  if (!OPERATORS.has(base)) return undefined;
  // Null has no IfExists form.
  if (base === 'Null' && match[3]) return undefined;
  return {
    set: match[1] as ParsedOperator['set'],
    base,
    ifExists: match[3] !== undefined,
    negated: /Not/.test(base),
  };
}

/** How one policy value compares with one request value under a (non-negated view of the) operator. */
function valueMatches(base: string, policy: string, request: string): boolean {
  switch (base) {
    case 'StringEquals':
    case 'StringNotEquals':
      return policy === request;
    case 'StringEqualsIgnoreCase':
    case 'StringNotEqualsIgnoreCase':
      return policy.toLowerCase() === request.toLowerCase();
    case 'StringLike':
    case 'StringNotLike':
      return wildcard(policy, '').test(request);
    case 'NumericEquals':
    case 'NumericNotEquals':
      return Number(request) === Number(policy);
    case 'NumericLessThan':
      return Number(request) < Number(policy);
    case 'NumericLessThanEquals':
      return Number(request) <= Number(policy);
    case 'NumericGreaterThan':
      return Number(request) > Number(policy);
    case 'NumericGreaterThanEquals':
      return Number(request) >= Number(policy);
    case 'DateEquals':
    case 'DateNotEquals':
      return dateOf(request) === dateOf(policy);
    case 'DateLessThan':
      return dateOf(request) < dateOf(policy);
    case 'DateLessThanEquals':
      return dateOf(request) <= dateOf(policy);
    case 'DateGreaterThan':
      return dateOf(request) > dateOf(policy);
    case 'DateGreaterThanEquals':
      return dateOf(request) >= dateOf(policy);
    case 'Bool':
      return policy.toLowerCase() === request.toLowerCase();
    case 'BinaryEquals':
      return policy === request;
    case 'IpAddress':
    case 'NotIpAddress':
      return inCidr(request, policy);
    case 'ArnEquals':
    case 'ArnNotEquals':
    case 'ArnLike':
    case 'ArnNotLike':
      return arnMatches(policy, request);
    default:
      return false;
  }
}

/** Dates are ISO 8601 or epoch seconds. */
function dateOf(text: string): number {
  return /^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text);
}

function inCidr(address: string, cidr: string): boolean {
  const [network, bits = '32'] = cidr.split('/');
  const toNumber = (ip: string) => {
    const parts = ip.split('.').map(Number);
    return parts.length === 4 && parts.every((p) => Number.isInteger(p) && p >= 0 && p < 256)
      ? parts.reduce((n, p) => n * 256 + p, 0)
      : undefined;
  };
  const a = toNumber(address);
  const n = toNumber(network);
  const size = Number(bits);
  if (a === undefined || n === undefined || !(size >= 0 && size <= 32)) return false;
  const block = 2 ** (32 - size);
  return Math.floor(a / block) === Math.floor(n / block);
}

/** ARN operators compare each of the six colon-separated parts, case-sensitively, with * and ? in each. */
function arnMatches(policy: string, request: string): boolean {
  const p = policy.split(':');
  const r = request.split(':');
  if (p.length < 6 || r.length < 6) return false;
  const head = (parts: string[]) => [...parts.slice(0, 5), parts.slice(5).join(':')];
  const ph = head(p);
  const rh = head(r);
  return ph.every((part, i) => wildcard(part, '').test(rh[i]));
}

/**
 * What a request says about one condition key: its values, absent, or not known to the evaluator
 * (`caller`: the caller shapes it — an encryption context, a source address — so it may be anything).
 */
export type ContextValue = { present: string[] } | 'absent' | 'caller';

/** A condition's outcome for a request: always true, always false, either (the caller decides), or unknown. */
export type ConditionOutcome = 'true' | 'false' | 'either' | Unknown;

/** One condition (one operator and key, all its values) against a request. */
export function evaluateCondition(
  condition: PolicyCondition,
  context: (key: string) => ContextValue,
): ConditionOutcome {
  const parsed = parseOperator(condition.operator);
  if (!parsed) return unknown(`condition operator ${condition.operator} is not one isolint evaluates`);
  const value = context(condition.key);
  if (parsed.base === 'Null') {
    // Null: "true" holds when the key is absent, "false" when it is present.
    const wanted = condition.values.map((v) => v.value);
    const known = wanted.filter((v): v is string => !isUnknown(v));
    if (known.length === 0) return wanted.find(isUnknown) ?? unknown('Null with no value');
    if (value === 'caller') return 'either';
    const absent = value === 'absent';
    return known.some((w) => (w.toLowerCase() === 'true') === absent) ? 'true' : 'false';
  }
  if (value === 'absent') {
    // An absent key: IfExists and negated operators hold, ForAllValues holds (the empty set), the rest fail.
    if (parsed.ifExists) return 'true';
    if (parsed.set === 'ForAllValues') return 'true';
    if (parsed.set === 'ForAnyValue') return 'false';
    return parsed.negated ? 'true' : 'false';
  }
  if (value === 'caller') return 'either';
  const policyValues: string[] = [];
  for (const { value: v } of condition.values) {
    if (isUnknown(v)) return v;
    policyValues.push(v);
  }
  const one = (request: string) => {
    const any = policyValues.some((p) => valueMatches(parsed.base, p, request));
    // Several values are OR'ed; for negated operators the match is NOR'ed.
    return parsed.negated ? !any : any;
  };
  const requestValues = value.present;
  let result: boolean;
  if (parsed.set === 'ForAllValues') result = requestValues.every(one);
  else if (parsed.set === 'ForAnyValue') result = requestValues.some(one);
  else result = requestValues.length > 0 && one(requestValues[0]);
  return result ? 'true' : 'false';
}

/** All conditions of a statement (AND over operators and keys). */
export function evaluateConditions(
  conditions: readonly PolicyCondition[],
  context: (key: string) => ContextValue,
): { outcome: ConditionOutcome; at?: PolicyCondition } {
  let either = false;
  let undecided: { outcome: Unknown; at: PolicyCondition } | undefined;
  for (const condition of conditions) {
    if (condition.key === '?') {
      const reason = condition.values.map((v) => v.value).find(isUnknown) ?? unknown('the condition cannot be read');
      undecided ??= { outcome: reason, at: condition };
      continue;
    }
    const outcome = evaluateCondition(condition, context);
    if (outcome === 'false') return { outcome: 'false', at: condition };
    if (outcome === 'either') either = true;
    else if (isUnknown(outcome)) undecided ??= { outcome, at: condition };
  }
  if (undecided) return undecided;
  return { outcome: either ? 'either' : 'true' };
}

// ---------------------------------------------------------------------------------------------
// Principals

/** The principal a request comes from: an IAM role of the scan. */
export interface RolePrincipal {
  /** Node id of the role. */
  id: string;
  /** The role's name, when known. */
  name?: string;
  /** The role's account when known; otherwise the deploying account is assumed. */
  account?: string;
}

export type PrincipalMatch = 'role' | 'account' | 'none' | Unknown;

/**
 * How one principal entry relates to a role: names it (or everyone), names the role's account (root:
 * the key policy then delegates to the account's IAM policies), or neither.
 */
export function principalMatch(entry: Maybe<string>, role: RolePrincipal, statement: PolicyStatement): PrincipalMatch {
  if (isUnknown(entry)) return entry;
  if (entry === '*') return 'role';
  // The marker has colons of its own: give it a colon-free stand-in before the ARN is split.
  entry = entry.split(OWN_ACCOUNT).join(OWN);
  const account = /^(\d{12}|<own>)$/.exec(entry)?.[1] ?? /^arn:[^:]*:iam::([^:]*):root$/.exec(entry)?.[1];
  if (account !== undefined) return sameAccount(account, role) ? 'account' : 'none';
  const arn = /^arn:[^:]*:(?:iam|sts)::([^:]*):(role|assumed-role)\/(.+)$/.exec(entry);
  if (arn) {
    if (!sameAccount(arn[1], role)) return 'none';
    const path = arn[3];
    const name = arn[2] === 'role' ? path.split('/').pop()! : path.split('/')[0];
    if (role.name !== undefined) return name === role.name ? 'role' : 'none';
    // A role named at deploy time: only the adapter's link (a reference) says it is this one.
    return statement.principalRoles.includes(role.id) ? 'role' : 'none';
  }
  if (statement.principalRoles.includes(role.id)) return 'role';
  return 'none';
}

const OWN = '<own>';

function sameAccount(account: string, role: RolePrincipal): boolean {
  if (account === OWN || role.account === undefined) return true;
  return account === role.account;
}

/** Whether the statement's Principal (or NotPrincipal) element names the role, its account, or neither. */
export function statementPrincipal(statement: PolicyStatement, role: RolePrincipal): PrincipalMatch {
  let best: PrincipalMatch = 'none';
  let undecided: Unknown | undefined;
  // A role linked by reference is named even when its ARN is not written out.
  if (statement.principalRoles.includes(role.id)) best = 'role';
  for (const entry of statement.principals) {
    if (typeof entry === 'string' && /^(Service|Federated|CanonicalUser):/.test(entry)) continue;
    const match = principalMatch(entry, role, statement);
    if (isUnknown(match)) undecided ??= match;
    else if (match === 'role') best = 'role';
    else if (match === 'account' && best === 'none') best = 'account';
  }
  if (statement.notPrincipal) {
    // NotPrincipal: everyone except those listed. Listing the account excludes its roles as well.
    if (best !== 'none') return 'none';
    return undecided ?? 'role';
  }
  if (best === 'none' && undecided) return undecided;
  return best;
}

// ---------------------------------------------------------------------------------------------
// Requests and verdicts

/** A request to evaluate: a role calling one KMS operation on one key, and what its context holds. */
export interface KmsRequest {
  role: RolePrincipal;
  action: string;
  /** Node id of the key. */
  key: string;
  context: (key: string) => ContextValue;
}

/** The context of a request that carries no attestation document: attestation keys (and unknown kms: keys) absent. */
export function unattestedContext(key: string): ContextValue {
  if (/^kms:RecipientAttestation/i.test(key)) return 'absent';
  if (!conditionKeyExists(key)) return 'absent';
  return 'caller';
}

/**
 * The context of a request whose Recipient carries an attestation document with these PCRs (index → lower-case
 * hex): kms:RecipientAttestation:ImageSha384 is PCR0, PCR<n> is PCR n when the document has it, other attestation
 * keys and keys KMS does not have are absent, and the rest (encryption context, source address…) the caller shapes.
 */
export function attestedContext(pcrs: Readonly<Record<number, string>>): (key: string) => ContextValue {
  return (key) => {
    const match = ENCLAVE_ATTESTATION_KEY.exec(key);
    if (match) {
      const value = pcrs[match[2] === undefined ? 0 : Number(match[2])];
      return value === undefined ? 'absent' : { present: [value.toLowerCase()] };
    }
    return unattestedContext(key);
  };
}

/** A statement's bearing on a request: it always applies, may apply (the caller can make it), never, or unknown. */
export type Applies = 'always' | 'possibly' | 'never' | Unknown;

export interface StatementResult {
  applies: Applies;
  /** The condition that decided (false or unknown), for the finding's line. */
  at?: PolicyCondition;
}

/**
 * Whether one statement applies to a request. `principal` is how the statement names the role (identity
 * policies apply to the principal they are attached to: pass 'role').
 */
export function statementApplies(
  statement: PolicyStatement,
  request: KmsRequest,
  principal: PrincipalMatch,
): StatementResult {
  if (isUnknown(principal)) return { applies: principal };
  if (principal === 'none') return { applies: 'never' };
  const action = coversAction(statement, request.action);
  if (isUnknown(action)) return { applies: action };
  if (!action) return { applies: 'never' };
  const resource = coversKey(statement, request.key);
  if (isUnknown(resource)) return { applies: resource };
  if (!resource) return { applies: 'never' };
  const { outcome, at } = evaluateConditions(statement.conditions, request.context);
  if (isUnknown(outcome)) return { applies: outcome, at };
  if (outcome === 'false') return { applies: 'never', at };
  return { applies: outcome === 'true' ? 'always' : 'possibly' };
}

/** Whether an identity policy's Resource covers the key (key policies leave resources unset: the key itself). */
function coversKey(statement: PolicyStatement, key: string): Maybe<boolean> {
  if (statement.resources === undefined) return true;
  let listed = false;
  let undecided: Unknown | undefined;
  for (const resource of statement.resources) {
    if (isUnknown(resource)) {
      if (statement.resourceKeys?.includes(key)) listed = true;
      else if (!(statement.resourceKeys && statement.resourceKeys.length > 0)) undecided ??= resource;
      continue;
    }
    if (resource === '*' || /^arn:[^:]*:kms:[^:]*:[^:]*:key\/\*$/.test(resource) || /^arn:[^:]*:kms:\*/.test(resource))
      listed = true;
    else if (/:key\//.test(resource) || /:alias\//.test(resource))
      undecided ??= unknown(`whether ${resource} is this key is decided at deploy time`);
  }
  if (statement.resourceKeys?.includes(key)) listed = true;
  if (statement.notResource) return listed ? false : (undecided ?? true);
  return listed ? true : (undecided ?? false);
}

/** A role's identity policies as the evaluator needs them. */
export interface IdentityPolicies {
  statements: PolicyStatement[];
  /** Why some of the role's policies cannot be read (a managed policy outside the scan), if any. */
  unreadable?: { reason: string; source?: { file: string } & Partial<SourceSpan> };
}

/** Why a request is allowed, or why it cannot be decided. */
export type Verdict =
  | { allowed: true; grant: PolicyStatement; through?: PolicyStatement; possibly: boolean }
  | { allowed: false; deniedBy?: PolicyStatement; delegation?: PolicyStatement }
  | { allowed: Unknown; at?: PolicyStatement; condition?: PolicyCondition };

export interface EvaluationOptions {
  /** Deny statements not to count as protection (built on a condition key that does not exist: reported apart). */
  ignoreDeny?: (statement: PolicyStatement) => boolean;
}

/**
 * Whether KMS can allow the request: an explicit Deny that always applies (key policy or identity policy)
 * wins; otherwise the key policy must allow the role, either directly or by naming its account, in which
 * case an identity policy of the role must allow it too (the root delegation of the default key policy,
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html).
 */
export function evaluateKmsRequest(
  keyPolicy: readonly PolicyStatement[],
  identity: IdentityPolicies,
  request: KmsRequest,
  options: EvaluationOptions = {},
): Verdict {
  let undecidedDeny: Verdict | undefined;
  const denies = (statement: PolicyStatement, principal: PrincipalMatch): boolean => {
    if (effectOf(statement) !== 'Deny' || options.ignoreDeny?.(statement)) return false;
    const { applies, at } = statementApplies(statement, request, principal);
    if (applies === 'always') return true;
    if (isUnknown(applies)) undecidedDeny ??= { allowed: applies, at: statement, condition: at };
    return false;
  };
  for (const statement of keyPolicy) {
    const principal = statementPrincipal(statement, request.role);
    // A Deny naming the account (root) applies to every principal of it.
    if (denies(statement, principal === 'account' ? 'role' : principal)) return { allowed: false, deniedBy: statement };
  }
  for (const statement of identity.statements) {
    if (denies(statement, 'role')) return { allowed: false, deniedBy: statement };
  }

  let undecided: Verdict | undefined;
  let delegation: { statement: PolicyStatement; possibly: boolean } | undefined;
  for (const statement of keyPolicy) {
    if (effectOf(statement) !== 'Allow') {
      if (isUnknown(statement.effect)) undecided ??= { allowed: statement.effect, at: statement };
      continue;
    }
    const principal = statementPrincipal(statement, request.role);
    const { applies, at } = statementApplies(statement, request, principal === 'account' ? 'role' : principal);
    if (isUnknown(applies)) {
      undecided ??= { allowed: applies, at: statement, condition: at };
      continue;
    }
    if (applies === 'never') continue;
    if (principal === 'role') {
      if (undecidedDeny) return undecidedDeny;
      return { allowed: true, grant: statement, possibly: applies === 'possibly' };
    }
    if (!delegation || (delegation.possibly && applies === 'always'))
      delegation = { statement, possibly: applies === 'possibly' };
  }
  if (delegation) {
    for (const statement of identity.statements) {
      if (effectOf(statement) !== 'Allow') continue;
      const { applies, at } = statementApplies(statement, request, 'role');
      if (isUnknown(applies)) {
        undecided ??= { allowed: applies, at: statement, condition: at };
        continue;
      }
      if (applies === 'never') continue;
      if (undecidedDeny) return undecidedDeny;
      return {
        allowed: true,
        grant: statement,
        through: delegation.statement,
        possibly: applies === 'possibly' || delegation.possibly,
      };
    }
    if (identity.unreadable && !undecided)
      undecided = { allowed: unknown(identity.unreadable.reason), at: delegation.statement };
  }
  if (undecided) return undecided;
  return { allowed: false, delegation: delegation?.statement };
}

function effectOf(statement: PolicyStatement): 'Allow' | 'Deny' | Unknown {
  const effect = statement.effect;
  if (isUnknown(effect)) return effect;
  if (effect === 'Allow' || effect === 'Deny') return effect;
  return unknown(`Effect "${effect}" is neither Allow nor Deny`);
}
