import { defineRule } from '../src/engine/rule.js';
import { isUnknown } from '../src/model/unknown.js';

export default defineRule({
  id: 'enclave-no-network',
  name: 'EnclaveNoNetwork',
  title: 'An enclave has no network',
  severity: 'error',
  securitySeverity: 8.6,
  precision: 'high',
  tags: ['security', 'isolation', 'nitro-enclaves', 'network'],
  since: '0.1.0',
  sources: ['AWS Nitro Enclaves user guide: enclaves have no external networking; vsock to the parent is the only channel'],
  appliesTo: ['enclave', 'nic', 'endpoint'],
  rationale:
    'A Nitro Enclave is isolated from everything but its parent instance: it has no network interface, and its only way out is a vsock connection that the parent chooses to forward. A network interface or a non-vsock channel gives the enclave a path that bypasses the parent and the attestation-gated design.',
  fix: 'Remove the network interface or channel. If the enclave must reach a service, run a narrow vsock proxy on the parent that forwards to exactly that host and port.',
  messages: {
    nic: "Enclave '{{enclave}}' has network interface '{{nic}}'; enclaves have no network.",
    channel: "Enclave '{{enclave}}' has a '{{protocol}}' channel to '{{peer}}'; vsock to the parent is its only channel.",
    undecidedChannel: "Cannot tell which protocol the channel between enclave '{{enclave}}' and '{{peer}}' uses: {{reason}}.",
  },
  check(graph, context) {
    for (const enclave of graph.nodes('enclave')) {
      const related = [{ span: enclave.source, label: `enclave '${enclave.id}'` }];
      for (const nic of graph.attachedTo(enclave.id, 'nic')) {
        context.report({ messageId: 'nic', data: { enclave: enclave.id, nic: nic.id }, subject: nic, related });
      }
      for (const channel of graph.channelsOf(enclave.id)) {
        const peer = channel.from === enclave.id ? channel.to : channel.from;
        if (isUnknown(channel.protocol)) {
          context.report({
            messageId: 'undecidedChannel',
            data: { enclave: enclave.id, peer, reason: channel.protocol.reason },
            subject: channel,
            severity: 'note',
            related,
          });
        } else if (channel.protocol !== 'vsock') {
          context.report({
            messageId: 'channel',
            data: { enclave: enclave.id, protocol: channel.protocol, peer },
            subject: channel,
            property: channel.at.protocol ? 'protocol' : undefined,
            related,
          });
        }
      }
    }
  },
});
