import { isCalendarDate } from '../../dates.js';
import type {
  FragmentWarning,
  GraphFragment,
  IngressRule,
  InstanceNode,
  InlineSuppression,
  PolicyCondition,
  PolicyStatement,
  Protocol,
} from '../../model/nodes.js';
import { NO_SPANS, NO_SUPPRESSIONS } from '../../model/nodes.js';
import type { LineIndex, SourceSpan } from '../../model/source.js';
import { isUnknown, unknown, type Maybe, type Unknown } from '../../model/unknown.js';
import { parseCidr } from '../../model/cidr.js';
import { FragmentBuilder } from '../fragment-builder.js';
import type { LocatedDocument } from '../located.js';
import { OWN_ACCOUNT } from '../../model/policy.js';
import {
  isInterpolation,
  isPseudoValue,
  isRecord,
  isReference,
  referencesIn,
  toList,
  toNumber,
  toText,
} from './values.js';

/**
 * What the CloudFormation and Terraform adapters share: spans with fallbacks, a fragment that keeps
 * only edges whose ends exist, ingress rules, key policies and comment suppressions. The formats differ
 * in names and in how values are resolved; the graph they build is the same.
 */

/** Spans of a document's containers, falling back to a given span for computed values. */
export class Spans {
  constructor(readonly document: LocatedDocument) {}

  /** The property's line when the container has it, else `fallback` (the resource's type line). */
  key(container: unknown, key: string | number, fallback: SourceSpan): SourceSpan {
    if (!container || typeof container !== 'object' || !this.document.locates(container)) return fallback;
    if (typeof key === 'number')
      return Array.isArray(container) && key < container.length ? this.document.spanOfKey(container, key) : fallback;
    return this.document.hasKey(container, key) ? this.document.spanOfKey(container, key) : fallback;
  }

  value(container: unknown, key: string | number, fallback: SourceSpan): SourceSpan {
    if (!container || typeof container !== 'object' || !this.document.locates(container)) return fallback;
    if (typeof key === 'string' && !this.document.hasKey(container, key)) return fallback;
    return this.document.spanOfValue(container, key);
  }

  of(container: unknown, fallback: SourceSpan): SourceSpan {
    return container && typeof container === 'object' && this.document.locates(container)
      ? this.document.spanOf(container)
      : fallback;
  }
}

/** Nodes and edges of one input; edges to elements outside the scan are dropped, not reported. */
export class AwsFragment extends FragmentBuilder {
  constructor() {
    super((node) => `resource "${node.label ?? node.id}"`);
  }

  /** The fragment, keeping edges whose ends are in this input or (for Terraform modules) in a sibling file. */
  finish(existsElsewhere: (id: string) => boolean = () => false): GraphFragment {
    const exists = (id: string) => this.ids.has(id) || existsElsewhere(id);
    const seen = new Set<string>();
    const edges = this.edges.filter((edge) => {
      const key = `${edge.kind}\0${edge.from}\0${edge.to}`;
      if (seen.has(key) || !exists(edge.from) || !exists(edge.to)) return false;
      seen.add(key);
      return true;
    });
    return this.skipped.length ? { nodes: this.nodes, edges, skipped: this.skipped } : { nodes: this.nodes, edges };
  }

  /** What was not read, on its line (see GraphFragment.skipped). */
  readonly skipped: NonNullable<GraphFragment['skipped']> = [];

  skip(source: SourceSpan, message: string): void {
    this.skipped.push({ source, message });
  }
}

/** What a CloudFormation or Terraform resource says about an EC2 instance, launch template or configuration. */
export type Ec2InstanceParts = Pick<
  InstanceNode,
  | 'id'
  | 'label'
  | 'awsKind'
  | 'instanceType'
  | 'metadataTokens'
  | 'metadataEndpoint'
  | 'enclaveEnabled'
  | 'launchTemplate'
  | 'hibernation'
  | 'keyName'
  | 'tenancy'
  | 'cloudInit'
  | 'source'
  | 'at'
  | 'defaults'
  | 'suppressions'
>;

