import type {
  AttachedPolicy,
  InlineSuppression,
  InstanceNode,
  KeyNode,
  PolicyStatement,
  RoleNode,
  SecurityGroupNode,
  VolumeNode,
} from '../../model/nodes.js';
import type { Default } from '../../model/provenance.js';
import { OWN_ACCOUNT } from '../../model/policy.js';
import { awsManagedPolicy } from '../aws/managed-policies.js';
import { policyDocument } from './policies.js';
import { NO_SPANS } from '../../model/nodes.js';
import type { SourceSpan } from '../../model/source.js';
import { isUnknown, unknown, type Maybe } from '../../model/unknown.js';
import { addImageRootVolume, ebsEncryption, enclaveOptions, metadataOptions } from '../aws/defaults.js';
import {
  addNodeGroup,
  AwsFragment,
  ec2InstanceNode,
  ingressRules,
  readPolicy,
  roleNameOfArn,
  Spans,
  type IngressSpec,
} from '../aws/fragment.js';
import { addAutoScalingGroup, linkInstanceLaunch, UNSET_VERSION, type Launch } from '../aws/auto-scaling.js';
import { isRecord, isReference, JsonText, referencesIn, toBoolean, toList, toNumber, toText } from '../aws/values.js';
import { cloudInitLogin } from '../cloud-init.js';
import { isLaunchText, machineLaunches, userDataSegments } from '../launch-scripts.js';
import { linePlacement, readTemplate, templateTarget } from './template-files.js';
import type { LocatedDocument } from '../located.js';
import { SELECTION_MINIMUM } from '../../model/ec2-instance-types.js';

/**
 * Terraform resources (hashicorp/aws) onto the graph, shared by .tf files and plan JSON: both give
 * values shaped like `terraform show -json` (nested blocks are lists of objects), with positions,
 * Unknowns and References (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-instance.html, https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/instance).
 */
export interface TfResource {
  /** `aws_instance.web`, with `module.x.` in front inside modules of a plan. */
  address: string;
  type: string;
  /** A data source (`data "aws_iam_policy_document" "x"`): read when something refers to it, never a node. */
  data?: true;
  values: Record<string, unknown>;
  /** The resource's first line: where findings about a missing property land. */
  typeSpan: SourceSpan;
  suppressions: readonly InlineSuppression[];
  document: LocatedDocument;
}

export interface TfScope {
  /** Node id of a resource address. */
  idOf(address: string): string;
  /** Any resource of the module or plan, for following references (instance profile → role). */
  resource(address: string): TfResource | undefined;
  /** All resources of the module or plan (roles by name). */
  resources(): Iterable<TfResource>;
  /** Absolute path of a file shown as `display` (template files of user_data), where the scope knows it. */
  absolute?: (display: string) => string;
}

/** Root device names of Linux and Windows AMIs (/dev/xvda, /dev/sda1): the AMI says which is root. */
const ROOT_DEVICE_NAMES = new Set(['/dev/xvda', '/dev/sda1', '/dev/sda', 'xvda']);

const INSTANCE_TYPES: Record<string, NonNullable<InstanceNode['awsKind']>> = {
  aws_instance: 'instance',
  aws_launch_template: 'launch-template',
  aws_launch_configuration: 'launch-configuration',
};

// --- Resource types mapped outside this AWS mapper (OpenStack flavors in src/ingest/hypervisor/nova-flavor.ts;
// the libvirt provider may follow). .tf files and plan JSON both reach them through `map`, so the HCL parser
// and the plan reader are not duplicated. A registration is a module side effect: src/ingest/index.ts imports
// every registering module before any file is read.
export interface TfResourceContext {
  fragment: AwsFragment;
  scope: TfScope;
  spans: Spans;
}
export type TfResourceMapper = (resource: TfResource, context: TfResourceContext) => void;
const externalMappers = new Map<string, TfResourceMapper>();

/** Maps resources of `type` (one not in hashicorp/aws) with `mapper`; the last registration wins. */
export function registerTerraformResourceType(type: string, mapper: TfResourceMapper): void {
  externalMappers.set(type, mapper);
}
// --- end of external resource types

export class TerraformMapper {
  private readonly pendingIngress: Array<{ groupId: string; rules: ReturnType<typeof ingressRules> }> = [];
  /** The module's `aws_default_security_group`s and launch templates, looked up once. */
  private defaultGroups?: TfResource[];
  private launchTemplates?: TfResource[];

  constructor(
    private readonly fragment: AwsFragment,
    private readonly scope: TfScope,
  ) {}

