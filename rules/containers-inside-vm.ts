import { defineRule } from '../src/engine/rule.js';
import { MAX_RUNS_ON_DEPTH } from '../src/model/graph.js';
import type { GraphNode } from '../src/model/nodes.js';
import { isUnknown } from '../src/model/unknown.js';
import { nameOf } from '../src/model/queries.js';

export default defineRule({
  id: 'containers-inside-vm',
  name: 'ContainersInsideVm',
  title: "A tenant's containers run inside that tenant's VM, never on a shared host kernel",
  severity: 'error',
  securitySeverity: 8.0,
  precision: 'high',
  tags: ['security', 'isolation', 'layered-host', 'containers'],
  since: '0.1.0',
  sources: [
    'Layered host model (docs/architecture.md): tenant containers run inside an L1 VM of that tenant',
    'Kata Containers run each pod inside its own VM: https://github.com/kata-containers/kata-containers/blob/main/src/runtime/config/configuration-qemu.toml.in',
  ],
  appliesTo: ['component', 'instance'],
  rationale:
    "Containers share the kernel they run on, and a kernel is a much larger attack surface than a hypervisor. A tenant's containers are isolated from other tenants only if that kernel is inside the tenant's own VM; on a host kernel, or in another tenant's VM, one container escape reaches everyone on that kernel.",
  fix: 'Run the container inside a VM of its tenant (a guest instance of that tenant, or a per-pod VM such as Kata Containers), not directly on the host or a shared platform.',
  messages: {
    sharedKernel: "Container '{{container}}' runs on {{kind}} '{{on}}' without a VM of its own tenant in between.",
    foreignVm: "Container '{{container}}' of tenant '{{tenant}}' runs in VM '{{vm}}' of tenant '{{vmTenant}}'.",
    // --- Kata RuntimeClass link (https://kubernetes.io/docs/concepts/containers/runtime-class/; src/ingest/hypervisor/link-runtime-classes.ts)
    noKataConfig:
      "Cannot tell which VM the pods of '{{container}}' get: handler '{{handler}}' selects {{config}}, and {{reason}}.",
  },
  check(graph, context) {
    for (const container of graph.nodes('component')) {
      if (container.layer !== 'container') continue;
      // --- Kata RuntimeClass link: a class whose Kata configuration is not in the scan is a note, not a guess.
      const sandbox = container.runtimeClass?.sandbox;
      if (container.runtimeClass && isUnknown(sandbox)) {
        context.report({
          messageId: 'noKataConfig',
          data: {
            container: nameOf(container),
            handler: container.runtimeClass.handler,
            config: container.runtimeClass.configFile,
            reason: sandbox.reason,
          },
          subject: container,
          property: 'handler',
          severity: 'note',
        });
        continue;
      }
      const tenant = container.tenant !== undefined && !isUnknown(container.tenant) ? container.tenant : undefined;
      let current: GraphNode | undefined = graph.runsOn(container.id);
      let depth = 0;
      while (current && depth++ < MAX_RUNS_ON_DEPTH) {
        if (current.kind === 'instance' || current.kind === 'enclave') {
          const vmTenant = current.tenant !== undefined && !isUnknown(current.tenant) ? current.tenant : undefined;
          if (tenant && vmTenant && tenant !== vmTenant) {
            context.report({
              messageId: 'foreignVm',
              data: { container: nameOf(container), tenant, vm: nameOf(current), vmTenant },
              subject: container,
              property: 'runsOn',
              related: [{ span: current.source, label: `VM '${nameOf(current)}'` }],
            });
          }
          break;
        }
        if (current.kind === 'host' || (current.kind === 'component' && current.layer !== 'container')) {
          context.report({
            messageId: 'sharedKernel',
            data: {
              container: nameOf(container),
              kind: current.kind === 'component' ? current.layer : current.kind,
              on: nameOf(current),
            },
            subject: container,
            property: 'runsOn',
            related: [{ span: current.source, label: `${current.kind} '${nameOf(current)}'` }],
          });
          break;
        }
        current = graph.runsOn(current.id);
      }
    }
  },
});
