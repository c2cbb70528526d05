import { defineRule } from '../src/engine/rule.js';
import type { InstanceNode } from '../src/model/nodes.js';
import { isUnknown } from '../src/model/unknown.js';
import { nameOf } from '../src/model/queries.js';

/**
 * A separate rule from the enclave-* ones: those judge Nitro Enclaves (parent CID 3, debug mode, EIF PCRs);
 * a Firecracker microVM used as an enclave has other mechanics (host CID 2, drives are host files, guest SMT
 * is a machine-config switch), and its fix is in its own config file.
 */
export default defineRule({
  id: 'microvm-enclave-guest',
  name: 'MicrovmEnclaveGuest',
  title: 'A microVM used as an enclave has no network, a read-only root and vsock only to its host',
  severity: 'error',
  securitySeverity: 7.5,
  precision: 'high',
  tags: ['security', 'isolation', 'firecracker', 'network', 'side-channels'],
  since: '0.1.0',
  sources: [
    'Firecracker config: network-interfaces, drives is_read_only, vsock to the host CID 2: https://github.com/firecracker-microvm/firecracker/blob/main/docs/getting-started.md',
    'Firecracker production host setup: no traffic filtering; disable SMT where tenants must be separated: https://github.com/firecracker-microvm/firecracker/blob/main/docs/prod-host-setup.md',
  ],
  appliesTo: ['instance', 'nic', 'volume'],
  rationale:
    "Teams that build enclave-like isolation on Firecracker want what a Nitro Enclave gives: no network (Firecracker does not filter guest traffic), nothing written that outlives the guest or that the host shares with others, and one narrow channel to the host. A network interface, a writable or extra drive, or a vsock socket path shared with another microVM each opens a path around that design. SMT shares a core's caches and buffers between hardware threads, the classic side channel.",
  fix: 'Remove network-interfaces, mark the root drive "is_read_only": true and drop other drives, give every microVM its own vsock uds_path; where side channels matter, set "smt": false and disable SMT on the host.',
  messages: {
    nic: "MicroVM '{{guest}}' is declared an enclave but has network interface '{{nic}}'.",
    writableRoot: "MicroVM '{{guest}}' is declared an enclave but its root drive '{{drive}}' is writable.",
    extraDrive: "MicroVM '{{guest}}' is declared an enclave but has drive '{{drive}}' besides its read-only root.",
    sharedVsock:
      "MicroVM '{{guest}}' shares the vsock socket {{path}} with '{{other}}': its host-side ports are reachable from both guests.",
    smt: "MicroVM '{{guest}}' asks for isolation from side channels but enables SMT; Firecracker recommends SMT off (guest and host) where tenants must be separated.",
  },
  check(graph, context) {
    const guests = graph.nodes('instance').filter((n) => n.microvm);
    const byUds = new Map<string, InstanceNode[]>();
    for (const guest of guests) {
      const path = guest.microvm!.vsockUdsPath;
      if (path) byUds.set(path, [...(byUds.get(path) ?? []), guest]);
    }
    for (const guest of guests) {
      const microvm = guest.microvm!;
      const name = nameOf(guest);
      if (microvm.sideChannelIsolation && !isUnknown(microvm.smt) && microvm.smt) {
        context.report({ messageId: 'smt', data: { guest: name }, subject: guest, property: 'smt', severity: 'note' });
      }
      if (isUnknown(microvm.isolation) || microvm.isolation !== 'enclave') continue;
      const related = [{ span: guest.at.isolation ?? guest.source, label: `microVM '${name}' declared an enclave` }];
      for (const nic of graph.attachedTo(guest.id, 'nic')) {
        context.report({ messageId: 'nic', data: { guest: name, nic: nameOf(nic) }, subject: nic, related });
      }
      for (const drive of graph.attachedTo(guest.id, 'volume')) {
        const driveName = nameOf(drive);
        if (!drive.rootDevice) {
          context.report({ messageId: 'extraDrive', data: { guest: name, drive: driveName }, subject: drive, related });
        } else if (drive.readOnly !== undefined && !isUnknown(drive.readOnly) && !drive.readOnly) {
          context.report({
            messageId: 'writableRoot',
            data: { guest: name, drive: driveName },
            subject: drive,
            property: 'readOnly',
            related,
          });
        }
      }
      const sharing =
        (microvm.vsockUdsPath ? byUds.get(microvm.vsockUdsPath) : undefined)?.filter((g) => g !== guest) ?? [];
      if (sharing.length > 0) {
        const channel = graph.out(guest.id, 'channel').find((c) => c.protocol === 'vsock');
        context.report({
          messageId: 'sharedVsock',
          data: { guest: name, path: microvm.vsockUdsPath!, other: sharing.map((g) => nameOf(g)).join("', '") },
          subject: channel ?? guest,
          property: channel ? 'uds_path' : undefined,
          related: sharing.map((g) => ({ span: g.source, label: `microVM '${nameOf(g)}'` })),
        });
      }
    }
  },
});
