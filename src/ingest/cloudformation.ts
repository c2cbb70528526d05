import { isCalendarDate } from '../dates.js';
import type {
  AttachedPolicy,
  FragmentWarning,
  GraphFragment,
  InlineSuppression,
  InstanceNode,
  RoleNode,
  SecurityGroupNode,
  VolumeNode,
} from '../model/nodes.js';
import type { Default } from '../model/provenance.js';
import { OWN_ACCOUNT } from '../model/policy.js';
import { awsManagedPolicy } from './aws/managed-policies.js';
import { NO_SPANS, NO_SUPPRESSIONS } from '../model/nodes.js';
import type { SourceSpan } from '../model/source.js';
import { isUnknown, unknown, type Maybe } from '../model/unknown.js';
import type { Adapter } from './adapter.js';
import {
  CLOUDFORMATION_TAGS,
  cloudFormationTag,
  IntrinsicResolver,
  NO_VALUE,
} from './aws/cloudformation-intrinsics.js';
import { addImageRootVolume, ebsEncryption, enclaveOptions, metadataOptions } from './aws/defaults.js';
import {
  addNodeGroup,
  AwsFragment,
  CommentSuppressions,
  ec2InstanceNode,
  ingressRules,
  readPolicy,
  roleNameOfArn,
  Spans,
  type IngressSpec,
} from './aws/fragment.js';
import { addAutoScalingGroup, linkInstanceLaunch, UNSET_VERSION, type Launch } from './aws/auto-scaling.js';
import { isRecord, isReference, referencesIn, toBoolean, toNumber, toText } from './aws/values.js';
import { parseJson } from './json.js';
import { parseYaml, type LocatedDocument } from './located.js';
import { cloudInitLogin } from './cloud-init.js';
import { cfnInitSegments, machineLaunches, prepareShellParser, userDataSegments } from './launch-scripts.js';
import type { LaunchSegment } from './shell/launches.js';
import { SELECTION_MINIMUM } from '../model/ec2-instance-types.js';

/**
 * CloudFormation templates, JSON or YAML (short-form tags included), found by content: a `Resources`
 * map whose entries have `Type: AWS::…`. Resources map onto the shared graph (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-instance.html, https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/instance):
 * instances, launch templates and configurations and the auto scaling groups that launch them, volumes and device mappings, security groups and
 * their ingress (inline and standalone), instance profiles and roles, KMS keys with their policies.
 * Every node lands on the line of the property a rule reads, or on the resource's `Type` line.
 */