  /**
   * Enclave launches in `user_data` (src/ingest/launch-scripts.ts): a heredoc or a string in the .tf file, found
   * at its lines; `base64encode(…)` decoded; a `templatefile(…)` or `file(…)` target at the lines of that file.
   */
  private readLaunches(resource: TfResource, node: InstanceNode, id: string, property: SourceSpan): void {
    const raw = resource.values.user_data;
    let text: unknown = raw instanceof JsonText ? raw.text : raw;
    if (typeof text === 'string' && !text.includes('\n') && /^[A-Za-z0-9+/=\s]{16,}$/.test(text)) {
      const decoded = Buffer.from(text, 'base64').toString('utf8');
      // Printable text only: a binary (gzip) payload stays as it is.
      if (/^[\t\n\r\x20-\x7e]*$/.test(decoded.slice(0, 200))) text = decoded;
    }
    if (typeof text !== 'string' || !isLaunchText(text)) return;
    const context = {
      template: resource.document,
      property,
      absolutePath: resource.document.file,
      parent: id,
      suppressions: resource.suppressions,
    };
    let segments = userDataSegments(text, context);
    // The rendered text of a template file: placed at that file's lines (line for line when the template has no
    // directives that add or drop lines; interpolated lines keep their line, not their exact column).
    const target = templateTarget(resource.document, property, this.scope.absolute);
    if (target && segments.length > 0) {
      const templateText = readTemplate(target.absolute);
      if (templateText !== undefined) {
        const placed = linePlacement(text, target.display, templateText);
        if (placed)
          segments = userDataSegments(text, {
            ...context,
            template: { file: target.display, lines: placed.lines },
            property: placed.property,
          });
      }
    }
    const launches = machineLaunches(segments, context);
    if (!launches) return;
    if (launches.pool) node.enclavePool = launches.pool;
    for (const launched of launches.nodes) this.fragment.add(launched);
    for (const edge of launches.edges) this.fragment.edges.push(edge);
    for (const { source, message } of launches.skipped) this.fragment.skip(source, message);
  }

  map(resource: TfResource): void {
    if (resource.values.count === 0) return;
    const awsKind = INSTANCE_TYPES[resource.type];
    if (awsKind) return this.instance(resource, awsKind);
    switch (resource.type) {
      case 'aws_ebs_volume':
        return this.volume(resource);
      case 'aws_autoscaling_group':
        // Read last (finish): a group takes the edges of the template it launches.
        this.autoScalingGroups.push(resource);
        return;
      case 'aws_ami':
        return this.imageDevices(resource);
      case 'aws_volume_attachment': {
        const volume = resource.values.volume_id;
        const instance = resource.values.instance_id;
        if (isReference(volume) && isReference(instance)) {
          this.fragment.edge(
            'attaches',
            this.scope.idOf(volume.target),
            this.scope.idOf(instance.target),
            resource.typeSpan,
          );
        }
        return;
      }
      case 'aws_security_group':
      case 'aws_default_security_group':
        return this.securityGroup(resource);
      case 'aws_security_group_rule':
      case 'aws_vpc_security_group_ingress_rule':
        return this.standaloneIngress(resource);
      case 'aws_network_interface': {
        const id = this.scope.idOf(resource.address);
        const spans = new Spans(resource.document);
        this.fragment.add({
          kind: 'nic',
          id,
          label: resource.address,
          source: resource.typeSpan,
          at: NO_SPANS,
          suppressions: resource.suppressions,
        });
        const groupSpan = spans.key(resource.values, 'security_groups', resource.typeSpan);
        for (const ref of referencesIn(resource.values.security_groups))
          this.fragment.edge('attaches', this.scope.idOf(ref.target), id, groupSpan);
        for (const attachment of toList(resource.values.attachment)) {
          const instance = isRecord(attachment) ? attachment.instance : undefined;
          if (isReference(instance)) this.fragment.edge('attaches', id, this.scope.idOf(instance.target), groupSpan);
        }
        return;
      }
      case 'aws_network_interface_attachment':
      case 'aws_network_interface_sg_attachment': {
        const nic = resource.values.network_interface_id;
        const other = resource.type === 'aws_network_interface_attachment' ? resource.values.instance_id : undefined;
        const group =
          resource.type === 'aws_network_interface_sg_attachment' ? resource.values.security_group_id : undefined;
        if (isReference(nic) && isReference(other))
          this.fragment.edge('attaches', this.scope.idOf(nic.target), this.scope.idOf(other.target), resource.typeSpan);
        if (isReference(nic) && isReference(group))
          this.fragment.edge('attaches', this.scope.idOf(group.target), this.scope.idOf(nic.target), resource.typeSpan);
        return;
      }
      case 'aws_iam_role':
        return this.role(resource);
      case 'aws_eks_node_group': {
        const remote = this.first(resource.values.remote_access);
        const groups = isRecord(remote) ? remote.source_security_group_ids : undefined;
        const spans = new Spans(resource.document);
        const template = this.launchTemplateOf(resource.values);
        return addNodeGroup(this.fragment, {
          ...(template !== undefined ? { launchTemplate: this.scope.idOf(template) } : {}),
          id: this.scope.idOf(resource.address),
          label: resource.address,
          source: resource.typeSpan,
          suppressions: resource.suppressions,
          remoteAccess: isRecord(remote) ? spans.key(resource.values, 'remote_access', resource.typeSpan) : undefined,
          sourceGroups: isUnknown(groups) ? groups : toList(groups),
        });
      }
      case 'aws_kms_key':
        return this.key(resource);
      case 'aws_iam_policy':
      case 'aws_iam_role_policy':
      case 'aws_iam_role_policy_attachment':
      case 'aws_kms_key_policy':
        return; // read with the role or key they attach to
      case 'aws_ebs_encryption_by_default': {
        const enabled = toBoolean(resource.values.enabled);
        const spans = new Spans(resource.document);
        this.fragment.add({
          kind: 'account',
          id: this.scope.idOf(resource.address),
          label: resource.address,
          // "enabled" defaults to true; removing the resource turns it off (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ebs_encryption_by_default).
          ebsEncryptionByDefault: enabled ?? true,
          source: resource.typeSpan,
          at: { ebsEncryptionByDefault: spans.key(resource.values, 'enabled', resource.typeSpan) },
          suppressions: resource.suppressions,
        });
        return;
      }
      default: {
        const external = externalMappers.get(resource.type);
        if (external)
          external(resource, { fragment: this.fragment, scope: this.scope, spans: new Spans(resource.document) });
        return;
      }
    }
  }

