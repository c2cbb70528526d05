import type { Graph } from '../../src/model/graph.js';
import type { InstanceNode } from '../../src/model/nodes.js';
import { instanceTypeSpec, SELECTION_MINIMUM, type InstanceTypeSpec } from '../../src/model/ec2-instance-types.js';
import { provenanceOf } from '../../src/model/provenance.js';
import type { SourceSpan } from '../../src/model/source.js';
import { isUnknown } from '../../src/model/unknown.js';

/**
 * Nitro Enclaves: the parent keeps at least 2 vCPUs when it has SMT, 1 without
 * (https://docs.kernel.org/virt/ne_overview.html).
 */
const PARENT_MIN_VCPUS_SMT = 2;
const PARENT_MIN_VCPUS_NO_SMT = 1;

/** An instance that enclaves, an enclave pool or microVMs are carved from, with what it really has. */
export interface Parent {
  /** The instance as declared (findings are about it). */
  declared: InstanceNode;
  /** The instance with vCPUs and memory filled in from its instance type where it declares none. */
  node: InstanceNode;
  /** What its instance type has (--instance-types, else the built-in table), when it names one isolint knows. */
  spec: InstanceTypeSpec | undefined;
  /** Threads per core, from its host or its instance type; undefined when neither says. */
  threadsPerCore: number | undefined;
  /** The vCPUs the parent keeps for itself. */
  keep: number;
  /** A directory's stand-in machine: it has no lines of its own, so notes land on the files' lines. */
  standIn: boolean;
  /** Where its capacity is written: the property, else its instance type, else the instance. */
  capacityAt(property: 'vcpus' | 'memory'): SourceSpan;
  /**
   * Whether the capacity is only the least EC2 may pick (InstanceRequirements minimums): a shortfall then may
   * happen, on the smallest type that matches, rather than surely.
   */
  atLeast(property: 'vcpus' | 'memory'): boolean;
}

export function parentOf(graph: Graph, declared: InstanceNode): Parent {
  // vCPUs and memory as declared, else from the instance type (src/model/ec2-instance-types.ts).
  const spec =
    declared.instanceTypeFacts ??
    (declared.instanceType && !isUnknown(declared.instanceType) ? instanceTypeSpec(declared.instanceType) : undefined);
  const node: InstanceNode = {
    ...declared,
    vcpus: isUnknown(declared.vcpus) && spec ? spec.vcpus : declared.vcpus,
    memoryMiB: isUnknown(declared.memoryMiB) && spec ? spec.memoryMiB : declared.memoryMiB,
  };
  const host = graph.hostOf(declared.id);
  const threadsPerCore = host && !isUnknown(host.threadsPerCore) ? host.threadsPerCore : spec?.threadsPerCore;
  return {
    declared,
    node,
    spec,
    threadsPerCore,
    keep: threadsPerCore && threadsPerCore > 1 ? PARENT_MIN_VCPUS_SMT : PARENT_MIN_VCPUS_NO_SMT,
    standIn: declared.standIn !== undefined,
    atLeast: (property) => {
      const provenance = provenanceOf(declared, property, property === 'vcpus' ? declared.vcpus : declared.memoryMiB);
      return provenance.how === 'defaulted' && provenance.default.name === SELECTION_MINIMUM.name;
    },
    capacityAt: (property) => declared.at[property] ?? (spec ? declared.at.instanceType : undefined) ?? declared.source,
  };
}
