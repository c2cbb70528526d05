import { defineRule } from '../src/engine/rule.js';
import { nameOf } from '../src/model/queries.js';

export default defineRule({
  id: 'enclave-no-persistent-storage',
  name: 'EnclaveNoPersistentStorage',
  title: 'An enclave has no persistent storage',
  severity: 'error',
  securitySeverity: 7.5,
  precision: 'very-high',
  tags: ['security', 'isolation', 'nitro-enclaves', 'storage'],
  since: '0.1.0',
  sources: ['AWS Nitro Enclaves user guide: enclaves have no persistent storage'],
  appliesTo: ['enclave', 'volume'],
  rationale:
    'An enclave keeps its secrets in memory only, so they vanish when it stops and cannot be read from a disk by the parent or anyone else. A volume attached to an enclave is storage that outlives it and that something outside the enclave can read.',
  fix: "Detach the volume. Keep state in the enclave's memory, or seal it with a KMS key gated on the enclave's attestation and store the ciphertext through the parent.",
  messages: {
    volume: "Enclave '{{enclave}}' has volume '{{volume}}' attached; enclaves have no persistent storage.",
  },
  check(graph, context) {
    for (const enclave of graph.nodes('enclave')) {
      for (const volume of graph.attachedTo(enclave.id, 'volume')) {
        context.report({
          messageId: 'volume',
          data: { enclave: nameOf(enclave), volume: nameOf(volume) },
          subject: volume,
          related: [{ span: enclave.source, label: `enclave '${nameOf(enclave)}'` }],
        });
      }
    }
  },
});
