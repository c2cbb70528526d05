import { defineRule, type RelatedLocation } from '../src/engine/rule.js';
import type { EnclaveNode, GraphNode, HostNode, InstanceNode } from '../src/model/nodes.js';
import { MAX_RELATED, hostComponents } from '../src/model/queries.js';
import { isUnknown, type Maybe } from '../src/model/unknown.js';

/**
 * Nitro Enclaves: the parent keeps at least 2 vCPUs when it has SMT, 1 without (NITRO-FACTS §4.3), and an
 * enclave takes whole cores, so with SMT its vCPU count is even.
 */
const PARENT_MIN_VCPUS_SMT = 2;
const PARENT_MIN_VCPUS_NO_SMT = 1;

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
    'NITRO-FACTS §4.3–§4.4 (enclave CPU and memory rules, allocator pool)',
    'Firecracker design.md: microVMs can oversubscribe host CPU and memory',
  ],
  appliesTo: ['host', 'hypervisor', 'instance', 'enclave'],
  rationale:
    'When guests are promised more vCPUs or memory than the host has (after the hypervisor\'s own reservation), they share cores and pages under contention: one tenant\'s load slows another, memory gets swapped or ballooned, and side channels between tenants grow. Enclaves are carved from their parent instance, so they must fit in it and in the allocator pool reserved for them.',
  fix: 'Move guests to another host, shrink their vCPUs or memory, or give the host more capacity; for enclaves, enlarge the parent or its allocator pool (allocator.yaml) or shrink the enclaves.',
  messages: {
    hostCpu: "Guests on host '{{host}}' have {{demand}} vCPUs, but the host has {{capacity}} ({{detail}}).",
    hostMemory: "Guests on host '{{host}}' have {{demand}} MiB of memory, but the host has {{capacity}} MiB ({{detail}}).",
    parentCpu: "Enclaves of '{{parent}}' have {{demand}} vCPUs, but the parent can give at most {{capacity}} of its {{total}} (it keeps {{keep}}).",
    parentMemory: "Enclaves of '{{parent}}' have {{demand}} MiB of memory, but the parent has only {{capacity}} MiB.",
    poolCpu: "Enclaves of '{{parent}}' need {{demand}} vCPUs, but its enclave pool reserves {{capacity}}.",
    poolMemory: "Enclaves of '{{parent}}' need {{demand}} MiB of memory, but its enclave pool reserves {{capacity}} MiB.",
    oddVcpus: "Enclave '{{enclave}}' has {{vcpus}} vCPUs on a parent with {{threads}} threads per core: an enclave takes whole cores, so use a multiple of {{threads}}.",
    undecided: "Cannot check {{what}} of '{{subject}}': {{reason}}.",
  },
  check(graph, context) {
    for (const host of graph.nodes('host')) checkHost(host);
    for (const instance of graph.nodes('instance')) checkParent(instance);

    function checkHost(host: HostNode): void {
      const guests = graph.runningOn(host.id).filter((n): n is InstanceNode => n.kind === 'instance');
      if (guests.length === 0) return;
      const hypervisor = hostComponents(graph, host).hypervisors[0];
      const related = guestLocations(guests);

      // CPU: a vCPU is a hardware thread, or a whole core when the host counts hyperthreads as nothing.
      const cores = host.cores;
      const threads = host.countHyperthreads ? host.threadsPerCore : 1;
      const reservedCores = hypervisor ? hypervisor.reservedCores : 0;
      const cpuDemand = sum(guests.map((g) => g.vcpus));
      if (isUnknown(cores) || isUnknown(threads) || isUnknown(reservedCores)) {
        const missing = [cores, threads, reservedCores].find(isUnknown)!;
        const what = missing === cores ? 'cores' : missing === threads ? 'threads per core' : 'the hypervisor reservation';
        undecided(host, `CPU capacity (${what})`, missing.reason);
      } else if (isUnknown(cpuDemand)) {
        undecided(host, 'guest vCPUs', cpuDemand.reason);
      } else {
        const capacity = Math.floor((cores - reservedCores) * threads);
        if (cpuDemand > capacity) {
          const detail = `${cores} cores × ${threads} vCPU${threads > 1 ? 's' : ''} per core${reservedCores ? `, minus ${reservedCores} cores reserved by the hypervisor` : ''}`;
          context.report({
            messageId: 'hostCpu',
            data: { host: host.id, demand: cpuDemand, capacity, detail },
            subject: host,
            property: 'cores',
            related,
          });
        }
      }

      const memory = host.memoryMiB;
      const reservedMemory = hypervisor ? hypervisor.reservedMemoryMiB : 0;
      const memoryDemand = sum(guests.map((g) => g.memoryMiB));
      if (isUnknown(memory) || isUnknown(reservedMemory)) {
        undecided(host, 'memory capacity', (isUnknown(memory) ? memory : (reservedMemory as { reason: string })).reason);
      } else if (isUnknown(memoryDemand)) {
        undecided(host, 'guest memory', memoryDemand.reason);
      } else {
        const capacity = memory - reservedMemory;
        if (memoryDemand > capacity) {
          const detail = `${memory} MiB${reservedMemory ? `, minus ${reservedMemory} MiB reserved by the hypervisor` : ''}`;
          context.report({
            messageId: 'hostMemory',
            data: { host: host.id, demand: memoryDemand, capacity, detail },
            subject: host,
            property: 'memory',
            related,
          });
        }
      }
    }

    function checkParent(parent: InstanceNode): void {
      const enclaves = graph.runningOn(parent.id).filter((n): n is EnclaveNode => n.kind === 'enclave');
      if (enclaves.length === 0) return;
      const related = guestLocations(enclaves);
      const host = graph.hostOf(parent.id);
      const threadsPerCore = host && !isUnknown(host.threadsPerCore) ? host.threadsPerCore : undefined;
      const vcpuDemand = sum(enclaves.map((e) => e.vcpus));
      const memoryDemand = sum(enclaves.map((e) => e.memoryMiB));

      if (threadsPerCore && threadsPerCore > 1) {
        for (const enclave of enclaves) {
          if (!isUnknown(enclave.vcpus) && enclave.vcpus % threadsPerCore !== 0) {
            context.report({
              messageId: 'oddVcpus',
              data: { enclave: enclave.id, vcpus: enclave.vcpus, threads: threadsPerCore },
              subject: enclave,
              property: 'vcpus',
            });
          }
        }
      }

      if (!isUnknown(parent.vcpus) && !isUnknown(vcpuDemand)) {
        const keep = threadsPerCore && threadsPerCore > 1 ? PARENT_MIN_VCPUS_SMT : PARENT_MIN_VCPUS_NO_SMT;
        const capacity = Math.max(0, parent.vcpus - keep);
        if (vcpuDemand > capacity) {
          context.report({
            messageId: 'parentCpu',
            data: { parent: parent.id, demand: vcpuDemand, capacity, total: parent.vcpus, keep },
            subject: parent,
            property: 'vcpus',
            related,
          });
        }
      } else if (isUnknown(parent.vcpus) || isUnknown(vcpuDemand)) {
        const missing = isUnknown(parent.vcpus) ? parent.vcpus : (vcpuDemand as { reason: string });
        undecided(parent, 'enclave vCPUs against the parent', missing.reason);
      }

      if (!isUnknown(parent.memoryMiB) && !isUnknown(memoryDemand)) {
        // The parent's own OS and workload need memory too: enclaves may not take all of it.
        if (memoryDemand >= parent.memoryMiB) {
          context.report({
            messageId: 'parentMemory',
            data: { parent: parent.id, demand: memoryDemand, capacity: parent.memoryMiB },
            subject: parent,
            property: 'memory',
            related,
          });
        }
      }

      const pool = parent.enclavePool;
      if (pool) {
        const poolRelated: RelatedLocation[] = [{ span: pool.source, label: `enclave pool of '${parent.id}'` }, ...related];
        if (!isUnknown(pool.cpuCount) && !isUnknown(vcpuDemand) && vcpuDemand > pool.cpuCount) {
          context.report({
            messageId: 'poolCpu',
            data: { parent: parent.id, demand: vcpuDemand, capacity: pool.cpuCount },
            subject: parent,
            at: pool.source,
            property: 'allocator',
            related: poolRelated,
          });
        }
        if (!isUnknown(pool.memoryMiB) && !isUnknown(memoryDemand) && memoryDemand > pool.memoryMiB) {
          context.report({
            messageId: 'poolMemory',
            data: { parent: parent.id, demand: memoryDemand, capacity: pool.memoryMiB },
            subject: parent,
            at: pool.source,
            property: 'allocator.memory',
            related: poolRelated,
          });
        }
      }
    }

    function undecided(subject: GraphNode, what: string, reason: string): void {
      context.report({ messageId: 'undecided', data: { what, subject: subject.id, reason }, subject, severity: 'note', property: `capacity:${what}` });
    }
  },
});

/** The sum of known values, or the first unknown (one unknown guest makes the total unknown). */
function sum(values: Maybe<number>[]): Maybe<number> {
  let total = 0;
  for (const value of values) {
    if (isUnknown(value)) return value;
    total += value;
  }
  return total;
}

function guestLocations(guests: GraphNode[]): RelatedLocation[] {
  return guests.slice(0, MAX_RELATED).map((guest) => ({ span: guest.source, label: `${guest.kind} '${guest.id}'` }));
}
