import { instanceTypeSpec } from '../model/ec2-instance-types.js';
import type { Linker } from './linker.js';

/**
 * EC2 instance types (src/model/ec2-instance-types.ts): each instance gets the facts of its type, from
 * `--instance-types` first, then the built-in table. An instance started from a launch template without
 * a type of its own runs the template's (one machine). Runs first: the host-config linker and the rules
 * read the facts.
 */
export const instanceTypeLinker: Linker = {
  name: 'instance-types',
  link(draft, options) {
    const nodes = draft.nodes;
    for (const node of [...nodes.values()]) {
      if (node.kind !== 'instance') continue;
      let typed = node;
      const template = node.launchTemplate !== undefined ? nodes.get(node.launchTemplate) : undefined;
      if (node.instanceType === undefined && template?.kind === 'instance' && template.instanceType !== undefined) {
        typed = { ...node, instanceType: template.instanceType };
        if (template.at.instanceType) typed.at = { ...node.at, instanceType: template.at.instanceType };
      }
      const facts =
        typeof typed.instanceType === 'string'
          ? instanceTypeSpec(typed.instanceType, options.instanceTypes)
          : undefined;
      if (facts) typed = { ...typed, instanceTypeFacts: facts };
      if (typed !== node) nodes.set(node.id, typed);
    }
  },
};
