import type { ChannelEdge, EndpointNode, GraphFragment } from '../model/nodes.js';
import { NO_SUPPRESSIONS } from '../model/nodes.js';
import { directoryMachineId } from '../model/host-placement.js';
import { NOT_DECLARED } from '../model/unknown.js';
import type { Adapter } from './adapter.js';
import { parseYaml } from './located.js';
import { TypedReader } from './typed-values.js';

/**
 * The vsock-proxy allowlist (/etc/nitro_enclaves/vsock-proxy.yaml, https://github.com/aws/aws-nitro-enclaves-cli/blob/main/vsock_proxy/README.md): each (address, port) is a
 * place the parent's vsock-proxy may forward enclave connections to — network egress of the enclaves on that
 * parent, leaving with the parent's network identity. Each entry becomes an endpoint and a `tcp` channel from
 * the parent (the machine of the file's directory) marked `relays: 'vsock-proxy'`.
 */
export const vsockProxyAdapter: Adapter = {
  format: 'vsock-proxy-allowlist',
  extensions: ['.yaml', '.yml'],
  claims: ({ text }) => /^allowlist\s*:/m.test(text) && !/apiVersion\s*:/.test(text),
  load(input) {
    const document = parseYaml(input.file, input.text)[0];
    const read = new TypedReader(document, 'vsock-proxy allowlist');
    const config = read.object(document.value, 'the allowlist file');
    const entries = read.array(config, 'allowlist') ?? [];
    const parent = directoryMachineId(input.file);
    const fragment: GraphFragment = { nodes: [], edges: [] };
    entries.forEach((raw, i) => {
      const entry = read.object(raw, 'an allowlist entry', entries, i);
      const address = read.string(entry, 'address', true)!.trim();
      const port = read.integer(entry, 'port', true)!;
      if (typeof port === 'number' && port > 65535) throw read.fail(`port ${port} is not a TCP port`, entry, 'port');
      const shown = typeof port === 'number' ? String(port) : String(entry.port).trim();
      const source = document.spanOfKey(entries, i);
      const at = { address: document.spanOfKey(entry, 'address'), port: document.spanOfKey(entry, 'port') };
      const endpoint: EndpointNode = {
        kind: 'endpoint',
        id: `${input.file}#allowlist/${i}`,
        // A templated port is shown as written ("{{ port }}") and is unknown on the channel.
        label: `${address}:${shown}`,
        address: `${address}:${shown}`,
        source,
        at,
        suppressions: NO_SUPPRESSIONS,
      };
      const channel: ChannelEdge = {
        kind: 'channel',
        id: `${input.file}#allowlist/${i}/channel`,
        from: parent,
        to: endpoint.id,
        initiator: parent,
        protocol: 'tcp',
        port,
        relays: 'vsock-proxy',
        authenticated: NOT_DECLARED,
        encrypted: NOT_DECLARED,
        audited: NOT_DECLARED,
        memoryAccess: false,
        source,
        at,
        suppressions: NO_SUPPRESSIONS,
      };
      fragment.nodes.push(endpoint);
      fragment.edges.push(channel);
    });
    return fragment;
  },
};
