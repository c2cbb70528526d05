import { defineRule } from '../src/engine/rule.js';
import { isUnknown } from '../src/model/unknown.js';
import { nameOf, nodeName } from '../src/model/queries.js';

export default defineRule({
  id: 'no-memory-access-api',
  name: 'NoMemoryAccessApi',
  title: 'No API exposes guest memory',
  severity: 'error',
  securitySeverity: 8.5,
  precision: 'high',
  tags: ['security', 'isolation', 'memory'],
  since: '0.1.0',
  sources: ['AWS Nitro System: "there are no APIs for memory access" to customer instances'],
  appliesTo: ['hypervisor', 'controller'],
  rationale:
    'An API that reads or writes guest memory (a debugger stub, a memory dump, introspection) lets whoever can call it see every secret the guest holds, whatever the guest does to protect itself. The Nitro System offers no such API at all.',
  fix: 'Remove the memory access API (or channel), or confine it to non-production hosts and declare memoryAccessApi: false on production hypervisors and controllers.',
  messages: {
    componentApi: "{{kind}} '{{component}}' exposes an API that accesses guest memory.",
    channel: "Channel from '{{from}}' to '{{to}}' can access guest memory.",
    undecided: "Cannot tell whether {{kind}} '{{component}}' exposes guest memory: {{reason}}.",
  },
  check(graph, context) {
    for (const component of [...graph.nodes('hypervisor'), ...graph.nodes('controller')]) {
      const value = component.memoryAccessApi;
      const data = { kind: component.kind, component: nameOf(component) };
      if (isUnknown(value)) {
        context.report({
          messageId: 'undecided',
          data: { ...data, reason: value.reason },
          subject: component,
          severity: 'note',
        });
      } else if (value) {
        context.report({ messageId: 'componentApi', data, subject: component, property: 'memoryAccessApi' });
      }
    }
    for (const channel of graph.edges('channel')) {
      if (channel.memoryAccess === true) {
        context.report({
          messageId: 'channel',
          data: {
            from: nodeName(graph.node(channel.from), channel.from),
            to: nodeName(graph.node(channel.to), channel.to),
          },
          subject: channel,
          property: 'memoryAccess',
        });
      }
    }
  },
});
