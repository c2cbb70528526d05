import { defineRule } from '../src/engine/rule.js';
import { isUnknown } from '../src/model/unknown.js';

export default defineRule({
  id: 'scrubbed-memory',
  name: 'ScrubbedMemory',
  title: 'Memory is scrubbed before it is given to another guest',
  severity: 'error',
  securitySeverity: 6.5,
  precision: 'high',
  tags: ['security', 'memory', 'data-remanence', 'external/cwe/cwe-226'],
  since: '0.1.0',
  sources: [
    'AWS hypervisor security whitepaper: memory is scrubbed (set to zero) before it is allocated to a guest',
    'NITRO-FACTS §9: Linux init_on_free / init_on_alloc, Xen scrub-domheap',
  ],
  appliesTo: ['host'],
  rationale:
    'A guest\'s memory holds its keys and data. If a host hands freed pages to the next guest without zeroing them, that guest can read what the previous one left behind.',
  fix: 'Enable memory scrubbing on the host (for example Linux init_on_free=1, Xen scrub-domheap) and declare memoryScrubbing: true.',
  messages: {
    notScrubbed: "Host '{{host}}' does not scrub memory before giving it to another guest.",
    // Xen (HYPERVISOR-FACTS §3.3)
    noBootScrub: "Host '{{host}}' does not scrub free memory at boot (bootscrub=false): pages left from before the reboot can reach the first guests.",
    undecided: "Cannot tell whether host '{{host}}' scrubs memory between guests: {{reason}}.",
  },
  check(graph, context) {
    for (const host of graph.nodes('host')) {
      if (isUnknown(host.memoryScrubbing)) {
        context.report({ messageId: 'undecided', data: { host: host.id, reason: host.memoryScrubbing.reason }, subject: host, severity: 'note' });
      } else if (!host.memoryScrubbing) {
        context.report({ messageId: 'notScrubbed', data: { host: host.id }, subject: host, property: 'memoryScrubbing' });
      }
      if (host.bootScrub === false) {
        context.report({ messageId: 'noBootScrub', data: { host: host.id }, subject: host, property: 'bootScrub', severity: 'warning' });
      }
    }
  },
});
