import { defineRule } from '../src/engine/rule.js';
import { INTERACTIVE_METHODS, type GraphNode } from '../src/model/nodes.js';
import {
  machinesUsingGroup,
  nameOf,
  nodeName,
  peerIsEverywhere,
  ruleAdmitsEveryTcpPort,
  ruleAdmitsTcpPort,
} from '../src/model/queries.js';
import { isUnknown, type Unknown } from '../src/model/unknown.js';

/** Ports of interactive logins that must never be open to everyone. */
const ADMIN_PORTS = [
  { port: 22, service: 'SSH' },
  { port: 3389, service: 'RDP' },
];

/** Components where no person may log in interactively, whoever they are. */
const NO_LOGIN_KINDS = new Set(['host', 'hypervisor', 'controller', 'card', 'enclave']);

/** How findings name a guest's listener, by access method. */
const LISTENER_NAMES: Record<string, string> = {
  vnc: 'The VNC display',
  spice: 'The SPICE display',
  rdp: 'The RDP display',
  telnet: 'The telnet serial console',
  'serial-console': 'The TCP serial console',
  console: 'The console',
};

/**
 * What messages call a guest: an AWS launch template or launch configuration is not an instance, though
 * the graph models it as one (its `awsKind`).
 */
function kindName(node: GraphNode): string {
  if (node.kind !== 'instance') return node.kind;
  if (node.awsKind === 'launch-template') return 'launch template';
  if (node.awsKind === 'launch-configuration') return 'launch configuration';
  if (node.awsKind === 'eks-node-group') return 'EKS node group';
  if (node.awsKind === 'auto-scaling-group') return 'auto scaling group';
  return 'instance';
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export default defineRule({
  id: 'no-interactive-access',
  name: 'NoInteractiveAccess',
  title: 'No interactive access to hosts, controllers or enclaves',
  severity: 'error',
  securitySeverity: 8.8,
  precision: 'high',
  tags: ['security', 'isolation', 'access', 'external/cwe/cwe-284'],
  since: '0.1.0',
  sources: [
    'AWS Nitro System: "no SSH or any other interactive modes anywhere" on Nitro hosts',
    'AWS Nitro Enclaves user guide: enclaves have no interactive access',
    'Checkov CKV_AWS_24 / CKV_AWS_25 / CKV_AWS_277 (SSH / RDP / all ports open to 0.0.0.0/0), CKV_AWS_100 (EKS node group remote access)',
    'AWS Security Hub EC2.13 / EC2.14 (no ingress from 0.0.0.0/0 or ::/0 to port 22 / 3389), EC2.2 (VPC default security group), AWS Config restricted-ssh',
    'KICS security_group_with_unrestricted_access_to_ssh, remote_desktop_port_open_to_internet, eks_node_group_remote_access (terraform, cloudFormation)',
    'EKS API RemoteAccessConfig: an SSH key without source security groups opens port 22 to 0.0.0.0/0',
    'libvirt graphics/serial listeners, libvirtd listen_tcp/auth_tcp, xl vnclisten/vncpasswd, Kata debug console: https://libvirt.org/formatdomain.html#graphical-framebuffers, https://libvirt.org/remote.html, https://xenbits.xen.org/docs/unstable/man/xl.cfg.5.html, https://github.com/kata-containers/kata-containers/blob/main/src/runtime/config/configuration-qemu.toml.in',
  ],
  appliesTo: ['host', 'hypervisor', 'controller', 'card', 'enclave', 'instance', 'securityGroup', 'principal'],
  rationale:
    'An interactive login (SSH, RDP, a serial or graphical console, telnet) to a host, its hypervisor or controller, or an enclave lets a person read or change what the isolation boundary protects, outside any API that authorises and audits each action. The Nitro System has no such path at all, and an enclave has none by design. Guest instances may offer logins to their own tenant, but never to the whole internet on 22 or 3389.',
  fix: 'Remove the interactive access method and administer through an authenticated, audited API (or SSM Session Manager for instances). For instances, restrict the ingress rule to the addresses that need it, or close port 22/3389 and use a bastion-free path such as SSM.',
  messages: {
    componentLogin:
      "'{{method}}' access to {{kind}} '{{target}}' by '{{principal}}': no interactive login may reach a {{kind}}.",
    internetLogin: "'{{method}}' access to {{kind}} '{{target}}' is open to the internet.",
    openPort: "Ingress rule opens {{service}} (port {{port}}) to '{{peer}}'{{written}}{{on}}.",
    openAllPorts: "Ingress rule opens every port, SSH (22) and RDP (3389) among them, to '{{peer}}'{{written}}{{on}}.",
    // Self-run hypervisors (https://libvirt.org/formatdomain.html#graphical-framebuffers, https://libvirt.org/remote.html, https://xenbits.xen.org/docs/unstable/man/xl.cfg.5.html, https://github.com/kata-containers/kata-containers/blob/main/src/runtime/config/configuration-qemu.toml.in)
    networkListener:
      "{{what}} of '{{target}}' listens on {{address}}, beyond loopback: anyone on the network can reach it{{auth}}.",
    undecidedListener:
      "Cannot tell whether the {{method}} listener of '{{target}}' is reachable beyond loopback: {{reason}}.",
    hostConsole:
      "'{{method}}' into guest '{{target}}' from the host ('{{principal}}'): a host operator gets a shell in the guest without logging in.",
    undecidedPort:
      'Cannot tell whether this ingress rule opens {{service}} (port {{port}}) to everyone{{on}}: {{reason}}.',
    // AWS inputs (CloudFormation / Terraform; https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-instance.html, https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/instance)
    enclaveKeyPair:
      "{{Kind}} '{{instance}}' runs Nitro Enclaves and installs the SSH key pair '{{key}}': an interactive login on an enclave's parent reaches everything the enclave exchanges with it.",
    undecidedKeyPair:
      "Cannot tell whether enclave parent {{kind}} '{{instance}}' installs an SSH key pair: {{reason}}.",
  },
  check(graph, context) {
    for (const access of graph.edges('access')) {
      if (!INTERACTIVE_METHODS.has(access.method)) continue;
      const target = graph.node(access.to);
      const principal = graph.node(access.from);
      if (!target) continue;
      // --- self-run hypervisors: listeners bound beyond loopback, consoles opened from the host
      if (access.undecided !== undefined) {
        context.report({
          messageId: 'undecidedListener',
          data: { method: access.method, target: nameOf(target), reason: access.undecided },
          subject: access,
          severity: 'note',
        });
        continue;
      }
      if (target.kind === 'instance' && principal?.kind === 'principal' && principal.principalKind === 'network') {
        context.report({
          messageId: 'networkListener',
          data: {
            what: LISTENER_NAMES[access.method] ?? `'${access.method}' access`,
            target: nameOf(target),
            address: access.address ?? 'a non-loopback address',
            auth:
              access.authenticated === false
                ? access.method === 'telnet'
                  ? ', in clear text and without authentication'
                  : ', without a password'
                : '',
          },
          subject: access,
          related: [{ span: target.source, label: `instance '${nameOf(target)}'` }],
        });
        continue;
      }
      if (target.kind === 'instance' && principal?.kind === 'principal' && principal.principalKind === 'operator') {
        const confidential = (target as { confidential?: unknown }).confidential !== undefined;
        context.report({
          messageId: 'hostConsole',
          data: {
            method: access.method,
            target: nameOf(target),
            principal: nodeName(graph.node(access.from), access.from),
          },
          subject: access,
          // A confidential guest must hold against its host; an ordinary one only loses defence in depth.
          severity: confidential ? 'error' : 'warning',
          related: [{ span: target.source, label: `instance '${nameOf(target)}'` }],
        });
        continue;
      }
      if (NO_LOGIN_KINDS.has(target.kind)) {
        context.report({
          messageId: 'componentLogin',
          data: {
            method: access.method,
            kind: target.kind,
            target: nameOf(target),
            principal: nodeName(graph.node(access.from), access.from),
          },
          subject: access,
          related: [{ span: target.source, label: `${target.kind} '${nameOf(target)}'` }],
        });
      } else if (
        target.kind === 'instance' &&
        principal?.kind === 'principal' &&
        principal.principalKind === 'internet'
      ) {
        context.report({
          messageId: 'internetLogin',
          data: { method: access.method, kind: kindName(target), target: nameOf(target) },
          subject: access,
          related: [{ span: target.source, label: `${kindName(target)} '${nameOf(target)}'` }],
        });
      }
    }

    // --- Security groups, judged on their own (Security Hub EC2.13 / EC2.14, AWS Config restricted-ssh):
    // a group is often defined in one stack or module and used in another. One finding per rule line,
    // naming the machines of the scan that use the group.
    for (const group of graph.nodes('securityGroup')) {
      const machines = machinesUsingGroup(graph, group);
      const users = machines.map((machine) => ({
        span: machine.source,
        label: `${kindName(machine)} '${nameOf(machine)}'`,
      }));
      const related = [{ span: group.source, label: `security group '${nameOf(group)}'` }, ...users];
      const on =
        users.length === 0
          ? ` of security group '${nameOf(group)}', which no machine of the scan uses`
          : ` on ${users[0].label}${users.length > 1 ? ` and ${users.length - 1} more` : ''}`;
      for (const rule of group.ingress) {
        const everywhere = peerIsEverywhere(rule.peer);
        if (everywhere === false) continue;
        const opened: typeof ADMIN_PORTS = [];
        const undecided: Array<{ port: number; service: string; reason: string }> = [];
        for (const admin of ADMIN_PORTS) {
          const admits = ruleAdmitsTcpPort(rule, admin.port);
          if (admits === false) continue;
          if (isUnknown(everywhere) || isUnknown(admits)) {
            undecided.push({
              ...admin,
              reason: isUnknown(everywhere) ? everywhere.reason : (admits as Unknown).reason,
            });
          } else opened.push(admin);
        }
        const peer = isUnknown(rule.peer) ? rule.peer.reason : rule.peer;
        const written = rule.peerWritten !== undefined ? ` (written '${rule.peerWritten}')` : '';
        if (opened.length === ADMIN_PORTS.length && ruleAdmitsEveryTcpPort(rule)) {
          context.report({
            messageId: 'openAllPorts',
            data: { peer, written, on },
            subject: group,
            property: 'ingress:all',
            at: rule.source,
            related,
            suppressions: rule.suppressions,
          });
        } else if (opened.length > 0) {
          context.report({
            messageId: 'openPort',
            data: {
              service: opened.map((o) => o.service).join(' and '),
              port: opened.map((o) => o.port).join(' and '),
              peer,
              written,
              on,
            },
            subject: group,
            property: `ingress:${opened.map((o) => o.port).join(',')}`,
            at: rule.source,
            related,
            suppressions: rule.suppressions,
          });
        }
        if (undecided.length > 0) {
          context.report({
            messageId: 'undecidedPort',
            data: {
              service: undecided.map((o) => o.service).join(' or '),
              port: undecided.map((o) => o.port).join(' or '),
              on,
              reason: undecided[0].reason,
            },
            subject: group,
            at: rule.source,
            severity: 'note',
            related,
            suppressions: rule.suppressions,
          });
        }
      }
    }

    // --- AWS inputs: a key pair on an enclave-enabled instance (a warning: the parent is not the enclave)
    for (const instance of graph.nodes('instance')) {
      if (instance.enclaveEnabled !== true || instance.keyName === undefined) continue;
      const name = nameOf(instance);
      if (isUnknown(instance.keyName)) {
        context.report({
          messageId: 'undecidedKeyPair',
          data: { kind: kindName(instance), instance: name, reason: instance.keyName.reason },
          subject: instance,
          property: 'keyName',
          severity: 'note',
        });
      } else {
        context.report({
          messageId: 'enclaveKeyPair',
          data: { Kind: capitalized(kindName(instance)), instance: name, key: instance.keyName },
          subject: instance,
          property: 'keyName',
          severity: 'warning',
          related: instance.at.enclaveEnabled
            ? [{ span: instance.at.enclaveEnabled, label: 'enclave support enabled here' }]
            : [],
        });
      }
    }
  },
});
