import type { EnclaveNode, GraphFragment, InstanceNode } from '../model/nodes.js';
import { NO_SPANS, NO_SUPPRESSIONS } from '../model/nodes.js';
import { directoryMachineId, directoryOf } from '../model/host-placement.js';
import type { SourceSpan } from '../model/source.js';
import { unknown, type Maybe } from '../model/unknown.js';
import type { Adapter } from './adapter.js';
import { isRecord } from './aws/values.js';
import { parseYaml, type LocatedDocument } from './located.js';

/**
 * Kubernetes workloads that run enclaves on EKS (https://docs.aws.amazon.com/enclaves/latest/user/kubernetes.html):
 * a container asks the Nitro Enclaves device plugin for `aws.ec2.nitro/nitro_enclaves` and for the hugepages
 * (`hugepages-1Gi`, `hugepages-2Mi`) its enclave's memory comes from; nitro-cli then runs inside the container.
 * Each Pod, and the pod template of a Deployment, StatefulSet, DaemonSet, ReplicaSet, Job or CronJob, that
 * requests the device is an enclave whose memory is the hugepages it requests, on the node of its directory's
 * machine (src/engine/link-host-configs.ts: the node group whose launch template sizes the allocator). The
 * enclave's CPUs and flags are chosen by the command inside the image and stay unknown.
 */
const DEVICE = 'aws.ec2.nitro/nitro_enclaves';
/** The device plugin's image (https://github.com/aws/aws-nitro-enclaves-k8s-device-plugin). */
const PLUGIN_IMAGE = 'aws-nitro-enclaves-k8s-device-plugin';
/** The plugin advertises this many enclave devices per node unless `MAX_ENCLAVES_PER_NODE` says otherwise (its helm values). */
const PLUGIN_DEFAULT_MAX = 4;
const WORKLOADS = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob']);

/** Kubernetes quantities (https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/) in MiB. */
const UNITS: Record<string, number> = {
  Ki: 1 / 1024,
  Mi: 1,
  Gi: 1024,
  Ti: 1024 * 1024,
  k: 1000 / 1048576,
  M: 1e6 / 1048576,
  G: 1e9 / 1048576,
  T: 1e12 / 1048576,
  '': 1 / 1048576,
};

function mebibytes(quantity: unknown): Maybe<number> {
  const text = typeof quantity === 'number' ? String(quantity) : typeof quantity === 'string' ? quantity.trim() : '';
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(text);
  if (!match) return unknown(`${JSON.stringify(quantity)} is not a quantity isolint reads`);
  return Number(match[1]) * UNITS[match[2] ?? ''];
}

function podSpec(kind: string, document: Record<string, unknown>): unknown {
  const spec = document.spec;
  if (kind === 'Pod') return spec;
  if (!isRecord(spec)) return undefined;
  if (kind === 'CronJob') {
    const job = isRecord(spec.jobTemplate) ? spec.jobTemplate.spec : undefined;
    return isRecord(job) && isRecord(job.template) ? job.template.spec : undefined;
  }
  return isRecord(spec.template) ? spec.template.spec : undefined;
}

export const kubernetesEnclaveAdapter: Adapter = {
  format: 'kubernetes-enclave-workload',
  extensions: ['.yaml', '.yml'],
  claims: ({ text }) =>
    (text.includes(DEVICE) || text.includes(PLUGIN_IMAGE)) &&
    /^\s*kind\s*:/m.test(text) &&
    /^\s*apiVersion\s*:/m.test(text),
  load(input) {
    const fragment: GraphFragment = { nodes: [], edges: [] };
    for (const document of parseYaml(input.file, input.text)) {
      const root = document.value;
      if (!isRecord(root) || typeof root.kind !== 'string' || !WORKLOADS.has(root.kind)) continue;
      const metadata = isRecord(root.metadata) ? root.metadata : {};
      const name = typeof metadata.name === 'string' ? metadata.name : root.kind.toLowerCase();
      const spec = podSpec(root.kind, root);
      if (!isRecord(spec)) continue;
      const plugin = root.kind === 'DaemonSet' ? devicePlugin(input.file, document, name, spec) : undefined;
      if (plugin) {
        fragment.nodes.push(plugin);
        continue;
      }
      const enclave = workloadEnclave(input.file, document, root.kind, name, spec);
      if (!enclave) continue;
      fragment.nodes.push(enclave);
      fragment.edges.push({
        kind: 'runsOn',
        from: enclave.id,
        to: directoryMachineId(input.file),
        source: enclave.source,
        at: NO_SPANS,
        suppressions: NO_SUPPRESSIONS,
      });
    }
    return fragment;
  },
};