export const cloudFormationAdapter: Adapter = {
  format: 'cloudformation',
  extensions: ['.yaml', '.yml', '.json', '.template', '.cfn'],
  claims: ({ text }) =>
    /["']?Resources["']?\s*:/.test(text) && /["']?Type["']?\s*:\s*["']?AWS::[A-Za-z0-9]+::/.test(text),
  // Instance user data and cfn-init may launch enclaves: read with the shell parser (src/ingest/launch-scripts.ts).
  prepare: prepareShellParser,
  load(input) {
    const json = /^\s*[{[]/.test(input.text);
    const documents = json
      ? [parseJson(input.file, input.text)]
      : parseYaml(input.file, input.text, { tagged: cloudFormationTag, knownTags: CLOUDFORMATION_TAGS });
    const fragment: GraphFragment = { nodes: [], edges: [] };
    for (const document of documents) {
      const template = document.value;
      if (!isRecord(template) || !isRecord(template.Resources)) continue;
      const built = new TemplateReader(document, json, input.absolutePath).read();
      for (const node of built.nodes) fragment.nodes.push(node);
      for (const edge of built.edges) fragment.edges.push(edge);
      if (built.warnings?.length) (fragment.warnings ??= []).push(...built.warnings);
      if (built.skipped) (fragment.skipped ??= []).push(...built.skipped);
    }
    return fragment;
  },
};

const INSTANCE_TYPES: Record<string, InstanceNode['awsKind']> = {
  'AWS::EC2::Instance': 'instance',
  'AWS::EC2::LaunchTemplate': 'launch-template',
  'AWS::AutoScaling::LaunchConfiguration': 'launch-configuration',
};

interface Resource {
  logicalId: string;
  type: string;
  raw: Record<string, unknown>;
  properties: Record<string, unknown>;
  /** The `Type` line: where findings about a missing property land. */
  typeSpan: SourceSpan;
  suppressions: readonly InlineSuppression[];
}

class TemplateReader {
  private readonly fragment = new AwsFragment();
  private readonly spans: Spans;
  private readonly resolver: IntrinsicResolver;
  private readonly template: Record<string, unknown>;
  private readonly resources: Resource[] = [];
  private readonly byId = new Map<string, Resource>();
  private readonly comments: CommentSuppressions;
  private readonly warnings: FragmentWarning[] = [];

  constructor(
    private readonly document: LocatedDocument,
    json: boolean,
    private readonly absolutePath: string = document.file,
  ) {
    this.spans = new Spans(document);
    this.template = document.value as Record<string, unknown>;
    const section = (name: string) => (isRecord(this.template[name]) ? this.template[name] : {});
    this.resolver = new IntrinsicResolver({
      parameters: section('Parameters'),
      mappings: section('Mappings'),
      conditions: section('Conditions'),
      resources: section('Resources'),
    });
    this.comments = json
      ? new CommentSuppressions(document.file, '', document.lines)
      : new CommentSuppressions(document.file, document.text, document.lines);
  }

  private id(logicalId: string): string {
    return `${this.document.file}#${logicalId}`;
  }

  /** A property's value with intrinsics resolved; undefined when absent or `AWS::NoValue`. */
  private get(container: unknown, key: string): unknown {
    if (!isRecord(container)) return undefined;
    const value = this.resolver.resolve(container[key]);
    return value === NO_VALUE ? undefined : value;
  }

  private list(container: unknown, key: string): unknown[] | ReturnType<typeof unknown> {
    if (!isRecord(container)) return [];
    return this.resolver.list(container[key]);
  }

  read(): GraphFragment {
    const resources = this.template.Resources as Record<string, unknown>;
    for (const [logicalId, raw] of Object.entries(resources)) {
      if (!isRecord(raw)) continue;
      const type = raw.Type;
      if (typeof type !== 'string') {
        // A Rain module (`Type: {Rain::Module: …}`) or a mistake: this resource is not read, the others are.
        const span = this.spans.key(
          raw,
          'Type',
          this.spans.key(
            resources,
            logicalId,
            this.spans.of(resources, this.spans.of(this.template, this.document.spanOf(this.template))),
          ),
        );
        const rain = isRecord(type) && Object.keys(type).some((key) => key.startsWith('Rain::'));
        this.fragment.skip(
          span,
          rain
            ? `resource ${logicalId} is a Rain module (Type: Rain::Module): skipped, the resources it expands to are not read (check the template \`rain pkg\` writes)`
            : `resource ${logicalId} has no Type naming a resource type: skipped`,
        );
        continue;
      }
      if (type.endsWith('::MODULE')) {
        // A registry module (AWS CloudFormation modules): its resources exist only once CloudFormation expands it.
        this.fragment.skip(
          this.spans.key(raw, 'Type', this.document.spanOf(raw)),
          `resource ${logicalId} is a CloudFormation module (${type}): skipped, the resources it expands to are not read`,
        );
        continue;
      }
      // A resource whose condition is false is not created.
      if (typeof raw.Condition === 'string' && this.resolver.condition(raw.Condition) === false) continue;
      const properties = this.get(raw, 'Properties');
      const typeSpan = this.spans.key(raw, 'Type', this.spans.key(resources, logicalId, this.document.spanOf(raw)));
      const whole = this.document.spanOf(raw);
      const resource: Resource = {
        logicalId,
        type,
        raw,
        properties: isRecord(properties) ? properties : {},
        typeSpan,
        suppressions: this.suppressionsOf(raw, this.spans.key(resources, logicalId, whole).startLine, whole.endLine),
      };
      this.resources.push(resource);
      this.byId.set(logicalId, resource);
    }
    for (const resource of this.resources) this.readResource(resource);
    // Auto scaling groups last: they take the edges of the templates they launch. Instances started from a
    // template of this template name the version they launch, by the same rules.
    for (const resource of this.resources) {
      if (resource.type === 'AWS::AutoScaling::AutoScalingGroup') this.readAutoScalingGroup(resource);
      const spec = resource.type === 'AWS::EC2::Instance' ? this.get(resource.properties, 'LaunchTemplate') : undefined;
      const launch = isRecord(spec)
        ? this.launchOf(spec, this.spans.key(resource.properties, 'LaunchTemplate', resource.typeSpan))
        : undefined;
      if (launch) linkInstanceLaunch(this.fragment, this.id(resource.logicalId), launch);
    }
    const groups = new Map(
      this.fragment.nodes.filter((n): n is SecurityGroupNode => n.kind === 'securityGroup').map((n) => [n.id, n]),
    );
    for (const { groupId, rules } of this.pendingIngress) groups.get(groupId)?.ingress.push(...rules);
    const fragment = this.fragment.finish();
    const warnings = [...this.comments.warnings, ...this.comments.unattached(), ...this.warnings];
    return warnings.length ? { ...fragment, warnings } : fragment;
  }

  /** `Metadata: {isolint: {suppress: [{rule, reason, expires}]}}` and `# isolint-suppress` comments. */
  private suppressionsOf(
    raw: Record<string, unknown>,
    startLine: number,
    endLine: number,
  ): readonly InlineSuppression[] {
    const found: InlineSuppression[] = [...this.comments.for(startLine, endLine)];
    const metadata = raw.Metadata;
    const isolint = isRecord(metadata) ? metadata.isolint : undefined;
    const suppress = isRecord(isolint) ? isolint.suppress : undefined;
    if (Array.isArray(suppress)) {
      suppress.forEach((entry, index) => {
        const span = this.spans.key(suppress, index, this.document.spanOf(raw));
        // A malformed entry suppresses nothing: a warning at its line, the findings it meant still reported.
        if (
          !isRecord(entry) ||
          typeof entry.rule !== 'string' ||
          typeof entry.reason !== 'string' ||
          !entry.reason.trim()
        ) {
          this.warnings.push({
            message:
              'suppression ignored: each isolint suppression needs a rule and a reason; the findings it meant are reported',
            source: span,
          });
          return;
        }
        if (entry.expires !== undefined && !(typeof entry.expires === 'string' && isCalendarDate(entry.expires))) {
          this.warnings.push({
            message: `suppression of ${entry.rule} ignored: expires ${JSON.stringify(entry.expires)} is not a date (YYYY-MM-DD); the findings it meant are reported`,
            source: span,
          });
          return;
        }
        found.push({
          rule: entry.rule,
          reason: entry.reason,
          expires: typeof entry.expires === 'string' ? entry.expires : undefined,
          source: span,
        });
      });
    }
    return found.length ? found : NO_SUPPRESSIONS;
  }

  private readResource(resource: Resource): void {
    const awsKind = INSTANCE_TYPES[resource.type];
    if (awsKind) return this.readInstance(resource, awsKind);
    switch (resource.type) {
      case 'AWS::EC2::Volume':
        return this.readVolume(resource);
      case 'AWS::EC2::VolumeAttachment':
        return this.readVolumeAttachment(resource);
      case 'AWS::EC2::SecurityGroup':
        return this.readSecurityGroup(resource);
      case 'AWS::EC2::SecurityGroupIngress':
        return this.readStandaloneIngress(resource);
      case 'AWS::EC2::NetworkInterface':
        return this.readNetworkInterface(resource);
      case 'AWS::EC2::NetworkInterfaceAttachment': {
        const nic = this.get(resource.properties, 'NetworkInterfaceId');
        const instance = this.get(resource.properties, 'InstanceId');
        if (isReference(nic) && isReference(instance))
          this.fragment.edge('attaches', this.id(nic.target), this.id(instance.target), resource.typeSpan);
        return;
      }
      case 'AWS::IAM::Role':
        return this.readRole(resource);
      case 'AWS::EKS::Nodegroup': {
        const remote = this.get(resource.properties, 'RemoteAccess');
        const groups = isRecord(remote) ? this.list(remote, 'SourceSecurityGroups') : [];
        const template = this.get(this.get(resource.properties, 'LaunchTemplate'), 'Id');
        return addNodeGroup(this.fragment, {
          ...(isReference(template) && this.byId.get(template.target)?.type === 'AWS::EC2::LaunchTemplate'
            ? { launchTemplate: this.id(template.target) }
            : {}),
          id: this.id(resource.logicalId),
          label: resource.logicalId,
          source: resource.typeSpan,
          suppressions: resource.suppressions,
          remoteAccess: isRecord(remote)
            ? this.spans.key(resource.properties, 'RemoteAccess', resource.typeSpan)
            : undefined,
          sourceGroups: groups,
        });
      }
      case 'AWS::KMS::Key':
        return this.readKey(resource);
      default:
        return;
    }
  }

  // -- instances, launch templates, launch configurations ----------------------------------------

  /** The text of `UserData`: through `Fn::Base64` and the body of `Fn::Sub`; anything else as the resolver decides. */
  private userDataText(raw: unknown, depth = 0): unknown {
    if (depth > 8) return unknown('user data nested too deeply');
    if (isRecord(raw) && Object.keys(raw).length === 1) {
      if ('Fn::Base64' in raw) return this.userDataText(raw['Fn::Base64'], depth + 1);
      if ('Fn::Sub' in raw) {
        const sub: unknown = raw['Fn::Sub'];
        const body: unknown = Array.isArray(sub) ? sub[0] : sub;
        if (typeof body === 'string') return body;
      }
    }
    if (typeof raw === 'string' && !raw.includes('\n') && /^[A-Za-z0-9+/=\s]{16,}$/.test(raw)) {
      // Already base64 (LaunchTemplateData.UserData must be): decoded, without positions.
      const decoded = Buffer.from(raw, 'base64').toString('utf8');
      return decoded.startsWith('#cloud-config') ? decoded : raw;
    }
    const value = this.resolver.resolve(raw);
    return value === NO_VALUE ? undefined : value;
  }

  /**
   * The variables a `!Sub` user data body may use: its own variable map, then the template's parameters with a
   * default (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-sub.html).
   */
  private subVariables(raw: unknown): Map<string, Maybe<string>> {
    const variables = new Map<string, Maybe<string>>();
    const parameters = isRecord(this.template.Parameters) ? this.template.Parameters : {};
    for (const [name, parameter] of Object.entries(parameters)) {
      if (!isRecord(parameter)) continue;
      const value = parameter.Default;
      variables.set(
        name,
        typeof value === 'string' || typeof value === 'number'
          ? String(value)
          : unknown(`parameter ${name} has no default`),
      );
    }
    for (const pseudo of ['AWS::Region', 'AWS::AccountId', 'AWS::StackName', 'AWS::Partition', 'AWS::URLSuffix'])
      variables.set(pseudo, unknown(`\${${pseudo}} is known at deployment`));
    let current: unknown = raw;
    for (let depth = 0; depth < 8 && isRecord(current); depth++) {
      if ('Fn::Base64' in current) current = current['Fn::Base64'];
      else if ('Fn::Sub' in current) {
        const sub: unknown = current['Fn::Sub'];
        if (Array.isArray(sub) && isRecord(sub[1])) {
          for (const [name, value] of Object.entries(sub[1])) {
            const resolved = toText(this.resolver.resolve(value));
            variables.set(
              name,
              typeof resolved === 'string' ? resolved : unknown(`the !Sub variable ${name} is computed`),
            );
          }
        }
        break;
      } else break;
    }
    return variables;
  }

  /** `Metadata: AWS::CloudFormation::Init`: each config's files and commands, in the default config set's order. */
  private cfnInitSegments(resource: Resource): LaunchSegment[] {
    const metadata = resource.raw.Metadata;
    const init = isRecord(metadata) ? metadata['AWS::CloudFormation::Init'] : undefined;
    if (!isRecord(init)) return [];
    const sets = isRecord(init.configSets) ? init.configSets.default : undefined;
    const names = Array.isArray(sets)
      ? sets.filter((name): name is string => typeof name === 'string')
      : Object.keys(init).filter((name) => name !== 'configSets');
    return names.flatMap((name) => cfnInitSegments(init[name], this.document, (value) => this.userDataText(value)));
  }

  private readInstance(resource: Resource, awsKind: NonNullable<InstanceNode['awsKind']>): void {
    const p = resource.properties;
    const data = awsKind === 'launch-template' ? this.get(p, 'LaunchTemplateData') : p;
    const settings = isRecord(data) ? data : {};
    const id = this.id(resource.logicalId);
    const fallback = resource.typeSpan;
    const at: Record<string, SourceSpan> = {};

    // An instance started from a launch template of this template takes what it leaves unset from it;
    // the launch template is judged itself, so the instance does not repeat those findings.
    const launchTemplate = awsKind === 'instance' ? this.launchTemplateOf(p) : undefined;
    const inherits = launchTemplate !== undefined;

    // --- AWS defaults for what the machine leaves unset: decided in src/ingest/aws/defaults.ts.
    const defaults: Record<string, Default> = {};
    const metadata = this.get(settings, 'MetadataOptions');
    const image = this.get(settings, 'ImageId');
    const {
      metadataTokens,
      metadataEndpoint,
      defaults: metadataDefaults,
    } = metadataOptions({
      block: metadata,
      tokens: isRecord(metadata) ? this.get(metadata, 'HttpTokens') : undefined,
      endpoint: isRecord(metadata) ? this.get(metadata, 'HttpEndpoint') : undefined,
      image,
      inherits,
      setting: 'HttpTokens',
    });
    Object.assign(defaults, metadataDefaults);
    if (isRecord(metadata)) {
      at.metadataTokens = this.spans.key(metadata, 'HttpTokens', this.spans.key(settings, 'MetadataOptions', fallback));
      at.metadataEndpoint = this.spans.key(metadata, 'HttpEndpoint', at.metadataTokens);
    } else if (isUnknown(metadata) && !inherits) {
      at.metadataTokens = this.spans.key(settings, 'MetadataOptions', fallback);
    }
    if (defaults.metadataTokens?.basedOn !== undefined) at.image = this.spans.key(settings, 'ImageId', fallback);

    const enclave = this.get(settings, 'EnclaveOptions');
    const enclaves = enclaveOptions(enclave, isRecord(enclave) ? this.get(enclave, 'Enabled') : undefined, inherits);
    const enclaveEnabled = enclaves.enclaveEnabled;
    if (enclaves.default) defaults.enclaveEnabled = enclaves.default;
    if (isRecord(enclave)) {
      at.enclaveEnabled = this.spans.key(enclave, 'Enabled', this.spans.key(settings, 'EnclaveOptions', fallback));
    } else if (isUnknown(enclave)) {
      at.enclaveEnabled = this.spans.key(settings, 'EnclaveOptions', fallback);
    }

    // Hibernation and enclaves cannot be used together (https://docs.aws.amazon.com/enclaves/latest/user/nitro-enclave.html#nitro-enclave-reqs).
    const hibernationOptions = this.get(settings, 'HibernationOptions');
    const hibernation = isRecord(hibernationOptions)
      ? toBoolean(this.get(hibernationOptions, 'Configured'))
      : undefined;
    if (hibernation !== undefined)
      at.hibernation = this.spans.key(
        hibernationOptions,
        'Configured',
        this.spans.key(settings, 'HibernationOptions', fallback),
      );

    const keyValue = this.get(settings, 'KeyName');
    let keyName: Maybe<string> | undefined;
    if (isReference(keyValue) && this.byId.get(keyValue.target)?.type === 'AWS::EC2::KeyPair') {
      const pair = this.byId.get(keyValue.target)!;
      const name = toText(this.get(pair.properties, 'KeyName'));
      keyName = typeof name === 'string' ? name : pair.logicalId;
    } else {
      const text = toText(keyValue);
      keyName = text === '' ? undefined : text;
    }
    if (keyName !== undefined) at.keyName = this.spans.key(settings, 'KeyName', fallback);

    const placement = this.get(settings, 'Placement');
    const tenancyValue =
      awsKind === 'launch-configuration'
        ? this.get(p, 'PlacementTenancy')
        : awsKind === 'launch-template'
          ? this.get(placement, 'Tenancy')
          : this.get(p, 'Tenancy');
    let tenancy = toText(tenancyValue);
    if (tenancy === undefined && awsKind === 'instance' && this.get(p, 'HostId') !== undefined) tenancy = 'host';

    // The type gives capacity (src/model/ec2-instance-types.ts) for checking enclaves against their parent.
    const instanceType = toText(this.get(settings, 'InstanceType'));
    if (instanceType !== undefined) at.instanceType = this.spans.key(settings, 'InstanceType', fallback);

    const node = ec2InstanceNode({
      id,
      label: resource.logicalId,
      awsKind,
      instanceType,
      metadataTokens,
      metadataEndpoint,
      enclaveEnabled,
      launchTemplate: launchTemplate !== undefined ? this.id(launchTemplate) : undefined,
      hibernation,
      keyName,
      tenancy,
      source: fallback,
      at,
      defaults,
      suppressions: resource.suppressions,
    });
    // --- cloud-init user data (no-password-only-login): read from the raw property, so a literal
    // `Fn::Base64`/`!Sub` body keeps its lines.
    const rawProperties = isRecord(resource.raw.Properties) ? resource.raw.Properties : {};
    const rawSettings = awsKind === 'launch-template' ? rawProperties.LaunchTemplateData : rawProperties;
    if (isRecord(rawSettings) && rawSettings.UserData !== undefined) {
      const login = cloudInitLogin(
        this.userDataText(rawSettings.UserData),
        this.document,
        this.spans.key(rawSettings, 'UserData', fallback),
      );
      if (login) node.cloudInit = login;
    }
    // --- enclave launches in cfn-init and the user data (src/ingest/launch-scripts.ts): cfn-init's files and
    // commands first (the user data usually runs cfn-init before its own commands).
    const segments = [
      ...this.cfnInitSegments(resource),
      ...(isRecord(rawSettings) && rawSettings.UserData !== undefined
        ? userDataSegments(this.userDataText(rawSettings.UserData), {
            template: this.document,
            property: this.spans.key(rawSettings, 'UserData', fallback),
            absolutePath: this.absolutePath,
            parent: id,
            suppressions: resource.suppressions,
          })
        : []),
    ];
    const launches = machineLaunches(segments, {
      absolutePath: this.absolutePath,
      parent: id,
      variables: isRecord(rawSettings) ? this.subVariables(rawSettings.UserData) : undefined,
      suppressions: resource.suppressions,
    });
    if (launches?.pool) node.enclavePool = launches.pool;
    // Attribute-based type selection (LaunchTemplateData.InstanceRequirements): judged by its minimums, the
    // smallest machine EC2 may pick (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-ec2-launchtemplate-instancerequirements.html).
    const requirements = this.get(settings, 'InstanceRequirements');
    if (instanceType === undefined && isRecord(requirements)) {
      const minimum = (key: string, property: 'vcpus' | 'memory') => {
        const range = this.get(requirements, key);
        const value = isRecord(range) ? toNumber(this.get(range, 'Min')) : undefined;
        if (typeof value !== 'number') return unknown(`InstanceRequirements.${key} sets no minimum`);
        node.at = { ...node.at, [property]: this.spans.key(range, 'Min', this.spans.key(requirements, key, fallback)) };
        node.defaults = { ...node.defaults, [property]: SELECTION_MINIMUM };
        return value;
      };
      node.vcpus = minimum('VCpuCount', 'vcpus');
      node.memoryMiB = minimum('MemoryMiB', 'memory');
    }
    this.fragment.add(node);
    for (const launched of launches?.nodes ?? []) this.fragment.add(launched);
    for (const edge of launches?.edges ?? []) this.fragment.edges.push(edge);
    for (const { source, message } of launches?.skipped ?? []) this.fragment.skip(source, message);

    this.readDeviceMappings(resource, settings, id, inherits);
    if (awsKind === 'instance') {
      for (const [index, attachment] of this.items(p, 'Volumes')) {
        const volume = this.get(attachment, 'VolumeId');
        if (isReference(volume))
          this.fragment.edge('attaches', this.id(volume.target), id, this.spans.key(p.Volumes, index, fallback));
      }
    }
    // Security groups: by id or name, directly or on network interfaces.
    const groupLists: Array<[unknown, string]> = [
      [settings, 'SecurityGroupIds'],
      [settings, 'SecurityGroups'],
    ];
    for (const [index, nic] of this.items(settings, 'NetworkInterfaces')) {
      groupLists.push([nic, 'GroupSet'], [nic, 'Groups']);
      // An interface declared on its own (AWS::EC2::NetworkInterface) carries its own groups.
      const existing = this.get(nic, 'NetworkInterfaceId');
      if (isReference(existing) && this.byId.get(existing.target)?.type === 'AWS::EC2::NetworkInterface') {
        const span = this.spans.key(settings.NetworkInterfaces, index, fallback);
        this.fragment.edge('attaches', this.id(existing.target), id, span);
      }
    }
    for (const [container, key] of groupLists) {
      const groups = this.list(container, key);
      if (isUnknown(groups)) continue;
      for (const group of groups) {
        for (const ref of referencesIn(group)) {
          this.fragment.edge('attaches', this.id(ref.target), id, this.spans.key(container, key, fallback));
        }
      }
    }
    // Instance profile → roles.
    const profile = this.get(settings, 'IamInstanceProfile');
    for (const ref of referencesIn(
      isRecord(profile) ? [this.get(profile, 'Arn'), this.get(profile, 'Name')] : profile,
    )) {
      const target = this.byId.get(ref.target);
      if (target?.type !== 'AWS::IAM::InstanceProfile') continue;
      const roles = this.list(target.properties, 'Roles');
      if (isUnknown(roles)) continue;
      for (const role of referencesIn(roles)) {
        this.fragment.edge('uses', id, this.id(role.target), this.spans.key(settings, 'IamInstanceProfile', fallback));
      }
    }
  }

  /**
   * The launch template of this template an instance starts from, by id (`!Ref LT`) or by name: a
   * reference, or the literal name the template gives itself (CDK writes `LaunchTemplateName: <name>` on
   * both). The version it names is judged after every resource is read (`launchOf`).
   */
  private launchTemplateOf(properties: Record<string, unknown>): string | undefined {
    const spec = this.get(properties, 'LaunchTemplate');
    if (!isRecord(spec)) return undefined;
    for (const key of ['LaunchTemplateId', 'LaunchTemplateName']) {
      const value = this.get(spec, key);
      if (isReference(value) && this.byId.get(value.target)?.type === 'AWS::EC2::LaunchTemplate') return value.target;
      if (key === 'LaunchTemplateName' && typeof value === 'string') {
        const named = this.resources.find(
          (r) => r.type === 'AWS::EC2::LaunchTemplate' && this.get(r.properties, 'LaunchTemplateName') === value,
        );
        if (named) return named.logicalId;
      }
    }
    return undefined;
  }

  // -- auto scaling groups --------------------------------------------------------------------------

  /**
   * An auto scaling group: what it launches, by `LaunchTemplate`, `MixedInstancesPolicy.LaunchTemplate`
   * (its specification and each override's) or `LaunchConfigurationName`
   * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-autoscaling-autoscalinggroup.html).
   */
  private readAutoScalingGroup(resource: Resource): void {
    const p = resource.properties;
    const fallback = resource.typeSpan;
    const launches: Launch[] = [];
    const direct = this.get(p, 'LaunchTemplate');
    if (isRecord(direct)) this.pushLaunch(launches, direct, this.spans.key(p, 'LaunchTemplate', fallback));
    const mixed = this.get(this.get(p, 'MixedInstancesPolicy'), 'LaunchTemplate');
    if (isRecord(mixed)) {
      const mixedSpan = this.spans.key(this.get(p, 'MixedInstancesPolicy'), 'LaunchTemplate', fallback);
      const types: string[] = [];
      const overrides = this.items(mixed, 'Overrides');
      for (const [, override] of overrides) {
        const type = toText(this.get(override, 'InstanceType'));
        if (typeof type === 'string' && !isRecord(this.get(override, 'LaunchTemplateSpecification'))) types.push(type);
      }
      const specification = this.get(mixed, 'LaunchTemplateSpecification');
      if (isRecord(specification))
        this.pushLaunch(
          launches,
          specification,
          this.spans.key(mixed, 'LaunchTemplateSpecification', mixedSpan),
          types,
        );
      for (const [index, override] of overrides) {
        const own = this.get(override, 'LaunchTemplateSpecification');
        if (!isRecord(own)) continue;
        const type = toText(this.get(override, 'InstanceType'));
        const span = this.spans.key(
          override,
          'LaunchTemplateSpecification',
          this.spans.key(mixed.Overrides, index, mixedSpan),
        );
        this.pushLaunch(launches, own, span, typeof type === 'string' ? [type] : undefined);
      }
    }
    const configuration = this.get(p, 'LaunchConfigurationName');
    if (
      isReference(configuration) &&
      this.byId.get(configuration.target)?.type === 'AWS::AutoScaling::LaunchConfiguration'
    )
      launches.push({
        template: this.id(configuration.target),
        source: this.spans.key(p, 'LaunchConfigurationName', fallback),
        version: 'as written: a launch configuration has no versions',
      });
    addAutoScalingGroup(this.fragment, {
      id: this.id(resource.logicalId),
      label: resource.logicalId,
      source: fallback,
      suppressions: resource.suppressions,
      launches,
    });
  }

  /**
   * A launch template specification and the version it names. CloudFormation takes a group's version as
   * `!GetAtt LT.LatestVersionNumber` / `DefaultVersionNumber` or a number (it does not accept `$Latest` or
   * `$Default` there, which are read as the API reads them). The template resource as written is the
   * template's latest version, so `$Latest` and `!GetAtt LT.LatestVersionNumber` launch what is written. It
   * is also the default version only while the template is new (an update adds a version and leaves the
   * default where it was: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-launchtemplate.html),
   * so `$Default`, `DefaultVersionNumber`, an unset version (the API's default is `$Default`) and a number
   * are judged as written with that assumption named.
   */
  private pushLaunch(launches: Launch[], spec: Record<string, unknown>, source: SourceSpan, instanceTypes?: string[]) {
    const launch = this.launchOf(spec, source, instanceTypes);
    if (launch) launches.push(launch);
  }

  private launchOf(spec: Record<string, unknown>, source: SourceSpan, instanceTypes?: string[]): Launch | undefined {
    const template = this.launchTemplateOf({ LaunchTemplate: spec });
    if (template === undefined) return undefined;
    const raw = spec.Version;
    const version = this.get(spec, 'Version');
    let written: string;
    let assumption: string | undefined;
    if (isReference(version) && version.target === template && version.attribute === 'LatestVersionNumber')
      written = `version ${template}.LatestVersionNumber: the template as written`;
    else if (isReference(version) && version.target === template && version.attribute === 'DefaultVersionNumber') {
      written = `${template}.DefaultVersionNumber`;
      assumption =
        'which is the template as written only while CloudFormation has not updated it (an update adds a version and leaves the default)';
    } else {
      const text = version === undefined ? UNSET_VERSION : toText(version);
      if (text === '$Latest') written = 'version $Latest: the template as written';
      else if (typeof text === 'string') {
        written = raw === undefined ? '$Default (no Version is given)' : text;
        assumption =
          text === '$Default'
            ? 'which is the template as written only while CloudFormation has not updated it (an update adds a version and leaves the default)'
            : 'which is the template as written only if it is the latest version, which the template cannot tell';
      } else {
        written = '(decided at deploy time)';
        assumption = `which cannot be known to be the template as written (${isUnknown(text) ? text.reason : 'no version'})`;
      }
    }
    return { template: this.id(template), source, version: written, assumption, instanceTypes };
  }

  /**
   * `BlockDeviceMappings[].Ebs`: each EBS mapping is a volume of the instance. The root device (the usual
   * root names; the AMI decides which it is) is made from the AMI's snapshot, mapped or not.
   */
  private readDeviceMappings(
    resource: Resource,
    settings: Record<string, unknown>,
    instanceId: string,
    inherits: boolean,
  ): void {
    const mappings = settings.BlockDeviceMappings;
    let rootMapped = false;
    for (const [index, mapping] of this.items(settings, 'BlockDeviceMappings')) {
      const device = toText(this.get(mapping, 'DeviceName'));
      const root = typeof device === 'string' && ROOT_DEVICE_NAMES.has(device);
      if (root) rootMapped = true;
      const ebs = this.get(mapping, 'Ebs');
      if (ebs === undefined) continue; // NoDevice or an instance-store VirtualName
      const itemSpan = this.spans.key(mappings, index, resource.typeSpan);
      const ebsSpan = this.spans.key(mapping, 'Ebs', itemSpan);
      const volumeId = `${instanceId}/BlockDeviceMappings/${index}`;
      this.fragment.add({
        kind: 'volume',
        id: volumeId,
        label: `${resource.logicalId} ${typeof device === 'string' ? device : `mapping ${index}`}`,
        volumeKind: 'ebs',
        ...this.encryption(ebs, ebsSpan, root),
        wipe: EBS_WIPE,
        source: ebsSpan,
        suppressions: resource.suppressions,
      });
      this.fragment.edge('attaches', volumeId, instanceId, ebsSpan);
    }
    if (!rootMapped && !inherits && !isUnknown(this.list(settings, 'BlockDeviceMappings'))) {
      addImageRootVolume(this.fragment, {
        id: instanceId,
        label: resource.logicalId,
        source: resource.typeSpan,
        suppressions: resource.suppressions,
      });
    }
  }

  /** `Encrypted` of a volume or mapping, with the AWS default for what it leaves unset (src/ingest/aws/defaults.ts). */
  private encryption(
    container: unknown,
    fallback: SourceSpan,
    fromImage = false,
  ): Pick<VolumeNode, 'encrypted' | 'encryptionFromSnapshot' | 'at' | 'defaults'> {
    const decided = ebsEncryption({
      container,
      encrypted: isUnknown(container) ? undefined : this.get(container, 'Encrypted'),
      fromSnapshot: !isUnknown(container) && this.get(container, 'SnapshotId') !== undefined,
      fromImage,
    });
    return {
      encrypted: decided.encrypted,
      ...(decided.encryptionFromSnapshot ? { encryptionFromSnapshot: true } : {}),
      ...(decided.default ? { defaults: { encrypted: decided.default } } : {}),
      at: decided.written ? { encrypted: this.spans.key(container, 'Encrypted', fallback) } : NO_SPANS,
    };
  }

  private readVolume(resource: Resource): void {
    this.fragment.add({
      kind: 'volume',
      id: this.id(resource.logicalId),
      label: resource.logicalId,
      volumeKind: 'ebs',
      ...this.encryption(resource.properties, resource.typeSpan),
      wipe: EBS_WIPE,
      source: resource.typeSpan,
      suppressions: resource.suppressions,
    });
  }

  private readVolumeAttachment(resource: Resource): void {
    const volume = this.get(resource.properties, 'VolumeId');
    const instance = this.get(resource.properties, 'InstanceId');
    if (isReference(volume) && isReference(instance)) {
      this.fragment.edge('attaches', this.id(volume.target), this.id(instance.target), resource.typeSpan);
    }
  }

  // -- security groups ----------------------------------------------------------------------------

  private ingressSpec(rule: unknown, fallback: SourceSpan, suppressions: readonly InlineSuppression[]): IngressSpec {
    const peers: IngressSpec['peers'] = [];
    for (const key of [
      'CidrIp',
      'CidrIpv6',
      'SourceSecurityGroupId',
      'SourceSecurityGroupName',
      'SourcePrefixListId',
    ]) {
      const value = this.get(rule, key);
      if (value !== undefined)
        peers.push({
          value: isReference(value) ? `${value.target}` : value,
          source: this.spans.key(rule, key, fallback),
          cidr: key.startsWith('Cidr'),
        });
    }
    if (peers.length === 0) peers.push({ value: unknown('the rule names no source'), source: fallback });
    return {
      protocol: this.get(rule, 'IpProtocol'),
      fromPort: this.get(rule, 'FromPort'),
      toPort: this.get(rule, 'ToPort'),
      peers,
      source: fallback,
      suppressions,
    };
  }

  private readSecurityGroup(resource: Resource): void {
    const p = resource.properties;
    const group: SecurityGroupNode = {
      kind: 'securityGroup',
      id: this.id(resource.logicalId),
      label: resource.logicalId,
      ingress: [],
      source: resource.typeSpan,
      at: NO_SPANS,
      suppressions: resource.suppressions,
    };
    const rules = this.list(p, 'SecurityGroupIngress');
    if (isUnknown(rules)) {
      group.ingress.push(
        ...ingressRules({
          protocol: rules,
          fromPort: rules,
          toPort: rules,
          peers: [{ value: rules, source: this.spans.key(p, 'SecurityGroupIngress', resource.typeSpan) }],
          source: resource.typeSpan,
          suppressions: NO_SUPPRESSIONS,
        }),
      );
    } else {
      const raw = p.SecurityGroupIngress;
      rules.forEach((rule, index) => {
        const span = Array.isArray(raw)
          ? this.spans.key(raw, index, resource.typeSpan)
          : this.spans.key(p, 'SecurityGroupIngress', resource.typeSpan);
        group.ingress.push(...ingressRules(this.ingressSpec(rule, span, NO_SUPPRESSIONS)));
      });
    }
    this.fragment.add(group);
  }

  /** A standalone interface: its `GroupSet` filters the instance it is attached to. */
  private readNetworkInterface(resource: Resource): void {
    const id = this.id(resource.logicalId);
    this.fragment.add({
      kind: 'nic',
      id,
      label: resource.logicalId,
      source: resource.typeSpan,
      at: NO_SPANS,
      suppressions: resource.suppressions,
    });
    const groups = this.list(resource.properties, 'GroupSet');
    if (isUnknown(groups)) return;
    const span = this.spans.key(resource.properties, 'GroupSet', resource.typeSpan);
    for (const ref of referencesIn(groups)) this.fragment.edge('attaches', this.id(ref.target), id, span);
  }

  /** `AWS::EC2::SecurityGroupIngress` adds its rule to the group it names (trivy#6754 missed these). */
  private readStandaloneIngress(resource: Resource): void {
    const p = resource.properties;
    const target = [this.get(p, 'GroupId'), this.get(p, 'GroupName')].find(isReference);
    const rules = ingressRules(this.ingressSpec(p, resource.typeSpan, resource.suppressions));
    if (target && this.byId.get(target.target)?.type === 'AWS::EC2::SecurityGroup') {
      this.pendingIngress.push({ groupId: this.id(target.target), rules });
      return;
    }
    // The group is outside the template (an id, an import, a parameter): the rule is judged on its own.
    const named = target ? target.target : toText(this.get(p, 'GroupId') ?? this.get(p, 'GroupName'));
    this.fragment.add({
      kind: 'securityGroup',
      id: this.id(resource.logicalId),
      label: `${typeof named === 'string' ? named : 'a group outside the template'} (rule ${resource.logicalId})`,
      ingress: rules,
      source: resource.typeSpan,
      at: NO_SPANS,
      suppressions: resource.suppressions,
    });
  }

  private readonly pendingIngress: Array<{ groupId: string; rules: ReturnType<typeof ingressRules> }> = [];

  // -- identity and keys --------------------------------------------------------------------------

  /** A policy document property read with this template's intrinsics; JSON text is parsed first. */
  private policyOf(container: Record<string, unknown>, key: string, fallback: SourceSpan, resource: Resource) {
    const span = this.spans.key(container, key, fallback);
    let value = this.get(container, key);
    if (typeof value === 'string') {
      try {
        value = JSON.parse(value);
      } catch {
        value = unknown(`${key} is not valid JSON`);
      }
    }
    if (value === undefined) return undefined;
    return readPolicy(value, {
      spans: this.spans,
      resolve: (v) => {
        const resolved = this.resolver.resolve(v);
        return resolved === NO_VALUE ? undefined : resolved;
      },
      roleOf: (v) => this.roleOf(v),
      roleNameOf: (id) => this.roleNameOf(id),
      keyOf: (v) =>
        isReference(v) && this.byId.get(v.target)?.type === 'AWS::KMS::Key' ? this.id(v.target) : undefined,
      fallback: span,
      suppressions: resource.suppressions,
    });
  }

  private roleNameOf(id: string): string | undefined {
    const resource = this.byId.get(id.slice(this.document.file.length + 1));
    const name = resource ? toText(this.get(resource.properties, 'RoleName')) : undefined;
    return typeof name === 'string' ? name : undefined;
  }

  /**
   * A role with what it may do: inline `Policies`, `ManagedPolicyArns` that name managed policies of the
   * template, `AWS::IAM::Policy` / `AWS::IAM::ManagedPolicy` resources that list it in `Roles`, and its
   * trust policy (`AssumeRolePolicyDocument`).
   */
  private readRole(resource: Resource): void {
    const p = resource.properties;
    const name = toText(this.get(p, 'RoleName'));
    const policies: AttachedPolicy[] = [];
    const unreadablePolicies: Array<{ reason: string; source: SourceSpan }> = [];
    for (const [index, entry] of this.items(p, 'Policies')) {
      const span = this.spans.key(p.Policies, index, this.spans.key(p, 'Policies', resource.typeSpan));
      if (!isRecord(entry)) continue;
      const statements = this.policyOf(entry, 'PolicyDocument', span, resource);
      const policyName = toText(this.get(entry, 'PolicyName'));
      if (statements !== undefined)
        policies.push({
          name: typeof policyName === 'string' ? policyName : `policy ${index}`,
          statements,
          source: span,
        });
    }
    const managed = this.list(p, 'ManagedPolicyArns');
    const managedSpan = this.spans.key(p, 'ManagedPolicyArns', resource.typeSpan);
    if (isUnknown(managed)) unreadablePolicies.push({ reason: managed.reason, source: managedSpan });
    else
      managed.forEach((arn, index) => {
        const span = Array.isArray(p.ManagedPolicyArns)
          ? this.spans.key(p.ManagedPolicyArns, index, managedSpan)
          : managedSpan;
        const target = isReference(arn) ? this.byId.get(arn.target) : undefined;
        if (target?.type === 'AWS::IAM::ManagedPolicy') return; // read below, with the policy's own lines
        const text = toText(arn);
        const known = typeof text === 'string' ? awsManagedPolicy(text, span, resource.suppressions) : undefined;
        if (known) {
          policies.push({ name: text as string, statements: known, source: span });
          return;
        }
        unreadablePolicies.push({
          reason: `managed policy ${typeof text === 'string' ? text : 'named at deploy time'} is not in the scan`,
          source: span,
        });
      });
    // Policies that attach themselves (Roles: [!Ref Role]), and managed policies the role lists by Ref.
    const managedRefs = new Set(isUnknown(managed) ? [] : referencesIn(managed).map((ref) => ref.target));
    for (const other of this.resources) {
      if (other.type !== 'AWS::IAM::Policy' && other.type !== 'AWS::IAM::ManagedPolicy') continue;
      const roles = this.list(other.properties, 'Roles');
      const attached =
        managedRefs.has(other.logicalId) ||
        (!isUnknown(roles) &&
          roles.some(
            (role) =>
              (isReference(role) && role.target === resource.logicalId) ||
              (typeof role === 'string' && typeof name === 'string' && role === name),
          ));
      if (!attached) continue;
      const statements = this.policyOf(other.properties, 'PolicyDocument', other.typeSpan, other);
      if (statements !== undefined) policies.push({ name: other.logicalId, statements, source: other.typeSpan });
    }
    const trust = this.policyOf(p, 'AssumeRolePolicyDocument', resource.typeSpan, resource);
    const path = toText(this.get(p, 'Path'));
    const node: RoleNode = {
      kind: 'role',
      id: this.id(resource.logicalId),
      label: resource.logicalId,
      roleName: name ?? unknown('named by CloudFormation at deploy time'),
      source: resource.typeSpan,
      at:
        this.spans.key(p, 'RoleName', resource.typeSpan) === resource.typeSpan
          ? NO_SPANS
          : { roleName: this.spans.key(p, 'RoleName', resource.typeSpan) },
      suppressions: resource.suppressions,
    };
    if (typeof name === 'string') {
      node.roleArn =
        path === undefined || typeof path === 'string'
          ? `arn:aws:iam::${OWN_ACCOUNT}:role${path ?? '/'}${name}`
          : unknown('the role path is decided at deploy time');
    }
    if (policies.length) node.policies = policies;
    if (unreadablePolicies.length) node.unreadablePolicies = unreadablePolicies;
    if (trust !== undefined) node.trust = trust;
    this.fragment.add(node);
  }

  private roleOf(principal: unknown): string | undefined {
    if (isReference(principal)) {
      return this.byId.get(principal.target)?.type === 'AWS::IAM::Role' ? this.id(principal.target) : undefined;
    }
    const name = roleNameOfArn(principal);
    if (!name) return undefined;
    for (const resource of this.resources) {
      if (resource.type === 'AWS::IAM::Role' && toText(this.get(resource.properties, 'RoleName')) === name)
        return this.id(resource.logicalId);
    }
    return undefined;
  }

  private readKey(resource: Resource): void {
    const p = resource.properties;
    const policySpan = this.spans.key(p, 'KeyPolicy', resource.typeSpan);
    let policyValue = this.get(p, 'KeyPolicy');
    if (typeof policyValue === 'string') {
      try {
        policyValue = JSON.parse(policyValue);
      } catch {
        policyValue = unknown('KeyPolicy is not valid JSON');
      }
    }
    const policy =
      policyValue === undefined
        ? unknown('no KeyPolicy: the default key policy gives the account root full access')
        : readPolicy(policyValue, {
            spans: this.spans,
            resolve: (value) => {
              const resolved = this.resolver.resolve(value);
              return resolved === NO_VALUE ? undefined : resolved;
            },
            roleOf: (value) => this.roleOf(value),
            roleNameOf: (id) => this.roleNameOf(id),
            fallback: policySpan,
            suppressions: resource.suppressions,
          });
    const id = this.id(resource.logicalId);
    this.fragment.add({
      kind: 'key',
      id,
      label: resource.logicalId,
      policy,
      source: resource.typeSpan,
      at: { policy: policySpan },
      suppressions: resource.suppressions,
    });
    if (!isUnknown(policy)) {
      for (const statement of policy)
        for (const role of statement.principalRoles) this.fragment.edge('uses', role, id, statement.source);
    }
  }

  /** Items of a list property with their index, intrinsics resolved, `AWS::NoValue` dropped. */
  private items(container: unknown, key: string): Array<[number, unknown]> {
    if (!isRecord(container)) return [];
    const raw = this.resolver.resolve(container[key]);
    if (!Array.isArray(raw)) return [];
    const found: Array<[number, unknown]> = [];
    raw.forEach((item, index) => {
      const value = this.resolver.resolve(item);
      if (value !== NO_VALUE && value !== undefined) found.push([index, value]);
    });
    return found;
  }
}

/** Root device names of Linux and Windows AMIs (/dev/xvda, /dev/sda1): the AMI says which is root. */
const ROOT_DEVICE_NAMES = new Set(['/dev/xvda', '/dev/sda1', '/dev/sda', 'xvda']);

/** AWS hands out EBS blocks wiped ("wiped prior to being made available for use", AWS hypervisor security). */
const EBS_WIPE = 'on-release' as const;
