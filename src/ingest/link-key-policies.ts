import type { GraphEdge, GraphNode, KeyNode, RoleNode } from '../model/nodes.js';
import { NO_SPANS, NO_SUPPRESSIONS } from '../model/nodes.js';
import { isUnknown } from '../model/unknown.js';
import type { SourceSpan } from '../model/source.js';
import { roleNameOfArn } from './aws/fragment.js';
import type { Linker } from './linker.js';

/**
 * Standalone key policy files (src/ingest/policy-file.ts) after every input is read: their principals find
 * the roles of the scan by ARN (a `uses` edge, as a template's key policy gets), and a file linked to a key
 * (`<file>.isolint` sidecar, or `.isolint.yaml` `policies:` mapping a file to a CloudFormation logical id or
 * a Terraform address) replaces that key's policy, as `aws kms put-key-policy` does, and is no key of its own.
 * A link that names no key, or several, leaves the file judged on its own and says why.
 */
export const keyPolicyLinker: Linker = {
  name: 'key-policies',
  link(draft, options) {
    const linked = linkKeyPolicies(draft.nodes, options.keyPolicies);
    for (const problem of linked.problems) draft.problem(problem.message, problem.source);
    // The policies' edges come first, as the inputs' own key policies' do.
    if (linked.edges.length > 0) draft.edges = [...linked.edges, ...draft.edges];
  },
};

function linkKeyPolicies(
  nodes: Map<string, GraphNode>,
  mapping: Readonly<Record<string, string>> = {},
): { edges: GraphEdge[]; problems: Array<{ message: string; source: SourceSpan }> } {
  const edges: GraphEdge[] = [];
  const problems: Array<{ message: string; source: SourceSpan }> = [];
  const standalone: KeyNode[] = [];
  const keys: KeyNode[] = [];
  const roles: RoleNode[] = [];
  for (const node of nodes.values()) {
    if (node.kind === 'key') (node.standalonePolicy ? standalone : keys).push(node);
    else if (node.kind === 'role') roles.push(node);
  }
  if (standalone.length === 0) return { edges, problems };
  for (const file of standalone) {
    const wanted = file.linkedKey ?? mappedKey(file.source.file, mapping);
    let target: KeyNode = file;
    if (wanted !== undefined) {
      let found = keys.filter(
        (key) => key.label === wanted || key.id.endsWith(`#${wanted}`) || key.id.endsWith(`/${wanted}`),
      );
      // Several keys of that name in the scan (several stacks): the one beside the policy file is meant.
      if (found.length > 1)
        found = found.filter((key) => directoryOf(key.source.file) === directoryOf(file.source.file));
      if (found.length === 1) {
        target = found[0]!;
        target.policy = file.policy;
        target.at = { ...target.at, policy: file.source };
        nodes.delete(file.id);
      } else {
        problems.push({
          message: `key policy file is linked to key "${wanted}", but the scan has ${found.length === 0 ? 'no such key' : `${found.length} keys of that name`}: it is judged on its own`,
          source: file.source,
        });
      }
    }
    if (!file.policy || isUnknown(file.policy)) continue;
    for (const statement of file.policy) {
      for (const principal of statement.principals) {
        const name = roleNameOfArn(principal);
        if (name === undefined) continue;
        for (const role of roles) {
          if (role.roleName !== name || statement.principalRoles.includes(role.id)) continue;
          statement.principalRoles.push(role.id);
          edges.push({
            kind: 'uses',
            from: role.id,
            to: target.id,
            source: statement.source,
            at: NO_SPANS,
            suppressions: NO_SUPPRESSIONS,
          });
        }
      }
    }
  }
  return { edges, problems };
}

function directoryOf(file: string): string {
  const normalized = file.split('\\').join('/');
  return normalized.slice(0, Math.max(0, normalized.lastIndexOf('/')));
}

/** The key `.isolint.yaml` `policies:` names for a file (paths relative to the config file, matched by suffix). */
function mappedKey(file: string, mapping: Readonly<Record<string, string>>): string | undefined {
  const normalized = file.split('\\').join('/');
  for (const [path, key] of Object.entries(mapping)) {
    const wanted = path.replace(/^\.\//, '');
    if (normalized === wanted || normalized.endsWith(`/${wanted}`)) return key;
  }
  return undefined;
}
