import { defineRule } from '../src/engine/rule.js';
import type { RelatedLocation } from '../src/engine/rule.js';
import type { KeyNode, PolicyCondition, PolicyStatement, RoleNode } from '../src/model/nodes.js';
import {
  ATTESTED_OPERATIONS,
  ENCLAVE_ATTESTATION_KEY,
  PLAINTEXT_OPERATIONS,
  TPM_ATTESTATION_KEY,
  actionMatches,
  conditionKeyExists,
  evaluateCondition,
  evaluateKmsRequest,
  parseOperator,
  statementPrincipal,
  unattestedContext,
  type RolePrincipal,
  type Verdict,
} from '../src/model/policy.js';
import { isUnknown } from '../src/model/unknown.js';
import { nameOf } from '../src/model/queries.js';
import { pcrOfString } from '../src/model/attestation.js';
import {
  enclaveParents,
  identityOf,
  knownRoleArns,
  rolePrincipal,
  type EnclaveParent,
} from '../src/model/enclave-parents.js';

/** SHA-384 PCRs are 48 bytes: 96 hex digits (https://docs.aws.amazon.com/enclaves/latest/user/set-up-attestation.html#where, https://docs.aws.amazon.com/kms/latest/developerguide/conditions-nitro-enclave.html). */
const PCR_HEX = /^[0-9a-fA-F]{96}$/;
/** In debug mode an enclave's PCR0, PCR1 and PCR2 (so ImageSha384) read as zeros. */
const DEBUG_ZERO_PCRS = new Set(['ImageSha384', 'PCR0', 'PCR1', 'PCR2']);

