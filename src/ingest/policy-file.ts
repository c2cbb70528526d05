import type { GraphFragment, KeyNode } from '../model/nodes.js';
import type { Adapter, InputFiles } from './adapter.js';
import { readPolicy, Spans } from './aws/fragment.js';
import { isRecord, toList } from './aws/values.js';
import { parseJson } from './json.js';
import { filesOf } from './input-files.js';

/**
 * Standalone KMS key policy files, as `aws kms create-key --policy file://policy.json` and
 * `aws kms put-key-policy` take them (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html):
 * a JSON document whose `Statement` names `kms:` actions. Each becomes a key node of its own, judged on its
 * own against the roles of the scan (principals match roles by ARN), unless it is linked to a key of a
 * template: by a sidecar file beside it (`<file>.isolint`, holding `# isolint: key=<logical id or address>`)
 * or by `.isolint.yaml` `policies:`. A linked file replaces that key's policy (src/ingest/link-key-policies.ts),
 * as put-key-policy does.
 */
export const policyFileAdapter: Adapter = {
  format: 'kms-policy',
  extensions: ['.json'],
  // A policy document's own keys come first (Version, Id, Statement): other JSON that merely holds a policy
  // (a CDK tree.json, a template) is not one.
  claims: ({ text }) =>
    /^\s*\{\s*(?:\/\/[^\n]*\s*)*"(?:Version|Id|Statement)"\s*:/.test(text) &&
    /"Statement"\s*:/.test(text) &&
    /"(Not)?Action"\s*:[^\]}]*"kms:/i.test(text) &&
    !/"(Resources|format_version|AWSTemplateFormatVersion)"\s*:/.test(text),
  load(input) {
    const document = parseJson(input.file, input.text);
    const policy = document.value;
    const fragment: GraphFragment = { nodes: [], edges: [] };
    if (!isRecord(policy) || toList(policy.Statement).length === 0) return fragment;
    const spans = new Spans(document);
    const whole = document.spanOf(policy);
    const statementSpan = spans.key(policy, 'Statement', whole);
    const node: KeyNode = {
      kind: 'key',
      id: `${input.file}#policy`,
      label: input.file.split('/').pop() ?? input.file,
      policy: readPolicy(policy, {
        spans,
        resolve: (value) => value,
        // Principals are matched to the roles of other inputs by their ARNs when the graph is assembled.
        roleOf: () => undefined,
        fallback: statementSpan,
        suppressions: [],
      }),
      standalonePolicy: true,
      source: statementSpan,
      at: { policy: statementSpan },
      suppressions: [],
    };
    const linked = sidecarKey(input.absolutePath, filesOf(input));
    if (linked) node.linkedKey = linked;
    fragment.nodes.push(node);
    return fragment;
  },
};

/** `# isolint: key=<id>` in `<file>.isolint` beside the policy file. */
function sidecarKey(path: string, files: InputFiles): string | undefined {
  const sidecar = `${path}.isolint`;
  if (!files.exists(sidecar)) return undefined;
  let text: string;
  try {
    text = files.read(sidecar);
  } catch {
    return undefined;
  }
  return /#\s*isolint:\s*key\s*=\s*([^\s#]+)/.exec(text)?.[1];
}
