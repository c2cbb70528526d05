import type { RelatedLocation } from '../../src/engine/rule.js';
import type { EnclaveNode } from '../../src/model/nodes.js';
import { nameOf } from '../../src/model/queries.js';
import { isUnknown } from '../../src/model/unknown.js';
import type { Parent } from './parent.js';
import { guestLocations, sum, undecided, type Context } from './report.js';

/**
 * The enclave pool (allocator.yaml) against its parent: it must leave the parent what it keeps, be whole
 * cores, and never take CPU 0 (https://docs.kernel.org/virt/ne_overview.html,
 * https://github.com/aws/aws-nitro-enclaves-cli/blob/main/bootstrap/allocator.yaml).
 */
export function checkPoolAgainstParent(parent: Parent, context: Context): void {
  const { node, threadsPerCore: threads, keep } = parent;
  const pool = node.enclavePool;
  if (!pool) return;
  const cpuAt = pool.cpuSource ?? pool.source;
  if (pool.cpuIds?.includes(0)) {
    context.report({
      messageId: 'poolCpuZero',
      data: { parent: nameOf(node) },
      subject: node,
      at: cpuAt,
      property: 'allocator.cpu0',
    });
  }
  if (!isUnknown(pool.cpuCount)) {
    if (threads && threads > 1 && pool.cpuCount % threads !== 0) {
      context.report({
        messageId: 'poolPartialCores',
        data: { parent: nameOf(node), pool: pool.cpuCount, threads },
        subject: node,
        at: cpuAt,
        property: 'allocator.cores',
      });
    }
    if (isUnknown(node.vcpus)) {
      undecided(
        context,
        node,
        'the enclave pool against the parent',
        node.vcpus.reason,
        parent.standIn ? cpuAt : undefined,
      );
    } else {
      const capacity = Math.max(0, node.vcpus - keep);
      if (pool.cpuCount > capacity) {
        context.report({
          messageId: 'poolParentCpu',
          data: { parent: nameOf(node), pool: pool.cpuCount, capacity, total: node.vcpus, keep },
          subject: node,
          at: cpuAt,
          property: 'allocator.parentCpu',
          related: [{ span: parent.capacityAt('vcpus'), label: `parent '${nameOf(node)}'` }],
        });
      }
    }
  }
  if (!isUnknown(pool.memoryMiB) && !isUnknown(node.memoryMiB) && pool.memoryMiB >= node.memoryMiB) {
    context.report({
      messageId: 'poolParentMemory',
      data: { parent: nameOf(node), pool: pool.memoryMiB, total: node.memoryMiB },
      subject: node,
      at: pool.memorySource ?? pool.source,
      property: 'allocator.parentMemory',
      related: [{ span: parent.capacityAt('memory'), label: `parent '${nameOf(node)}'` }],
    });
  }
}

/** The enclaves of a parent against the pool reserved for them. */
export function checkEnclavesAgainstPool(parent: Parent, enclaves: EnclaveNode[], context: Context): void {
  const { declared, node } = parent;
  const pool = node.enclavePool;
  if (!pool) return;
  const related = (): RelatedLocation[] => [
    { span: pool.source, label: `enclave pool of '${nameOf(node)}'` },
    ...guestLocations(enclaves),
  ];
  const vcpuDemand = sum(enclaves, (e) => e.vcpus);
  const memoryDemand = sum(enclaves, (e) => e.memoryMiB);
  if (!isUnknown(pool.cpuCount) && !isUnknown(vcpuDemand) && vcpuDemand > pool.cpuCount) {
    context.report({
      messageId: 'poolCpu',
      data: { parent: nameOf(node), demand: vcpuDemand, capacity: pool.cpuCount },
      subject: declared,
      at: pool.cpuSource ?? pool.source,
      property: 'allocator',
      related: related(),
    });
  }
  if (!isUnknown(pool.memoryMiB) && !isUnknown(memoryDemand) && memoryDemand > pool.memoryMiB) {
    context.report({
      messageId: 'poolMemory',
      data: { parent: nameOf(node), demand: memoryDemand, capacity: pool.memoryMiB },
      subject: declared,
      at: pool.memorySource ?? pool.source,
      property: 'allocator.memory',
      related: related(),
    });
  }
}
