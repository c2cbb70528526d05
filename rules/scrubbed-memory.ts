import { defineRule } from '../src/engine/rule.js';
import { isUnknown } from '../src/model/unknown.js';
import { nameOf } from '../src/model/queries.js';
import { originOf, provenanceOf } from '../src/model/provenance.js';

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
    'Linux init_on_free / init_on_alloc, Xen scrub-domheap: https://docs.kernel.org/admin-guide/kernel-parameters.html, https://xenbits.xen.org/docs/unstable/misc/xen-command-line.html',
    'Nova hw:mem_encryption (AMD SEV) encrypts guest memory with a per-guest key: https://docs.openstack.org/nova/latest/configuration/extra-specs.html',
  ],
  appliesTo: ['host', 'instance'],
  rationale:
    "A guest's memory holds its keys and data. If a host hands freed pages to the next guest without zeroing them, that guest can read what the previous one left behind.",
  fix: 'Enable memory scrubbing on the host (for example Linux init_on_free=1, Xen scrub-domheap) and declare memoryScrubbing: true.',
  messages: {
    notScrubbed: "Host '{{host}}' does not scrub memory before giving it to another guest.",
    // Xen (https://xenbits.xen.org/docs/unstable/misc/xen-command-line.html)
    noBootScrub:
      "Host '{{host}}' does not scrub free memory at boot (bootscrub=false): pages left from before the reboot can reach the first guests.",
    undecided: "Cannot tell whether host '{{host}}' scrubs memory between guests: {{reason}}.",
    // OpenStack flavors (https://docs.openstack.org/nova/latest/configuration/extra-specs.html hw:mem_encryption)
    flavorUnprotected:
      "Guests of flavor '{{flavor}}' get neither encrypted memory (hw:mem_encryption = false, {{origin}}) nor scrubbed pages: hosts of the scan do not scrub memory: {{hosts}} ({{hostCount}} in all).",
    undecidedFlavor:
      "Cannot tell whether guests of flavor '{{flavor}}' have encrypted memory where hosts of the scan do not scrub it ({{hosts}}, {{hostCount}} in all): {{reason}}.",
  },
  check(graph, context) {
    for (const host of graph.nodes('host')) {
      if (isUnknown(host.memoryScrubbing)) {
        context.report({
          messageId: 'undecided',
          data: { host: nameOf(host), reason: host.memoryScrubbing.reason },
          subject: host,
          severity: 'note',
        });
      } else if (!host.memoryScrubbing) {
        context.report({
          messageId: 'notScrubbed',
          data: { host: nameOf(host) },
          subject: host,
          property: 'memoryScrubbing',
        });
      }
      if (host.bootScrub === false) {
        context.report({
          messageId: 'noBootScrub',
          data: { host: nameOf(host) },
          subject: host,
          property: 'bootScrub',
          severity: 'warning',
        });
      }
    }

    // --- OpenStack flavors: hw:mem_encryption (AMD SEV) encrypts a guest's memory with a key of its own, so the
    // pages it leaves behind are ciphertext to the next guest — the evidence issue 10 accepts in place of
    // scrubbing (SEV/SNP/TDX). Where a host of the scan is known not to scrub, a flavor without it exposes its
    // guests' leftovers (a flavor can land on any compute host of the scan).
    const unscrubbed = graph.nodes('host').filter((host) => host.memoryScrubbing === false);
    if (unscrubbed.length > 0) {
      const hosts = unscrubbed
        .slice(0, 3)
        .map((host) => `'${nameOf(host)}'`)
        .join(', ');
      const hostCount = unscrubbed.length;
      const related = unscrubbed.slice(0, 20).map((host) => ({
        span: host.at.memoryScrubbing ?? host.source,
        label: `host '${nameOf(host)}' does not scrub memory`,
      }));
      for (const flavorNode of graph.nodes('instance')) {
        const encryption = flavorNode.flavor?.memoryEncryption;
        if (encryption === undefined || encryption === true) continue;
        const flavor = nameOf(flavorNode);
        if (isUnknown(encryption)) {
          context.report({
            messageId: 'undecidedFlavor',
            data: { flavor, hosts, hostCount, reason: encryption.reason },
            subject: flavorNode,
            property: 'memoryEncryption',
            severity: 'note',
          });
        } else {
          context.report({
            messageId: 'flavorUnprotected',
            data: {
              flavor,
              hosts,
              hostCount,
              origin: originOf(provenanceOf(flavorNode, 'memoryEncryption', encryption)),
            },
            subject: flavorNode,
            property: 'memoryEncryption',
            related,
          });
        }
      }
    }
  },
});