/** The device plugin's DaemonSet: its settings for the nodes it runs on (the machine of its directory). */
function devicePlugin(
  file: string,
  document: LocatedDocument,
  name: string,
  spec: Record<string, unknown>,
): InstanceNode | undefined {
  const containers = Array.isArray(spec.containers) ? (spec.containers as unknown[]) : [];
  const container = containers.find(
    (c): c is Record<string, unknown> => isRecord(c) && typeof c.image === 'string' && c.image.includes(PLUGIN_IMAGE),
  );
  if (!container) return undefined;
  const env = Array.isArray(container.env) ? (container.env as unknown[]) : [];
  const setting = env.find((e): e is Record<string, unknown> => isRecord(e) && e.name === 'MAX_ENCLAVES_PER_NODE');
  const value = setting ? Number(setting.value) : PLUGIN_DEFAULT_MAX;
  const source = setting ? document.spanOfKey(setting, 'value') : document.spanOfKey(container, 'image');
  return {
    kind: 'instance',
    id: `${file}#DaemonSet/${name}`,
    vcpus: unknown('a DaemonSet does not describe its nodes'),
    memoryMiB: unknown('a DaemonSet does not describe its nodes'),
    enclaveDevicePlugin: {
      maxEnclavesPerNode: Number.isInteger(value)
        ? value
        : unknown(`MAX_ENCLAVES_PER_NODE is ${JSON.stringify(setting?.value)}`),
      source,
    },
    placement: { directory: directoryOf(file), placeholder: true },
    source,
    at: { devicePlugin: source },
    suppressions: NO_SUPPRESSIONS,
  };
}

function workloadEnclave(
  file: string,
  document: LocatedDocument,
  workload: string,
  name: string,
  spec: Record<string, unknown>,
): EnclaveNode | undefined {
  const containers = [spec.initContainers, spec.containers].flatMap((list): unknown[] =>
    Array.isArray(list) ? (list as unknown[]) : [],
  );
  let device: SourceSpan | undefined;
  const hugepages: NonNullable<EnclaveNode['pod']>['hugepages'] = [];
  for (const container of containers) {
    if (!isRecord(container) || !isRecord(container.resources)) continue;
    // Limits are what the kubelet enforces; hugepages requests must equal limits (https://kubernetes.io/docs/tasks/manage-hugepages/scheduling-hugepages/).
    const resources = container.resources;
    const section = [resources.limits, resources.requests].find((s) => isRecord(s) && DEVICE in s) as
      Record<string, unknown> | undefined;
    if (!section) continue;
    device ??= document.spanOfKey(section, DEVICE);
    const pages = isRecord(resources.limits) ? resources.limits : section;
    for (const [key, value] of Object.entries(pages)) {
      const size = /^hugepages-(\w+)$/.exec(key)?.[1];
      if (size) hugepages.push({ size, mebibytes: mebibytes(value), source: document.spanOfKey(pages, key) });
    }
  }
  if (!device) return undefined;
  const memory = hugepages.reduce<Maybe<number>>(
    (total, page) => (typeof total === 'number' && typeof page.mebibytes === 'number' ? total + page.mebibytes : total),
    hugepages.length ? 0 : unknown(`the ${workload} requests no hugepages, which enclave memory comes from`),
  );
  const undecided = hugepages.find((page) => typeof page.mebibytes !== 'number');
  return {
    kind: 'enclave',
    id: `${file}#${workload}/${name}`,
    label: `${workload} ${name}`,
    vcpus: unknown('chosen by the nitro-cli command inside the container'),
    memoryMiB: undecided ? undecided.mebibytes : memory,
    cid: unknown('assigned by nitro-cli at launch'),
    debug: unknown('set by the nitro-cli command inside the container image'),
    environment: unknown('a Kubernetes workload does not say'),
    pod: { workload, name, hugepages },
    source: device,
    at: hugepages.length ? { memory: hugepages[0].source } : NO_SPANS,
    suppressions: NO_SUPPRESSIONS,
  };
}
