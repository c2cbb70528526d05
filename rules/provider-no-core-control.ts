import { defineRule } from '../src/engine/rule.js';
import { nameOf } from '../src/model/queries.js';

export default defineRule({
  id: 'provider-no-core-control',
  name: 'ProviderNoCoreControl',
  title: 'Only the provider controls the hypervisor core',
  severity: 'error',
  securitySeverity: 8.0,
  precision: 'high',
  tags: ['security', 'isolation', 'layered-host', 'control-plane'],
  since: '0.1.0',
  sources: [
    'Layered host model (docs/architecture.md): the cloud administrator controls resource-management policies, multiplexing and device drivers, but not the micro-hypervisor core',
  ],
  appliesTo: ['component', 'principal'],
  rationale:
    'Tenants trust the core because nobody but the provider (through its release process) can change it. An administrator, a tenant or a service that can reconfigure the core at run time can also switch off the isolation between tenants, so the two-level isolation of the layered design collapses into trusting that principal.',
  fix: 'Remove the control path: administrators manage policies, multiplexing and drivers in lower-layer services; only the provider principal controls the core image and boot configuration.',
  messages: {
    control: "{{kind}} '{{principal}}' can change the hypervisor core '{{core}}' at run time; only the provider may.",
  },
  check(graph, context) {
    for (const core of graph.nodes('component')) {
      if (core.layer !== 'core') continue;
      for (const edge of graph.in(core.id, 'controls')) {
        const controller = graph.node(edge.from);
        if (controller?.kind === 'principal' && controller.principalKind === 'provider') continue;
        const kind = controller?.kind === 'principal' ? controller.principalKind : (controller?.kind ?? 'element');
        context.report({
          messageId: 'control',
          data: { kind: kind.charAt(0).toUpperCase() + kind.slice(1), principal: edge.from, core: nameOf(core) },
          subject: edge,
          related: [{ span: core.source, label: `core '${nameOf(core)}'` }],
        });
      }
    }
  },
});
