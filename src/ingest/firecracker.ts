import { posix } from 'node:path';
import type { ChannelEdge, GraphEdge, GraphFragment, GraphNode, InstanceNode, MicroVmConfig } from '../model/nodes.js';
import { NO_SUPPRESSIONS } from '../model/nodes.js';
import { directoryMachineId, directoryOf } from '../model/host-placement.js';
import type { SourceSpan } from '../model/source.js';
import { NOT_DECLARED, isUnknown, unknown } from '../model/unknown.js';
import type { Adapter } from './adapter.js';
import { parseJson } from './json.js';
import { TypedReader, templated } from './typed-values.js';

/** Firecracker's host end of every vsock device (HOST_CID, https://github.com/firecracker-microvm/firecracker/blob/main/docs/getting-started.md). */
const HOST_CID = 2;

/**
 * Firecracker's `--config-file` JSON (https://github.com/firecracker-microvm/firecracker/blob/main/docs/getting-started.md; kebab-case top-level keys, API bodies below): one
 * microVM, a guest `instance` on the machine of the file's directory, with its drives (volumes), network
 * interfaces (NICs) and vsock device (a channel to the host, CID 2). Firecracker ignores unknown top-level
 * keys, so a config may say what the guest is for in `"x-isolint": {"isolation": "enclave" | "vm",
 * "sideChannels": true}`; an enclave-style guest is judged by microvm-enclave-guest.
 */
