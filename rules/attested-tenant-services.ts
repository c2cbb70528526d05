import { defineRule } from '../src/engine/rule.js';
import { isUnknown } from '../src/model/unknown.js';
import { nameOf } from '../src/model/queries.js';

/** Hardware that can measure a component before it runs (TPM with TXT, SGX, SEV, TDX). */
const HARDWARE_ROOTS = new Set(['tpm', 'txt', 'sgx', 'sev', 'tdx']);

export default defineRule({
  id: 'attested-tenant-services',
  name: 'AttestedTenantServices',
  title: 'Tenant-controlled lower-layer services are measured by hardware before they run',
  severity: 'error',
  securitySeverity: 7.0,
  precision: 'high',
  tags: ['security', 'attestation', 'layered-host', 'boot-integrity'],
  since: '0.1.0',
  sources: [
    'Layered host model (docs/architecture.md): the integrity of user-controlled L0 services can be guaranteed by hardware (Intel TXT/SGX)',
  ],
  appliesTo: ['component'],
  rationale:
    "A tenant's VMM and services run in the privileged lower layer, beside the core. The tenant trusts them only if hardware measured exactly what was loaded (TPM with TXT, SGX, SEV, TDX) so that a remote attestation can prove it; an unmeasured service could be swapped by whoever controls the host's disks.",
  fix: 'Launch the service through a measured path (TXT/TPM, an SGX enclave, an SEV/TDX guest) and declare measuredBy; verify the measurement with remote attestation before giving the service secrets.',
  messages: {
    unmeasured: "{{layer}} '{{component}}' of tenant '{{tenant}}' runs without a hardware measurement.",
    undecided:
      "Cannot tell whether {{layer}} '{{component}}' of tenant '{{tenant}}' is measured before it runs: {{reason}}.",
  },
  check(graph, context) {
    for (const component of graph.nodes('component')) {
      if (component.layer !== 'lower-service' && component.layer !== 'vmm') continue;
      const tenantController = graph
        .in(component.id, 'controls')
        .map((edge) => graph.node(edge.from))
        .find((node) => node?.kind === 'principal' && node.principalKind === 'tenant');
      const tenant =
        component.tenant !== undefined && !isUnknown(component.tenant) ? component.tenant : tenantController?.id;
      if (!tenantController && component.layer === 'lower-service') continue; // a provider service: hardware-root-of-trust covers the host
      if (tenant === undefined) continue;
      const data = { layer: component.layer === 'vmm' ? 'VMM' : 'Service', component: nameOf(component), tenant };
      if (isUnknown(component.measuredBy)) {
        context.report({
          messageId: 'undecided',
          data: { ...data, reason: component.measuredBy.reason },
          subject: component,
          severity: 'note',
        });
      } else if (!HARDWARE_ROOTS.has(component.measuredBy)) {
        context.report({ messageId: 'unmeasured', data, subject: component, property: 'measuredBy' });
      }
    }
  },
});
