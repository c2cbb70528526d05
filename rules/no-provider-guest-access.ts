import { defineRule } from '../src/engine/rule.js';
import { nameOf } from '../src/model/queries.js';

/** The provider's own people and systems. */
const PROVIDER_PRINCIPALS = new Set(['provider', 'operator', 'administrator']);

export default defineRule({
  id: 'no-provider-guest-access',
  name: 'NoProviderGuestAccess',
  title: 'The provider has no access to guests or their OS',
  severity: 'error',
  securitySeverity: 8.0,
  precision: 'high',
  tags: ['security', 'access', 'multi-tenancy'],
  since: '0.1.0',
  sources: [
    'AWS hypervisor security whitepaper: AWS administrators have no access rights to customer instances or their guest OS',
  ],
  appliesTo: ['principal', 'instance', 'enclave', 'component'],
  rationale:
    "Tenants hand the provider their hardware, not their data. Any access path from the provider's operators or administrators into a guest (a login, an agent session, an API into the guest OS) means a provider insider or a compromised operator account can read every tenant's data.",
  fix: "Remove the access. Operators administer hosts through audited APIs; only the tenant's own principals reach its guests.",
  messages: {
    access: "{{kind}} '{{principal}}' has '{{method}}' access to {{target}} '{{guest}}' of a tenant.",
  },
  check(graph, context) {
    for (const access of graph.edges('access')) {
      const principal = graph.node(access.from);
      if (principal?.kind !== 'principal' || !PROVIDER_PRINCIPALS.has(principal.principalKind)) continue;
      const guest = graph.node(access.to);
      if (!guest) continue;
      const isGuest =
        guest.kind === 'instance' ||
        guest.kind === 'enclave' ||
        (guest.kind === 'component' && (guest.layer === 'container' || guest.layer === 'upper-platform'));
      if (!isGuest) continue;
      const kind = principal.principalKind.charAt(0).toUpperCase() + principal.principalKind.slice(1);
      context.report({
        messageId: 'access',
        data: {
          kind,
          principal: nameOf(principal),
          method: access.method,
          target: guest.kind === 'component' ? guest.layer : guest.kind,
          guest: nameOf(guest),
        },
        subject: access,
        related: [{ span: guest.source, label: `${guest.kind} '${nameOf(guest)}'` }],
      });
    }
  },
});