export const firecrackerAdapter: Adapter = {
  format: 'firecracker-config',
  extensions: ['.json'],
  claims: ({ text }) => /^\s*\{/.test(text) && /"(boot-source|machine-config)"\s*:/.test(text),
  load(input) {
    const document = parseJson(input.file, input.text);
    const read = new TypedReader(document, 'Firecracker config');
    const config = read.object(document.value, 'the config');
    if (config['boot-source'] === undefined) throw read.fail('"boot-source" is required (the guest kernel)', config);
    const id = `${input.file}#microvm`;
    const host = directoryMachineId(input.file);
    const nodes: GraphNode[] = [];
    const edges: GraphEdge[] = [];
    const at: Record<string, SourceSpan> = {};

    const machine =
      config['machine-config'] === undefined
        ? undefined
        : read.object(config['machine-config'], '"machine-config"', config, 'machine-config');
    const vcpus = machine ? read.integer(machine, 'vcpu_count', true)! : undefined;
    const memoryMiB = machine ? read.integer(machine, 'mem_size_mib', true)! : undefined;
    const smt = machine ? read.boolean(machine, 'smt') : undefined;
    if (machine) {
      at.vcpus = document.spanOfKey(machine, 'vcpu_count');
      at.memory = document.spanOfKey(machine, 'mem_size_mib');
      at.smt = document.spanOfKey(machine, 'smt');
    }

    const declared =
      config['x-isolint'] === undefined
        ? undefined
        : read.object(config['x-isolint'], '"x-isolint"', config, 'x-isolint');
    const isolation = declared ? read.string(declared, 'isolation') : undefined;
    const isolationTemplated = templated(isolation);
    if (isolation !== undefined && !isolationTemplated && isolation !== 'enclave' && isolation !== 'vm') {
      throw read.fail(`"isolation" must be "enclave" or "vm", not ${JSON.stringify(isolation)}`, declared, 'isolation');
    }
    if (declared)
      at.isolation = document.spanOfKey(declared, declared.isolation !== undefined ? 'isolation' : 'sideChannels');
    const sideChannels = declared ? read.boolean(declared, 'sideChannels') : undefined;

    const vsock =
      config.vsock === undefined || config.vsock === null
        ? undefined
        : read.object(config.vsock, '"vsock"', config, 'vsock');
    const udsPath = vsock ? read.string(vsock, 'uds_path', true)! : undefined;
    if (vsock) read.integer(vsock, 'guest_cid', true);

    const microvm: MicroVmConfig = {
      isolation: isolation === undefined ? NOT_DECLARED : (isolationTemplated ?? (isolation as 'enclave' | 'vm')),
      // A templated sideChannels falls back to the default, as when it is absent.
      sideChannelIsolation:
        sideChannels === undefined || isUnknown(sideChannels) ? isolation === 'enclave' : sideChannels,
      smt: smt ?? (machine ? false : NOT_DECLARED),
      ...(udsPath ? { vsockUdsPath: posix.resolve('/', directoryOf(input.file), udsPath) } : {}),
    };
    const source = document.spanOf(config);
    const guest: InstanceNode = {
      kind: 'instance',
      id,
      label: posix.basename(input.file),
      // Firecracker applies its own defaults when machine-config is absent; we do not guess them.
      vcpus: vcpus ?? unknown('machine-config is not declared (Firecracker default)'),
      memoryMiB: memoryMiB ?? unknown('machine-config is not declared (Firecracker default)'),
      microvm,
      source,
      at,
      suppressions: NO_SUPPRESSIONS,
    };
    nodes.push(guest);
    edges.push({ kind: 'runsOn', from: id, to: host, source, at: {}, suppressions: NO_SUPPRESSIONS });

    const drives = read.array(config, 'drives') ?? [];
    drives.forEach((raw, i) => {
      const drive = read.object(raw, 'a drive', drives, i);
      const driveId = read.string(drive, 'drive_id', true)!;
      const readOnly = read.boolean(drive, 'is_read_only');
      const root = read.boolean(drive, 'is_root_device') ?? false;
      read.string(drive, 'path_on_host');
      const volumeId = `${id}/drive/${driveId}`;
      nodes.push({
        kind: 'volume',
        id: volumeId,
        label: driveId,
        volumeKind: 'firecracker-drive',
        encrypted: unknown("Firecracker drives are host files; encryption is the host's business"),
        wipe: NOT_DECLARED,
        // is_read_only is an Option<bool> that defaults to false (https://github.com/firecracker-microvm/firecracker/blob/main/docs/getting-started.md).
        readOnly: readOnly ?? false,
        rootDevice: root === true,
        source: document.spanOfKey(drive, 'drive_id'),
        at: {
          readOnly: document.hasKey(drive, 'is_read_only')
            ? document.spanOfKey(drive, 'is_read_only')
            : document.spanOfKey(drives, i),
          rootDevice: document.spanOfKey(drive, 'is_root_device'),
        },
        suppressions: NO_SUPPRESSIONS,
      });
      edges.push({
        kind: 'attaches',
        from: volumeId,
        to: id,
        source: document.spanOfKey(drives, i),
        at: {},
        suppressions: NO_SUPPRESSIONS,
      });
    });

    const interfaces = read.array(config, 'network-interfaces') ?? [];
    interfaces.forEach((raw, i) => {
      const nic = read.object(raw, 'a network interface', interfaces, i);
      const ifaceId = read.string(nic, 'iface_id', true)!;
      const nicId = `${id}/nic/${ifaceId}`;
      const span = document.spanOfKey(nic, 'iface_id');
      nodes.push({ kind: 'nic', id: nicId, label: ifaceId, source: span, at: {}, suppressions: NO_SUPPRESSIONS });
      edges.push({ kind: 'attaches', from: nicId, to: id, source: span, at: {}, suppressions: NO_SUPPRESSIONS });
    });

    if (vsock) {
      const span = document.spanOfKey(config, 'vsock');
      const channel: ChannelEdge = {
        kind: 'channel',
        id: `${id}/vsock`,
        from: id,
        to: host,
        initiator: id,
        protocol: 'vsock',
        port: unknown('vsock ports are chosen by the guest and host programs'),
        peerCid: HOST_CID,
        authenticated: NOT_DECLARED,
        encrypted: NOT_DECLARED,
        audited: NOT_DECLARED,
        memoryAccess: false,
        source: span,
        at: { uds_path: document.spanOfKey(vsock, 'uds_path') },
        suppressions: NO_SUPPRESSIONS,
      };
      edges.push(channel);
    }
    return { nodes, edges } satisfies GraphFragment;
  },
};