  private readonly autoScalingGroups: TfResource[] = [];
  private readonly launchedInstances: TfResource[] = [];

  /** Standalone ingress rules join their group, and auto scaling groups are read, once every resource is read. */
  finish(): void {
    for (const resource of this.autoScalingGroups) this.autoScalingGroup(resource);
    // Instances started from a launch template of the module name the version they launch, by the same rules.
    for (const resource of this.launchedInstances) {
      const spec = this.first(resource.values.launch_template);
      const spans = new Spans(resource.document);
      const launch = isRecord(spec)
        ? this.launchOf(spec, spans.key(resource.values, 'launch_template', resource.typeSpan))
        : undefined;
      if (launch) linkInstanceLaunch(this.fragment, this.scope.idOf(resource.address), launch);
    }
    const groups = new Map(
      this.fragment.nodes.filter((n): n is SecurityGroupNode => n.kind === 'securityGroup').map((n) => [n.id, n]),
    );
    for (const { groupId, rules } of this.pendingIngress) groups.get(groupId)?.ingress.push(...rules);
  }

  pendingFor(): Array<{ groupId: string; rules: ReturnType<typeof ingressRules> }> {
    return this.pendingIngress;
  }

  private first(value: unknown): unknown {
    return Array.isArray(value) ? value[0] : value;
  }

