import { defineRule } from '../src/engine/rule.js';
import type { EnclaveNode, InstanceNode } from '../src/model/nodes.js';
import { isUnknown } from '../src/model/unknown.js';
import { enclaveSupport, enclaveSupportSource, nameOf } from '../src/model/queries.js';

/** https://docs.kernel.org/virt/ne_overview.html: driver limits and nitro-cli checks. */
const RESERVED_CIDS = new Set([1, 2, 3]);
const U32_MAX = 0xffffffff;
const MIN_MEMORY_MIB = 64;
const MEMORY_UNIT_MIB = 2;
const MEMORY_PER_EIF_BYTE = 4;
const MAX_ENCLAVES_PER_PARENT = 4;

/**
 * A separate rule, not part of the isolation rules: these are configurations nitro-cli or the Nitro Enclaves
 * driver refuse, so the enclave never starts — an availability failure found before deployment, whose fix is
 * in the same file. Folding them into enclave-vsock-parent-only (a CID) or no-oversubscription (memory units)
 * would give those rules findings that are not about isolation and muddle their ids in SARIF.
 */
export default defineRule({
  id: 'enclave-launch-config',
  name: 'EnclaveLaunchConfig',
  title: 'An enclave is configured as nitro-cli and the Nitro Enclaves driver accept it',
  severity: 'error',
  securitySeverity: 3.0,
  precision: 'very-high',
  tags: ['security', 'nitro-enclaves', 'availability', 'configuration'],
  since: '0.1.0',
  sources: [
    'run-enclave --config: exactly one of cpu_count and cpu_ids: https://docs.aws.amazon.com/enclaves/latest/user/cmd-nitro-run-enclave.html',
    'nitro-cli error E19 (file operation failure: /dev/nitro_enclaves is absent when the instance has no enclave support): https://docs.aws.amazon.com/enclaves/latest/user/cli-errors.html',
    'Kubernetes device plugin MAX_ENCLAVES_PER_NODE (default 4): https://github.com/aws/aws-nitro-enclaves-k8s-device-plugin',
    'EnclaveOptions and hibernation cannot both be enabled: https://docs.aws.amazon.com/enclaves/latest/user/nitro-enclave.html#nitro-enclave-reqs',
    'CIDs 1–3 and U32_MAX rejected, 0 = auto; memory ≥ 64 MiB in 2 MiB units and ≥ 4 × EIF size; CPU 0 and its siblings never in the pool; up to four enclaves per parent: https://docs.kernel.org/virt/ne_overview.html',
  ],
  appliesTo: ['enclave', 'instance', 'image'],
  rationale:
    'nitro-cli and the driver refuse an enclave whose CID is reserved (1 and 2 for the hypervisor and host, 3 for the parent), whose memory is under 64 MiB, not whole 2 MiB hugepages, or under four times the image size, whose CPUs are not given exactly one way, or that uses CPU 0. A deployment that cannot start its enclave fails closed at the worst time, and operators then reach for debug mode or a looser configuration to get it running.',
  fix: 'Turn EnclaveOptions on (and hibernation off) on the machine that launches enclaves. Use a CID of 4 or more (or omit it and let nitro-cli pick one), memory_mib of at least 64 and a multiple of 2 (and at least four times the EIF size), exactly one of cpu_count and cpu_ids, CPUs from the allocator pool, and at most four enclaves per parent.',
  messages: {
    reservedCid:
      "Enclave '{{enclave}}' asks for CID {{cid}}, which is reserved (1, 2: hypervisor and host; 3: the parent); use 4 or more.",
    cidRange: "Enclave '{{enclave}}' asks for CID {{cid}}; CIDs must be below 4294967295.",
    memoryMin: "Enclave '{{enclave}}' has {{memory}} MiB of memory; the driver needs at least 64 MiB.",
    memoryUnit:
      "Enclave '{{enclave}}' has {{memory}} MiB of memory; enclave memory comes in 2 MiB hugepages, so use a multiple of 2.",
    memoryForImage:
      "Enclave '{{enclave}}' has {{memory}} MiB of memory, but its image is {{imageMiB}} MiB and nitro-cli wants at least 4 × that ({{needed}} MiB).",
    cpuChoice: "Enclave '{{enclave}}' {{problem}}; nitro-cli needs exactly one of cpu_count and cpu_ids.",
    cpuCountZero: "Enclave '{{enclave}}' asks for 0 CPUs.",
    cpuZero:
      "Enclave '{{enclave}}' asks for CPU 0, which is never in the enclave CPU pool (the parent keeps CPU 0 and its siblings).",
    cpuNotInPool:
      "Enclave '{{enclave}}' asks for CPU {{cpu}}, which is not in the allocator pool of '{{parent}}' ({{pool}}).",
    tooMany: "Parent '{{parent}}' has {{count}} enclaves; a parent instance runs at most 4.",
    // --- the parent machine (EnclaveOptions, hibernation)
    enclavesDisabled:
      "Enclave '{{enclave}}' is launched on '{{parent}}', whose EnclaveOptions turn enclaves off: the instance has no enclave device and nitro-cli fails with E19.",
    enclavesNotEnabled:
      "Enclave '{{enclave}}' is launched on '{{parent}}', which does not set EnclaveOptions (enclaves are off by default): the instance has no enclave device and nitro-cli fails with E19.",
    typeNoEnclaves:
      "Enclave '{{enclave}}' is launched on '{{parent}}' ({{type}}), which cannot run enclaves according to {{source}} (parents need at least 4 vCPUs on Intel or AMD, 2 on Graviton, and cannot be burstable, flex or bare-metal types).",
    devicePluginTooMany:
      "The Nitro Enclaves device plugin on '{{parent}}' advertises {{count}} enclaves per node (MAX_ENCLAVES_PER_NODE); a parent instance runs at most 4, so pods beyond that fail to start their enclave.",
    hibernation:
      "'{{parent}}' enables both Nitro Enclaves and hibernation; EC2 refuses to launch an instance with both.",
  },
  check(graph, context) {
    for (const enclave of graph.nodes('enclave')) checkEnclave(enclave);
    for (const parent of graph.nodes('instance')) {
      const plugin = parent.enclaveDevicePlugin;
      if (plugin && !isUnknown(plugin.maxEnclavesPerNode) && plugin.maxEnclavesPerNode > MAX_ENCLAVES_PER_PARENT) {
        context.report({
          messageId: 'devicePluginTooMany',
          data: { parent: nameOf(parent), count: plugin.maxEnclavesPerNode },
          subject: parent,
          at: plugin.source,
          property: 'devicePlugin',
        });
      }
      if (parent.hibernation === true && enclaveSupport(graph, parent) === true) {
        context.report({
          messageId: 'hibernation',
          data: { parent: nameOf(parent) },
          subject: parent,
          property: 'hibernation',
        });
      }
      const enclaves = graph.runningOn(parent.id).filter((n) => n.kind === 'enclave');
      if (enclaves.length > MAX_ENCLAVES_PER_PARENT) {
        context.report({
          messageId: 'tooMany',
          data: { parent: nameOf(parent), count: enclaves.length },
          subject: parent,
          related: enclaves.slice(0, 20).map((e) => ({ span: e.source, label: `enclave '${nameOf(e)}'` })),
        });
      }
    }

    /** The node that says a machine's instance type: itself, or the launch template it starts from. */
    function typeSource(machine: InstanceNode): InstanceNode {
      if (machine.instanceTypeFacts || !machine.launchTemplate) return machine;
      const template = graph.node(machine.launchTemplate);
      return template?.kind === 'instance' ? template : machine;
    }

    function checkEnclave(enclave: EnclaveNode): void {
      const name = nameOf(enclave);
      const machine = graph.runsOn(enclave.id);
      const typed = machine?.kind === 'instance' ? typeSource(machine) : undefined;
      const facts = typed?.instanceTypeFacts;
      if (machine && typed && facts && !facts.enclaves) {
        context.report({
          messageId: 'typeNoEnclaves',
          data: {
            enclave: name,
            parent: nameOf(machine),
            type: typeof typed.instanceType === 'string' ? typed.instanceType : 'its type',
            source: facts.from ?? 'the built-in table',
          },
          subject: enclave,
          related: [{ span: typed.at.instanceType ?? typed.source, label: 'instance type' }],
        });
      }
      if (machine?.kind === 'instance' && enclaveSupport(graph, machine) === false) {
        const setting = enclaveSupportSource(graph, machine);
        const written = setting.at.enclaveEnabled;
        context.report({
          messageId: written ? 'enclavesDisabled' : 'enclavesNotEnabled',
          data: { enclave: name, parent: nameOf(machine) },
          subject: enclave,
          related: [{ span: written ?? setting.source, label: `EnclaveOptions of '${nameOf(setting)}'` }],
        });
      }
      if (!isUnknown(enclave.cid)) {
        if (RESERVED_CIDS.has(enclave.cid)) {
          context.report({
            messageId: 'reservedCid',
            data: { enclave: name, cid: enclave.cid },
            subject: enclave,
            property: 'cid',
          });
        } else if (enclave.cid >= U32_MAX) {
          context.report({
            messageId: 'cidRange',
            data: { enclave: name, cid: enclave.cid },
            subject: enclave,
            property: 'cid',
          });
        }
      }
      if (!isUnknown(enclave.memoryMiB)) {
        const memory = enclave.memoryMiB;
        if (memory < MIN_MEMORY_MIB) {
          context.report({
            messageId: 'memoryMin',
            data: { enclave: name, memory },
            subject: enclave,
            property: 'memory',
          });
        } else if (memory % MEMORY_UNIT_MIB !== 0) {
          context.report({
            messageId: 'memoryUnit',
            data: { enclave: name, memory },
            subject: enclave,
            property: 'memory',
          });
        }
        for (const use of graph.out(enclave.id, 'uses')) {
          const image = graph.node(use.to);
          const bytes =
            image?.kind === 'image' && image.measurement && !isUnknown(image.measurement)
              ? image.measurement.fileBytes
              : undefined;
          if (bytes === undefined) continue;
          const needed = Math.ceil((MEMORY_PER_EIF_BYTE * bytes) / 1048576);
          if (memory < needed) {
            context.report({
              messageId: 'memoryForImage',
              data: { enclave: name, memory, imageMiB: (bytes / 1048576).toFixed(1), needed },
              subject: enclave,
              property: 'memory',
            });
          }
        }
      }
      const launch = enclave.launch;
      if (!launch) return;
      if ((launch.cpuCount === undefined) === (launch.cpuIds === undefined)) {
        context.report({
          messageId: 'cpuChoice',
          data: {
            enclave: name,
            problem:
              launch.cpuCount === undefined ? 'sets neither cpu_count nor cpu_ids' : 'sets both cpu_count and cpu_ids',
          },
          subject: enclave,
          property: launch.cpuCount === undefined ? undefined : 'cpu_ids',
        });
        return;
      }
      if (launch.cpuCount === 0 || launch.cpuIds?.length === 0) {
        context.report({ messageId: 'cpuCountZero', data: { enclave: name }, subject: enclave, property: 'vcpus' });
      }
      if (launch.cpuIds?.includes(0)) {
        context.report({ messageId: 'cpuZero', data: { enclave: name }, subject: enclave, property: 'cpu_ids' });
      }
      const parent = graph.runsOn(enclave.id);
      const poolIds = parent?.kind === 'instance' ? parent.enclavePool?.cpuIds : undefined;
      if (parent && poolIds && launch.cpuIds) {
        const outside = launch.cpuIds.find((cpu) => cpu !== 0 && !poolIds.includes(cpu));
        if (outside !== undefined) {
          context.report({
            messageId: 'cpuNotInPool',
            data: { enclave: name, cpu: outside, parent: nameOf(parent), pool: poolIds.join(',') },
            subject: enclave,
            property: 'cpu_ids',
            related:
              parent.kind === 'instance' && parent.enclavePool
                ? [{ span: parent.enclavePool.source, label: 'allocator pool' }]
                : [],
          });
        }
      }
    }
  },
});
