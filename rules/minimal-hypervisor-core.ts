import { defineRule } from '../src/engine/rule.js';
import { nameOf } from '../src/model/queries.js';

/** What a micro-hypervisor core does, and nothing else (NOVA microhypervisor: https://github.com/udosteinberg/NOVA). */
const CORE_DUTIES = new Set(['scheduling', 'mmu', 'ipc', 'vmx-events', 'interrupts']);

export default defineRule({
  id: 'minimal-hypervisor-core',
  name: 'MinimalHypervisorCore',
  title: 'Failure-prone components stay out of the hypervisor core',
  severity: 'error',
  securitySeverity: 7.5,
  precision: 'high',
  tags: ['security', 'isolation', 'layered-host', 'tcb'],
  since: '0.1.0',
  sources: [
    'NOVA microhypervisor (https://github.com/udosteinberg/NOVA): the core provides only scheduling, MMU management, IPC, VMX-event handling and interrupts; device drivers and other failure-prone parts run outside it',
    'NOVA microhypervisor: drivers and VMMs in user mode',
  ],
  appliesTo: ['component'],
  rationale:
    'The core is the one component every tenant must trust. Each duty added to it (a device driver, a storage service, checkpointing, an administration console) adds code that can fail or be attacked with the privileges of the whole host. A minimal core keeps the trusted computing base small enough to review and keeps a broken driver from breaking isolation.',
  fix: 'Move the duty into a lower-layer service beside the core (its own protection domain), and leave the core with scheduling, MMU, IPC, VMX events and interrupts.',
  messages: {
    extraDuty:
      "The hypervisor core '{{core}}' also does '{{duty}}'; only scheduling, MMU, IPC, VMX events and interrupts belong in it.",
  },
  check(graph, context) {
    for (const core of graph.nodes('component')) {
      if (core.layer !== 'core') continue;
      for (const duty of core.roles) {
        if (CORE_DUTIES.has(duty)) continue;
        context.report({
          messageId: 'extraDuty',
          data: { core: nameOf(core), duty },
          subject: core,
          property: 'provides',
        });
      }
    }
  },
});