  private instance(resource: TfResource, awsKind: NonNullable<InstanceNode['awsKind']>): void {
    const v = resource.values;
    const spans = new Spans(resource.document);
    const id = this.scope.idOf(resource.address);
    const fallback = resource.typeSpan;
    const at: Record<string, SourceSpan> = {};
    const launchTemplate = awsKind === 'instance' ? this.launchTemplateOf(v) : undefined;
    const inherits = launchTemplate !== undefined;
    if (inherits) this.launchedInstances.push(resource);

    // --- AWS defaults for what the machine leaves unset: decided in src/ingest/aws/defaults.ts.
    const defaults: Record<string, Default> = {};
    const metadata = this.first(v.metadata_options);
    const image = awsKind === 'instance' ? v.ami : v.image_id;
    const {
      metadataTokens,
      metadataEndpoint,
      defaults: metadataDefaults,
    } = metadataOptions({
      block: metadata,
      tokens: isRecord(metadata) ? metadata.http_tokens : undefined,
      endpoint: isRecord(metadata) ? metadata.http_endpoint : undefined,
      image,
      inherits,
      setting: 'http_tokens',
    });
    Object.assign(defaults, metadataDefaults);
    if (isRecord(metadata)) {
      const blockSpan = spans.key(v, 'metadata_options', fallback);
      at.metadataTokens = spans.key(metadata, 'http_tokens', blockSpan);
      at.metadataEndpoint = spans.key(metadata, 'http_endpoint', at.metadataTokens);
    }
    if (defaults.metadataTokens?.basedOn !== undefined)
      at.image = spans.key(v, awsKind === 'instance' ? 'ami' : 'image_id', fallback);

    const enclave = this.first(v.enclave_options);
    const enclaves = enclaveOptions(enclave, isRecord(enclave) ? enclave.enabled : undefined, inherits);
    const enclaveEnabled = enclaves.enclaveEnabled;
    if (enclaves.default) defaults.enclaveEnabled = enclaves.default;
    if (isRecord(enclave)) at.enclaveEnabled = spans.key(enclave, 'enabled', spans.key(v, 'enclave_options', fallback));

    // Hibernation and enclaves cannot be used together (https://docs.aws.amazon.com/enclaves/latest/user/nitro-enclave.html#nitro-enclave-reqs).
    const hibernationBlock = this.first(v.hibernation_options);
    const hibernation =
      awsKind === 'launch-template'
        ? isRecord(hibernationBlock)
          ? toBoolean(hibernationBlock.configured)
          : undefined
        : toBoolean(v.hibernation);
    if (hibernation !== undefined)
      at.hibernation =
        awsKind === 'launch-template'
          ? spans.key(hibernationBlock, 'configured', spans.key(v, 'hibernation_options', fallback))
          : spans.key(v, 'hibernation', fallback);

    let keyName: Maybe<string> | undefined;
    const keyValue = v.key_name;
    if (isReference(keyValue)) {
      const pair = this.scope.resource(keyValue.target);
      const name = pair ? toText(pair.values.key_name) : undefined;
      keyName = typeof name === 'string' ? name : keyValue.target;
    } else {
      const text = toText(keyValue);
      keyName = text === '' ? undefined : text;
    }
    if (keyName !== undefined) at.keyName = spans.key(v, 'key_name', fallback);

    const placement = this.first(v.placement);
    let tenancy = toText(
      awsKind === 'launch-template'
        ? isRecord(placement)
          ? placement.tenancy
          : undefined
        : awsKind === 'launch-configuration'
          ? v.placement_tenancy
          : v.tenancy,
    );
    if (tenancy === undefined && v.host_id !== undefined && v.host_id !== null) tenancy = 'host';

    // The type gives capacity (src/model/ec2-instance-types.ts) for checking enclaves against their parent.
    const instanceType = toText(v.instance_type);
    if (instanceType !== undefined) at.instanceType = spans.key(v, 'instance_type', fallback);

    const node = this.fragment.add(
      ec2InstanceNode({
        id,
        label: resource.address,
        awsKind,
        instanceType,
        metadataTokens,
        metadataEndpoint,
        enclaveEnabled,
        launchTemplate: launchTemplate !== undefined ? this.scope.idOf(launchTemplate) : undefined,
        hibernation,
        keyName,
        tenancy,
        // cloud-init user data (no-password-only-login); `user_data_base64` and computed values are not read.
        cloudInit:
          v.user_data !== undefined && v.user_data !== null
            ? cloudInitLogin(
                v.user_data instanceof JsonText ? v.user_data.text : v.user_data,
                resource.document,
                spans.key(v, 'user_data', fallback),
              )
            : undefined,
        source: fallback,
        at,
        defaults,
        suppressions: resource.suppressions,
      }),
    );
    this.readLaunches(resource, node, id, spans.key(v, 'user_data', fallback));
    // Attribute-based type selection (`instance_requirements`): judged by its minimums, the smallest machine EC2
    // may pick (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/launch_template#instance_requirements).
    const requirements = this.first(v.instance_requirements);
    if (instanceType === undefined && isRecord(requirements)) {
      const minimum = (key: string, property: 'vcpus' | 'memory') => {
        const range = this.first(requirements[key]);
        const value = isRecord(range) ? toNumber(range.min) : undefined;
        if (typeof value !== 'number') return unknown(`instance_requirements.${key} sets no minimum`);
        node.at = { ...node.at, [property]: spans.key(range, 'min', spans.key(requirements, key, fallback)) };
        node.defaults = { ...node.defaults, [property]: SELECTION_MINIMUM };
        return value;
      };
      node.vcpus = minimum('vcpu_count', 'vcpus');
      node.memoryMiB = minimum('memory_mib', 'memory');
    }

    // Block devices: root_block_device / ebs_block_device (instance, launch configuration),
    // block_device_mappings[].ebs (launch template).
    const devices: Array<{ key: string; index: number; source: SourceSpan; ebs: unknown; root?: boolean }> = [];
    for (const key of ['root_block_device', 'ebs_block_device']) {
      toList(v[key]).forEach((device, index) =>
        devices.push({ key, index, source: spans.key(v[key], index, spans.key(v, key, fallback)), ebs: device }),
      );
    }
    toList(v.block_device_mappings).forEach((mapping, index) => {
      const ebs = isRecord(mapping) ? this.first(mapping.ebs) : undefined;
      const item = spans.key(v.block_device_mappings, index, spans.key(v, 'block_device_mappings', fallback));
      if (ebs !== undefined)
        devices.push({
          key: 'block_device_mappings',
          index,
          source: spans.key(mapping, 'ebs', item),
          ebs,
          root: isRecord(mapping) && ROOT_DEVICE_NAMES.has(String(mapping.device_name)),
        });
    });
    for (const { key, index, source, ebs, root: mappedRoot } of devices) {
      const volumeId = `${id}/${key}/${index}`;
      const root = key === 'root_block_device' || mappedRoot === true;
      const device = isRecord(ebs) ? toText(ebs.device_name) : undefined;
      this.fragment.add({
        kind: 'volume',
        id: volumeId,
        label: `${resource.address} ${typeof device === 'string' ? device : key}${index ? `[${index}]` : ''}`,
        volumeKind: 'ebs',
        ...this.encryption(ebs, spans, source, root),
        wipe: 'on-release',
        source,
        suppressions: resource.suppressions,
      });
      this.fragment.edge('attaches', volumeId, id, source);
    }
    // No root device mapped: EC2 makes it from the AMI's root snapshot.
    const rootMapped = devices.some(({ key, root }) => key === 'root_block_device' || root === true);
    const mappingsKnown = !isUnknown(v.root_block_device) && !isUnknown(v.block_device_mappings);
    if (!rootMapped && !inherits && mappingsKnown)
      addImageRootVolume(this.fragment, {
        id,
        label: resource.address,
        source: fallback,
        suppressions: resource.suppressions,
      });

    // Security groups, directly or on network interfaces.
    const groupSources: Array<[unknown, string]> = [
      [v, 'vpc_security_group_ids'],
      [v, 'security_groups'],
      [v, 'security_group_names'],
    ];
    for (const nic of toList(v.network_interfaces)) groupSources.push([nic, 'security_groups']);
    let namesGroups = false;
    for (const [container, key] of groupSources) {
      if (!isRecord(container)) continue;
      const value = container[key];
      if (value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0)) namesGroups = true;
      for (const ref of referencesIn(value)) {
        this.fragment.edge('attaches', this.scope.idOf(ref.target), id, spans.key(container, key, fallback));
      }
    }
    // Interfaces declared on their own (`network_interface { network_interface_id = aws_network_interface.x.id }`).
    for (const nic of [...toList(v.network_interface), ...toList(v.network_interfaces)]) {
      if (!isRecord(nic)) continue;
      const existing = nic.network_interface_id;
      if (isReference(existing) && this.scope.resource(existing.target)?.type === 'aws_network_interface') {
        namesGroups = true;
        this.fragment.edge(
          'attaches',
          this.scope.idOf(existing.target),
          id,
          spans.key(v, 'network_interface', fallback),
        );
      }
    }
    // An instance that names no group (and no launch template that could) gets its VPC's default group
    // ("If you don't specify a security group, we use the default security group for the VPC", EC2 user guide).
    if (awsKind === 'instance' && !namesGroups && !inherits && v.launch_template === undefined) {
      this.defaultGroups ??= [...this.scope.resources()].filter((r) => r.type === 'aws_default_security_group');
      if (this.defaultGroups.length === 1)
        this.fragment.edge('attaches', this.scope.idOf(this.defaultGroups[0].address), id, fallback);
    }

