import type { InlineSuppression, InstanceNode, NovaFlavorSettings } from '../../model/nodes.js';
import type { Default } from '../../model/provenance.js';
import type { SourceSpan } from '../../model/source.js';
import { isUnknown, unknown, type Maybe, type Unknown } from '../../model/unknown.js';
import type { Spans } from '../aws/fragment.js';
import { registerTerraformResourceType } from '../terraform/resources.js';
import { isRecord, toNumber, toText, unknownKeysOf } from '../aws/values.js';

/**
 * An OpenStack flavor as a graph node (https://docs.openstack.org/nova/latest/user/flavors.html, https://docs.openstack.org/nova/latest/configuration/extra-specs.html), shared by the Terraform
 * (`openstack_compute_flavor_v2`, .tf and plan JSON) and Heat (`OS::Nova::Flavor`) readers. A flavor is a
 * template, like an EC2 launch template: an instance node that runs on no host, carrying the extra specs
 * every instance started from it gets. Rules judge it against the hosts of the scan (a flavor can land on
 * any compute host unless host aggregates say otherwise, which isolint does not read).
 */
export interface FlavorInput {
  id: string;
  label: string;
  /** The resource's properties: `vcpus`, `ram` (MB, which Nova means as MiB), `extra_specs`. */
  properties: Record<string, unknown>;
  spans: Spans;
  /** The resource's first line: where findings about a missing property land. */
  source: SourceSpan;
  suppressions: readonly InlineSuppression[];
  /** Turns a format's own functions (Heat `get_param`) into Unknown; identity for Terraform. */
  resolve?: (value: unknown) => unknown;
}

const CPU_POLICIES = ['shared', 'dedicated', 'mixed'] as const;
const THREAD_POLICIES = ['prefer', 'isolate', 'require'] as const;

export function flavorNode(input: FlavorInput): InstanceNode {
  const resolve = input.resolve ?? ((value: unknown) => value);
  const p = input.properties;
  const specsValue = resolve(p.extra_specs);
  const specsSpan = input.spans.key(p, 'extra_specs', input.source);
  // A key Nova defaults is recorded in `defaults`; its findings land on `extra_specs`, or the resource.
  const at: Record<string, SourceSpan> = { extraSpecs: specsSpan };
  const defaults: Record<string, Default> = {};
  // No extra_specs at all: every key takes Nova's default. Specs from something the scan cannot read
  // (a local of a file that is not here, a parameter): every key is unknown.
  const specs = isRecord(specsValue) ? specsValue : specsValue === undefined || specsValue === null ? {} : undefined;
  const whyUnknown: Unknown | undefined =
    specs === undefined
      ? unknown(`extra_specs ${isUnknown(specsValue) ? `is unknown (${specsValue.reason})` : 'is not a map'}`)
      : undefined;
  // merge(local.x, {…}): the keys of the literal map are known, any other key may come from local.x.
  const partial = specs ? unknownKeysOf(specs) : undefined;

  function spec<T extends string>(
    key: string,
    property: string,
    allowed: readonly T[] | undefined,
    fallback: T | undefined,
  ): Maybe<T> | undefined {
    if (!specs) {
      at[property] = specsSpan;
      return whyUnknown;
    }
    const raw = resolve(specs[key]);
    if (raw === undefined || raw === null) {
      if (partial || fallback !== undefined) at[property] = specsSpan;
      if (partial)
        return unknown(
          `${key} is not in the literal extra_specs and may come from ${partial.reason.replace(/^local \S+ is not declared$/, 'a local the scan does not have')}`,
        );
      if (fallback !== undefined) defaults[property] = novaDefault(key);
      return fallback;
    }
    at[property] = input.spans.key(specs, key, specsSpan);
    const text = toText(raw);
    if (text === undefined || isUnknown(text)) return text;
    const value = text.trim().toLowerCase();
    if (allowed && !(allowed as readonly string[]).includes(value))
      return unknown(`${key} = "${text}" is not a value Nova accepts`);
    return (allowed ? value : text) as T;
  }

  const cpuPolicy = spec('hw:cpu_policy', 'cpuPolicy', CPU_POLICIES, 'shared')!;
  const cpuThreadPolicy = spec('hw:cpu_thread_policy', 'cpuThreadPolicy', THREAD_POLICIES, 'prefer')!;
  const encryption = spec(
    'hw:mem_encryption',
    'memoryEncryption',
    ['true', 'false', 'yes', 'no', '1', '0', 'on', 'off'],
    'false',
  )!;
  const memoryPageSize = spec<string>('hw:mem_page_size', 'memoryPageSize', undefined, undefined);
  const flavor: NovaFlavorSettings = {
    cpuPolicy,
    cpuThreadPolicy,
    memoryEncryption: isUnknown(encryption) ? encryption : ['true', 'yes', '1', 'on'].includes(encryption),
  };
  if (memoryPageSize !== undefined) flavor.memoryPageSize = memoryPageSize;

  const vcpus = toNumber(resolve(p.vcpus));
  const ram = toNumber(resolve(p.ram));
  if (p.vcpus !== undefined) at.vcpus = input.spans.key(p, 'vcpus', input.source);
  if (p.ram !== undefined) at.memory = input.spans.key(p, 'ram', input.source);
  return {
    kind: 'instance',
    id: input.id,
    label: input.label,
    vcpus: vcpus ?? unknown('the flavor does not declare vcpus'),
    memoryMiB: ram ?? unknown('the flavor does not declare ram'),
    flavor,
    source: input.source,
    at,
    defaults,
    suppressions: input.suppressions,
  };
}

/** Nova's value for an extra spec a flavor does not set (https://docs.openstack.org/nova/latest/configuration/extra-specs.html). */
function novaDefault(key: string): Default {
  return { name: 'Nova default', why: `${key} is not in the flavor's extra_specs` };
}

// Terraform (terraform-provider-openstack): `openstack_compute_flavor_v2` with name, ram, vcpus, disk,
// is_public and an `extra_specs` map, in .tf files and plan JSON alike.
registerTerraformResourceType('openstack_compute_flavor_v2', (resource, { fragment, scope, spans }) => {
  fragment.add(
    flavorNode({
      id: scope.idOf(resource.address),
      label: resource.address,
      properties: resource.values,
      spans,
      source: resource.typeSpan,
      suppressions: resource.suppressions,
    }),
  );
});
