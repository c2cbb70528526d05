import { defineRule } from '../src/engine/rule.js';
import type { HostNode, HypervisorNode } from '../src/model/nodes.js';
import { hostComponents, nameOf } from '../src/model/queries.js';
import { isUnknown, type Maybe } from '../src/model/unknown.js';

export default defineRule({
  id: 'hypervisor-firewall',
  name: 'HypervisorFirewall',
  title: 'Guest traffic passes a firewall between the physical NIC and the guest',
  severity: 'error',
  securitySeverity: 7.0,
  precision: 'high',
  tags: ['security', 'network', 'isolation'],
  since: '0.1.0',
  sources: [
    'AWS hypervisor security whitepaper: a firewall in the hypervisor layer sits between the physical interface and the instance',
    'AWS Nitro System: the Nitro card for VPC enforces security groups',
  ],
  appliesTo: ['host', 'hypervisor', 'card', 'nic'],
  rationale:
    "A guest's security groups mean something only if something outside the guest enforces them. That is the hypervisor's firewall, or on Nitro the VPC card, placed between the physical NIC and the guest interface where the guest cannot turn it off.",
  fix: 'Enable the hypervisor firewall (firewall: true) or give the host a vpc offload card that filters guest traffic.',
  messages: {
    unfiltered:
      "Interface '{{nic}}' of '{{guest}}' on host '{{host}}' passes no firewall: the hypervisor has none and no VPC card filters traffic.",
    // Self-run hypervisors (https://libvirt.org/formatdomain.html#network-interfaces, https://xenbits.xen.org/docs/unstable/man/xl.cfg.5.html)
    noHostFilter:
      "Interface '{{nic}}' of '{{guest}}' has no host-side traffic filter (libvirt nwfilter filterref, Xen vif ip=): the guest's traffic reaches the host network unfiltered.",
    unfilterable:
      "Interface '{{nic}}' of '{{guest}}' bypasses the host network stack (device passthrough): no host-side firewall can filter it.",
    undecided:
      "Cannot tell whether interface '{{nic}}' of '{{guest}}' on host '{{host}}' passes a firewall: {{reason}}.",
  },
  check(graph, context) {
    /** Per host (asked for each of its NICs): its hypervisors, and the firewall of each hypervisor and VPC card. */
    const firewallsByHost = new Map<
      string,
      { hypervisors: HypervisorNode[]; filters: Maybe<boolean>[]; on: boolean }
    >();
    const firewallsOf = (host: HostNode) => {
      let known = firewallsByHost.get(host.id);
      if (!known) {
        const { hypervisors, cards } = hostComponents(graph, host);
        const filters = [
          ...hypervisors.map((h) => h.firewall),
          ...cards.filter((c) => c.cardKind === 'vpc').map((c) => c.firewall),
        ];
        known = { hypervisors, filters, on: filters.some((value) => value === true) };
        firewallsByHost.set(host.id, known);
      }
      return known;
    };
    for (const nic of graph.nodes('nic')) {
      const guest = graph.attachmentsOf(nic.id).find((n) => n.kind === 'instance');
      if (!guest) continue;
      // --- self-run hypervisors: a per-interface filter on the host (nwfilter, vif ip=) is the firewall
      if (nic.hostFilter !== undefined || nic.filterable === false) {
        const guestHost = graph.hostOf(guest.id);
        if (guestHost && firewallsOf(guestHost).on) continue;
        const data = { nic: nameOf(nic), guest: nameOf(guest) };
        const related = [{ span: guest.source, label: `instance '${nameOf(guest)}'` }];
        if (nic.filterable === false) {
          context.report({ messageId: 'unfilterable', data, subject: nic, severity: 'warning', related });
        } else if (nic.hostFilter !== undefined && isUnknown(nic.hostFilter)) {
          context.report({
            messageId: 'undecided',
            data: { ...data, host: guestHost ? nameOf(guestHost) : '?', reason: nic.hostFilter.reason },
            subject: nic,
            severity: 'note',
            related,
          });
        } else if (nic.hostFilter === false) {
          context.report({ messageId: 'noHostFilter', data, subject: nic, related });
        }
        continue;
      }
      const host = graph.hostOf(guest.id);
      if (!host) continue;
      const { hypervisors, filters, on } = firewallsOf(host);
      if (on) continue;
      const data = { nic: nameOf(nic), guest: nameOf(guest), host: nameOf(host) };
      const related = [
        { span: host.source, label: `host '${nameOf(host)}'` },
        ...hypervisors.map((h) => ({ span: h.at.firewall ?? h.source, label: `hypervisor '${nameOf(h)}'` })),
      ];
      const undecided = filters.find(isUnknown);
      if (filters.length === 0 || undecided) {
        context.report({
          messageId: 'undecided',
          data: { ...data, reason: undecided ? undecided.reason : 'the host declares no hypervisor or VPC card' },
          subject: nic,
          severity: 'note',
          related,
        });
      } else {
        context.report({ messageId: 'unfiltered', data, subject: nic, related });
      }
    }
  },
});