    // Instance profile → its role.
    const profileValue = awsKind === 'launch-template' ? this.first(v.iam_instance_profile) : v.iam_instance_profile;
    for (const ref of referencesIn(profileValue)) {
      const profile = this.scope.resource(ref.target);
      if (profile?.type !== 'aws_iam_instance_profile') continue;
      for (const role of referencesIn(profile.values.role)) {
        this.fragment.edge('uses', id, this.scope.idOf(role.target), spans.key(v, 'iam_instance_profile', fallback));
      }
    }
  }

  /**
   * An auto scaling group: what it launches, by `launch_template`, `mixed_instances_policy.launch_template`
   * (its specification and each override's) or `launch_configuration`
   * (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/autoscaling_group).
   */
  private autoScalingGroup(resource: TfResource): void {
    const v = resource.values;
    const spans = new Spans(resource.document);
    const fallback = resource.typeSpan;
    const launches: Launch[] = [];
    const direct = this.first(v.launch_template);
    if (isRecord(direct)) this.pushLaunch(launches, direct, spans.key(v, 'launch_template', fallback));
    const policy = this.first(v.mixed_instances_policy);
    const mixed = isRecord(policy) ? this.first(policy.launch_template) : undefined;
    if (isRecord(mixed)) {
      const mixedSpan = spans.key(policy, 'launch_template', spans.key(v, 'mixed_instances_policy', fallback));
      const overrides = toList(mixed.override).filter(isRecord);
      const types = overrides
        .filter((override) => !isRecord(this.first(override.launch_template_specification)))
        .map((override) => toText(override.instance_type))
        .filter((type): type is string => typeof type === 'string');
      const specification = this.first(mixed.launch_template_specification);
      if (isRecord(specification))
        this.pushLaunch(launches, specification, spans.key(mixed, 'launch_template_specification', mixedSpan), types);
      overrides.forEach((override, index) => {
        const own = this.first(override.launch_template_specification);
        if (!isRecord(own)) return;
        const type = toText(override.instance_type);
        const span = spans.key(
          override,
          'launch_template_specification',
          spans.key(mixed.override, index, spans.key(mixed, 'override', mixedSpan)),
        );
        this.pushLaunch(launches, own, span, typeof type === 'string' ? [type] : undefined);
      });
    }
    const configuration = this.launchConfigurationOf(v.launch_configuration);
    if (configuration !== undefined)
      launches.push({
        template: this.scope.idOf(configuration),
        source: spans.key(v, 'launch_configuration', fallback),
        version: 'as written: a launch configuration has no versions',
      });
    addAutoScalingGroup(this.fragment, {
      id: this.scope.idOf(resource.address),
      label: resource.address,
      source: fallback,
      suppressions: resource.suppressions,
      launches,
    });
  }

  /**
   * A launch template specification and the version it names (`version`, `$Default` when unset). The
   * resource as written is the template's latest version: `aws_launch_template` adds a version on each
   * change, and moves the default version to it only with `update_default_version = true`
   * (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/launch_template). So
   * `$Latest` and `latest_version` launch what is written, `$Default` and `default_version` do only with
   * update_default_version, and a number only if it is the latest: otherwise what is written is judged with
   * that assumption named.
   */
  private pushLaunch(launches: Launch[], spec: Record<string, unknown>, source: SourceSpan, instanceTypes?: string[]) {
    const launch = this.launchOf(spec, source, instanceTypes);
    if (launch) launches.push(launch);
  }

  private launchOf(spec: Record<string, unknown>, source: SourceSpan, instanceTypes?: string[]): Launch | undefined {
    const address = this.launchTemplateOf({
      launch_template: [{ id: spec.id ?? spec.launch_template_id, name: spec.name ?? spec.launch_template_name }],
    });
    if (address === undefined) return undefined;
    const template = this.scope.resource(address)!;
    const version = spec.version;
    const movesDefault = template.values.update_default_version === true;
    const pinned = toText(template.values.default_version);
    const defaultAssumption = movesDefault
      ? undefined
      : typeof pinned === 'string'
        ? `which Terraform pins to default_version = ${pinned}, not necessarily the template as written`
        : 'which is the template as written only while it has one version: Terraform moves the default version to a new one only with update_default_version = true';
    let written: string;
    let assumption: string | undefined;
    if (isReference(version) && version.target === address && version.attribute === 'latest_version')
      written = `version ${address}.latest_version: the template as written`;
    else if (isReference(version) && version.target === address && version.attribute === 'default_version') {
      written = `${address}.default_version`;
      assumption = defaultAssumption;
      if (!assumption) written = `version ${written}: the template as written (update_default_version = true)`;
    } else {
      const text = version === undefined || version === null ? UNSET_VERSION : toText(version);
      if (text === '$Latest') written = 'version $Latest: the template as written';
      else if (text === '$Default') {
        written = version === undefined || version === null ? '$Default (no version is given)' : text;
        assumption = defaultAssumption;
        if (!assumption) written = `version ${written}: the template as written (update_default_version = true)`;
      } else if (typeof text === 'string') {
        written = text;
        assumption =
          'which is the template as written only if it is the latest version, which the configuration cannot tell';
      } else {
        written = '(decided at apply time)';
        assumption = `which cannot be known to be the template as written (${isUnknown(text) ? text.reason : 'no version'})`;
      }
    }
    return { template: this.scope.idOf(address), source, version: written, assumption, instanceTypes };
  }

  /** The launch configuration of the scan a group names: by reference (`.name`, `.id`) or its literal name. */
  private launchConfigurationOf(value: unknown): string | undefined {
    for (const ref of referencesIn(value))
      if (this.scope.resource(ref.target)?.type === 'aws_launch_configuration') return ref.target;
    if (typeof value !== 'string') return undefined;
    for (const resource of this.scope.resources())
      if (resource.type === 'aws_launch_configuration' && resource.values.name === value) return resource.address;
    return undefined;
  }

  /** The launch template of the scan an instance starts from: by id or name, a reference or a literal name. */
  private launchTemplateOf(values: Record<string, unknown>): string | undefined {
    const spec = this.first(values.launch_template);
    if (!isRecord(spec)) return undefined;
    for (const ref of referencesIn([spec.id, spec.name])) {
      if (this.scope.resource(ref.target)?.type === 'aws_launch_template') return ref.target;
    }
    if (typeof spec.name === 'string') {
      this.launchTemplates ??= [...this.scope.resources()].filter((r) => r.type === 'aws_launch_template');
      return this.launchTemplates.find((resource) => resource.values.name === spec.name)?.address;
    }
    return undefined;
  }

  /** `encrypted` of a volume or block device, with the AWS default for what it leaves unset (src/ingest/aws/defaults.ts). */
  private encryption(
    container: unknown,
    spans: Spans,
    fallback: SourceSpan,
    fromImage = false,
  ): Pick<VolumeNode, 'encrypted' | 'encryptionFromSnapshot' | 'at' | 'defaults'> {
    const record = isRecord(container) ? container : {};
    const snapshot = record.snapshot_id;
    const decided = ebsEncryption({
      container: isUnknown(container) ? container : record,
      encrypted: record.encrypted,
      fromSnapshot: snapshot !== undefined && snapshot !== null && snapshot !== '',
      fromImage,
    });
    return {
      encrypted: decided.encrypted,
      ...(decided.encryptionFromSnapshot ? { encryptionFromSnapshot: true } : {}),
      ...(decided.default ? { defaults: { encrypted: decided.default } } : {}),
      at: decided.written ? { encrypted: spans.key(record, 'encrypted', fallback) } : NO_SPANS,
    };
  }

  /**
   * `aws_ami` ebs_block_device: each mapping is the volume every instance of the image gets; unset
   * `encrypted` follows its snapshot, or with none the AWS default (unencrypted).
   */
  private imageDevices(resource: TfResource): void {
    const v = resource.values;
    const spans = new Spans(resource.document);
    const id = this.scope.idOf(resource.address);
    toList(v.ebs_block_device).forEach((device, index) => {
      const source = spans.key(v.ebs_block_device, index, spans.key(v, 'ebs_block_device', resource.typeSpan));
      const name = isRecord(device) ? toText(device.device_name) : undefined;
      this.fragment.add({
        kind: 'volume',
        id: `${id}/ebs_block_device/${index}`,
        label: `${resource.address} ${typeof name === 'string' ? name : `ebs_block_device[${index}]`} (image block device)`,
        volumeKind: 'ebs',
        ...this.encryption(device, spans, source),
        wipe: 'on-release',
        source,
        suppressions: resource.suppressions,
      });
    });
  }

  private volume(resource: TfResource): void {
    const spans = new Spans(resource.document);
    this.fragment.add({
      kind: 'volume',
      id: this.scope.idOf(resource.address),
      label: resource.address,
      volumeKind: 'ebs',
      ...this.encryption(resource.values, spans, resource.typeSpan),
      wipe: 'on-release',
      source: resource.typeSpan,
      suppressions: resource.suppressions,
    });
  }

  private ingressSpec(
    rule: Record<string, unknown>,
    spans: Spans,
    fallback: SourceSpan,
    suppressions: readonly InlineSuppression[],
  ): IngressSpec {
    const peers: IngressSpec['peers'] = [];
    for (const key of [
      'cidr_blocks',
      'ipv6_cidr_blocks',
      'cidr_ipv4',
      'cidr_ipv6',
      'prefix_list_ids',
      'prefix_list_id',
      'security_groups',
      'source_security_group_id',
      'referenced_security_group_id',
    ]) {
      const value = rule[key];
      if (value === undefined || value === null) continue;
      const cidr = key.includes('cidr');
      if (Array.isArray(value)) {
        value.forEach((item, index) =>
          peers.push({
            value: isReference(item) ? item.target : item,
            source: spans.key(value, index, spans.key(rule, key, fallback)),
            cidr,
          }),
        );
      } else {
        peers.push({
          value: isReference(value) ? value.target : value,
          source: spans.key(rule, key, fallback),
          cidr,
        });
      }
    }
    if (rule.self === true) peers.push({ value: 'self', source: spans.key(rule, 'self', fallback) });
    if (peers.length === 0) peers.push({ value: unknown('the rule names no source'), source: fallback });
    return {
      protocol: rule.ip_protocol ?? rule.protocol,
      fromPort: rule.from_port,
      toPort: rule.to_port,
      peers,
      source: fallback,
      suppressions,
    };
  }

  private securityGroup(resource: TfResource): void {
    const spans = new Spans(resource.document);
    const group: SecurityGroupNode = {
      kind: 'securityGroup',
      id: this.scope.idOf(resource.address),
      label: resource.address,
      ingress: [],
      source: resource.typeSpan,
      at: NO_SPANS,
      suppressions: resource.suppressions,
    };
    const ingress = resource.values.ingress;
    if (isUnknown(ingress)) {
      group.ingress.push(
        ...ingressRules({
          protocol: ingress,
          fromPort: ingress,
          toPort: ingress,
          peers: [{ value: ingress, source: resource.typeSpan }],
          source: resource.typeSpan,
          suppressions: resource.suppressions,
        }),
      );
    }
    toList(ingress).forEach((rule, index) => {
      if (!isRecord(rule)) return;
      const span = spans.key(ingress, index, resource.typeSpan);
      group.ingress.push(...ingressRules(this.ingressSpec(rule, spans, span, [])));
    });
    this.fragment.add(group);
  }

  /** aws_security_group_rule (type = "ingress") and aws_vpc_security_group_ingress_rule. */
  private standaloneIngress(resource: TfResource): void {
    const v = resource.values;
    if (resource.type === 'aws_security_group_rule' && v.type !== 'ingress') return;
    const target = v.security_group_id;
    const spans = new Spans(resource.document);
    const rules = ingressRules(this.ingressSpec(v, spans, resource.typeSpan, resource.suppressions));
    const targetType = isReference(target) ? this.scope.resource(target.target)?.type : undefined;
    if (isReference(target) && (targetType === 'aws_security_group' || targetType === 'aws_default_security_group')) {
      this.pendingIngress.push({ groupId: this.scope.idOf(target.target), rules });
      return;
    }
    // The group is outside the scan (an id, a data source, another module's output): the rule is judged
    // on its own, as the group it belongs to (Security Hub judges groups wherever they are defined).
    const named = isReference(target) ? target.target : toText(target);
    this.fragment.add({
      kind: 'securityGroup',
      id: this.scope.idOf(resource.address),
      label: `${typeof named === 'string' ? named : 'a group outside the scan'} (rule ${resource.address})`,
      ingress: rules,
      source: resource.typeSpan,
      at: NO_SPANS,
      suppressions: resource.suppressions,
    } satisfies SecurityGroupNode);
  }

  /** Statements of a policy attribute (string, heredoc, jsonencode, data.aws_iam_policy_document.X.json). */
  private statements(value: unknown, owner: TfResource, fallback: SourceSpan): Maybe<PolicyStatement[]> {
    const { document, spans } = policyDocument(value, owner, this.scope);
    return readPolicy(document, {
      spans,
      resolve: (v) => v,
      roleOf: (v) => this.roleOf(v),
      roleNameOf: (id) => this.roleNameOf(id),
      keyOf: (v) => {
        if (!isReference(v)) return undefined;
        return this.scope.resource(v.target)?.type === 'aws_kms_key' ? this.scope.idOf(v.target) : undefined;
      },
      fallback,
      suppressions: owner.suppressions,
    });
  }

  /** Whether a `role` attribute (aws_iam_role_policy, an attachment) names this role, by reference or name. */
  private namesRole(value: unknown, role: TfResource): boolean {
    if (isReference(value)) return value.target === role.address;
    const name = toText(role.values.name);
    return typeof value === 'string' && typeof name === 'string' && value === name;
  }

  /**
   * A role with its trust policy (`assume_role_policy`), inline policies (`inline_policy` blocks,
   * `aws_iam_role_policy`), and managed ones (`managed_policy_arns`, `aws_iam_role_policy_attachment`) of
   * the module, or AWS managed policies isolint knows; others are recorded as unreadable.
   */
  private role(resource: TfResource): void {
    const spans = new Spans(resource.document);
    const v = resource.values;
    const name = toText(v.name);
    const policies: AttachedPolicy[] = [];
    const unreadablePolicies: Array<{ reason: string; source: SourceSpan }> = [];
    toList(v.inline_policy).forEach((block, index) => {
      if (!isRecord(block) || block.policy === undefined || block.policy === null) return;
      const span = spans.key(v.inline_policy, index, resource.typeSpan);
      const policyName = toText(block.name);
      policies.push({
        name: typeof policyName === 'string' ? policyName : `inline_policy ${index}`,
        statements: this.statements(block.policy, resource, spans.key(block, 'policy', span)),
        source: span,
      });
    });
    const managed = (arn: unknown, source: SourceSpan) => {
      if (isReference(arn)) {
        const target = this.scope.resource(arn.target);
        if (target?.type === 'aws_iam_policy') {
          const targetSpans = new Spans(target.document);
          policies.push({
            name: target.address,
            statements: this.statements(
              target.values.policy,
              target,
              targetSpans.key(target.values, 'policy', target.typeSpan),
            ),
            source: target.typeSpan,
          });
          return;
        }
      }
      const text = toText(arn);
      const known = typeof text === 'string' ? awsManagedPolicy(text, source, resource.suppressions) : undefined;
      if (known) policies.push({ name: text as string, statements: known, source });
      else
        unreadablePolicies.push({
          reason: `managed policy ${typeof text === 'string' ? text : 'named at apply time'} is not in the scan`,
          source,
        });
    };
    if (isUnknown(v.managed_policy_arns))
      unreadablePolicies.push({
        reason: v.managed_policy_arns.reason,
        source: spans.key(v, 'managed_policy_arns', resource.typeSpan),
      });
    else
      toList(v.managed_policy_arns).forEach((arn, index) =>
        managed(arn, spans.key(v.managed_policy_arns, index, spans.key(v, 'managed_policy_arns', resource.typeSpan))),
      );
    for (const other of this.scope.resources()) {
      if (other.type !== 'aws_iam_role_policy' && other.type !== 'aws_iam_role_policy_attachment') continue;
      if (!this.namesRole(other.values.role, resource)) continue;
      const otherSpans = new Spans(other.document);
      if (other.type === 'aws_iam_role_policy') {
        policies.push({
          name: other.address,
          statements: this.statements(
            other.values.policy,
            other,
            otherSpans.key(other.values, 'policy', other.typeSpan),
          ),
          source: other.typeSpan,
        });
      } else managed(other.values.policy_arn, otherSpans.key(other.values, 'policy_arn', other.typeSpan));
    }
    const node: RoleNode = {
      kind: 'role',
      id: this.scope.idOf(resource.address),
      label: resource.address,
      roleName: name ?? unknown('named by Terraform at apply time'),
      source: resource.typeSpan,
      at: { roleName: spans.key(v, 'name', resource.typeSpan) },
      suppressions: resource.suppressions,
    };
    const arn = toText(v.arn);
    const path = toText(v.path);
    if (typeof arn === 'string') node.roleArn = arn;
    else if (typeof name === 'string' && (path === undefined || typeof path === 'string'))
      node.roleArn = `arn:aws:iam::${OWN_ACCOUNT}:role${path ?? '/'}${name}`;
    if (policies.length) node.policies = policies;
    if (unreadablePolicies.length) node.unreadablePolicies = unreadablePolicies;
    if (v.assume_role_policy !== undefined && v.assume_role_policy !== null)
      node.trust = this.statements(
        v.assume_role_policy,
        resource,
        spans.key(v, 'assume_role_policy', resource.typeSpan),
      );
    this.fragment.add(node);
  }

  private roleNameOf(id: string): string | undefined {
    for (const resource of this.scope.resources()) {
      if (resource.type !== 'aws_iam_role' || this.scope.idOf(resource.address) !== id) continue;
      const name = toText(resource.values.name);
      return typeof name === 'string' ? name : undefined;
    }
    return undefined;
  }

  private roleOf(principal: unknown): string | undefined {
    if (isReference(principal)) {
      return this.scope.resource(principal.target)?.type === 'aws_iam_role'
        ? this.scope.idOf(principal.target)
        : undefined;
    }
    const name = roleNameOfArn(principal);
    if (!name) return undefined;
    for (const resource of this.scope.resources()) {
      if (resource.type === 'aws_iam_role' && toText(resource.values.name) === name)
        return this.scope.idOf(resource.address);
    }
    return undefined;
  }

  /**
   * A key with its policy: `policy` of the key, or of an `aws_kms_key_policy` of the module whose
   * `key_id` refers to it (that resource replaces the key policy, so it wins).
   */
  private key(resource: TfResource): void {
    const spans = new Spans(resource.document);
    let owner = resource;
    let policyValue = resource.values.policy;
    for (const other of this.scope.resources()) {
      if (other.type !== 'aws_kms_key_policy') continue;
      const keyId = other.values.key_id;
      if (isReference(keyId) && keyId.target === resource.address) {
        owner = other;
        policyValue = other.values.policy;
      }
    }
    const ownerSpans = owner === resource ? spans : new Spans(owner.document);
    const policySpan = ownerSpans.key(owner.values, 'policy', owner.typeSpan);
    const policy =
      policyValue === undefined || policyValue === null
        ? unknown('no key policy: the default key policy gives the account root full access')
        : this.statements(policyValue, owner, policySpan);
    const id = this.scope.idOf(resource.address);
    const node: KeyNode = {
      kind: 'key',
      id,
      label: resource.address,
      policy,
      source: resource.typeSpan,
      at: { policy: policySpan },
      suppressions: resource.suppressions,
    };
    const arn = toText(resource.values.arn);
    if (typeof arn === 'string') node.keyArn = arn;
    this.fragment.add(node);
    if (!isUnknown(policy)) {
      for (const statement of policy)
        for (const role of statement.principalRoles) this.fragment.edge('uses', role, id, statement.source);
    }
  }
}

export { parsePolicy } from './policies.js';
