import { InputError } from '../../errors.js';
import type { GraphFragment } from '../../model/nodes.js';
import type { Adapter } from '../adapter.js';
import { isRecord } from '../aws/values.js';
import { parseYaml } from '../located.js';

/**
 * Kubernetes `RuntimeClass` objects (`apiVersion: node.k8s.io/v1`, HYPERVISOR-FACTS §5.3): `handler: kata-qemu`
 * names the containerd runtime whose shim reads the Kata configuration of the same suffix
 * (`configuration-qemu.toml`). Read and checked here so a cluster repo scans without input errors; the
 * object adds nothing to the graph yet (linking it to the Kata config it selects is open work, see README).
 */
export const runtimeClassAdapter: Adapter = {
  format: 'k8s-runtimeclass',
  extensions: ['.yaml', '.yml'],
  claims: ({ text }) => /^\s*kind:\s*["']?RuntimeClass["']?\s*$/m.test(text) && /^\s*apiVersion:\s*["']?node\.k8s\.io\//m.test(text),
  load(input): GraphFragment {
    for (const document of parseYaml(input.file, input.text)) {
      const object = document.value;
      if (!isRecord(object) || object.kind !== 'RuntimeClass') continue;
      if (typeof object.handler !== 'string' || object.handler === '') {
        const span = document.spanOf(object);
        throw new InputError('a RuntimeClass needs a handler (the containerd runtime name, e.g. kata-qemu)', { file: input.file, line: span.startLine, column: span.startColumn });
      }
    }
    return { nodes: [], edges: [] };
  },
};
