import { InputError } from '../../errors.js';
import type { ComponentNode, GraphFragment } from '../../model/nodes.js';
import { NO_SUPPRESSIONS } from '../../model/nodes.js';
import { NOT_DECLARED } from '../../model/unknown.js';
import type { Adapter } from '../adapter.js';
import { isRecord } from '../aws/values.js';
import { parseYaml } from '../located.js';

/**
 * Kubernetes `RuntimeClass` objects (`apiVersion: node.k8s.io/v1`, https://kubernetes.io/docs/concepts/containers/runtime-class/). A pod that names
 * the class runs under the containerd runtime called by its `handler`; for Kata that runtime's shim reads
 * one Kata configuration, named by the handler as kata-deploy installs them:
 *   handler `kata`        → `configuration.toml` (the default configuration)
 *   handler `kata-<shim>` → `configuration-<shim>.toml` (`kata-qemu` → `configuration-qemu.toml`,
 *                           `kata-qemu-snp` → `configuration-qemu-snp.toml`, `kata-clh`, `kata-fc`…)
 * A class with a Kata handler becomes a `container`-layer component (the pods of that class); after
 * assembly src/ingest/hypervisor/link-runtime-classes.ts runs it on the Kata sandbox of that configuration when the
 * file is in the scan. Other handlers (runc, gVisor's runsc…) add nothing to the graph yet.
 */
export const runtimeClassAdapter: Adapter = {
  format: 'k8s-runtimeclass',
  extensions: ['.yaml', '.yml'],
  claims: ({ text }) =>
    /^\s*kind:\s*["']?RuntimeClass["']?\s*$/m.test(text) && /^\s*apiVersion:\s*["']?node\.k8s\.io\//m.test(text),
  load(input): GraphFragment {
    const nodes: ComponentNode[] = [];
    for (const document of parseYaml(input.file, input.text)) {
      const object = document.value;
      if (!isRecord(object) || object.kind !== 'RuntimeClass') continue;
      const handler = object.handler;
      if (typeof handler !== 'string' || handler === '') {
        const span = document.spanOf(object);
        throw new InputError('a RuntimeClass needs a handler (the containerd runtime name, e.g. kata-qemu)', {
          file: input.file,
          line: span.startLine,
          column: span.startColumn,
        });
      }
      const configFile = kataConfigOfHandler(handler);
      if (configFile === undefined) continue;
      const metadata = isRecord(object.metadata) ? object.metadata : undefined;
      const name = typeof metadata?.name === 'string' && metadata.name !== '' ? metadata.name : handler;
      const handlerSpan = document.spanOfKey(object, 'handler');
      nodes.push({
        kind: 'component',
        id: `${input.file}#RuntimeClass/${name}`,
        label: `RuntimeClass ${name}`,
        layer: 'container',
        roles: ['other'],
        measuredBy: NOT_DECLARED,
        nestedVirtualization: NOT_DECLARED,
        vcpus: NOT_DECLARED,
        memoryMiB: NOT_DECLARED,
        runtimeClass: { name, handler, configFile },
        source: typeof metadata?.name === 'string' ? document.spanOfKey(metadata, 'name') : handlerSpan,
        at: { handler: handlerSpan, runsOn: handlerSpan },
        suppressions: NO_SUPPRESSIONS,
      });
    }
    return { nodes, edges: [] };
  },
};

/** The Kata configuration file a containerd handler selects (see above), or undefined for a handler that is not Kata's. */
export function kataConfigOfHandler(handler: string): string | undefined {
  if (handler === 'kata') return 'configuration.toml';
  const shim = /^kata-([A-Za-z0-9][A-Za-z0-9_-]*)$/.exec(handler)?.[1];
  return shim === undefined ? undefined : `configuration-${shim}.toml`;
}
