import { defineRule } from '../src/engine/rule.js';
import type { EnclaveNode, InstanceNode } from '../src/model/nodes.js';
import { checkEnclavesAgainstParent } from './no-oversubscription/enclaves.js';
import { checkEnclavesAgainstPool, checkPoolAgainstParent } from './no-oversubscription/allocator-pool.js';
import { checkFlavorCpuPolicies } from './no-oversubscription/flavors.js';
import { checkHostCapacity } from './no-oversubscription/host-capacity.js';
import { checkMicrovms } from './no-oversubscription/microvms.js';
import { checkNovaRatios } from './no-oversubscription/nova-ratios.js';
import { parentOf } from './no-oversubscription/parent.js';

const messages = {
  hostCpu:
    "Guests on host '{{host}}' have {{demand}} vCPUs, but the host has {{capacity}} (cores: {{cores}}, vCPUs per core: {{threads}}, cores reserved by the hypervisor: {{reservedCores}}).",
  hostMemory:
    "Guests on host '{{host}}' have {{demand}} MiB of memory, but the host has {{capacity}} MiB (memory: {{memory}} MiB, reserved by the hypervisor: {{reservedMemory}} MiB).",
  parentCpu:
    "Enclaves of '{{parent}}' have {{demand}} vCPUs, but the parent can give at most {{capacity}} of its {{total}} (it keeps {{keep}}).",
  parentMemory: "Enclaves of '{{parent}}' have {{demand}} MiB of memory, but the parent has only {{capacity}} MiB.",
  poolCpu: "Enclaves of '{{parent}}' need {{demand}} vCPUs, but its enclave pool reserves {{capacity}}.",
  poolMemory: "Enclaves of '{{parent}}' need {{demand}} MiB of memory, but its enclave pool reserves {{capacity}} MiB.",
  poolParentCpu:
    "The enclave pool of '{{parent}}' reserves {{pool}} vCPUs, but the parent can give at most {{capacity}} of its {{total}} (it keeps {{keep}}).",
  poolParentMemory:
    "The enclave pool of '{{parent}}' reserves {{pool}} MiB, but the parent has only {{total}} MiB and needs some for itself.",
  // The parent chosen by InstanceRequirements: its minimums are what EC2 may pick, so a shortfall may happen.
  parentCpuMinimum:
    "Enclaves of '{{parent}}' have {{demand}} vCPUs, but InstanceRequirements lets EC2 pick a parent with as few as {{total}}, which can give at most {{capacity}} (it keeps {{keep}}).",
  parentMemoryMinimum:
    "Enclaves of '{{parent}}' have {{demand}} MiB of memory, but InstanceRequirements lets EC2 pick a parent with as little as {{capacity}} MiB.",
  poolParentCpuMinimum:
    "The enclave pool of '{{parent}}' reserves {{pool}} vCPUs, but InstanceRequirements lets EC2 pick a parent with as few as {{total}}, which can give at most {{capacity}} (it keeps {{keep}}).",
  poolParentMemoryMinimum:
    "The enclave pool of '{{parent}}' reserves {{pool}} MiB, but InstanceRequirements lets EC2 pick a parent with as little as {{total}} MiB, which needs some for itself.",
  poolPartialCores:
    "The enclave pool of '{{parent}}' reserves {{pool}} vCPUs on a parent with {{threads}} threads per core: the pool must be whole cores, so use a multiple of {{threads}}.",
  poolCpuZero: "The enclave pool of '{{parent}}' lists CPU 0, which the parent always keeps (with its siblings).",
  // --- cpu_pool against the instance type's sibling layout (src/model/ec2-instance-types.ts)
  poolSplitsCore:
    "The enclave pool of '{{parent}}' takes CPU {{cpu}} but not its sibling {{sibling}} on {{type}}: the allocator reserves whole cores only.",
  poolSiblingOfZero:
    "The enclave pool of '{{parent}}' lists CPU {{cpu}}, the sibling of CPU 0 on {{type}}, which the parent always keeps.",
  poolCpuMissing:
    "The enclave pool of '{{parent}}' lists CPU {{cpu}}, but {{type}} has only {{vcpus}} vCPUs, numbered from 0.",
  poolLayoutUnknown:
    "Cannot tell whether the enclave pool {{pool}} of '{{parent}}' is whole cores: the table does not know how {{type}} numbers the threads of a core (check /sys/devices/system/cpu/cpu*/topology/thread_siblings_list).",
  microvmCpu: "MicroVMs on '{{parent}}' have {{demand}} vCPUs, but it has {{capacity}} left beside its enclave pool.",
  microvmMemory:
    "MicroVMs on '{{parent}}' have {{demand}} MiB of memory, but it has {{capacity}} MiB left beside its enclave pool.",
  oddVcpus:
    "Enclave '{{enclave}}' has {{vcpus}} vCPUs on a parent with {{threads}} threads per core: an enclave takes whole cores, so use a multiple of {{threads}}.",
  // Nova allocation ratios (https://docs.openstack.org/nova/latest/configuration/config.html)
  allocationRatio: "Host '{{host}}' lets the scheduler promise {{ratio}}× its {{resource}} ({{option}} = {{ratio}}).",
  // OpenStack flavors (https://docs.openstack.org/nova/latest/configuration/extra-specs.html)
  sharedCpuPolicy:
    "Flavor '{{flavor}}' has hw:cpu_policy = {{policy}} ({{origin}}): its vCPUs float over host CPUs that can be overcommitted, but hosts of the scan ask for dedicated cores (countHyperthreads: false): {{hosts}} ({{hostCount}} in all).",
  undecided: "Cannot check {{what}} of '{{subject}}': {{reason}}.",
};

