import { defineRule } from '../src/engine/rule.js';
import type { ChannelEdge, GraphNode } from '../src/model/nodes.js';
import { isUnknown } from '../src/model/unknown.js';
import { nameOf } from '../src/model/queries.js';

// --- vsock-proxy allowlists (https://github.com/aws/aws-nitro-enclaves-cli/blob/main/vsock_proxy/README.md): what an allowlist entry lets the parent forward for its enclaves.
/** Ports that carry plain HTTP: a proxied connection there is readable and alterable on the way. */
const PLAIN_HTTP_PORTS = new Set([80, 8080]);
/** The instance metadata service: reaching it gives the enclave the parent's role credentials. */
const METADATA_ADDRESSES = new Set(['169.254.169.254', 'fd00:ec2::254', 'instance-data', 'instance-data.ec2.internal']);
/**
 * AWS KMS endpoint names (AWS General Reference, "AWS Key Management Service endpoints and quotas",
 * https://docs.aws.amazon.com/general/latest/gr/kms.html): `kms.<region>` and `kms-fips.<region>` under the
 * partition's domain (amazonaws.com, amazonaws.com.cn, the dual-stack api.aws, the ISO partitions').
 */
const KMS_ENDPOINT =
  /^kms(?:-fips)?\.([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d+)\.(?:amazonaws\.com(?:\.cn)?|api\.aws|c2s\.ic\.gov|sc2s\.sgov\.gov)$/;
/** A host meant as a KMS endpoint: named kms… in an AWS domain. One that is not a KMS name is a typo. */
const MEANT_AS_KMS = /^kms[^.]*\..*(?:amazonaws|\.aws$|\.gov$)|^kms[^.]*(?:amazonaws|aws)/;
/** The allowlist nitro-cli ships lists both KMS endpoints of every region: at least this many regions. */
const SHIPPED_LIST_REGIONS = 20;
/** Addresses that stand for many hosts: a wildcard, an unspecified address or a CIDR range. */
function isBroad(host: string): boolean {
  return host.includes('*') || host.includes('/') || host === '0.0.0.0' || host === '::' || host === '[::]';
}

export default defineRule({
  id: 'enclave-no-network',
  name: 'EnclaveNoNetwork',
  title: 'An enclave has no network',
  severity: 'error',
  securitySeverity: 8.6,
  precision: 'high',
  tags: ['security', 'isolation', 'nitro-enclaves', 'network'],
  since: '0.1.0',
  sources: [
    'AWS Nitro Enclaves user guide: enclaves have no external networking; vsock to the parent is the only channel',
    "vsock-proxy allowlist: each entry is egress of the enclaves, with the parent's network identity: https://github.com/aws/aws-nitro-enclaves-cli/blob/main/vsock_proxy/README.md",
    'socat VSOCK-LISTEN addresses (a vsock port on the parent forwarded to a TCP address): http://www.dest-unreach.org/socat/doc/socat.html',
  ],
  appliesTo: ['enclave', 'nic', 'endpoint', 'instance'],
  rationale:
    'A Nitro Enclave is isolated from everything but its parent instance: it has no network interface, and its only way out is a vsock connection that the parent chooses to forward. A network interface or a non-vsock channel gives the enclave a path that bypasses the parent and the attestation-gated design.',
  fix: 'Remove the network interface or channel. If the enclave must reach a service, run a narrow vsock proxy on the parent that forwards to exactly that host and port.',
  messages: {
    nic: "Enclave '{{enclave}}' has network interface '{{nic}}'; enclaves have no network.",
    channel:
      "Enclave '{{enclave}}' has a '{{protocol}}' channel to '{{peer}}'; vsock to the parent is its only channel.",
    undecidedChannel:
      "Cannot tell which protocol the channel between enclave '{{enclave}}' and '{{peer}}' uses: {{reason}}.",
    egress:
      "Through vsock-proxy on '{{parent}}', {{enclaves}} can reach {{address}} (egress with the parent's network identity).",
    broadEgress:
      "vsock-proxy allowlist entry '{{address}}' on '{{parent}}' names many hosts, not one: allow exact host names.",
    metadataEgress:
      "vsock-proxy allowlist entry '{{address}}' on '{{parent}}' lets enclaves reach the instance metadata service and the parent's role credentials.",
    kmsEgress:
      "Through vsock-proxy on '{{parent}}', {{enclaves}} can reach AWS KMS at {{addresses}} (egress with the parent's network identity).",
    shippedKmsEgress:
      "Through vsock-proxy on '{{parent}}', {{enclaves}} can reach AWS KMS in all {{regions}} regions of the allowlist nitro-cli ships ({{endpoints}} endpoints); listing only the regions the enclaves use narrows their reach.",
    notKmsEndpoint:
      "vsock-proxy allowlist entry '{{address}}' on '{{parent}}' is not a KMS endpoint name (kms.<region>.amazonaws.com or kms-fips.<region>.amazonaws.com): the proxy refuses the connection the enclave meant.",
    plainHttpEgress:
      "vsock-proxy allowlist entry '{{address}}' on '{{parent}}' allows plain HTTP (port {{port}}): proxied traffic can be read and changed on the way.",
    // --- forwarders a launch script starts (vsock-proxy, socat VSOCK-LISTEN … TCP:host:port; src/ingest/shell/launches.ts)
    forwarderEgress:
      "{{tool}} on '{{parent}}' forwards vsock connections of {{enclaves}} to {{address}} (egress with the parent's network identity).",
    forwarderMetadata:
      "{{tool}} on '{{parent}}' forwards vsock connections to {{address}}, the instance metadata service: enclaves get the parent's role credentials.",
    forwarderPlainHttp:
      "{{tool}} on '{{parent}}' forwards vsock connections to {{address}} over plain HTTP (port {{port}}): the traffic can be read and changed on the way.",
    forwarderNotAllowlisted:
      "vsock-proxy on '{{parent}}' is started for {{address}}, which its allowlist does not list: it refuses to forward there.",
    forwarderUndecided: "Cannot tell where {{tool}} on '{{parent}}' forwards vsock connections: {{reason}}.",
  },
  check(graph, context) {
    /** KMS entries on port 443 by parent: one finding each says what they allow together. */
    const kmsEntries = new Map<string, Array<{ channel: ChannelEdge; address: string; region: string }>>();
    for (const channel of graph.edges('channel')) {
      if (channel.relays === 'vsock-proxy') checkAllowlistEntry(channel);
    }
    for (const entries of kmsEntries.values()) reportKmsReach(entries);
    for (const enclave of graph.nodes('enclave')) {
      const related = [{ span: enclave.source, label: `enclave '${nameOf(enclave)}'` }];
      for (const nic of graph.attachedTo(enclave.id, 'nic')) {
        context.report({
          messageId: 'nic',
          data: { enclave: nameOf(enclave), nic: nameOf(nic) },
          subject: nic,
          related,
        });
      }
      for (const channel of graph.channelsOf(enclave.id)) {
        const peer = channel.from === enclave.id ? channel.to : channel.from;
        if (isUnknown(channel.protocol)) {
          context.report({
            messageId: 'undecidedChannel',
            data: { enclave: nameOf(enclave), peer, reason: channel.protocol.reason },
            subject: channel,
            severity: 'note',
            related,
          });
        } else if (channel.protocol !== 'vsock') {
          context.report({
            messageId: 'channel',
            data: { enclave: nameOf(enclave), protocol: channel.protocol, peer },
            subject: channel,
            property: channel.at.protocol ? 'protocol' : undefined,
            related,
          });
        }
      }
    }

    /** The parent of an allowlist, its name, its enclaves' names and the related locations of its findings. */
    function parentOf(channel: ChannelEdge) {
      const parent = graph.node(channel.from)!;
      const parentName = nameOf(parent);
      const enclaves = graph.runningOn(parent.id).filter((n: GraphNode) => n.kind === 'enclave');
      const names = enclaves.length === 0 ? 'its enclaves' : enclaves.map((e) => `'${nameOf(e)}'`).join(', ');
      const related = [
        { span: parent.source, label: `parent '${parentName}'` },
        ...enclaves.slice(0, 10).map((e) => ({ span: e.source, label: `enclave '${nameOf(e)}'` })),
      ];
      return { parent, parentName, names, related };
    }

    /**
     * The KMS entries of one parent's allowlist as one note, at the first: the list nitro-cli ships names both
     * endpoints of every region, and a note per entry said the same thing 76 times.
     */
    function reportKmsReach(entries: Array<{ channel: ChannelEdge; address: string; region: string }>): void {
      const { parentName, names, related } = parentOf(entries[0].channel);
      const regions = new Set(entries.map((entry) => entry.region));
      const base = { subject: entries[0].channel, related, severity: 'note' } as const;
      if (regions.size >= SHIPPED_LIST_REGIONS) {
        context.report({
          ...base,
          messageId: 'shippedKmsEgress',
          data: { parent: parentName, enclaves: names, regions: regions.size, endpoints: entries.length },
        });
      } else {
        context.report({
          ...base,
          messageId: 'kmsEgress',
          data: { parent: parentName, enclaves: names, addresses: entries.map((entry) => entry.address).join(', ') },
        });
      }
    }

    function checkAllowlistEntry(channel: ChannelEdge): void {
      const endpoint = graph.node(channel.to);
      if (!graph.node(channel.from) || endpoint?.kind !== 'endpoint') return;
      const { parent, parentName, names, related } = parentOf(channel);
      const address = endpoint.address;
      const host = address.replace(/:\d+$/, '').toLowerCase();
      const base = { subject: channel, related } as const;
      if (channel.forwarder) {
        const tool = channel.forwarder.tool;
        if (channel.forwarder.undecided !== undefined) {
          context.report({
            ...base,
            messageId: 'forwarderUndecided',
            data: { tool, parent: parentName, reason: channel.forwarder.undecided },
            severity: 'note',
          });
          return;
        }
        context.report({
          ...base,
          messageId: 'forwarderEgress',
          data: { tool, parent: parentName, enclaves: names, address },
          severity: 'note',
        });
        if (METADATA_ADDRESSES.has(host)) {
          context.report({
            ...base,
            messageId: 'forwarderMetadata',
            data: { tool, address, parent: parentName },
            property: 'address',
          });
        }
        if (!isUnknown(channel.port) && PLAIN_HTTP_PORTS.has(channel.port)) {
          context.report({
            ...base,
            messageId: 'forwarderPlainHttp',
            data: { tool, address, parent: parentName, port: channel.port },
            property: 'port',
            severity: 'warning',
          });
        }
        if (channel.forwarder.allowlisted === false) {
          context.report({
            ...base,
            messageId: 'forwarderNotAllowlisted',
            data: { address, parent: parentName },
            property: 'address',
            severity: 'warning',
          });
        }
        return;
      }
      const kms = KMS_ENDPOINT.exec(host);
      if (kms && channel.port === 443) {
        let entries = kmsEntries.get(parent.id);
        if (!entries) kmsEntries.set(parent.id, (entries = []));
        entries.push({ channel, address, region: kms[1] });
        return;
      }
      context.report({
        ...base,
        messageId: 'egress',
        data: { parent: parentName, enclaves: names, address },
        severity: 'note',
      });
      if (!kms && MEANT_AS_KMS.test(host)) {
        context.report({
          ...base,
          messageId: 'notKmsEndpoint',
          data: { address, parent: parentName },
          property: 'address',
          severity: 'warning',
        });
      }
      if (METADATA_ADDRESSES.has(host)) {
        context.report({
          ...base,
          messageId: 'metadataEgress',
          data: { address, parent: parentName },
          property: 'address',
        });
      } else if (isBroad(host)) {
        context.report({
          ...base,
          messageId: 'broadEgress',
          data: { address, parent: parentName },
          property: 'address',
          severity: 'warning',
        });
      }
      if (!isUnknown(channel.port) && PLAIN_HTTP_PORTS.has(channel.port)) {
        context.report({
          ...base,
          messageId: 'plainHttpEgress',
          data: { address, parent: parentName, port: channel.port },
          property: 'port',
          severity: 'warning',
        });
      }
    }
  },
});
