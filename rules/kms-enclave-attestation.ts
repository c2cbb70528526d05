import { defineRule } from '../src/engine/rule.js';
import type { KeyNode, PolicyStatement, RoleNode } from '../src/model/nodes.js';
import { isUnknown } from '../src/model/unknown.js';
import { nameOf } from '../src/model/queries.js';

/** SHA-384 PCRs are 48 bytes: 96 hex digits (https://docs.aws.amazon.com/enclaves/latest/user/set-up-attestation.html#where, https://docs.aws.amazon.com/kms/latest/developerguide/conditions-nitro-enclave.html). */
const PCR_HEX = /^[0-9a-fA-F]{96}$/;
const ATTESTATION_KEY = /^kms:RecipientAttestation:(ImageSha384|PCR\d+)$/i;
/** The keys that pin the image itself or its signer (the minimum: ImageSha384, PCR0 or PCR8). */
const PINNING_KEY = /^kms:RecipientAttestation:(ImageSha384|PCR0|PCR8)$/i;

/** Whether an IAM action pattern (with * and ?) covers kms:Decrypt. */
function coversDecrypt(action: string): boolean {
  const pattern = new RegExp(
    `^${action
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return pattern.test('kms:Decrypt');
}

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
    'kms:RecipientAttestation:ImageSha384 and kms:RecipientAttestation:PCR<n> condition keys, StringEqualsIgnoreCase: https://docs.aws.amazon.com/kms/latest/developerguide/conditions-nitro-enclave.html',
    'AWS Nitro Enclaves user guide: preparing a KMS key for an enclave',
  ],
  appliesTo: ['key', 'role', 'instance'],
  rationale:
    "An enclave protects a secret only if the key that unwraps it is released to the enclave and to nothing else. The parent instance's role can call kms:Decrypt too; unless the key policy requires an attestation document whose measurements match the enclave image (ImageSha384/PCR0, or the signer's PCR8), anyone on the parent — or anything holding its credentials — decrypts without the enclave. A condition value that is not a 96-digit SHA-384 value, or an all-zero one (debug mode), pins nothing.",
  fix: 'Add to the statement that lets the parent role decrypt a condition such as "StringEqualsIgnoreCase": {"kms:RecipientAttestation:ImageSha384": "<PCR0 of the image>"} (and/or PCR8 for the signing certificate), with the values isolint measure prints for the image; do not use the ...IfExists operators.',
  messages: {
    noAttestation:
      "Key '{{key}}' lets enclave parent role '{{role}}' decrypt without requiring an attestation condition (kms:RecipientAttestation:ImageSha384, PCR0 or PCR8).",
    ifExists:
      "Key '{{key}}': operator {{operator}} lets requests without an attestation document through; use {{fixed}}.",
    malformedValue: "Key '{{key}}': {{condition}} is not a SHA-384 value (96 hex digits).",
    zeroValue: "Key '{{key}}': {{condition}} is all zeros, which matches any debug-mode enclave.",
    undecided: "Cannot tell whether key '{{key}}' requires enclave attestation for role '{{role}}': {{reason}}.",
  },
  check(graph, context) {
    // Roles of enclave parents: instances with enclave support, or with enclaves running on them.
    const parentRoles = new Map<string, RoleNode>();
    for (const instance of graph.nodes('instance')) {
      const isParent =
        instance.enclaveEnabled === true || graph.runningOn(instance.id).some((n) => n.kind === 'enclave');
      if (!isParent) continue;
      for (const use of graph.out(instance.id, 'uses')) {
        const role = graph.node(use.to);
        if (role?.kind === 'role') parentRoles.set(role.id, role);
      }
    }
    if (parentRoles.size === 0) return;

    for (const key of graph.nodes('key')) {
      const policy = key.policy;
      if (policy === undefined) continue;
      const keyName = nameOf(key);
      if (isUnknown(policy)) {
        const [role] = rolesUsing(key);
        if (role)
          context.report({
            messageId: 'undecided',
            data: { key: keyName, role: nameOf(role), reason: policy.reason },
            subject: key,
            property: 'policy',
            severity: 'note',
          });
        continue;
      }
      for (const statement of policy) checkStatement(key, keyName, statement);
    }

    function rolesUsing(key: KeyNode): RoleNode[] {
      return graph
        .in(key.id, 'uses')
        .map((edge) => parentRoles.get(edge.from))
        .filter((role): role is RoleNode => role !== undefined);
    }

    function checkStatement(key: KeyNode, keyName: string, statement: PolicyStatement): void {
      if (statement.effect !== 'Allow') return;
      const decrypts = statement.actions.some((action) => !isUnknown(action) && coversDecrypt(action));
      if (!decrypts) return;
      const roles = statement.principalRoles
        .map((id) => parentRoles.get(id))
        .filter((r): r is RoleNode => r !== undefined);
      if (roles.length === 0 && statement.principals.includes('*')) roles.push(...parentRoles.values());
      if (roles.length === 0) return;
      const role = nameOf(roles[0]);
      const base = { subject: key, suppressions: statement.suppressions } as const;

      const undecided = statement.conditions.find((c) => c.key === '?');
      const attestation = statement.conditions.filter((c) => ATTESTATION_KEY.test(c.key));
      const pinning = attestation.filter((c) => PINNING_KEY.test(c.key));
      if (pinning.length === 0) {
        if (undecided) {
          const reason = undecided.values.map((v) => v.value).find(isUnknown)?.reason ?? 'the condition cannot be read';
          context.report({
            ...base,
            messageId: 'undecided',
            data: { key: keyName, role, reason },
            at: undecided.source,
            severity: 'note',
          });
        } else {
          context.report({
            ...base,
            messageId: 'noAttestation',
            data: { key: keyName, role },
            at: statement.source,
            related: [{ span: roles[0].source, label: `role '${role}'` }],
          });
        }
        return;
      }
      for (const condition of attestation) {
        if (/IfExists$/i.test(condition.operator)) {
          context.report({
            ...base,
            messageId: 'ifExists',
            data: { key: keyName, operator: condition.operator, fixed: condition.operator.replace(/IfExists$/i, '') },
            at: condition.operatorSource ?? condition.source,
          });
        }
        for (const { value, source } of condition.values) {
          const name = condition.key.replace(/^kms:RecipientAttestation:/i, '');
          if (isUnknown(value)) {
            context.report({
              ...base,
              messageId: 'undecided',
              data: { key: keyName, role, reason: `${name}: ${value.reason}` },
              at: source,
              severity: 'note',
            });
          } else if (!PCR_HEX.test(value)) {
            context.report({
              ...base,
              messageId: 'malformedValue',
              data: { key: keyName, condition: name },
              at: source,
            });
          } else if (/^0+$/.test(value)) {
            context.report({ ...base, messageId: 'zeroValue', data: { key: keyName, condition: name }, at: source });
          }
        }
      }
    }
  },
});