export type Messages = typeof messages;

export default defineRule({
  id: 'no-oversubscription',
  name: 'NoOversubscription',
  title: 'Guests and enclaves fit in what their host or parent really has',
  severity: 'error',
  securitySeverity: 5.5,
  precision: 'very-high',
  tags: ['security', 'isolation', 'capacity', 'noisy-neighbour'],
  since: '0.1.0',
  sources: [
    'Oracle Cloud Gen2: no resource oversubscription (1 OCPU = 1 physical core)',
    'enclave CPU and memory rules, allocator pool: https://docs.kernel.org/virt/ne_overview.html, https://github.com/aws/aws-nitro-enclaves-cli/blob/main/bootstrap/allocator.yaml',
    'Firecracker design.md: microVMs can oversubscribe host CPU and memory',
    'Nova hw:cpu_policy shared (the default) "can be overallocated": https://docs.openstack.org/nova/latest/configuration/extra-specs.html',
  ],
  appliesTo: ['host', 'hypervisor', 'instance', 'enclave'],
  rationale:
    "When guests are promised more vCPUs or memory than the host has (after the hypervisor's own reservation), they share cores and pages under contention: one tenant's load slows another, memory gets swapped or ballooned, and side channels between tenants grow. Enclaves are carved from their parent instance, so they must fit in it and in the allocator pool reserved for them.",
  fix: 'Move guests to another host, shrink their vCPUs or memory, or give the host more capacity; for enclaves, enlarge the parent or its allocator pool (allocator.yaml) or shrink the enclaves.',
  messages,
  check(graph, context) {
    for (const host of graph.nodes('host')) {
      checkHostCapacity(graph, host, context);
      checkNovaRatios(host, context);
    }
    checkFlavorCpuPolicies(graph, context);
    for (const instance of graph.nodes('instance')) {
      // Asked of every instance: most have nothing running on them and no pool.
      const running = graph.runningOn(instance.id);
      if (running.length === 0 && !instance.enclavePool) continue;
      const enclaves = running.filter((n): n is EnclaveNode => n.kind === 'enclave');
      const microvms = running.filter((n): n is InstanceNode => n.kind === 'instance');
      if (enclaves.length === 0 && microvms.length === 0 && !instance.enclavePool) continue;
      const parent = parentOf(graph, instance);
      checkPoolAgainstParent(parent, context);
      checkMicrovms(parent, microvms, context);
      if (enclaves.length === 0) continue;
      checkEnclavesAgainstParent(parent, enclaves, context);
      checkEnclavesAgainstPool(graph, parent, enclaves, context);
    }
  },
});
