import { defineRule, type RelatedLocation } from '../src/engine/rule.js';
import type { EnclaveNode, GraphNode, HostNode, InstanceNode } from '../src/model/nodes.js';
import { MAX_RELATED, enclavePoolOf, hostComponents, nameOf } from '../src/model/queries.js';
import type { SourceSpan } from '../src/model/source.js';
import { isUnknown, type Maybe } from '../src/model/unknown.js';
import { coreSiblings, instanceTypeSpec, type InstanceTypeSpec } from '../src/model/ec2-instance-types.js';
import { directoryOfMachineId } from '../src/model/host-placement.js';

/**
 * Nitro Enclaves: the parent keeps at least 2 vCPUs when it has SMT, 1 without (https://docs.kernel.org/virt/ne_overview.html), and an
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
    'enclave CPU and memory rules, allocator pool: https://docs.kernel.org/virt/ne_overview.html, https://github.com/aws/aws-nitro-enclaves-cli/blob/main/bootstrap/allocator.yaml',
    'Firecracker design.md: microVMs can oversubscribe host CPU and memory',
    'Nova hw:cpu_policy shared (the default) "can be overallocated": https://docs.openstack.org/nova/latest/configuration/extra-specs.html',
  ],
  appliesTo: ['host', 'hypervisor', 'instance', 'enclave'],
  rationale:
    "When guests are promised more vCPUs or memory than the host has (after the hypervisor's own reservation), they share cores and pages under contention: one tenant's load slows another, memory gets swapped or ballooned, and side channels between tenants grow. Enclaves are carved from their parent instance, so they must fit in it and in the allocator pool reserved for them.",
  fix: 'Move guests to another host, shrink their vCPUs or memory, or give the host more capacity; for enclaves, enlarge the parent or its allocator pool (allocator.yaml) or shrink the enclaves.',
  messages: {
    hostCpu: "Guests on host '{{host}}' have {{demand}} vCPUs, but the host has {{capacity}} ({{detail}}).",
    hostMemory:
      "Guests on host '{{host}}' have {{demand}} MiB of memory, but the host has {{capacity}} MiB ({{detail}}).",
    parentCpu:
      "Enclaves of '{{parent}}' have {{demand}} vCPUs, but the parent can give at most {{capacity}} of its {{total}} (it keeps {{keep}}).",
    parentMemory: "Enclaves of '{{parent}}' have {{demand}} MiB of memory, but the parent has only {{capacity}} MiB.",
    poolCpu: "Enclaves of '{{parent}}' need {{demand}} vCPUs, but its enclave pool reserves {{capacity}}.",
    poolMemory:
      "Enclaves of '{{parent}}' need {{demand}} MiB of memory, but its enclave pool reserves {{capacity}} MiB.",
    poolParentCpu:
      "The enclave pool of '{{parent}}' reserves {{pool}} vCPUs, but the parent can give at most {{capacity}} of its {{total}} (it keeps {{keep}}).",
    poolParentMemory:
      "The enclave pool of '{{parent}}' reserves {{pool}} MiB, but the parent has only {{total}} MiB and needs some for itself.",
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
      "Flavor '{{flavor}}' has hw:cpu_policy = {{policy}}{{defaulted}}: its vCPUs float over host CPUs that can be overcommitted, but {{hosts}} ask{{s}} for dedicated cores (countHyperthreads: false).",
    preferThreadPolicy:
      "Flavor '{{flavor}}' pins its vCPUs with hw:cpu_thread_policy = prefer{{defaulted}}: Nova may place them on single hardware threads, but {{hosts}} sell{{s}} one vCPU as one whole core (countHyperthreads: false). Use isolate, or require with an even vCPU count.",
    undecided: "Cannot check {{what}} of '{{subject}}': {{reason}}.",
  },
  check(graph, context) {
    for (const host of graph.nodes('host')) {
      checkHost(host);
      checkRatios(host);
    }

    /** Nova's scheduler multiplies a host's CPUs, RAM and disk by these ratios: above 1.0 is oversubscription. */
    function checkRatios(host: HostNode): void {
      const ratios = host.allocationRatios;
      if (!ratios) return;
      for (const [resource, option, value] of [
        ['CPUs', 'cpu_allocation_ratio', ratios.cpu],
        ['memory', 'ram_allocation_ratio', ratios.ram],
        ['disk', 'disk_allocation_ratio', ratios.disk],
      ] as const) {
        if (isUnknown(value)) {
          undecided(host, option, value.reason, host.at[option]);
        } else if (value > 1) {
          context.report({
            messageId: 'allocationRatio',
            data: { host: nameOf(host), ratio: value, resource, option },
            subject: host,
            property: option,
          });
        }
      }
    }
    for (const instance of graph.nodes('instance')) checkParent(instance);

    // --- OpenStack flavors: a host that counts a vCPU as a whole core (countHyperthreads: false, "1 OCPU = 1
    // core") asks for dedicated cores. A flavor with hw:cpu_policy shared (Nova's default) or mixed gets
    // floating vCPUs that "can be overallocated"; a flavor can land on any compute host of the scan.
    const dedicatedHosts = graph.nodes('host').filter((host) => host.countHyperthreads === false);
    if (dedicatedHosts.length > 0) {
      const hostRelated: RelatedLocation[] = dedicatedHosts
        .slice(0, MAX_RELATED)
        .map((host) => ({ span: host.source, label: `host '${host.id}' asks for dedicated cores` }));
      const hostNames =
        dedicatedHosts
          .slice(0, 3)
          .map((host) => `host '${host.id}'`)
          .join(', ') + (dedicatedHosts.length > 3 ? ` and ${dedicatedHosts.length - 3} more` : '');
      const hostsAsk = { hosts: hostNames, s: dedicatedHosts.length === 1 ? 's' : '' };
      // Written in extra_specs, or Nova's default when the key is absent (its span is then extra_specs itself).
      const defaulted = (span: SourceSpan | undefined, all: SourceSpan | undefined) =>
        span !== undefined && span !== all ? '' : " (Nova's default)";
      for (const flavorNode of graph.nodes('instance')) {
        const policy = flavorNode.flavor?.cpuPolicy;
        if (policy === undefined) continue;
        const name = flavorNode.label ?? flavorNode.id;
        if (policy === 'dedicated') {
          // Dedicated vCPUs still take single threads under `prefer`: "1 OCPU = 1 core" needs isolate,
          // or require with an even vCPU count, wherever the one-core rule applies.
          const threads = flavorNode.flavor!.cpuThreadPolicy;
          if (isUnknown(threads)) {
            undecided(flavorNode, 'the CPU thread policy', threads.reason, flavorNode.at.cpuThreadPolicy);
          } else if (threads === 'prefer') {
            context.report({
              messageId: 'preferThreadPolicy',
              data: {
                flavor: name,
                defaulted: defaulted(flavorNode.at.cpuThreadPolicy, flavorNode.at.extraSpecs),
                ...hostsAsk,
              },
              subject: flavorNode,
              property: 'cpuThreadPolicy',
              related: hostRelated,
            });
          }
          continue;
        }
        if (isUnknown(policy)) {
          undecided(flavorNode, 'the CPU policy', policy.reason, flavorNode.at.cpuPolicy);
          continue;
        }
        context.report({
          messageId: 'sharedCpuPolicy',
          data: {
            flavor: name,
            policy,
            defaulted: defaulted(flavorNode.at.cpuPolicy, flavorNode.at.extraSpecs),
            ...hostsAsk,
          },
          subject: flavorNode,
          property: 'cpuPolicy',
          related: hostRelated,
        });
      }
    }

    function checkHost(host: HostNode): void {
      const guests = graph.runningOn(host.id).filter((n): n is InstanceNode => n.kind === 'instance');
      if (guests.length === 0) return;
      const hypervisor = hostComponents(graph, host).hypervisors[0];
      // Related locations only for a finding (this runs for every host).
      const related = () => guestLocations(guests);

      // CPU: a vCPU is a hardware thread, or a whole core when the host counts hyperthreads as nothing.
      const cores = host.cores;
      const threads = host.countHyperthreads ? host.threadsPerCore : 1;
      const reservedCores = hypervisor ? hypervisor.reservedCores : 0;
      const cpuDemand = sum(guests, (g) => g.vcpus);
      if (isUnknown(cores) || isUnknown(threads) || isUnknown(reservedCores)) {
        const missing = [cores, threads, reservedCores].find(isUnknown)!;
        const what =
          missing === cores ? 'cores' : missing === threads ? 'threads per core' : 'the hypervisor reservation';
        undecided(host, `CPU capacity (${what})`, missing.reason);
      } else if (isUnknown(cpuDemand)) {
        undecided(host, 'guest vCPUs', cpuDemand.reason);
      } else {
        const capacity = Math.floor((cores - reservedCores) * threads);
        if (cpuDemand > capacity) {
          const detail = `${cores} cores × ${threads} vCPU${threads > 1 ? 's' : ''} per core${reservedCores ? `, minus ${reservedCores} cores reserved by the hypervisor` : ''}`;
          context.report({
            messageId: 'hostCpu',
            data: { host: nameOf(host), demand: cpuDemand, capacity, detail },
            subject: host,
            property: 'cores',
            related: related(),
          });
        }
      }

      const memory = host.memoryMiB;
      const reservedMemory = hypervisor ? hypervisor.reservedMemoryMiB : 0;
      const memoryDemand = sum(guests, (g) => g.memoryMiB);
      if (isUnknown(memory) || isUnknown(reservedMemory)) {
        undecided(
          host,
          'memory capacity',
          (isUnknown(memory) ? memory : (reservedMemory as { reason: string })).reason,
        );
      } else if (isUnknown(memoryDemand)) {
        undecided(host, 'guest memory', memoryDemand.reason);
      } else {
        const capacity = memory - reservedMemory;
        if (memoryDemand > capacity) {
          const detail = `${memory} MiB${reservedMemory ? `, minus ${reservedMemory} MiB reserved by the hypervisor` : ''}`;
          context.report({
            messageId: 'hostMemory',
            data: { host: nameOf(host), demand: memoryDemand, capacity, detail },
            subject: host,
            property: 'memory',
            related: related(),
          });
        }
      }
    }

    function checkParent(declared: InstanceNode): void {
      // Asked of every instance: most have nothing running on them and no pool.
      const running = graph.runningOn(declared.id);
      if (running.length === 0 && !declared.enclavePool) return;
      const enclaves = running.filter((n): n is EnclaveNode => n.kind === 'enclave');
      const microvms = running.filter((n): n is InstanceNode => n.kind === 'instance');
      if (enclaves.length === 0 && microvms.length === 0 && !declared.enclavePool) return;
      // vCPUs and memory as declared, else from the instance type (src/model/ec2-instance-types.ts).
      const spec =
        declared.instanceTypeFacts ??
        (declared.instanceType && !isUnknown(declared.instanceType)
          ? instanceTypeSpec(declared.instanceType)
          : undefined);
      const parent: InstanceNode = {
        ...declared,
        vcpus: isUnknown(declared.vcpus) && spec ? spec.vcpus : declared.vcpus,
        memoryMiB: isUnknown(declared.memoryMiB) && spec ? spec.memoryMiB : declared.memoryMiB,
      };
      // The stand-in for a directory's machine has no lines of its own: its notes land on the files' lines.
      const standIn = directoryOfMachineId(declared.id) !== undefined;
      const capacityAt = (property: 'vcpus' | 'memory') =>
        declared.at[property] ?? (spec ? declared.at.instanceType : undefined) ?? declared.source;
      checkPoolAgainstParent(parent, spec, capacityAt);
      checkMicrovms(parent, microvms);
      if (enclaves.length === 0) return;
      // Related locations only for a finding.
      const related = () => guestLocations(enclaves);
      const host = graph.hostOf(parent.id);
      const threadsPerCore = host && !isUnknown(host.threadsPerCore) ? host.threadsPerCore : spec?.threadsPerCore;
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

      if (!isUnknown(parent.vcpus) && !isUnknown(vcpuDemand)) {
        const keep = threadsPerCore && threadsPerCore > 1 ? PARENT_MIN_VCPUS_SMT : PARENT_MIN_VCPUS_NO_SMT;
        const capacity = Math.max(0, parent.vcpus - keep);
        if (vcpuDemand > capacity) {
          context.report({
            messageId: 'parentCpu',
            data: { parent: nameOf(parent), demand: vcpuDemand, capacity, total: parent.vcpus, keep },
            subject: declared,
            at: capacityAt('vcpus'),
            property: 'vcpus',
            related: related(),
          });
        }
      } else if (isUnknown(parent.vcpus) || isUnknown(vcpuDemand)) {
        // An enclave without a vCPU count: at that enclave. A directory's stand-in machine (no lines of its
        // own, src/engine/link-host-configs.ts): at the enclave's cpu_count.
        const unsized = enclaves.find((e) => isUnknown(e.vcpus));
        const missing = isUnknown(vcpuDemand) ? vcpuDemand : (parent.vcpus as { reason: string });
        const at = unsized ? unsized.source : standIn ? (enclaves[0].at.vcpus ?? enclaves[0].source) : undefined;
        undecided(declared, 'enclave vCPUs against the parent', missing.reason, at);
      }

      if (isUnknown(parent.memoryMiB) && !isUnknown(parent.vcpus)) {
        // (When the vCPUs are unknown too, the note above already says why.)
        undecided(
          declared,
          'enclave memory against the parent',
          parent.memoryMiB.reason,
          standIn ? (enclaves[0].at.memory ?? enclaves[0].source) : undefined,
        );
      }
      if (!isUnknown(parent.memoryMiB) && !isUnknown(memoryDemand)) {
        // The parent's own OS and workload need memory too: enclaves may not take all of it.
        if (memoryDemand >= parent.memoryMiB) {
          context.report({
            messageId: 'parentMemory',
            data: { parent: nameOf(parent), demand: memoryDemand, capacity: parent.memoryMiB },
            subject: declared,
            at: capacityAt('memory'),
            property: 'memory',
            related: related(),
          });
        }
      }

      const pool = enclavePoolOf(graph, parent);
      if (pool) {
        const poolRelated = (): RelatedLocation[] => [
          { span: pool.source, label: `enclave pool of '${nameOf(parent)}'` },
          ...related(),
        ];
        if (!isUnknown(pool.cpuCount) && !isUnknown(vcpuDemand) && vcpuDemand > pool.cpuCount) {
          context.report({
            messageId: 'poolCpu',
            data: { parent: nameOf(parent), demand: vcpuDemand, capacity: pool.cpuCount },
            subject: declared,
            at: pool.cpuSource ?? pool.source,
            property: 'allocator',
            related: poolRelated(),
          });
        }
        if (!isUnknown(pool.memoryMiB) && !isUnknown(memoryDemand) && memoryDemand > pool.memoryMiB) {
          context.report({
            messageId: 'poolMemory',
            data: { parent: nameOf(parent), demand: memoryDemand, capacity: pool.memoryMiB },
            subject: declared,
            at: pool.memorySource ?? pool.source,
            property: 'allocator.memory',
            related: poolRelated(),
          });
        }
      }
    }

    /** allocator.yaml against the parent: it must leave the parent what it needs and be whole cores (https://docs.kernel.org/virt/ne_overview.html, https://github.com/aws/aws-nitro-enclaves-cli/blob/main/bootstrap/allocator.yaml). */
    function checkPoolAgainstParent(
      parent: InstanceNode,
      spec: InstanceTypeSpec | undefined,
      capacityAt: (p: 'vcpus' | 'memory') => SourceSpan,
    ): void {
      const pool = parent.enclavePool;
      if (!pool) return;
      const specThreads = spec?.threadsPerCore;
      if (pool.cpuIds && spec && !pool.cpuIds.includes(0))
        checkPoolLayout(parent, pool.cpuIds, spec, pool.cpuSource ?? pool.source);
      const related = (): RelatedLocation[] => [{ span: capacityAt('vcpus'), label: `parent '${nameOf(parent)}'` }];
      const host = graph.hostOf(parent.id);
      const threads = host && !isUnknown(host.threadsPerCore) ? host.threadsPerCore : specThreads;
      const cpuAt = pool.cpuSource ?? pool.source;
      if (pool.cpuIds?.includes(0)) {
        context.report({
          messageId: 'poolCpuZero',
          data: { parent: nameOf(parent) },
          subject: parent,
          at: cpuAt,
          property: 'allocator.cpu0',
        });
      }
      if (!isUnknown(pool.cpuCount)) {
        if (threads && threads > 1 && pool.cpuCount % threads !== 0) {
          context.report({
            messageId: 'poolPartialCores',
            data: { parent: nameOf(parent), pool: pool.cpuCount, threads },
            subject: parent,
            at: cpuAt,
            property: 'allocator.cores',
          });
        }
        if (!isUnknown(parent.vcpus)) {
          const keep = threads && threads > 1 ? PARENT_MIN_VCPUS_SMT : PARENT_MIN_VCPUS_NO_SMT;
          const capacity = Math.max(0, parent.vcpus - keep);
          if (pool.cpuCount > capacity) {
            context.report({
              messageId: 'poolParentCpu',
              data: { parent: nameOf(parent), pool: pool.cpuCount, capacity, total: parent.vcpus, keep },
              subject: parent,
              at: cpuAt,
              property: 'allocator.parentCpu',
              related: related(),
            });
          }
        } else {
          undecided(
            parent,
            'the enclave pool against the parent',
            parent.vcpus.reason,
            directoryOfMachineId(parent.id) !== undefined ? cpuAt : undefined,
          );
        }
      }
      if (!isUnknown(pool.memoryMiB) && !isUnknown(parent.memoryMiB) && pool.memoryMiB >= parent.memoryMiB) {
        context.report({
          messageId: 'poolParentMemory',
          data: { parent: nameOf(parent), pool: pool.memoryMiB, total: parent.memoryMiB },
          subject: parent,
          at: pool.memorySource ?? pool.source,
          property: 'allocator.parentMemory',
          related: [{ span: capacityAt('memory'), label: `parent '${nameOf(parent)}'` }],
        });
      }
    }

    /**
     * A listed cpu_pool against the type's sibling layout: the allocator takes whole cores only, and never CPU 0 or
     * its siblings (https://github.com/aws/aws-nitro-enclaves-cli/blob/main/bootstrap/allocator.yaml,
     * https://docs.kernel.org/virt/ne_overview.html).
     */
    function checkPoolLayout(parent: InstanceNode, cpuIds: number[], spec: InstanceTypeSpec, at: SourceSpan): void {
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

    /** Firecracker microVMs on an instance share what its enclave pool leaves (https://github.com/firecracker-microvm/firecracker/blob/main/docs/prod-host-setup.md: they can oversubscribe). */
    function checkMicrovms(parent: InstanceNode, microvms: InstanceNode[]): void {
      if (microvms.length === 0) return;
      const related = () => guestLocations(microvms);
      const pool = parent.enclavePool;
      const poolCpus = pool && !isUnknown(pool.cpuCount) ? pool.cpuCount : 0;
      const poolMemory = pool && !isUnknown(pool.memoryMiB) ? pool.memoryMiB : 0;
      const cpuDemand = sum(microvms, (m) => m.vcpus);
      const memoryDemand = sum(microvms, (m) => m.memoryMiB);
      if (isUnknown(parent.vcpus) || isUnknown(cpuDemand)) {
        const at =
          directoryOfMachineId(parent.id) !== undefined ? (microvms[0].at.vcpus ?? microvms[0].source) : undefined;
        undecided(
          parent,
          'microVM vCPUs',
          (isUnknown(parent.vcpus) ? parent.vcpus : (cpuDemand as { reason: string })).reason,
          at,
        );
      } else if (cpuDemand > parent.vcpus - poolCpus) {
        context.report({
          messageId: 'microvmCpu',
          data: { parent: nameOf(parent), demand: cpuDemand, capacity: parent.vcpus - poolCpus },
          subject: parent,
          at: microvms[0].at.vcpus ?? microvms[0].source,
          property: 'microvm.vcpus',
          related: related(),
        });
      }
      if (!isUnknown(parent.memoryMiB) && !isUnknown(memoryDemand) && memoryDemand > parent.memoryMiB - poolMemory) {
        context.report({
          messageId: 'microvmMemory',
          data: { parent: nameOf(parent), demand: memoryDemand, capacity: parent.memoryMiB - poolMemory },
          subject: parent,
          at: microvms[0].at.memory ?? microvms[0].source,
          property: 'microvm.memory',
          related: related(),
        });
      }
    }

    function undecided(subject: GraphNode, what: string, reason: string, at?: SourceSpan): void {
      context.report({
        messageId: 'undecided',
        data: { what, subject: nameOf(subject), reason },
        subject,
        severity: 'note',
        property: `capacity:${what}`,
        at,
      });
    }
  },
});

/** The sum of known values, or the first unknown (one unknown guest makes the total unknown). */
function sum<T>(items: readonly T[], valueOf: (item: T) => Maybe<number>): Maybe<number> {
  let total = 0;
  for (const item of items) {
    const value = valueOf(item);
    if (isUnknown(value)) return value;
    total += value;
  }
  return total;
}

function guestLocations(guests: GraphNode[]): RelatedLocation[] {
  return guests
    .slice(0, MAX_RELATED)
    .map((guest) => ({ span: guest.source, label: `${guest.kind} '${nameOf(guest)}'` }));
}
