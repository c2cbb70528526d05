import type { InstanceNode } from '../../src/model/nodes.js';
import { nameOf } from '../../src/model/queries.js';
import { isUnknown } from '../../src/model/unknown.js';
import type { Parent } from './parent.js';
import { guestLocations, sum, undecided, type Context } from './report.js';

/**
 * Firecracker microVMs on an instance share what its enclave pool leaves; Firecracker lets them
 * oversubscribe (https://github.com/firecracker-microvm/firecracker/blob/main/docs/prod-host-setup.md).
 */
export function checkMicrovms(parent: Parent, microvms: InstanceNode[], context: Context): void {
  if (microvms.length === 0) return;
  const { node } = parent;
  const related = () => guestLocations(microvms);
  const pool = node.enclavePool;
  const poolCpus = pool && !isUnknown(pool.cpuCount) ? pool.cpuCount : 0;
  const poolMemory = pool && !isUnknown(pool.memoryMiB) ? pool.memoryMiB : 0;
  const cpuDemand = sum(microvms, (m) => m.vcpus);
  const memoryDemand = sum(microvms, (m) => m.memoryMiB);
  if (isUnknown(node.vcpus) || isUnknown(cpuDemand)) {
    const at = parent.standIn ? (microvms[0].at.vcpus ?? microvms[0].source) : undefined;
    const missing = isUnknown(node.vcpus) ? node.vcpus : (cpuDemand as { reason: string });
    undecided(context, node, 'microVM vCPUs', missing.reason, at);
  } else if (cpuDemand > node.vcpus - poolCpus) {
    context.report({
      messageId: 'microvmCpu',
      data: { parent: nameOf(node), demand: cpuDemand, capacity: node.vcpus - poolCpus },
      subject: node,
      at: microvms[0].at.vcpus ?? microvms[0].source,
      property: 'microvm.vcpus',
      related: related(),
    });
  }
  if (!isUnknown(node.memoryMiB) && !isUnknown(memoryDemand) && memoryDemand > node.memoryMiB - poolMemory) {
    context.report({
      messageId: 'microvmMemory',
      data: { parent: nameOf(node), demand: memoryDemand, capacity: node.memoryMiB - poolMemory },
      subject: node,
      at: microvms[0].at.memory ?? microvms[0].source,
      property: 'microvm.memory',
      related: related(),
    });
  }
}
