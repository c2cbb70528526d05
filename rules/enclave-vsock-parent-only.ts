import { defineRule } from '../src/engine/rule.js';
import { isUnknown } from '../src/model/unknown.js';
import { nameOf } from '../src/model/queries.js';

/** The parent instance's vsock CID, always 3 (VMADDR_CID_PARENT, https://docs.aws.amazon.com/enclaves/latest/user/nitro-enclave-concepts.html). */
const PARENT_CID = 3;

export default defineRule({
  id: 'enclave-vsock-parent-only',
  name: 'EnclaveVsockParentOnly',
  title: "An enclave's vsock channels go only to its parent",
  severity: 'error',
  securitySeverity: 8.0,
  precision: 'high',
  tags: ['security', 'isolation', 'nitro-enclaves', 'vsock'],
  since: '0.1.0',
  sources: [
    'AWS Nitro Enclaves user guide: "The CID used by the parent instance is always 3"; enclaves cannot talk to one another',
    'Parent CID 3 (VMADDR_CID_PARENT): https://docs.aws.amazon.com/enclaves/latest/user/nitro-enclave-concepts.html',
  ],
  appliesTo: ['enclave'],
  rationale:
    'An enclave talks only to its parent instance, over vsock to CID 3. A vsock channel to any other CID (another enclave, another instance, the hypervisor) is a path the isolation model does not allow and that the parent cannot mediate.',
  fix: 'Point the vsock channel at the parent (CID 3) and let the parent relay what must go elsewhere.',
  messages: {
    otherPeer: "Enclave '{{enclave}}' has a vsock channel to '{{peer}}', not to its parent '{{parent}}'.",
    otherCid: "Enclave '{{enclave}}' has a vsock channel to CID {{cid}}; the parent is always CID 3.",
  },
  check(graph, context) {
    for (const channel of graph.edges('channel')) {
      if (channel.protocol !== 'vsock') continue;
      // Judge the channel from its enclave end (the first one, if both ends are enclaves): one finding per channel.
      const enclave = [graph.node(channel.from), graph.node(channel.to)].find((node) => node?.kind === 'enclave');
      if (!enclave) continue;
      const related = [{ span: enclave.source, label: `enclave '${nameOf(enclave)}'` }];
      const cid = channel.peerCid;
      if (cid !== undefined && !isUnknown(cid) && cid !== PARENT_CID) {
        context.report({ messageId: 'otherCid', data: { enclave: nameOf(enclave), cid }, subject: channel, related });
        continue;
      }
      const parent = graph.runsOn(enclave.id);
      const peer = channel.from === enclave.id ? channel.to : channel.from;
      if (parent && peer !== parent.id) {
        context.report({
          messageId: 'otherPeer',
          data: { enclave: nameOf(enclave), peer, parent: nameOf(parent) },
          subject: channel,
          related: [...related, { span: parent.source, label: `parent '${nameOf(parent)}'` }],
        });
      }
    }
  },
});