/** The instance node both AWS formats build: capacity comes from the instance type (src/model/ec2-instance-types.ts). */
export function ec2InstanceNode(parts: Ec2InstanceParts): InstanceNode {
  const node: InstanceNode = {
    kind: 'instance',
    ...parts,
    vcpus: unknown('the instance type decides'),
    memoryMiB: unknown('the instance type decides'),
  };
  // Optional properties the resource does not set stay absent rather than present and undefined.
  for (const key of ['instanceType', 'cloudInit', 'launchTemplate', 'hibernation'] as const)
    if (node[key] === undefined) delete node[key];
  return node;
}

// ---------------------------------------------------------------------------------------------
// Security-group ingress

/**
 * The protocol of a rule, by name or number as EC2 takes it: `-1` (CloudFormation) and `all` (some tools)
 * are every protocol on every port; 6 is tcp, 17 udp, 1 icmp, 58 icmpv6; another number is that protocol
 * on all its ports ("specifying -1 or a protocol number other than tcp, udp, icmp, or icmpv6 allows traffic
 * on all ports", AWS::EC2::SecurityGroupIngress IpProtocol), which carries no TCP port.
 */
export function protocolOf(value: unknown): Maybe<Protocol> {
  const text = toText(value);
  if (text === undefined) return unknown('no protocol given');
  if (isUnknown(text)) return text;
  const name = text.trim().toLowerCase();
  if (name === 'tcp' || name === '6') return 'tcp';
  if (name === 'udp' || name === '17') return 'udp';
  if (name === 'icmp' || name === '1' || name === 'icmpv6' || name === '58') return 'icmp';
  if (name === '-1' || name === 'all') return 'all';
  if (/^\d+$/.test(name) && Number(name) <= 255) return 'other';
  return unknown(`"${text}" is not an IP protocol name or number: EC2 would reject it`);
}

export interface IngressPeer {
  value: unknown;
  source: SourceSpan;
  /** The value is a CIDR block (CidrIp, cidr_blocks…), read as EC2 reads it; else a group or prefix list. */
  cidr?: boolean;
}

export interface IngressSpec {
  protocol: unknown;
  fromPort: unknown;
  toPort: unknown;
  /** Each peer (a CIDR, a security group, a prefix list) with the span of the line that names it. */
  peers: IngressPeer[];
  source: SourceSpan;
  suppressions: readonly InlineSuppression[];
}

/** One IngressRule per peer, so a finding lands on the CIDR that opens the port. */
export function ingressRules(spec: IngressSpec): IngressRule[] {
  const protocol = protocolOf(spec.protocol);
  let fromPort: Maybe<number>;
  let toPort: Maybe<number>;
  if (protocol === 'all' || protocol === 'other') {
    // Every port, whatever the range says.
    fromPort = 0;
    toPort = 65535;
  } else {
    const port = (value: unknown): Maybe<number> => {
      const number = toNumber(value);
      return number === undefined ? unknown('port range not given') : number;
    };
    fromPort = port(spec.fromPort);
    toPort = port(spec.toPort);
    if (protocol === 'tcp' || protocol === 'udp') {
      // A TCP/UDP range is two ports of 0–65535, from ≤ to; EC2 refuses anything else (-1 included).
      const range = `${String(spec.fromPort)}–${String(spec.toPort)}`;
      if (typeof fromPort === 'number' && typeof toPort === 'number') {
        if (fromPort < 0 || toPort > 65535 || fromPort > 65535 || toPort < 0) {
          fromPort = toPort = unknown(`the port range ${range} is outside 0–65535: EC2 would reject it`);
        } else if (fromPort > toPort) {
          fromPort = toPort = unknown(`the port range ${range} is reversed: EC2 would reject it`);
        }
      }
    }
  }
  return spec.peers.map(({ value, source, cidr }) => {
    const text = toText(value);
    const rule: IngressRule = {
      protocol,
      fromPort,
      toPort,
      peer: text === undefined ? unknown('no peer given') : text,
      source,
      suppressions: spec.suppressions,
    };
    if (cidr && typeof text === 'string') {
      const parsed = parseCidr(text);
      if (!parsed) rule.peer = unknown(`'${text}' is not a CIDR block: EC2 would reject it`);
      else if (parsed.canonical !== text.trim()) {
        rule.peer = parsed.canonical;
        rule.peerWritten = text;
      }
    }
    return rule;
  });
}

