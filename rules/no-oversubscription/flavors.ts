import type { RelatedLocation } from '../../src/engine/rule.js';
import type { Graph } from '../../src/model/graph.js';
import { MAX_RELATED } from '../../src/model/queries.js';
import { isUnknown } from '../../src/model/unknown.js';
import { undecided, type Context } from './report.js';
import { originOf, provenanceOf } from '../../src/model/provenance.js';

/**
 * OpenStack flavors against hosts that sell a vCPU as a whole core (countHyperthreads: false, "1 OCPU =
 * 1 core"): a flavor with hw:cpu_policy shared (Nova's default) or mixed gets floating vCPUs that "can be
 * overallocated" (https://docs.openstack.org/nova/latest/configuration/extra-specs.html). A flavor can land
 * on any compute host of the scan. Dedicated vCPUs and their thread policy are tenant-isolation's concern.
 */
export function checkFlavorCpuPolicies(graph: Graph, context: Context): void {
  const dedicatedHosts = graph.nodes('host').filter((host) => host.countHyperthreads === false);
  if (dedicatedHosts.length === 0) return;
  const related: RelatedLocation[] = dedicatedHosts
    .slice(0, MAX_RELATED)
    .map((host) => ({ span: host.source, label: `host '${host.id}' asks for dedicated cores` }));
  const hosts = dedicatedHosts
    .slice(0, 3)
    .map((host) => `'${host.id}'`)
    .join(', ');
  for (const flavorNode of graph.nodes('instance')) {
    const policy = flavorNode.flavor?.cpuPolicy;
    if (policy === undefined || policy === 'dedicated') continue;
    if (isUnknown(policy)) {
      undecided(context, flavorNode, 'the CPU policy', policy.reason, flavorNode.at.cpuPolicy);
      continue;
    }
    context.report({
      messageId: 'sharedCpuPolicy',
      data: {
        flavor: flavorNode.label ?? flavorNode.id,
        policy,
        origin: originOf(provenanceOf(flavorNode, 'cpuPolicy', policy)),
        hosts,
        hostCount: dedicatedHosts.length,
      },
      subject: flavorNode,
      property: 'cpuPolicy',
      related,
    });
  }
}
