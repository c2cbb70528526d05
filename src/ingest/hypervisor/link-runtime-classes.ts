import type { GraphNode, InstanceNode, RunsOnEdge } from '../../model/nodes.js';
import { NO_SUPPRESSIONS } from '../../model/nodes.js';
import type { SourceSpan } from '../../model/source.js';
import { unknown } from '../../model/unknown.js';
import type { Linker } from '../linker.js';

/**
 * Links Kubernetes RuntimeClasses with a Kata handler to the Kata configuration their handler selects
 * (https://kubernetes.io/docs/concepts/containers/runtime-class/; the handler → file naming is documented in src/ingest/hypervisor/runtime-class.ts),
 * after every input is read.
 *
 * A Kata sandbox matches when its file is named as the handler says (`configuration-qemu.toml`, or the
 * `configuration-qemu.toml.in` template), wherever it sits in the scan: a cluster repository keeps its
 * manifests and its node configuration apart. Then:
 *   - the sandbox records the class in `kataSandbox.selectedBy` (findings on it get the class as a related
 *     location) and its label names the class;
 *   - the class's pods run on the sandbox (a `runsOn` edge) when exactly one file matches; with several
 *     (one per node pool, say) every one records the class, and the pods run on none of them in particular.
 * A class whose configuration is not in the scan gets `sandbox` unknown, with the reason: containers-inside-vm
 * notes it on the handler line.
 */
export const runtimeClassLinker: Linker = {
  name: 'kata-runtime-classes',
  link(draft) {
    for (const edge of linkRuntimeClasses(draft.nodes)) draft.edges.push(edge);
  },
};

function linkRuntimeClasses(nodes: ReadonlyMap<string, GraphNode>): RunsOnEdge[] {
  const sandboxesByFile = new Map<string, InstanceNode[]>();
  for (const node of nodes.values()) {
    if (node.kind !== 'instance' || !node.kataSandbox) continue;
    const name = fileName(node.source.file).replace(/\.in$/, '');
    const list = sandboxesByFile.get(name);
    if (list) list.push(node);
    else sandboxesByFile.set(name, [node]);
  }
  const edges: RunsOnEdge[] = [];
  for (const node of nodes.values()) {
    if (node.kind !== 'component' || !node.runtimeClass) continue;
    const runtimeClass = node.runtimeClass;
    const sandboxes = sandboxesByFile.get(runtimeClass.configFile) ?? [];
    if (sandboxes.length === 0) {
      runtimeClass.sandbox = unknown('that file (or its .toml.in template) is not in the scan');
      continue;
    }
    runtimeClass.sandbox = sandboxes.map((sandbox) => sandbox.id);
    for (const sandbox of sandboxes) select(sandbox, runtimeClass.name, node.source);
    if (sandboxes.length === 1) {
      edges.push({
        kind: 'runsOn',
        from: node.id,
        to: sandboxes[0].id,
        source: node.at.handler ?? node.source,
        at: {},
        suppressions: NO_SUPPRESSIONS,
      });
    }
  }
  return edges;
}

function select(sandbox: InstanceNode, name: string, source: SourceSpan): void {
  const selectedBy = sandbox.kataSandbox!.selectedBy;
  if (selectedBy.some((entry) => entry.source === source)) return;
  selectedBy.push({ name, source });
  const names = [...new Set(selectedBy.map((entry) => entry.name))].sort();
  sandbox.label = `${(sandbox.label ?? 'Kata sandbox VM').replace(/ of RuntimeClass .*$/, '')} of RuntimeClass ${names.join(', ')}`;
}

function fileName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