// ---------------------------------------------------------------------------------------------
// EKS managed node groups

export interface NodeGroupSpec {
  id: string;
  label: string;
  source: SourceSpan;
  suppressions: readonly InlineSuppression[];
  /** The remote access block's line, when the node group has one. */
  remoteAccess?: SourceSpan;
  /** Its source security groups: none (empty or absent), known values, or unknown. */
  sourceGroups: unknown[] | ReturnType<typeof unknown>;
  /** The launch template (node id) its nodes start from: their enclave options, type and user data. */
  launchTemplate?: string;
}

/**
 * An EKS managed node group as a machine. With remote access (an SSH key) and no source security groups,
 * EKS opens port 22 of its nodes to 0.0.0.0/0 ("If you specify ec2SshKey but do not specify
 * sourceSecurityGroups … port 22 on the worker nodes is opened to the internet (0.0.0.0/0)", EKS API
 * RemoteAccessConfig): that opening is modelled as the ingress rule of a group EKS makes, on the block's line.
 */
export function addNodeGroup(fragment: AwsFragment, spec: NodeGroupSpec): void {
  fragment.add({
    kind: 'instance',
    id: spec.id,
    label: spec.label,
    awsKind: 'eks-node-group',
    vcpus: unknown('the instance types decide'),
    memoryMiB: unknown('the instance types decide'),
    ...(spec.launchTemplate !== undefined ? { launchTemplate: spec.launchTemplate } : {}),
    source: spec.source,
    at: NO_SPANS,
    suppressions: spec.suppressions,
  });
  if (!spec.remoteAccess) return;
  const sourceGroups = spec.sourceGroups;
  const peer: Maybe<string> | undefined = isUnknown(sourceGroups)
    ? unknown(`its source security groups cannot be read: ${sourceGroups.reason}`)
    : sourceGroups.length === 0
      ? '0.0.0.0/0'
      : undefined;
  if (peer === undefined) return;
  const groupId = `${spec.id}/remote-access`;
  fragment.add({
    kind: 'securityGroup',
    id: groupId,
    label: `the remote access group EKS makes for ${spec.label}`,
    ingress: [
      { protocol: 'tcp', fromPort: 22, toPort: 22, peer, source: spec.remoteAccess, suppressions: spec.suppressions },
    ],
    source: spec.remoteAccess,
    at: NO_SPANS,
    suppressions: spec.suppressions,
  });
  fragment.edge('attaches', groupId, spec.id, spec.remoteAccess);
}

// ---------------------------------------------------------------------------------------------
// Key policies (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-nitro-enclave.html)

export interface PolicyContext {
  spans: Spans;
  /** Resolves a value read from the policy (CloudFormation intrinsics; identity for Terraform). */
  resolve: (value: unknown) => unknown;
  /** The role node a principal value names, if it is a role of the scan. */
  roleOf(principal: unknown): string | undefined;
  /** A role node's name when the input gives it, to fill in ARNs built from the role's attributes. */
  roleNameOf?(roleId: string): string | undefined;
  /** The key node a Resource value names by reference, if it is a key of the scan. */
  keyOf?(value: unknown): string | undefined;
  /** Where the policy property is, for values without positions. */
  fallback: SourceSpan;
  suppressions: readonly InlineSuppression[];
}

/**
 * The statements of a policy document (key, identity or trust policy: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html),
 * each with the line of the statement, its Action and each condition operator and key.
 */
