import { InputError } from '../../errors.js';
import type { GraphFragment } from '../../model/nodes.js';
import { unknown } from '../../model/unknown.js';
import type { Adapter } from '../adapter.js';
import { CommentSuppressions, Spans } from '../aws/fragment.js';
import { isRecord } from '../aws/values.js';
import { parseYaml } from '../located.js';
import { flavorNode } from './nova-flavor.js';

/**
 * OpenStack Heat templates (HOT, YAML starting with `heat_template_version`; https://docs.openstack.org/nova/latest/user/flavors.html): the
 * `OS::Nova::Flavor` resources, with `vcpus`, `ram` (MB) and `extra_specs`. Other resource types are
 * read without error and not mapped. Intrinsic functions (`get_param`, `str_replace`…) are decided when the
 * stack is created: Unknown.
 */
export const heatTemplateAdapter: Adapter = {
  format: 'heat',
  extensions: ['.yaml', '.yml', '.hot', '.template'],
  claims: ({ text }) => /^\s*["']?heat_template_version["']?\s*:/m.test(text.slice(0, 65536)),
  load(input): GraphFragment {
    const fragment: GraphFragment = { nodes: [], edges: [] };
    for (const document of parseYaml(input.file, input.text)) {
      const template = document.value;
      if (template === null || template === undefined) continue;
      if (!isRecord(template))
        throw new InputError('a Heat template must be a map with heat_template_version and resources', {
          file: input.file,
          line: 1,
          column: 1,
        });
      const resources = template.resources;
      if (resources === undefined || resources === null) continue;
      const spans = new Spans(document);
      if (!isRecord(resources)) {
        const span = spans.key(template, 'resources', document.spanOf(template));
        throw new InputError('resources must be a map of resource names to resources', {
          file: input.file,
          line: span.startLine,
          column: span.startColumn,
        });
      }
      const comments = new CommentSuppressions(input.file, input.text, document.lines);
      for (const [name, resource] of Object.entries(resources)) {
        if (!isRecord(resource) || resource.type !== 'OS::Nova::Flavor') continue;
        const whole = document.spanOf(resource);
        const properties = isRecord(resource.properties) ? resource.properties : {};
        fragment.nodes.push(
          flavorNode({
            id: `${input.file}#${name}`,
            label: name,
            properties,
            spans,
            source: spans.key(resource, 'type', whole),
            suppressions: comments.for(spans.key(resources, name, whole).startLine, whole.endLine),
            resolve: heatValue,
          }),
        );
      }
      const warnings = [...comments.warnings, ...comments.unattached()];
      if (warnings.length) (fragment.warnings ??= []).push(...warnings);
    }
    return fragment;
  },
};

/** HOT intrinsic functions (heat/engine/hot/functions.py names): a one-key map with one of these is computed. */
const INTRINSICS = new Set([
  'get_param',
  'get_attr',
  'get_resource',
  'get_file',
  'str_replace',
  'str_replace_strict',
  'str_replace_vstrict',
  'list_join',
  'repeat',
  'digest',
  'resource_facade',
  'str_split',
  'map_merge',
  'map_replace',
  'yaql',
  'if',
  'equals',
  'not',
  'and',
  'or',
  'contains',
  'filter',
  'make_url',
  'list_concat',
  'list_concat_unique',
  'Fn::GetAtt',
  'Fn::Select',
  'Ref',
]);

function heatValue(value: unknown): unknown {
  if (!isRecord(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && INTRINSICS.has(keys[0])) return unknown(`${keys[0]} is decided when the stack is created`);
  return value;
}
