import type { RelatedLocation } from '../../src/engine/rule.js';
import type { Graph } from '../../src/model/graph.js';
import type { EnclaveNode, InstanceNode } from '../../src/model/nodes.js';
import { coreSiblings, type InstanceTypeSpec } from '../../src/model/ec2-instance-types.js';
import { enclavePoolOf, nameOf } from '../../src/model/queries.js';
import type { SourceSpan } from '../../src/model/source.js';
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
  if (pool.cpuIds && parent.spec && !pool.cpuIds.includes(0))
    checkPoolLayout(node, pool.cpuIds, parent.spec, cpuAt, context);
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
          ...(parent.atLeast('vcpus')
            ? { messageId: 'poolParentCpuMinimum', severity: 'warning' as const }
            : { messageId: 'poolParentCpu' }),
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
      ...(parent.atLeast('memory')
        ? { messageId: 'poolParentMemoryMinimum', severity: 'warning' as const }
        : { messageId: 'poolParentMemory' }),
      data: { parent: nameOf(node), pool: pool.memoryMiB, total: node.memoryMiB },
      subject: node,
      at: pool.memorySource ?? pool.source,
      property: 'allocator.parentMemory',
      related: [{ span: parent.capacityAt('memory'), label: `parent '${nameOf(node)}'` }],
    });
  }
}

/** The enclaves of a parent against the pool reserved for them. */
export function checkEnclavesAgainstPool(
  graph: Graph,
  parent: Parent,
  enclaves: EnclaveNode[],
  context: Context,
): void {
  const { declared, node } = parent;
  // The parent's own pool, or the one of the launch template it starts from.
  const pool = enclavePoolOf(graph, node);
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

/**
 * A listed cpu_pool against the type's sibling layout: the allocator takes whole cores only, and never CPU 0 or
 * its siblings (https://github.com/aws/aws-nitro-enclaves-cli/blob/main/bootstrap/allocator.yaml,
 * https://docs.kernel.org/virt/ne_overview.html).
 */
function checkPoolLayout(
  parent: InstanceNode,
  cpuIds: number[],
  spec: InstanceTypeSpec,
  at: SourceSpan,
  context: Context,
): void {
  const type = typeof parent.instanceType === 'string' ? parent.instanceType : 'its type';
  const outside = cpuIds.find((cpu) => cpu >= spec.vcpus);
  if (outside !== undefined) {
    context.report({
      messageId: 'poolCpuMissing',
      data: { parent: nameOf(parent), cpu: outside, type, vcpus: spec.vcpus },
      subject: parent,
      at,
      property: 'allocator.layout',
    });
    return;
  }
  if (spec.threadsPerCore === 1) return;
  const zeroSiblings = coreSiblings(spec, 0);
  if (!zeroSiblings) {
    context.report({
      messageId: 'poolLayoutUnknown',
      data: { parent: nameOf(parent), type, pool: cpuIds.join(',') },
      subject: parent,
      at,
      property: 'allocator.layout',
      severity: 'note',
    });
    return;
  }
  const sibling = cpuIds.find((cpu) => zeroSiblings.includes(cpu));
  if (sibling !== undefined) {
    context.report({
      messageId: 'poolSiblingOfZero',
      data: { parent: nameOf(parent), cpu: sibling, type },
      subject: parent,
      at,
      property: 'allocator.layout',
    });
    return;
  }
  for (const cpu of cpuIds) {
    const missing = coreSiblings(spec, cpu)!.find((other) => !cpuIds.includes(other));
    if (missing !== undefined) {
      context.report({
        messageId: 'poolSplitsCore',
        data: { parent: nameOf(parent), cpu, sibling: missing, type },
        subject: parent,
        at,
        property: 'allocator.layout',
      });
      return;
    }
  }
}
