import { defineRule } from '../src/engine/rule.js';
import type { ComponentNode, GraphNode } from '../src/model/nodes.js';
import { MAX_RELATED, nameOf } from '../src/model/queries.js';
import { isUnknown } from '../src/model/unknown.js';

/** Per-tenant layers: each instance of them belongs to exactly one tenant (the layered host model in docs/architecture.md). */
const PER_TENANT_LAYERS = new Set(['vmm', 'upper-platform']);

export default defineRule({
  id: 'tenant-owned-vmm',
  name: 'TenantOwnedVmm',
  title: 'A VMM, tenant service or upper-layer platform serves and is controlled by one tenant only',
  severity: 'error',
  securitySeverity: 8.0,
  precision: 'high',
  tags: ['security', 'isolation', 'layered-host', 'multi-tenancy'],
  since: '0.1.0',
  sources: [
    'NOVA microhypervisor, one user-level VMM per virtual machine: https://github.com/udosteinberg/NOVA',
    'Layered host model (docs/architecture.md): each tenant controls its own VMM and user-space services',
  ],
  appliesTo: ['component', 'principal', 'instance'],
  rationale:
    "In a layered host each tenant gets its own VMM, its own user-space services and its own upper-layer platform, so a fault or compromise in one tenant's stack cannot reach another's. A VMM or platform that runs two tenants' guests, or that two tenants can control, is a shared component with a tenant-sized attack surface on both sides.",
  fix: "Give each tenant its own VMM, services and platform; move the other tenant's guests to their own stack and remove its control.",
  messages: {
    serves: "{{layer}} '{{component}}' serves more than one tenant ({{tenants}}).",
    controlled: "{{layer}} '{{component}}' is controlled by more than one tenant ({{tenants}}).",
    undecided: "Cannot tell which tenant {{layer}} '{{component}}' belongs to: {{reason}}.",
  },
  check(graph, context) {
    const tenantOfPrincipal = (node: GraphNode | undefined): string | undefined => {
      if (node?.kind !== 'principal' || node.principalKind !== 'tenant') return undefined;
      return node.tenant !== undefined && !isUnknown(node.tenant) ? node.tenant : node.id;
    };
    for (const component of graph.nodes('component')) {
      const controllers = graph.in(component.id, 'controls').map((edge) => tenantOfPrincipal(graph.node(edge.from)));
      const controllingTenants = [...new Set(controllers.filter((t): t is string => t !== undefined))];
      const isTenantService =
        component.layer === 'lower-service' &&
        (controllingTenants.length > 0 || (component.tenant !== undefined && !isUnknown(component.tenant)));
      if (!PER_TENANT_LAYERS.has(component.layer) && !isTenantService) continue;
      const layer = label(component);

      const guests = graph.runningOnTransitively(component.id);
      const served = new Set<string>();
      if (component.tenant !== undefined && !isUnknown(component.tenant)) served.add(component.tenant);
      for (const guest of guests) if (guest.tenant !== undefined && !isUnknown(guest.tenant)) served.add(guest.tenant);
      const related = guests
        .slice(0, MAX_RELATED)
        .map((guest) => ({ span: guest.source, label: `${guest.kind} '${nameOf(guest)}'` }));

      if (served.size > 1) {
        context.report({
          messageId: 'serves',
          data: { layer, component: nameOf(component), tenants: [...served].sort().join(', ') },
          subject: component,
          related,
        });
      } else if (served.size === 0 && controllingTenants.length === 0) {
        context.report({
          messageId: 'undecided',
          data: { layer, component: nameOf(component), reason: 'it declares no tenant and runs no guest that does' },
          subject: component,
          severity: 'note',
        });
      }
      if (controllingTenants.length > 1) {
        context.report({
          messageId: 'controlled',
          data: { layer, component: nameOf(component), tenants: controllingTenants.sort().join(', ') },
          subject: component,
          property: 'controlledBy',
        });
      }
    }
  },
});

function label(component: ComponentNode): string {
  return component.layer === 'vmm'
    ? 'VMM'
    : component.layer === 'upper-platform'
      ? 'Upper-layer platform'
      : 'Tenant service';
}
