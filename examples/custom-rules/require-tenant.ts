// A team's own rule, loaded with `isolint check --rules-dir examples/custom-rules`. It has the same
// contract as the built-in rules in rules/: metadata first, message templates with typed placeholders,
// then a check over the graph that reports a subject, the property at fault and the template's data.
import { defineRule, isUnknown } from 'isolint';

export default defineRule({
  id: 'require-tenant',
  name: 'RequireTenant',
  title: 'Every guest instance names the tenant that owns it',
  severity: 'warning',
  securitySeverity: 3.0,
  precision: 'high',
  tags: ['security', 'custom', 'ownership'],
  since: '0.1.0',
  sources: ['Platform team policy PLAT-12: every workload has an owner'],
  appliesTo: ['instance'],
  rationale:
    'Tenant isolation can only be checked for guests whose tenant is known; an instance without one is invisible to tenant-isolation and to the on-call rota.',
  fix: 'Add tenant: <team> to the instance.',
  messages: {
    missing: "Instance '{{instance}}' does not say which tenant owns it.",
  },
  check(graph, context) {
    for (const instance of graph.nodes('instance')) {
      if (instance.tenant === undefined || isUnknown(instance.tenant)) {
        context.report({ messageId: 'missing', data: { instance: instance.id }, subject: instance });
      }
    }
  },
});
