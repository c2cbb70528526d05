import type { InlineSuppression, InstanceNode, LaunchedBy } from '../../model/nodes.js';
import { NO_SPANS } from '../../model/nodes.js';
import { provenanceOf } from '../../model/provenance.js';
import type { SourceSpan } from '../../model/source.js';
import { isUnknown, unknown } from '../../model/unknown.js';
import type { AwsFragment } from './fragment.js';

/**
 * EC2 Auto Scaling groups (AWS::AutoScaling::AutoScalingGroup, aws_autoscaling_group) as machines. A group
 * launches its instances from a launch template (a version of it) or a launch configuration, directly or
 * through a mixed instances policy and its overrides
 * (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_LaunchTemplateSpecification.html). The group
 * is one machine description for every instance it launches: it takes its settings from what it launches,
 * so the template is judged once, at its own lines, and its findings name the groups that launch it.
 */

/**
 * The version a launch template specification launches when it names none: "The default value is
 * `$Default`" (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_LaunchTemplateSpecification.html;
 * RunInstances likewise takes the default version). Both formats apply it from here.
 */
export const UNSET_VERSION = '$Default';

/** One template or configuration a group launches, as the group names it. */
export interface Launch {
  /** Node id of the launch template or configuration (in this input). */
  template: string;
  /** The line that names it. */
  source: SourceSpan;
  /** The version as written: `$Latest`, `$Default`, a number, or how it is computed. */
  version: string;
  /** Why that version may not be the template as written; absent when it is. */
  assumption?: string;
  instanceTypes?: string[];
}

export interface AutoScalingGroupSpec {
  id: string;
  label: string;
  source: SourceSpan;
  suppressions: readonly InlineSuppression[];
  launches: Launch[];
}

/**
 * The group's machine node, linked to what it launches. Called once every resource of the input is read:
 * the security groups and interfaces of the template filter the group's instances too (they get the
 * template's edges), and the template records the group (`launchedBy`).
 *
 * When the group launches a version that is the template as written, the group leaves its settings unset
 * (the template's findings stand for it, with the group as a related location). When the version may be
 * another one, the group's HttpTokens is unknown for that reason, at the template's line: what is written is
 * quoted, and the verdict is a note, never an error based on a guess.
 */
export function addAutoScalingGroup(fragment: AwsFragment, spec: AutoScalingGroupSpec): void {
  const node: InstanceNode = {
    kind: 'instance',
    id: spec.id,
    label: spec.label,
    awsKind: 'auto-scaling-group',
    vcpus: unknown('the instance types the group launches decide'),
    memoryMiB: unknown('the instance types the group launches decide'),
    source: spec.source,
    at: NO_SPANS,
    suppressions: spec.suppressions,
  };
  const at: Record<string, SourceSpan> = {};
  for (const launch of spec.launches) {
    if (!recordLaunch(fragment, node, 'auto scaling group', launch, at)) continue;
    // The group and its (first) template are one machine, as an instance and its template are.
    node.launchTemplate ??= launch.template;
    // The template's security groups and network interfaces filter the group's instances.
    for (const edge of [...fragment.edges]) {
      if (edge.kind !== 'attaches' || edge.to !== launch.template) continue;
      const from = fragment.node(edge.from);
      if (from?.kind === 'securityGroup' || from?.kind === 'nic' || from === undefined)
        fragment.edge('attaches', edge.from, spec.id, edge.source);
    }
  }
  // Nothing it launches is in this input (a template of another stack or module, an id, a parameter): its
  // settings are not known here, which is a note rather than silence.
  if (!spec.launches.some((launch) => fragment.node(launch.template)?.kind === 'instance'))
    node.metadataTokens = unknown(
      'the launch template or configuration it launches is not in this input, so its settings are not known here',
    );
  if (Object.keys(at).length) node.at = at;
  fragment.add(node);
}

/**
 * An instance started from a launch template of the input (`LaunchTemplate`, `launch_template`) and the
 * version it names, by the same version rules as a group's: called once every resource is read.
 */
export function linkInstanceLaunch(fragment: AwsFragment, instanceId: string, launch: Launch): void {
  const instance = fragment.node(instanceId);
  if (instance?.kind !== 'instance') return;
  const at: Record<string, SourceSpan> = {};
  recordLaunch(fragment, instance, 'instance', launch, at);
  if (Object.keys(at).length) instance.at = { ...instance.at, ...at };
}

/**
 * The template records the machine and the version; a version that may not be the template as written
 * leaves the machine's HttpTokens unknown for that reason (unless the machine sets its own), at the
 * template's line. False when the template is not in this input.
 */
function recordLaunch(
  fragment: AwsFragment,
  machine: InstanceNode,
  kind: LaunchedBy['kind'],
  launch: Launch,
  at: Record<string, SourceSpan>,
): boolean {
  const template = fragment.node(launch.template);
  if (template?.kind !== 'instance') return false;
  const entry: LaunchedBy = {
    machine: machine.id,
    kind,
    name: machine.label ?? machine.id,
    source: launch.source,
    version: launch.version,
  };
  if (launch.assumption) entry.assumption = launch.assumption;
  if (launch.instanceTypes?.length) entry.instanceTypes = launch.instanceTypes;
  (template.launchedBy ??= []).push(entry);
  if (!machine.launches?.includes(template.id)) machine.launches = [...(machine.launches ?? []), template.id];
  if (launch.assumption && template.metadataTokens !== undefined && machine.metadataTokens === undefined) {
    const written = isUnknown(template.metadataTokens)
      ? `cannot be read there (${template.metadataTokens.reason})`
      : provenanceOf(template, 'metadataTokens', template.metadataTokens).how === 'defaulted'
        ? `is not set there (the AWS default makes it '${template.metadataTokens}')`
        : `is '${template.metadataTokens}' there`;
    machine.metadataTokens = unknown(
      `it launches version ${launch.version} of ${templateKind(template)} '${template.label ?? template.id}', ${launch.assumption}; as written, HttpTokens ${written}`,
    );
    at.metadataTokens = template.at.metadataTokens ?? template.source;
  }
  return true;
}

function templateKind(node: InstanceNode): string {
  return node.awsKind === 'launch-configuration' ? 'launch configuration' : 'launch template';
}
