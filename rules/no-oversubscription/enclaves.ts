import type { EnclaveNode } from '../../src/model/nodes.js';
import { nameOf } from '../../src/model/queries.js';
import { isUnknown } from '../../src/model/unknown.js';
import type { Parent } from './parent.js';
import { guestLocations, sum, undecided, type Context } from './report.js';

/**
 * Enclaves are carved from their parent instance: together they must leave the parent the vCPUs it keeps
 * and some memory of its own, and with SMT each takes whole cores (an even vCPU count)
 * (https://docs.kernel.org/virt/ne_overview.html).
 */
export function checkEnclavesAgainstParent(parent: Parent, enclaves: EnclaveNode[], context: Context): void {
  const { declared, node, threadsPerCore, keep, standIn } = parent;
  const related = () => guestLocations(enclaves);
  const vcpuDemand = sum(enclaves, (e) => e.vcpus);
  const memoryDemand = sum(enclaves, (e) => e.memoryMiB);

  if (threadsPerCore && threadsPerCore > 1) {
    for (const enclave of enclaves) {
      if (!isUnknown(enclave.vcpus) && enclave.vcpus % threadsPerCore !== 0) {
        context.report({
          messageId: 'oddVcpus',
          data: { enclave: nameOf(enclave), vcpus: enclave.vcpus, threads: threadsPerCore },
          subject: enclave,
          property: 'vcpus',
        });
      }
    }
  }

  if (!isUnknown(node.vcpus) && !isUnknown(vcpuDemand)) {
    const capacity = Math.max(0, node.vcpus - keep);
    if (vcpuDemand > capacity) {
      context.report({
        ...(parent.atLeast('vcpus')
          ? { messageId: 'parentCpuMinimum', severity: 'warning' as const }
          : { messageId: 'parentCpu' }),
        data: { parent: nameOf(node), demand: vcpuDemand, capacity, total: node.vcpus, keep },
        subject: declared,
        at: parent.capacityAt('vcpus'),
        property: 'vcpus',
        related: related(),
      });
    }
  } else {
    // An enclave without a vCPU count: at that enclave. A directory's stand-in machine: at the enclave's cpu_count.
    const unsized = enclaves.find((e) => isUnknown(e.vcpus));
    const missing = isUnknown(vcpuDemand) ? vcpuDemand : (node.vcpus as { reason: string });
    const at = unsized ? unsized.source : standIn ? (enclaves[0].at.vcpus ?? enclaves[0].source) : undefined;
    undecided(context, declared, 'enclave vCPUs against the parent', missing.reason, at);
  }

  if (isUnknown(node.memoryMiB) && !isUnknown(node.vcpus)) {
    // (When the vCPUs are unknown too, the note above already says why.)
    undecided(
      context,
      declared,
      'enclave memory against the parent',
      node.memoryMiB.reason,
      standIn ? (enclaves[0].at.memory ?? enclaves[0].source) : undefined,
    );
  }
  // The parent's own OS and workload need memory too: enclaves may not take all of it.
  if (!isUnknown(node.memoryMiB) && !isUnknown(memoryDemand) && memoryDemand >= node.memoryMiB) {
    context.report({
      ...(parent.atLeast('memory')
        ? { messageId: 'parentMemoryMinimum', severity: 'warning' as const }
        : { messageId: 'parentMemory' }),
      data: { parent: nameOf(node), demand: memoryDemand, capacity: node.memoryMiB },
      subject: declared,
      at: parent.capacityAt('memory'),
      property: 'memory',
      related: related(),
    });
  }
}
