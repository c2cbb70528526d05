import { defineRule } from '../src/engine/rule.js';
import { isUnknown } from '../src/model/unknown.js';
import { nameOf } from '../src/model/queries.js';

export default defineRule({
  id: 'storage-wiped-before-reuse',
  name: 'StorageWipedBeforeReuse',
  title: 'Storage blocks are reset before another guest gets them',
  severity: 'error',
  securitySeverity: 6.5,
  precision: 'high',
  tags: ['security', 'storage', 'data-remanence', 'external/cwe/cwe-226'],
  since: '0.1.0',
  sources: [
    'AWS hypervisor security whitepaper: storage blocks are reset before they are allocated to another customer',
  ],
  appliesTo: ['volume'],
  rationale:
    "When a volume is released its blocks return to a pool. Unless they are wiped (zeroed, or made unreadable by destroying their encryption key) the next guest to receive them can read the previous tenant's data.",
  fix: 'Declare wipe: on-release (the blocks are zeroed when released) or wipe: crypto-erase (the volume key is destroyed), and configure the storage layer to do it.',
  messages: {
    notWiped: "Volume '{{volume}}' is not wiped before its blocks are reused.",
    undecided: "Cannot tell whether volume '{{volume}}' is wiped before reuse: {{reason}}.",
  },
  check(graph, context) {
    for (const volume of graph.nodes('volume')) {
      if (isUnknown(volume.wipe)) {
        context.report({
          messageId: 'undecided',
          data: { volume: nameOf(volume), reason: volume.wipe.reason },
          subject: volume,
          severity: 'note',
        });
      } else if (volume.wipe === 'none') {
        context.report({ messageId: 'notWiped', data: { volume: nameOf(volume) }, subject: volume, property: 'wipe' });
      }
    }
  },
});