export function readPolicy(document: unknown, context: PolicyContext): Maybe<PolicyStatement[]> {
  const { spans, resolve, fallback } = context;
  const policy = resolve(document);
  if (isUnknown(policy)) return policy;
  if (!isRecord(policy)) return unknown('the policy is not a JSON object');
  const statementValue = resolve(policy.Statement);
  if (isUnknown(statementValue)) return statementValue;
  const statements: PolicyStatement[] = [];
  const list = toList(statementValue);
  list.forEach((raw, index) => {
    const statement = resolve(raw);
    const statementSpan = Array.isArray(statementValue)
      ? spans.key(statementValue, index, fallback)
      : spans.key(policy, 'Statement', fallback);
    if (!isRecord(statement)) {
      statements.push({
        effect: unknown('statement cannot be read'),
        principals: [unknown('statement cannot be read')],
        principalRoles: [],
        actions: [unknown('statement cannot be read')],
        conditions: [],
        source: statementSpan,
        suppressions: context.suppressions,
      });
      return;
    }
    const effect = toText(resolve(statement.Effect));
    const principals: Array<Maybe<string>> = [];
    const principalRoles: string[] = [];
    const notPrincipal = statement.Principal === undefined && statement.NotPrincipal !== undefined;
    const principal = resolve(notPrincipal ? statement.NotPrincipal : statement.Principal);
    const addPrincipal = (value: unknown) => {
      const resolved = resolve(value);
      const { text, roles } = principalText(resolved, context);
      for (const role of roles) if (!principalRoles.includes(role)) principalRoles.push(role);
      principals.push(text);
    };
    if (principal === '*') principals.push('*');
    else if (isRecord(principal)) {
      for (const [type, value] of Object.entries(principal)) {
        const resolved = resolve(value);
        if (isUnknown(resolved) && !isReference(resolved) && !isInterpolation(resolved)) {
          principals.push(resolved);
          continue;
        }
        for (const item of toList(resolved)) {
          if (type === 'AWS') addPrincipal(item);
          else {
            const text = toText(resolve(item));
            principals.push(isUnknown(text) ? text : `${type}:${String(text ?? '')}`);
          }
        }
      }
    } else if (principal !== undefined)
      principals.push(isUnknown(principal) ? principal : unknown('principal cannot be read'));
    const notAction = statement.Action === undefined && statement.NotAction !== undefined;
    const actionKey = notAction ? 'NotAction' : 'Action';
    const actions = toList(resolve(statement[actionKey])).map((a) => {
      const text = toText(resolve(a));
      return text === undefined ? unknown('empty action') : text;
    });
    const read: PolicyStatement = {
      effect: effect === undefined ? unknown('no Effect') : effect,
      principals,
      principalRoles,
      actions,
      conditions: readConditions(statement, statementSpan, context),
      source: statementSpan,
      suppressions: context.suppressions,
    };
    const sid = toText(resolve(statement.Sid));
    if (typeof sid === 'string') read.sid = sid;
    if (notPrincipal) read.notPrincipal = true;
    if (notAction) read.notAction = true;
    const actionSpan = spans.key(statement, actionKey, statementSpan);
    if (actionSpan !== statementSpan) read.actionSource = actionSpan;
    const notResource = statement.Resource === undefined && statement.NotResource !== undefined;
    const resourceValue = resolve(notResource ? statement.NotResource : statement.Resource);
    if (resourceValue !== undefined) {
      const resources: Array<Maybe<string>> = [];
      const resourceKeys: string[] = [];
      const items = isUnknown(resourceValue) && !isReference(resourceValue) ? [resourceValue] : toList(resourceValue);
      for (const item of items) {
        const resolved = resolve(item);
        const key = context.keyOf?.(resolved) ?? context.keyOf?.(referencesIn(resolved)[0]);
        if (key) resourceKeys.push(key);
        const text = toText(resolved);
        resources.push(text === undefined ? unknown('empty resource') : text);
      }
      read.resources = resources;
      if (resourceKeys.length) read.resourceKeys = resourceKeys;
      if (notResource) read.notResource = true;
    }
    statements.push(read);
  });
  return statements;
}

