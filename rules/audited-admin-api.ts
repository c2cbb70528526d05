import { defineRule } from '../src/engine/rule.js';
import { isUnknown } from '../src/model/unknown.js';
import { nameOf, nodeName } from '../src/model/queries.js';

/** Methods that are administration through a mediated API rather than a login. */
const API_METHODS = new Set(['api', 'ssm']);
/** Components whose administration must be authenticated, authorised and audited. */
const ADMINISTERED_KINDS = new Set(['host', 'hypervisor', 'controller', 'card']);
/** People with privileged access: they must present a second factor. */
const PRIVILEGED_PRINCIPALS = new Set(['operator', 'administrator', 'provider']);

export default defineRule({
  id: 'audited-admin-api',
  name: 'AuditedAdminApi',
  title: 'Administration only through authenticated, audited APIs with MFA',
  severity: 'error',
  securitySeverity: 7.5,
  precision: 'high',
  tags: ['security', 'isolation', 'access', 'audit', 'external/cwe/cwe-778'],
  since: '0.1.0',
  sources: [
    'AWS Nitro System: all administrative access through authenticated, authorised, logged and audited APIs',
    'AWS hypervisor security whitepaper: administration hosts require multi-factor authentication and are logged',
  ],
  appliesTo: ['host', 'hypervisor', 'controller', 'card', 'principal'],
  rationale:
    'Without interactive logins, the only way to operate a host is its administrative API. That API is a boundary only if every call is authenticated, authorised and written to an audit trail, and if the people allowed to call it prove who they are with a second factor: a stolen password alone must not reach a hypervisor.',
  fix: 'Set authenticated: true and audited: true on the access, backed by the API gateway and audit log that enforce them, and require MFA for the operator (mfa: true on the access or the principal).',
  messages: {
    unauthenticated:
      "Administrative '{{method}}' access to {{kind}} '{{target}}' by '{{principal}}' is not authenticated.",
    unaudited: "Administrative '{{method}}' access to {{kind}} '{{target}}' by '{{principal}}' is not audited.",
    noMfa: "Operator '{{principal}}' administers {{kind}} '{{target}}' without multi-factor authentication.",
    undecided:
      "Cannot tell whether administrative access to {{kind}} '{{target}}' by '{{principal}}' is {{what}}: {{reason}}.",
  },
  check(graph, context) {
    for (const access of graph.edges('access')) {
      if (!API_METHODS.has(access.method)) continue;
      const target = graph.node(access.to);
      if (!target || !ADMINISTERED_KINDS.has(target.kind)) continue;
      const data = {
        method: access.method,
        kind: target.kind,
        target: nameOf(target),
        principal: nodeName(graph.node(access.from), access.from),
      };
      const related = [{ span: target.source, label: `${target.kind} '${nameOf(target)}'` }];

      for (const [what, property, value, messageId] of [
        ['authenticated', 'authenticated', access.authenticated, 'unauthenticated'],
        ['audited', 'audited', access.audited, 'unaudited'],
      ] as const) {
        if (isUnknown(value)) {
          context.report({
            messageId: 'undecided',
            data: { ...data, what, reason: value.reason },
            subject: access,
            severity: 'note',
            related,
          });
        } else if (!value) {
          context.report({ messageId, data, subject: access, property, related });
        }
      }

      const principal = graph.node(access.from);
      if (principal?.kind !== 'principal' || !PRIVILEGED_PRINCIPALS.has(principal.principalKind)) continue;
      const mfa = !isUnknown(access.mfa) ? access.mfa : principal.mfa;
      if (isUnknown(mfa)) {
        context.report({
          messageId: 'undecided',
          data: { ...data, what: 'protected by MFA', reason: mfa.reason },
          subject: access,
          severity: 'note',
          related: [...related, { span: principal.source, label: `principal '${nameOf(principal)}'` }],
        });
      } else if (!mfa) {
        context.report({
          messageId: 'noMfa',
          data: { principal: nameOf(principal), kind: target.kind, target: nameOf(target) },
          subject: access,
          property: access.at.mfa ? 'mfa' : undefined,
          severity: 'warning',
          related: [...related, { span: principal.source, label: `principal '${nameOf(principal)}'` }],
        });
      }
    }
  },
});
