import { defineRule, type RelatedLocation } from '../src/engine/rule.js';
import type { GraphNode } from '../src/model/nodes.js';
import { GUEST_KINDS, MAX_RELATED, tenantOf, nameOf } from '../src/model/queries.js';
import { isUnknown } from '../src/model/unknown.js';
import { originOf, provenanceOf } from '../src/model/provenance.js';

export default defineRule({
  id: 'tenant-isolation',
  name: 'TenantIsolation',
  title: 'Nothing is shared between tenants except through declared, authenticated APIs',
  severity: 'error',
  securitySeverity: 8.5,
  precision: 'high',
  tags: ['security', 'isolation', 'multi-tenancy'],
  since: '0.1.0',
  sources: [
    'AWS hypervisor security whitepaper: instances of different customers are isolated from one another',
    'Oracle Cloud Gen2: isolated network virtualization',
    'Nova hw:cpu_policy / hw:cpu_thread_policy (prefer, isolate, require): https://docs.openstack.org/nova/latest/configuration/extra-specs.html',
  ],
  appliesTo: ['instance', 'enclave', 'volume', 'nic', 'network'],
  rationale:
    "Tenants share hardware, never data paths. A volume attached to two tenants' guests, a network that carries two tenants' interfaces, or a direct channel between their guests lets one tenant read or disturb another's data without any control the provider can audit. Cross-tenant exchange belongs on an authenticated API that both sides declared.",
  fix: 'Give each tenant its own volumes and networks. Where two tenants must exchange data, declare a channel with protocol api (or https) that is authenticated, and route it through that API.',
  messages: {
    sharedVolume: "Volume '{{volume}}' is attached to guests of different tenants ({{tenants}}).",
    foreignVolume: "Volume '{{volume}}' of tenant '{{owner}}' is attached to '{{guest}}' of tenant '{{tenant}}'.",
    sharedNetwork: "Network '{{network}}' carries interfaces of different tenants ({{tenants}}).",
    // Self-run hypervisors (https://libvirt.org/formatdomain.html#memory-allocation, https://libvirt.org/formatdomain.html#hard-drives-floppy-disks-cdroms, https://xenbits.xen.org/docs/unstable/misc/xen-command-line.html)
    sharedBacking:
      "Disk '{{backing}}' is attached to guests of different tenants ({{tenants}}; marked shareable: {{shareable}}).",
    sharedMemory: "Shared memory '{{name}}' is mapped by guests of different tenants ({{tenants}}) on host '{{host}}'.",
    smtSiblings:
      "Host '{{host}}' schedules single hardware threads (sched-gran=cpu with SMT on) for guests of different tenants ({{tenants}}): two tenants can share one core's siblings.",
    // OpenStack flavors (https://docs.openstack.org/nova/latest/configuration/extra-specs.html)
    flavorThreadPolicy:
      "Flavor '{{flavor}}' pins its vCPUs to dedicated host CPUs with hw:cpu_thread_policy = prefer ({{origin}}): Nova may give the other hardware thread of a core to another tenant's guest. Use isolate, or require with an even vCPU count.",
    flavorOddRequire:
      "Flavor '{{flavor}}' has hw:cpu_thread_policy = require with {{vcpus}} vCPUs: the other thread of its last core stays free for another tenant's guest. Use an even vCPU count.",
    undecidedFlavor:
      "Cannot tell whether flavor '{{flavor}}' keeps a core's hardware threads to one guest: {{reason}}.",
    channel:
      "Channel between '{{from}}' (tenant '{{fromTenant}}') and '{{to}}' (tenant '{{toTenant}}') is not an authenticated API.",
  },
  check(graph, context) {
    const knownTenant = (node: GraphNode): string | undefined => {
      const tenant = tenantOf(graph, node);
      return tenant === undefined || isUnknown(tenant) ? undefined : tenant;
    };
    const locations = (nodes: GraphNode[]): RelatedLocation[] =>
      nodes
        .slice(0, MAX_RELATED)
        .map((n) => ({ span: n.source, label: `${n.kind} '${nameOf(n)}' (tenant '${knownTenant(n) ?? '?'}')` }));

    /** The distinct known tenants of some nodes, in order of appearance (asked of every volume: a Set only for long lists). */
    const distinctTenants = (nodes: readonly GraphNode[]): string[] => {
      const tenants: string[] = [];
      let seen: Set<string> | undefined;
      for (const node of nodes) {
        const tenant = knownTenant(node);
        if (tenant === undefined || (seen ? seen.has(tenant) : tenants.includes(tenant))) continue;
        tenants.push(tenant);
        seen?.add(tenant);
        if (!seen && tenants.length > 16) seen = new Set(tenants);
      }
      return tenants;
    };
    const guestsOf = (volumeId: string): GraphNode[] =>
      graph.attachmentsOf(volumeId).filter((n) => GUEST_KINDS.has(n.kind));

    for (const volume of graph.nodes('volume')) {
      const guests = guestsOf(volume.id);
      const tenants = distinctTenants(guests);
      if (tenants.length > 1) {
        context.report({
          messageId: 'sharedVolume',
          data: { volume: nameOf(volume), tenants: tenants.sort().join(', ') },
          subject: volume,
          related: locations(guests),
        });
        continue;
      }
      const owner = volume.tenant !== undefined && !isUnknown(volume.tenant) ? volume.tenant : undefined;
      for (const guest of guests) {
        const tenant = knownTenant(guest);
        if (owner && tenant && owner !== tenant) {
          context.report({
            messageId: 'foreignVolume',
            data: { volume: nameOf(volume), owner, guest: nameOf(guest), tenant },
            subject: volume,
            related: locations([guest]),
          });
        }
      }
    }

    for (const network of graph.nodes('network')) {
      const nics: GraphNode[] = graph.attachedTo(network.id, 'nic');
      const owner = network.tenant !== undefined && !isUnknown(network.tenant) ? [network.tenant] : [];
      const tenants = [...new Set([...owner, ...nics.map(knownTenant).filter((t): t is string => t !== undefined)])];
      if (tenants.length > 1) {
        context.report({
          messageId: 'sharedNetwork',
          data: { network: nameOf(network), tenants: tenants.sort().join(', ') },
          subject: network,
          related: locations(nics),
        });
      }
    }

    // --- self-run hypervisors: one backing device, shared memory or one core's SMT siblings across tenants
    const byBacking = new Map<string, GraphNode[]>();
    for (const volume of graph.nodes('volume')) {
      if (volume.backing === undefined) continue;
      const guest = graph.attachmentsOf(volume.id).find((n) => GUEST_KINDS.has(n.kind));
      const host = guest ? graph.hostOf(guest.id) : undefined;
      const key = `${host?.id ?? ''}\0${volume.backing}`;
      const list = byBacking.get(key);
      if (list) list.push(volume);
      else byBacking.set(key, [volume]);
    }
    for (const volumes of byBacking.values()) {
      if (volumes.length < 2) continue;
      const guests = volumes.flatMap((v) => guestsOf(v.id));
      const tenants = distinctTenants(guests);
      if (tenants.length < 2) continue;
      const first = volumes[0];
      const shareable = volumes.some((v) => v.kind === 'volume' && v.shareable);
      context.report({
        messageId: 'sharedBacking',
        data: {
          backing: (first as { backing?: string }).backing ?? first.id,
          tenants: tenants.sort().join(', '),
          shareable: shareable ? 'yes' : 'no',
        },
        subject: first,
        related: locations([...volumes.slice(1), ...guests]),
      });
    }
    // Walking every host's guests is needed only when some guest maps shared memory, or for hosts that
    // schedule single hardware threads.
    const anySharedMemory = graph.nodes('instance').some((instance) => (instance.sharedMemory?.length ?? 0) > 0);
    for (const host of graph.nodes('host')) {
      const smtShared = host.schedulingGranularity === 'cpu' && host.smt === true;
      if (!anySharedMemory && !smtShared) continue;
      const guests = graph.runningOnTransitively(host.id).filter((n) => GUEST_KINDS.has(n.kind));
      const byName = new Map<string, GraphNode[]>();
      for (const guest of guests) {
        for (const region of (guest.kind === 'instance' ? guest.sharedMemory : undefined) ?? []) {
          const list = byName.get(region.name);
          if (list) list.push(guest);
          else byName.set(region.name, [guest]);
        }
      }
      for (const [name, sharing] of byName) {
        const tenants = distinctTenants(sharing);
        if (tenants.length < 2) continue;
        context.report({
          messageId: 'sharedMemory',
          data: { name, tenants: tenants.sort().join(', '), host: nameOf(host) },
          subject: host,
          property: `sharedMemory:${name}`,
          at:
            sharing[0].kind === 'instance' ? sharing[0].sharedMemory?.find((r) => r.name === name)?.source : undefined,
          related: locations(sharing),
        });
      }
      if (smtShared) {
        const tenants = distinctTenants(guests);
        if (tenants.length > 1) {
          context.report({
            messageId: 'smtSiblings',
            data: { host: nameOf(host), tenants: tenants.sort().join(', ') },
            subject: host,
            property: 'schedulingGranularity',
            related: locations(guests),
          });
        }
      }
    }

    // --- OpenStack flavors: dedicated (pinned) vCPUs share a core's SMT siblings with other guests unless the
    // thread policy keeps the core to one guest: isolate leaves the sibling unused, require fills both siblings
    // ("1 OCPU = 1 core" ≈ dedicated + require with an even vCPU count, or isolate). Shared-policy vCPUs
    // float anyway (no-oversubscription's concern), so their thread policy is not judged here.
    for (const flavorNode of graph.nodes('instance')) {
      const flavor = flavorNode.flavor;
      if (!flavor) continue;
      const name = nameOf(flavorNode);
      const { cpuPolicy, cpuThreadPolicy } = flavor;
      if (cpuPolicy === 'shared' || cpuThreadPolicy === 'isolate') continue;
      if (isUnknown(cpuPolicy) || isUnknown(cpuThreadPolicy)) {
        const reason = (isUnknown(cpuThreadPolicy) ? cpuThreadPolicy : (cpuPolicy as { reason: string })).reason;
        context.report({
          messageId: 'undecidedFlavor',
          data: { flavor: name, reason },
          subject: flavorNode,
          property: 'cpuThreadPolicy',
          severity: 'note',
        });
      } else if (cpuThreadPolicy === 'prefer') {
        // A warning, not an error: whether a sibling thread really goes to another tenant depends on the host's
        // SMT and Nova's placement, which a flavor does not show (our reading: Nova's documentation does not say).
        context.report({
          messageId: 'flavorThreadPolicy',
          data: { flavor: name, origin: originOf(provenanceOf(flavorNode, 'cpuThreadPolicy', cpuThreadPolicy)) },
          subject: flavorNode,
          property: 'cpuThreadPolicy',
          severity: 'warning',
        });
      } else if (cpuThreadPolicy === 'require' && typeof flavorNode.vcpus === 'number' && flavorNode.vcpus % 2 === 1) {
        context.report({
          messageId: 'flavorOddRequire',
          data: { flavor: name, vcpus: flavorNode.vcpus },
          subject: flavorNode,
          property: 'cpuThreadPolicy',
          severity: 'warning',
          related: flavorNode.at.vcpus ? [{ span: flavorNode.at.vcpus, label: 'vCPUs' }] : [],
        });
      }
    }

    for (const channel of graph.edges('channel')) {
      const from = graph.node(channel.from);
      const to = graph.node(channel.to);
      if (!from || !to || !GUEST_KINDS.has(from.kind) || !GUEST_KINDS.has(to.kind)) continue;
      const fromTenant = knownTenant(from);
      const toTenant = knownTenant(to);
      if (!fromTenant || !toTenant || fromTenant === toTenant) continue;
      const isApi = !isUnknown(channel.protocol) && ['api', 'https'].includes(channel.protocol);
      if (isApi && channel.authenticated === true) continue;
      context.report({
        messageId: 'channel',
        data: { from: from.id, fromTenant, to: to.id, toTenant },
        subject: channel,
        related: locations([from, to]),
      });
    }
  },
});