function readConditions(
  statement: Record<string, unknown>,
  statementSpan: SourceSpan,
  context: PolicyContext,
): PolicyCondition[] {
  const { spans, resolve } = context;
  const conditions: PolicyCondition[] = [];
  const conditionBlock = resolve(statement.Condition);
  const conditionSpan = spans.key(statement, 'Condition', statementSpan);
  if (isRecord(conditionBlock)) {
    for (const [operator, rawKeys] of Object.entries(conditionBlock)) {
      const keys = resolve(rawKeys);
      const operatorSpan = spans.key(conditionBlock, operator, conditionSpan);
      if (!isRecord(keys)) {
        conditions.push({
          operator,
          key: '?',
          values: [{ value: isUnknown(keys) ? keys : unknown('condition cannot be read'), source: operatorSpan }],
          source: operatorSpan,
          operatorSource: operatorSpan,
        });
        continue;
      }
      for (const [key, rawValues] of Object.entries(keys)) {
        const keySpan = spans.key(keys, key, operatorSpan);
        const resolvedValues = resolve(rawValues);
        const values = Array.isArray(resolvedValues)
          ? resolvedValues.map((v, i) => ({
              value: textOrUnknown(resolve(v)),
              source: spans.value(resolvedValues, i, keySpan),
            }))
          : [{ value: textOrUnknown(resolvedValues), source: spans.value(keys, key, keySpan) }];
        conditions.push({ operator, key, values, source: keySpan, operatorSource: operatorSpan });
      }
    }
  } else if (isUnknown(conditionBlock)) {
    conditions.push({
      operator: '?',
      key: '?',
      values: [{ value: conditionBlock, source: conditionSpan }],
      source: conditionSpan,
      operatorSource: conditionSpan,
    });
  }
  return conditions;
}

/**
 * An AWS principal as text, and the roles of the scan it names. An ARN built with `${AWS::AccountId}`
 * (or `data.aws_caller_identity`) names the deploying account (OWN_ACCOUNT); one built from a role's
 * attributes names that role; any other unknown part leaves the principal unknown.
 */
function principalText(value: unknown, context: PolicyContext): { text: Maybe<string>; roles: string[] } {
  const roles: string[] = [];
  const direct = context.roleOf(value);
  if (direct) roles.push(direct);
  if (isInterpolation(value)) {
    let text = '';
    let undecided: Unknown | undefined;
    for (const part of value.parts) {
      if (typeof part === 'string') text += part;
      else if (isPseudoValue(part) && part.pseudo === 'AccountId') text += OWN_ACCOUNT;
      else if (isPseudoValue(part) && part.pseudo === 'Partition') text += 'aws';
      else if (isReference(part) && context.roleOf(part)) {
        const role = context.roleOf(part)!;
        roles.push(role);
        const name = context.roleNameOf?.(role);
        if (
          name !== undefined &&
          (part.attribute === 'name' || part.attribute === 'id' || part.attribute === undefined)
        )
          text += name;
        else undecided ??= part;
      } else undecided ??= isUnknown(part) ? part : unknown('part of the principal cannot be read');
    }
    if (undecided) return { text: unknown(`principal ${describeParts(value.parts)}: ${undecided.reason}`), roles };
    const named = context.roleOf(text);
    if (named && !roles.includes(named)) roles.push(named);
    return { text, roles };
  }
  const text = toText(value);
  // A reference to a role of the scan (`!GetAtt Role.Arn`, `aws_iam_role.x.arn`) is that role's ARN, whose
  // account is the deploying one; a role named at deploy time keeps its node id in place of the name.
  if (direct && isUnknown(text))
    return { text: `arn:aws:iam::${OWN_ACCOUNT}:role/${context.roleNameOf?.(direct) ?? direct}`, roles };
  return { text: text === undefined ? unknown('empty principal') : text, roles };
}

function describeParts(parts: readonly unknown[]): string {
  return parts.map((part) => (typeof part === 'string' ? part : '${…}')).join('');
}

function textOrUnknown(value: unknown): Maybe<string> {
  const text = toText(value);
  return text === undefined ? unknown('empty value') : text;
}

/** The role a principal names by ARN (`arn:aws:iam::123:role/path/name`), by its last path segment. */
export function roleNameOfArn(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.split(OWN_ACCOUNT).join('self');
  const match = /^arn:aws[\w-]*:iam::[^:]*:role\/(?:.*\/)?([^/]+)$/.exec(text);
  return match?.[1];
}

