import { defineRule } from '../src/engine/rule.js';
import { isUnknown } from '../src/model/unknown.js';
import { nameOf } from '../src/model/queries.js';

export default defineRule({
  id: 'one-way-controller-trust',
  name: 'OneWayControllerTrust',
  title: 'The controller only listens; the hypervisor only accepts what its controller initiates',
  severity: 'error',
  securitySeverity: 8.1,
  precision: 'high',
  tags: ['security', 'isolation', 'control-plane'],
  since: '0.1.0',
  sources: [
    'AWS Nitro System: passive communications design — the Nitro Controller never initiates connections to the control plane',
    'AWS Nitro System: the hypervisor takes commands only from the Nitro Controller',
  ],
  appliesTo: ['controller', 'hypervisor'],
  rationale:
    'Trust flows one way on a Nitro-style host. The controller is the only component that commands the hypervisor, and it never opens connections outward: it listens for authenticated, encrypted calls from the control plane. A controller that dials out can be steered by whatever it reaches, and a hypervisor that accepts connections from anything other than its controller has a second, unmediated control path.',
  fix: 'Make the control plane initiate the channel to the controller (and authenticate and encrypt it), and route every command to the hypervisor through the controller that manages it.',
  messages: {
    controllerInitiates:
      "Controller '{{controller}}' initiates a channel to '{{peer}}', which it does not manage; a controller only listens.",
    hypervisorAccepts:
      "Hypervisor '{{hypervisor}}' accepts a channel initiated by '{{peer}}', which is not its controller.",
    unprotected: "Channel from '{{peer}}' to controller '{{controller}}' is not {{what}}.",
    undecided:
      "Cannot tell whether the channel from '{{peer}}' to controller '{{controller}}' is {{what}}: {{reason}}.",
  },
  check(graph, context) {
    const managedBy = new Map<string, Set<string>>();
    for (const edge of graph.edges('manages')) {
      const set = managedBy.get(edge.from) ?? new Set<string>();
      set.add(edge.to);
      managedBy.set(edge.from, set);
    }
    const manages = (controller: string, node: string) => managedBy.get(controller)?.has(node) ?? false;

    for (const controller of graph.nodes('controller')) {
      for (const channel of graph.channelsOf(controller.id)) {
        const peer = channel.from === controller.id ? channel.to : channel.from;
        if (manages(controller.id, peer)) continue;
        // Related locations only for a finding (most channels to a controller are sound).
        const related = () => [{ span: controller.source, label: `controller '${nameOf(controller)}'` }];
        if (channel.initiator === controller.id) {
          context.report({
            messageId: 'controllerInitiates',
            data: { controller: nameOf(controller), peer },
            subject: channel,
            property: channel.at.initiator ? 'initiator' : channel.from === controller.id ? 'from' : 'to',
            related: related(),
          });
          continue;
        }
        for (const what of ['authenticated', 'encrypted'] as const) {
          const value = channel[what];
          if (isUnknown(value)) {
            context.report({
              messageId: 'undecided',
              data: { peer, controller: nameOf(controller), what, reason: value.reason },
              subject: channel,
              severity: 'note',
              related: related(),
            });
          } else if (!value) {
            context.report({
              messageId: 'unprotected',
              data: { peer, controller: nameOf(controller), what },
              subject: channel,
              property: what,
              related: related(),
            });
          }
        }
      }
    }

    for (const hypervisor of graph.nodes('hypervisor')) {
      for (const channel of graph.channelsOf(hypervisor.id)) {
        if (channel.initiator === hypervisor.id) continue;
        const initiator = channel.initiator;
        const initiatorNode = graph.node(initiator);
        if (initiatorNode?.kind === 'controller' && manages(initiator, hypervisor.id)) continue;
        context.report({
          messageId: 'hypervisorAccepts',
          data: { hypervisor: nameOf(hypervisor), peer: initiator },
          subject: channel,
          related: [{ span: hypervisor.source, label: `hypervisor '${nameOf(hypervisor)}'` }],
        });
      }
    }
  },
});