export default defineRule({
  id: 'kms-enclave-attestation',
  name: 'KmsEnclaveAttestation',
  title: "KMS keys an enclave parent's role may decrypt with require enclave attestation",
  severity: 'error',
  securitySeverity: 8.1,
  precision: 'high',
  tags: ['security', 'nitro-enclaves', 'attestation', 'kms'],
  since: '0.1.0',
  sources: [
    'AWS KMS: condition keys for Nitro Enclaves (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-nitro-enclaves.html)',
    'AWS KMS: the default key policy and its root delegation (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html)',
    'AWS IAM: policy evaluation logic and condition operators (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html)',
    'AWS Nitro Enclaves user guide: where to get an enclave measurements (PCR3 role ARN, PCR4 instance id)',
    'Prowler kms_key_enclave_* checks (bypass through root delegation, PCR binding) for live accounts',
  ],
  appliesTo: ['key', 'role', 'instance'],
  rationale:
    "An enclave protects a secret only if the key that unwraps it is released to the enclave and to nothing else. The parent instance's role can call KMS too; unless every path by which KMS would allow it Decrypt, GenerateDataKey, GenerateDataKeyPair, DeriveSharedSecret or ReEncryptFrom requires an attestation document whose measurements match the enclave image, anyone on the parent, or anything holding its credentials, gets the plaintext without the enclave. isolint evaluates the key policy and the role's identity policies as KMS does: explicit Deny wins, a statement naming the account root lets identity policies grant, and condition operators follow IAM's rules (an absent key fails StringEquals and passes IfExists, Null and negated operators; StringEquals compares case-sensitively with the lower-case hex in attestation documents).",
  fix: 'Give the parent role only attested access: an Allow statement for kms:Decrypt (and what the enclave needs) with "StringEqualsIgnoreCase": {"kms:RecipientAttestation:ImageSha384": "<PCR0>"} (and/or PCR8 for the signer), with the 96 lower-case hex digits isolint measure prints; no ...IfExists operators; no identity policy that grants the same operations without that condition while the key delegates to the account root. Compute PCR3/PCR4 with isolint pcr --role-arn / --instance-id.',
  messages: {
    noAttestation:
      "Key '{{key}}' lets enclave parent role '{{role}}' call {{operations}} without an attestation document: this statement requires no kms:RecipientAttestation value.",
    noAttestationDelegated:
      "Key '{{key}}' delegates to the account's IAM policies, and '{{policy}}' of enclave parent role '{{role}}' grants {{operations}} without an attestation condition, bypassing the key policy's pins.",
    possibleParent:
      "Role '{{role}}' may be an enclave parent (its trust policy names an EKS service account or Pod Identity) and key '{{key}}' lets it call {{operations}} without an attestation document.",
    delegationOnly:
      "Key '{{key}}' delegates to the account's IAM policies: any identity policy of the account could grant parent role '{{role}}' {{operations}} without attestation (none in the scan does).",
    noImagePin:
      "Key '{{key}}' requires an attestation document of parent role '{{role}}' but pins no image (ImageSha384/PCR0, PCR1 with PCR2, or PCR8): any enclave the parent starts passes.",
    unknownKey:
      "Key '{{key}}': {{condition}} is not a condition key KMS has, so no request carries it and {{operator}} on it is always {{outcome}}.",
    tpmKey:
      "Key '{{key}}': {{condition}} is a NitroTPM measurement; enclave attestation documents never carry it, so the condition never matches an enclave request.",
    neverMatches:
      "Key '{{key}}': KMS requests for {{operations}} never carry an attestation document, so the attestation condition of this statement never matches them.",
    upperCaseHex:
      "Key '{{key}}': {{operator}} compares {{condition}} case-sensitively with the lower-case hex of attestation documents, so this upper-case value never matches; use StringEqualsIgnoreCase.",
    caseSensitive:
      "Key '{{key}}': {{operator}} on {{condition}} is case-sensitive; KMS documents StringEqualsIgnoreCase for PCR values.",
    ifExists:
      "Key '{{key}}': operator {{operator}} lets requests without an attestation document through; use {{fixed}}.",
    malformedValue: "Key '{{key}}': {{condition}} is not a SHA-384 value (96 hex digits).",
    zeroValue:
      "Key '{{key}}': {{condition}} is all zeros, the value a debug-mode enclave reports: it admits any debug-mode enclave.",
    pcrMismatch: "Key '{{key}}': {{condition}} is {{pinned}}, but {{what}} gives {{expected}} (isolint pcr {{flag}}).",
    instanceIdPin:
      "Key '{{key}}': PCR4 measures the parent's instance id, which exists only once the instance is launched, so this pin cannot be checked before deployment; compare it with isolint pcr --instance-id <id> of each instance launched with parent role '{{role}}'.",
    unknownOperator:
      "Key '{{key}}': condition operator {{operator}} is not one isolint evaluates, so the statement is not judged.",
    undecided: "Cannot tell whether key '{{key}}' requires enclave attestation for role '{{role}}': {{reason}}.",
  },
  check(graph, context) {
    const parents = enclaveParents(graph);
    const roleArns = knownRoleArns(graph);

    for (const key of graph.nodes('key')) {
      const policy = key.policy;
      if (policy === undefined) continue;
      const keyName = nameOf(key);
      if (isUnknown(policy)) {
        const role = graph
          .in(key.id, 'uses')
          .map((edge) => parents.get(edge.from))
          .find((parent) => parent !== undefined);
        if (role)
          context.report({
            messageId: 'undecided',
            data: { key: keyName, role: nameOf(role.role), reason: policy.reason },
            subject: key,
            property: 'policy',
            severity: 'note',
          });
        continue;
      }
      const broken = new Set<PolicyStatement>();
      for (const statement of policy) checkConditions(key, keyName, statement, broken);
      for (const parent of parents.values()) checkParent(key, keyName, policy, parent, broken);
    }

    /** What a condition says on its own: keys that exist, operators, values (no parent needed). */
    function checkConditions(key: KeyNode, keyName: string, statement: PolicyStatement, broken: Set<PolicyStatement>) {
      const base = { subject: key, suppressions: statement.suppressions } as const;
      let attested = false;
      for (const condition of statement.conditions) {
        if (condition.key === '?') continue;
        const operator = parseOperator(condition.operator);
        const operatorAt = condition.operatorSource ?? condition.source;
        if (!operator) {
          if (/^kms:RecipientAttestation/i.test(condition.key) || statement.effect === 'Allow')
            context.report({
              ...base,
              messageId: 'unknownOperator',
              data: { key: keyName, operator: condition.operator },
              at: operatorAt,
              severity: 'note',
            });
          continue;
        }
        if (!conditionKeyExists(condition.key)) {
          broken.add(statement);
          const outcome = evaluateCondition(condition, () => 'absent');
          context.report({
            ...base,
            messageId: 'unknownKey',
            data: {
              key: keyName,
              condition: condition.key,
              operator: condition.operator,
              outcome: outcome === 'true' ? 'true' : 'false',
            },
            at: condition.source,
          });
          continue;
        }
        if (TPM_ATTESTATION_KEY.test(condition.key)) {
          context.report({
            ...base,
            messageId: 'tpmKey',
            data: { key: keyName, condition: condition.key },
            at: condition.source,
            severity: 'warning',
          });
          continue;
        }
        const match = ENCLAVE_ATTESTATION_KEY.exec(condition.key);
        if (!match) continue;
        attested = true;
        const name = match[1].replace(/^pcr/i, 'PCR').replace(/^imagesha384$/i, 'ImageSha384');
        if (operator.ifExists) {
          context.report({
            ...base,
            messageId: 'ifExists',
            data: { key: keyName, operator: condition.operator, fixed: condition.operator.replace(/IfExists$/, '') },
            at: operatorAt,
          });
        }
        const caseSensitive = /^String(Not)?(Equals|Like)$/.test(operator.base);
        let reportedCase = false;
        for (const { value, source } of condition.values) {
          if (isUnknown(value)) {
            context.report({
              ...base,
              messageId: 'undecided',
              data: { key: keyName, role: 'any', reason: `${name}: ${value.reason}` },
              at: source,
              severity: 'note',
            });
            continue;
          }
          if (operator.base === 'Null') continue;
          if (caseSensitive && /[A-F]/.test(value)) {
            context.report({
              ...base,
              messageId: 'upperCaseHex',
              data: { key: keyName, operator: condition.operator, condition: name },
              at: source,
            });
            reportedCase = true;
            continue;
          }
          if (operator.base === 'StringLike' && /[*?]/.test(value)) continue;
          if (!PCR_HEX.test(value)) {
            context.report({
              ...base,
              messageId: 'malformedValue',
              data: { key: keyName, condition: name },
              at: source,
            });
          } else if (/^0+$/.test(value) && DEBUG_ZERO_PCRS.has(name)) {
            context.report({ ...base, messageId: 'zeroValue', data: { key: keyName, condition: name }, at: source });
          }
        }
        if (caseSensitive && !reportedCase && !operator.negated) {
          context.report({
            ...base,
            messageId: 'caseSensitive',
            data: { key: keyName, operator: condition.operator, condition: name },
            at: operatorAt,
            severity: 'note',
          });
        }
      }
      if (attested && statement.effect === 'Allow' && !statement.notAction) {
        const never = statement.actions.filter(
          (action): action is string =>
            typeof action === 'string' &&
            /^kms:[A-Za-z]+$/.test(action) &&
            !ATTESTED_OPERATIONS.some((operation) => operation.toLowerCase() === action.toLowerCase()),
        );
        if (never.length)
          context.report({
            ...base,
            messageId: 'neverMatches',
            data: { key: keyName, operations: never.join(', ') },
            at: statement.actionSource ?? statement.source,
          });
      }
    }

    /** Whether the parent role gets plaintext without attestation, and whether its pins are the right ones. */
    function checkParent(
      key: KeyNode,
      keyName: string,
      policy: PolicyStatement[],
      parent: EnclaveParent,
      broken: Set<PolicyStatement>,
    ) {
      const role = parent.role;
      const roleArn = roleArns.get(role.id);
      const principal = rolePrincipal(role, roleArn);
      const identity = identityOf(role);
      // A key is an enclave key for this role when its policy names the role or pins attestation, or the
      // role's own policies name the key: otherwise it is some other key of the account.
      // A principal the scan cannot resolve may be this role: the verdict is then a note, never silence.
      const names = policy.some(
        (s) => s.principalRoles.includes(role.id) || namesRole(s, principal) || s.principals.some(isUnknown),
      );
      const pins = policy.some((s) => s.conditions.some((c) => ENCLAVE_ATTESTATION_KEY.test(c.key)));
      const namedByIdentity = identity.statements.some((s) => s.resourceKeys?.includes(key.id));
      if (!names && !pins && !namedByIdentity) return;

      const grants = new Map<PolicyStatement, { verdict: Verdict; operations: string[] }>();
      let delegation: PolicyStatement | undefined;
      let undecided: { verdict: Verdict; reason: string } | undefined;
      for (const action of PLAINTEXT_OPERATIONS) {
        const verdict = evaluateKmsRequest(
          policy,
          identity,
          { role: principal, action, key: key.id, context: unattestedContext },
          // A Deny built on a key KMS does not have is reported as such, not counted as the guard it was meant to be.
          { ignoreDeny: (statement) => broken.has(statement) },
        );
        if (verdict.allowed === true) {
          const entry = grants.get(verdict.grant) ?? { verdict, operations: [] };
          entry.operations.push(action);
          grants.set(verdict.grant, entry);
        } else if (verdict.allowed === false) {
          delegation ??= verdict.delegation;
        } else {
          undecided ??= { verdict, reason: verdict.allowed.reason };
        }
      }
      const related = relatedOf(parent);
      for (const [grant, { verdict, operations }] of grants) {
        if (verdict.allowed !== true) continue;
        const list = operations.join(', ');
        const evidence: RelatedLocation[] = [...related];
        if (verdict.through)
          evidence.unshift({ span: verdict.through.source, label: 'root delegation in the key policy' });
        if (parent.possible) {
          context.report({
            subject: key,
            suppressions: grant.suppressions,
            messageId: 'possibleParent',
            data: { key: keyName, role: nameOf(role), operations: list },
            at: grant.source,
            related: evidence,
            severity: 'warning',
          });
        } else if (verdict.through) {
          context.report({
            subject: key,
            suppressions: grant.suppressions,
            messageId: 'noAttestationDelegated',
            data: { key: keyName, role: nameOf(role), operations: list, policy: policyName(role, grant) },
            at: grant.source,
            related: evidence,
          });
        } else {
          context.report({
            subject: key,
            suppressions: grant.suppressions,
            messageId: 'noAttestation',
            data: { key: keyName, role: nameOf(role), operations: list },
            at: grant.source,
            related: evidence,
          });
        }
      }
      if (grants.size === 0 && undecided) {
        const { verdict, reason } = undecided;
        const at =
          verdict.allowed !== true && verdict.allowed !== false
            ? (verdict.condition?.operatorSource ?? verdict.at?.source)
            : undefined;
        context.report({
          subject: key,
          messageId: 'undecided',
          data: { key: keyName, role: nameOf(role), reason },
          ...(at ? { at } : { property: 'policy' }),
          related,
          severity: 'note',
        });
      } else if (grants.size === 0 && delegation) {
        context.report({
          subject: key,
          suppressions: delegation.suppressions,
          messageId: 'delegationOnly',
          data: { key: keyName, role: nameOf(role), operations: PLAINTEXT_OPERATIONS.join(', ') },
          at: delegation.source,
          related,
          severity: 'note',
        });
      }

      // Attested grants to this role: do they pin the image, and are PCR3/PCR4 this parent's?
      for (const statement of policy) {
        if (statement.effect !== 'Allow' || statementPrincipal(statement, principal) !== 'role') continue;
        if (!PLAINTEXT_OPERATIONS.some((operation) => covers(statement, operation))) continue;
        const pinned = new Map<string, PolicyCondition>();
        for (const condition of statement.conditions) {
          const operator = parseOperator(condition.operator);
          const match = ENCLAVE_ATTESTATION_KEY.exec(condition.key);
          if (!operator || !match || operator.negated || operator.base === 'Null') continue;
          pinned.set(match[2] === undefined ? 'PCR0' : `PCR${match[2]}`, condition);
        }
        if (pinned.size === 0) continue;
        const image = pinned.has('PCR0') || pinned.has('PCR8') || (pinned.has('PCR1') && pinned.has('PCR2'));
        if (!image && !parent.possible)
          context.report({
            subject: key,
            suppressions: statement.suppressions,
            messageId: 'noImagePin',
            data: { key: keyName, role: nameOf(role) },
            at: statement.source,
            related,
          });
        const pcr3 = pinned.get('PCR3');
        // For EKS pods PCR3 measures the node's instance role, not the pod's role: only machines' roles are judged.
        if (pcr3 && !parent.possible) {
          if (roleArn)
            comparePin(
              key,
              keyName,
              statement,
              pcr3,
              'PCR3',
              pcrOfString(roleArn),
              `role ARN ${roleArn}`,
              '--role-arn',
            );
          else
            context.report({
              subject: key,
              suppressions: statement.suppressions,
              messageId: 'undecided',
              data: {
                key: keyName,
                role: nameOf(role),
                reason: 'PCR3 measures the role ARN, whose account no input of the scan names',
              },
              at: pcr3.source,
              severity: 'note',
            });
        }
        const pcr4 = pinned.get('PCR4');
        // The instance id is assigned at launch: no input of a deployment can know it (a note, never an error).
        if (pcr4 && !parent.possible)
          context.report({
            subject: key,
            suppressions: statement.suppressions,
            messageId: 'instanceIdPin',
            data: { key: keyName, role: nameOf(role) },
            at: pcr4.source,
            severity: 'note',
          });
      }
    }

    function comparePin(
      key: KeyNode,
      keyName: string,
      statement: PolicyStatement,
      condition: PolicyCondition,
      pcr: string,
      expected: string,
      what: string,
      flag: string,
    ) {
      for (const { value, source } of condition.values) {
        if (isUnknown(value) || !PCR_HEX.test(value) || value.toLowerCase() === expected) continue;
        context.report({
          subject: key,
          suppressions: statement.suppressions,
          messageId: 'pcrMismatch',
          data: { key: keyName, condition: pcr, pinned: abbreviate(value), what, expected: abbreviate(expected), flag },
          at: source,
        });
      }
    }

    function relatedOf(parent: EnclaveParent): RelatedLocation[] {
      const related: RelatedLocation[] = [{ span: parent.role.source, label: `role '${nameOf(parent.role)}'` }];
      for (const machine of parent.machines) {
        related.push({ span: machine.source, label: `enclave parent '${nameOf(machine)}'` });
        for (const enclave of graph.runningOn(machine.id)) {
          if (enclave.kind !== 'enclave') continue;
          for (const use of graph.out(enclave.id, 'uses')) {
            const image = graph.node(use.to);
            if (image?.kind === 'image')
              related.push({ span: image.source, label: `enclave image '${nameOf(image)}'` });
          }
        }
      }
      return related;
    }
  },
});

function policyName(role: RoleNode, statement: PolicyStatement): string {
  const policy = role.policies?.find((p) => !isUnknown(p.statements) && p.statements.includes(statement));
  return policy?.name ?? 'an identity policy';
}

function namesRole(statement: PolicyStatement, role: RolePrincipal): boolean {
  if (role.name === undefined) return false;
  return statement.principals.some(
    (p) => typeof p === 'string' && /:role\//.test(p) && p.split('/').pop() === role.name,
  );
}

function covers(statement: PolicyStatement, operation: string): boolean {
  const listed = statement.actions.some((a) => typeof a === 'string' && actionMatches(a, operation));
  return statement.notAction ? !listed : listed;
}

/** First and last eight hex digits: enough to tell values apart in a message. */
function abbreviate(hex: string): string {
  return hex.length > 20 ? `${hex.slice(0, 8)}…${hex.slice(-8)}` : hex;
}