export function referenceTarget(value: unknown): string | undefined {
  return isReference(value) ? value.target : undefined;
}

// ---------------------------------------------------------------------------------------------
// Comment suppressions: `# isolint-suppress <rule-id> [expires=YYYY-MM-DD]: <reason>`

const SUPPRESS_COMMENT = /(?:#|\/\/)\s*isolint-suppress\b(.*)$/;

/**
 * Suppression comments of a YAML or HCL file. A comment applies to the element it sits in, or to the
 * element that starts on the next line that is not a comment. A comment without a reason, or with an
 * expiry that is not a date, suppresses nothing and is a warning at its line: a suppression is a
 * recorded decision, and a mistyped one must neither hide findings nor cost the rest of the file.
 */
export class CommentSuppressions {
  private readonly found: Array<{ line: number; suppression: InlineSuppression }> = [];
  private readonly lineTexts: string[] = [];
  /** Comments that were ignored, each at its line. */
  readonly warnings: FragmentWarning[] = [];

  constructor(file: string, text: string, lines: LineIndex) {
    if (!text.includes('isolint-suppress')) return;
    const pattern = /([^\r\n]*)(\r\n|\r|\n|$)/g;
    let offset = 0;
    for (let match = pattern.exec(text); match && offset <= text.length; match = pattern.exec(text)) {
      const content = match[1];
      this.lineTexts.push(content);
      const line = this.lineTexts.length;
      const comment = SUPPRESS_COMMENT.exec(content);
      if (comment) {
        const start = content.indexOf('isolint-suppress');
        const source = lines.lazySpan(file, offset + start, offset + content.length);
        const parsed = /^([a-z0-9-]+)(?:\s+expires=(\S+))?\s*:\s*(.*)$/.exec(comment[1].trim());
        if (!parsed || !parsed[3].trim()) {
          this.warnings.push({
            message:
              'suppression comment ignored: it needs a rule id and a reason ("isolint-suppress <rule-id>: <reason>"); the findings it meant are reported',
            source,
          });
        } else if (parsed[2] !== undefined && !isCalendarDate(parsed[2])) {
          this.warnings.push({
            message: `suppression of ${parsed[1]} ignored: expires=${parsed[2]} is not a date (YYYY-MM-DD); the findings it meant are reported`,
            source,
          });
        } else {
          this.found.push({
            line,
            suppression: { rule: parsed[1], reason: parsed[3].trim(), expires: parsed[2], source },
          });
        }
      }
      offset += match[0].length;
      if (match[0].length === 0) break;
    }
  }

  /** Comments some element asked for (the others apply to nothing). */
  private readonly claimed = new Set<InlineSuppression>();

  /**
   * Well-formed comments that no element took (between resources, in a block isolint does not read): each
   * suppresses nothing, so each is a warning at its line rather than a decision that silently does nothing.
   */
  unattached(): FragmentWarning[] {
    return this.found
      .filter(({ suppression }) => !this.claimed.has(suppression))
      .map(({ suppression }) => ({
        message: `suppression of ${suppression.rule} applies to no element (put it inside the element, or on the lines just above it); it suppresses nothing`,
        source: suppression.source,
      }));
  }

  /** The suppressions that apply to an element spanning [startLine, endLine]. */
  for(startLine: number, endLine: number): readonly InlineSuppression[] {
    if (this.found.length === 0) return NO_SUPPRESSIONS;
    const applying = this.found.filter(({ line }) => {
      if (line >= startLine && line <= endLine) return true;
      if (line >= startLine) return false;
      for (let l = line + 1; l < startLine; l++) {
        const content = this.lineTexts[l - 1].trim();
        if (content && !content.startsWith('#') && !content.startsWith('//')) return false;
      }
      return true;
    });
    for (const { suppression } of applying) this.claimed.add(suppression);
    return applying.length ? applying.map(({ suppression }) => suppression) : NO_SUPPRESSIONS;
  }
}
