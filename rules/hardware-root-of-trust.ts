import { defineRule } from '../src/engine/rule.js';
import { isUnknown } from '../src/model/unknown.js';
import { nameOf } from '../src/model/queries.js';

export default defineRule({
  id: 'hardware-root-of-trust',
  name: 'HardwareRootOfTrust',
  title: 'Each host has a hardware root of trust and its controller boots from private storage',
  severity: 'error',
  securitySeverity: 7.0,
  precision: 'high',
  tags: ['security', 'firmware', 'boot-integrity'],
  since: '0.1.0',
  sources: [
    'AWS Nitro System: the Nitro Security Chip measures and protects host firmware; the Nitro Controller boots from its own storage',
  ],
  appliesTo: ['host'],
  rationale:
    'Isolation rests on the host running the firmware and hypervisor it should. A hardware root of trust (a security chip or TPM) measures and locks down what boots, so tampering is caught before guests arrive; a controller that boots from network or shared storage can be handed a different image than the one that was reviewed.',
  fix: 'Declare (and provide) rootOfTrust.kind: security-chip or tpm, and boot the controller from private storage (rootOfTrust.controllerBoot: private-storage).',
  messages: {
    none: "Host '{{host}}' has no hardware root of trust.",
    controllerBoot: "The controller of host '{{host}}' boots from {{boot}}, not from private storage.",
    undecided: "Cannot tell whether host '{{host}}' has a hardware root of trust: {{reason}}.",
  },
  check(graph, context) {
    for (const host of graph.nodes('host')) {
      if (isUnknown(host.rootOfTrust)) {
        context.report({
          messageId: 'undecided',
          data: { host: nameOf(host), reason: host.rootOfTrust.reason },
          subject: host,
          severity: 'note',
        });
      } else if (host.rootOfTrust === 'none') {
        context.report({ messageId: 'none', data: { host: nameOf(host) }, subject: host, property: 'kind' });
      }
      if (!isUnknown(host.controllerBoot) && host.controllerBoot !== 'private-storage') {
        context.report({
          messageId: 'controllerBoot',
          data: { host: nameOf(host), boot: host.controllerBoot },
          subject: host,
          property: 'controllerBoot',
          severity: 'warning',
        });
      }
    }
  },
});
