import type { Graph } from './graph.js';
import type { GraphNode, InstanceNode, PolicyStatement, RoleNode } from './nodes.js';
import { OWN_ACCOUNT, type IdentityPolicies, type RolePrincipal } from './policy.js';
import { isUnknown, type Maybe } from './unknown.js';

/**
 * Who asks KMS for an enclave's keys, as `check` (rule kms-enclave-attestation) and `attest --check` both see
 * it: the roles of enclave parents, with their identity policies and ARNs. One place, so the two commands judge
 * the same principals with the same evaluator (src/model/policy.ts) and cannot disagree.
 */

export interface EnclaveParent {
  role: RoleNode;
  machines: InstanceNode[];
  /** Only possibly a parent: an EKS service-account role (a warning, not an error). */
  possible: boolean;
}

/**
 * Enclave parents' roles: the instance profile role of any machine (instance, launch template, launch
 * configuration) with EnclaveOptions enabled or enclaves running on it; and, as possible parents, roles an
 * EKS service account assumes (IRSA: a Federated OIDC provider in the trust policy; Pod Identity:
 * pods.eks.amazonaws.com), until pods requesting aws.ec2.nitro/nitro_enclaves are read.
 */
export function enclaveParents(graph: Graph): Map<string, EnclaveParent> {
  const parents = new Map<string, EnclaveParent>();
  for (const instance of graph.nodes('instance')) {
    const isParent = instance.enclaveEnabled === true || graph.runningOn(instance.id).some((n) => n.kind === 'enclave');
    if (!isParent) continue;
    for (const use of graph.out(instance.id, 'uses')) {
      const role = graph.node(use.to);
      if (role?.kind !== 'role') continue;
      const parent = parents.get(role.id) ?? { role, machines: [], possible: false };
      parent.machines.push(instance);
      parents.set(role.id, parent);
    }
  }
  for (const role of graph.nodes('role')) {
    if (parents.has(role.id) || !role.trust || isUnknown(role.trust)) continue;
    const eks = role.trust.some(
      (statement) =>
        statement.effect === 'Allow' &&
        statement.principals.some(
          (p) =>
            typeof p === 'string' &&
            ((/^Federated:/.test(p) && /oidc/i.test(p)) || p === 'Service:pods.eks.amazonaws.com'),
        ),
    );
    if (eks) parents.set(role.id, { role, machines: [], possible: true });
  }
  return parents;
}

/** Every identity statement of a role, and why some cannot be read. */
export function identityOf(role: RoleNode): IdentityPolicies {
  const statements: PolicyStatement[] = [];
  let unreadable: IdentityPolicies['unreadable'];
  for (const policy of role.policies ?? []) {
    if (isUnknown(policy.statements)) unreadable ??= { reason: `policy ${policy.name}: ${policy.statements.reason}` };
    else statements.push(...policy.statements);
  }
  const missing = role.unreadablePolicies?.[0];
  if (missing) unreadable ??= { reason: missing.reason };
  return unreadable ? { statements, unreadable } : { statements };
}

/** The role as a request's principal: its name, and its account when its ARN is known. */
export function rolePrincipal(role: RoleNode, roleArn: string | undefined): RolePrincipal {
  return {
    id: role.id,
    ...(typeof role.roleName === 'string' ? { name: role.roleName } : {}),
    ...(roleArn ? { account: roleArn.split(':')[4] } : {}),
  };
}

/**
 * Each role's full ARN when the scan tells it: the role's own ARN with the account filled in from a literal
 * ARN of the role (`arn:aws:iam::123456789012:role/name`) in any policy of the scan.
 */
export function knownRoleArns(graph: Graph): Map<string, string> {
  const found = new Map<string, Set<string>>();
  const add = (role: string, arn: string) => {
    const set = found.get(role) ?? new Set<string>();
    set.add(arn);
    found.set(role, set);
  };
  const statementsOf = (node: GraphNode): PolicyStatement[] => {
    const lists: Array<Maybe<PolicyStatement[]> | undefined> = [];
    if (node.kind === 'key') lists.push(node.policy);
    if (node.kind === 'role') lists.push(node.trust, ...(node.policies ?? []).map((p) => p.statements));
    return lists.flatMap((list) => (list && !isUnknown(list) ? list : []));
  };
  const roles = graph.nodes('role');
  for (const node of [...graph.nodes('key'), ...roles]) {
    for (const statement of statementsOf(node)) {
      for (const principal of statement.principals) {
        if (typeof principal !== 'string') continue;
        const match = /^arn:aws[\w-]*:iam::(\d{12}):role\/(.+)$/.exec(principal);
        if (!match) continue;
        const name = match[2].split('/').pop();
        for (const role of roles) if (role.roleName === name) add(role.id, principal);
      }
    }
  }
  const arns = new Map<string, string>();
  for (const role of roles) {
    const literal = found.get(role.id);
    if (literal?.size === 1) arns.set(role.id, [...literal][0]);
    else if (typeof role.roleArn === 'string' && !role.roleArn.includes(OWN_ACCOUNT)) arns.set(role.id, role.roleArn);
  }
  return arns;
}
