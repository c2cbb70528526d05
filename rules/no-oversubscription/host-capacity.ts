import type { Graph } from '../../src/model/graph.js';
import type { HostNode, InstanceNode } from '../../src/model/nodes.js';
import { hostComponents, nameOf } from '../../src/model/queries.js';
import { isUnknown, type Maybe } from '../../src/model/unknown.js';
import { guestLocations, sum, undecided, type Context } from './report.js';

/**
 * Guests on a host against the host's cores and memory, minus what its hypervisor reserves. A vCPU is a
 * hardware thread, or a whole core when the host does not count hyperthreads (countHyperthreads: false).
 */
export function checkHostCapacity(graph: Graph, host: HostNode, context: Context): void {
  const guests = graph.runningOn(host.id).filter((n): n is InstanceNode => n.kind === 'instance');
  if (guests.length === 0) return;
  const hypervisor = hostComponents(graph, host).hypervisors[0];
  checkCpu(host, guests, hypervisor ? hypervisor.reservedCores : 0, context);
  checkMemory(host, guests, hypervisor ? hypervisor.reservedMemoryMiB : 0, context);
}

function checkCpu(host: HostNode, guests: InstanceNode[], reservedCores: Maybe<number>, context: Context): void {
  const cores = host.cores;
  const threads = host.countHyperthreads ? host.threadsPerCore : 1;
  const demand = sum(guests, (g) => g.vcpus);
  if (isUnknown(cores) || isUnknown(threads) || isUnknown(reservedCores)) {
    const missing = [cores, threads, reservedCores].find(isUnknown)!;
    const what = missing === cores ? 'cores' : missing === threads ? 'threads per core' : 'the hypervisor reservation';
    undecided(context, host, `CPU capacity (${what})`, missing.reason);
    return;
  }
  if (isUnknown(demand)) {
    undecided(context, host, 'guest vCPUs', demand.reason);
    return;
  }
  const capacity = Math.floor((cores - reservedCores) * threads);
  if (demand <= capacity) return;
  context.report({
    messageId: 'hostCpu',
    data: { host: nameOf(host), demand, capacity, cores, threads, reservedCores },
    subject: host,
    property: 'cores',
    related: guestLocations(guests),
  });
}

function checkMemory(host: HostNode, guests: InstanceNode[], reservedMemory: Maybe<number>, context: Context): void {
  const memory = host.memoryMiB;
  const demand = sum(guests, (g) => g.memoryMiB);
  if (isUnknown(memory) || isUnknown(reservedMemory)) {
    undecided(
      context,
      host,
      'memory capacity',
      (isUnknown(memory) ? memory : (reservedMemory as { reason: string })).reason,
    );
    return;
  }
  if (isUnknown(demand)) {
    undecided(context, host, 'guest memory', demand.reason);
    return;
  }
  const capacity = memory - reservedMemory;
  if (demand <= capacity) return;
  context.report({
    messageId: 'hostMemory',
    data: { host: nameOf(host), demand, capacity, memory, reservedMemory },
    subject: host,
    property: 'memory',
    related: guestLocations(guests),
  });
}
