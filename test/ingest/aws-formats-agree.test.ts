import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { check } from '../../src/check.js';
import { defaultConfig } from '../../src/engine/config.js';
import { temporaryDirectories } from '../temporary.js';

const temporaryDirectory = temporaryDirectories('formats');

/**
 * The same deployment written as CloudFormation YAML, CloudFormation JSON, Terraform HCL and a Terraform
 * plan: every format must reach the same verdicts (rule, message, severity) for its security groups,
 * volumes and metadata options. Defaults are decided once, whatever the format.
 */
const RULES = ['no-interactive-access', 'encrypted-block-storage', 'instance-metadata-v2'];

/** Each case, by the name the verdicts are keyed on. */
const CFN = {
  Resources: {
    Ssh: {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: {
        GroupDescription: 'ssh',
        SecurityGroupIngress: [
          { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '192.168.1.0/0' },
          { IpProtocol: '-1', CidrIpv6: '0000:0000:0000:0000:0000:0000:0000:0000/0' },
          { IpProtocol: 'tcp', FromPort: 3389, ToPort: 22, CidrIp: '0.0.0.0/0' },
          { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '10.0.0.0/8' },
        ],
      },
    },
    Unused: {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: {
        GroupDescription: 'unused',
        SecurityGroupIngress: [{ IpProtocol: '6', FromPort: 3389, ToPort: 3389, CidrIp: '0.0.0.0/0' }],
      },
    },
    Web: {
      Type: 'AWS::EC2::Instance',
      Properties: {
        ImageId: 'ami-0abcdef1234567890',
        SecurityGroupIds: [{ Ref: 'Ssh' }],
        MetadataOptions: { HttpTokens: 'optional' },
      },
    },
    Worker: {
      Type: 'AWS::EC2::Instance',
      Properties: {
        ImageId: 'ami-0abcdef1234567890',
        MetadataOptions: { HttpTokens: 'required' },
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 20, Encrypted: true } }],
      },
    },
    Data: { Type: 'AWS::EC2::Volume', Properties: { AvailabilityZone: 'eu-west-1a', Size: 10 } },
    Logs: { Type: 'AWS::EC2::Volume', Properties: { AvailabilityZone: 'eu-west-1a', Size: 10, Encrypted: false } },
    Restored: {
      Type: 'AWS::EC2::Volume',
      Properties: { AvailabilityZone: 'eu-west-1a', SnapshotId: 'snap-0123456789abcdef0' },
    },
  },
};

function cfnYaml(): string {
  // A hand-written YAML rendering (block style, as people write templates).
  const lines = ['Resources:'];
  const write = (value: unknown, indent: string): void => {
    if (Array.isArray(value)) {
      for (const item of value) {
        const entries = Object.entries(item as Record<string, unknown>);
        entries.forEach(([key, v], i) => lines.push(`${indent}${i === 0 ? '- ' : '  '}${key}: ${scalar(v)}`));
      }
      return;
    }
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      if (v && typeof v === 'object' && !('Ref' in v)) {
        lines.push(`${indent}${key}:`);
        write(v, `${indent}  `);
      } else lines.push(`${indent}${key}: ${scalar(v)}`);
    }
  };
  const scalar = (v: unknown) =>
    v && typeof v === 'object' && 'Ref' in v ? `!Ref ${(v as { Ref: string }).Ref}` : JSON.stringify(v);
  write(CFN.Resources, '  ');
  return `${lines.join('\n')}\n`;
}

const HCL = `resource "aws_security_group" "Ssh" {
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["192.168.1.0/0"]
  }
  ingress {
    from_port        = 0
    to_port          = 0
    protocol         = "-1"
    ipv6_cidr_blocks = ["0000:0000:0000:0000:0000:0000:0000:0000/0"]
  }
  ingress {
    from_port   = 3389
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}

resource "aws_security_group" "Unused" {
  ingress {
    from_port   = 3389
    to_port     = 3389
    protocol    = "6"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_instance" "Web" {
  ami                    = "ami-0abcdef1234567890"
  vpc_security_group_ids = [aws_security_group.Ssh.id]
  metadata_options {
    http_tokens = "optional"
  }
}

resource "aws_instance" "Worker" {
  ami = "ami-0abcdef1234567890"
  metadata_options {
    http_tokens = "required"
  }
  root_block_device {
    volume_size = 20
    encrypted   = true
  }
}

resource "aws_ebs_volume" "Data" {
  availability_zone = "eu-west-1a"
  size              = 10
}

resource "aws_ebs_volume" "Logs" {
  availability_zone = "eu-west-1a"
  size              = 10
  encrypted         = false
}

resource "aws_ebs_volume" "Restored" {
  availability_zone = "eu-west-1a"
  snapshot_id       = "snap-0123456789abcdef0"
}
`;

function plan(): string {
  const ingress = (from: number, to: number, protocol: string, cidr: string[], v6: string[] = []) => ({
    from_port: from,
    to_port: to,
    protocol,
    cidr_blocks: cidr,
    ipv6_cidr_blocks: v6,
    security_groups: [],
    self: false,
  });
  const resource = (type: string, name: string, values: Record<string, unknown>) => ({
    address: `${type}.${name}`,
    mode: 'managed',
    type,
    name,
    values,
  });
  const resources = [
    resource('aws_security_group', 'Ssh', {
      ingress: [
        ingress(22, 22, 'tcp', ['192.168.1.0/0']),
        ingress(0, 0, '-1', [], ['0000:0000:0000:0000:0000:0000:0000:0000/0']),
        ingress(3389, 22, 'tcp', ['0.0.0.0/0']),
        ingress(22, 22, 'tcp', ['10.0.0.0/8']),
      ],
    }),
    resource('aws_security_group', 'Unused', { ingress: [ingress(3389, 3389, '6', ['0.0.0.0/0'])] }),
    resource('aws_instance', 'Web', {
      ami: 'ami-0abcdef1234567890',
      metadata_options: [{ http_tokens: 'optional' }],
    }),
    resource('aws_instance', 'Worker', {
      ami: 'ami-0abcdef1234567890',
      metadata_options: [{ http_tokens: 'required' }],
      root_block_device: [{ volume_size: 20, encrypted: true }],
    }),
    resource('aws_ebs_volume', 'Data', { availability_zone: 'eu-west-1a', size: 10 }),
    resource('aws_ebs_volume', 'Logs', { availability_zone: 'eu-west-1a', size: 10, encrypted: false }),
    resource('aws_ebs_volume', 'Restored', { availability_zone: 'eu-west-1a', snapshot_id: 'snap-0123456789abcdef0' }),
  ];
  return JSON.stringify(
    {
      format_version: '1.2',
      terraform_version: '1.9.5',
      planned_values: { root_module: { resources } },
      resource_changes: resources.map((r) => ({ address: r.address, type: r.type, change: { actions: ['create'] } })),
      configuration: {
        root_module: {
          resources: [
            {
              address: 'aws_instance.Web',
              type: 'aws_instance',
              name: 'Web',
              expressions: {
                vpc_security_group_ids: { references: ['aws_security_group.Ssh.id', 'aws_security_group.Ssh'] },
              },
            },
          ],
        },
      },
    },
    null,
    2,
  );
}

/** The verdicts of one format, keyed by the resource (and for groups the rule) they land on. */
async function verdicts(name: string, text: string): Promise<string[]> {
  const directory = temporaryDirectory();
  writeFileSync(join(directory, name), text);
  const result = await check({
    paths: [directory],
    cwd: directory,
    root: directory,
    config: defaultConfig(directory),
    onlyRules: RULES,
    today: new Date('2026-11-01'),
  });
  expect(result.problems).toEqual([]);
  expect(result.files.length).toBe(1);
  // Names differ by format (`Web` / `aws_instance.Web`); the message with names reduced to the case name is the verdict.
  const plain = (text: string) => text.replace(/aws_[a-z_]+\.(\w+)/g, '$1');
  return result.findings.map((f) => `${f.ruleId} ${f.messageId} ${f.severity}: ${plain(f.message)}`).sort();
}

describe('one deployment, four formats, the same verdicts', () => {
  it('CloudFormation YAML and JSON, Terraform HCL and plan JSON agree on groups, volumes and metadata', async () => {
    const yaml = await verdicts('stack.yaml', cfnYaml());
    const json = await verdicts('stack.json', JSON.stringify(CFN, null, 2));
    const hcl = await verdicts('main.tf', HCL);
    const planned = await verdicts('plan.json', plan());
    expect(yaml).toEqual([
      "encrypted-block-storage undecided note: Cannot tell whether volume 'Restored' is encrypted: made from a snapshot, whose encryption it inherits unless the scan declares EBS encryption by default.",
      "encrypted-block-storage undecided note: Cannot tell whether volume 'Web root volume (from its AMI)' is encrypted: made from the AMI's root snapshot, whose encryption it inherits unless the scan declares EBS encryption by default.",
      "encrypted-block-storage unencrypted error: Volume 'Logs' is not encrypted.",
      "encrypted-block-storage unencryptedByDefault error: Volume 'Data' does not set encryption and the scan declares no EBS encryption by default, so AWS creates it unencrypted.",
      "instance-metadata-v2 optional error: Instance 'Web' accepts IMDSv1 requests: HttpTokens is 'optional', not 'required'.",
      "no-interactive-access openAllPorts error: Ingress rule opens every port, SSH (22) and RDP (3389) among them, to '::/0' (written '0000:0000:0000:0000:0000:0000:0000:0000/0') on instance 'Web'.",
      "no-interactive-access openPort error: Ingress rule opens RDP (port 3389) to '0.0.0.0/0' of security group 'Unused', which no machine of the scan uses.",
      "no-interactive-access openPort error: Ingress rule opens SSH (port 22) to '0.0.0.0/0' (written '192.168.1.0/0') on instance 'Web'.",
      "no-interactive-access undecidedPort note: Cannot tell whether this ingress rule opens SSH or RDP (port 22 or 3389) to everyone on instance 'Web': the port range 3389–22 is reversed: EC2 would reject it.",
    ]);
    expect(json).toEqual(yaml);
    expect(hcl).toEqual(yaml);
    expect(planned).toEqual(yaml);
  });
});

// --- Auto scaling groups: one launch template launched by groups naming different versions, and a launch
// configuration. The template is judged once at its lines; each group is a related location that says
// whether it launches the template as written; a version that may be another is a note on the group.

const ASG_CFN = `Resources:
  Ssh:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: ssh
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 22
          ToPort: 22
          CidrIp: 0.0.0.0/0
  Template:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateName: web
      LaunchTemplateData:
        ImageId: ami-0abcdef1234567890
        SecurityGroupIds: [!Ref Ssh]
        MetadataOptions:
          HttpTokens: optional
        BlockDeviceMappings:
          - DeviceName: /dev/xvdb
            Ebs:
              VolumeSize: 100
              Encrypted: false
  Latest:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MinSize: '1'
      MaxSize: '2'
      LaunchTemplate:
        LaunchTemplateId: !Ref Template
        Version: !GetAtt Template.LatestVersionNumber
  Default:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MinSize: '1'
      MaxSize: '2'
      MixedInstancesPolicy:
        LaunchTemplate:
          LaunchTemplateSpecification:
            LaunchTemplateName: web
            Version: !GetAtt Template.DefaultVersionNumber
          Overrides:
            - InstanceType: m5.large
  Numbered:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MinSize: '1'
      MaxSize: '2'
      LaunchTemplate:
        LaunchTemplateId: !Ref Template
        Version: '2'
  Legacy:
    Type: AWS::AutoScaling::LaunchConfiguration
    Properties:
      ImageId: ami-0abcdef1234567890
      InstanceType: t3.micro
      MetadataOptions:
        HttpTokens: required
      BlockDeviceMappings:
        - DeviceName: /dev/xvda
          Ebs:
            VolumeSize: 20
            Encrypted: true
  LegacyGroup:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MinSize: '1'
      MaxSize: '2'
      LaunchConfigurationName: !Ref Legacy
`;

const ASG_HCL = `resource "aws_security_group" "Ssh" {
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_launch_template" "Template" {
  name                   = "web"
  image_id               = "ami-0abcdef1234567890"
  vpc_security_group_ids = [aws_security_group.Ssh.id]
  metadata_options {
    http_tokens = "optional"
  }
  block_device_mappings {
    device_name = "/dev/xvdb"
    ebs {
      volume_size = 100
      encrypted   = false
    }
  }
}

resource "aws_autoscaling_group" "Latest" {
  min_size = 1
  max_size = 2
  launch_template {
    id      = aws_launch_template.Template.id
    version = aws_launch_template.Template.latest_version
  }
}

resource "aws_autoscaling_group" "Default" {
  min_size = 1
  max_size = 2
  mixed_instances_policy {
    launch_template {
      launch_template_specification {
        launch_template_name = "web"
        version              = aws_launch_template.Template.default_version
      }
      override {
        instance_type = "m5.large"
      }
    }
  }
}

resource "aws_autoscaling_group" "Numbered" {
  min_size = 1
  max_size = 2
  launch_template {
    id      = aws_launch_template.Template.id
    version = "2"
  }
}

resource "aws_launch_configuration" "Legacy" {
  image_id      = "ami-0abcdef1234567890"
  instance_type = "t3.micro"
  metadata_options {
    http_tokens = "required"
  }
  root_block_device {
    volume_size = 20
    encrypted   = true
  }
}

resource "aws_autoscaling_group" "LegacyGroup" {
  min_size             = 1
  max_size             = 2
  launch_configuration = aws_launch_configuration.Legacy.name
}
`;

function asgPlan(): string {
  const resource = (type: string, name: string, values: Record<string, unknown>) => ({
    address: `${type}.${name}`,
    mode: 'managed',
    type,
    name,
    values,
  });
  const resources = [
    resource('aws_security_group', 'Ssh', {
      ingress: [
        {
          from_port: 22,
          to_port: 22,
          protocol: 'tcp',
          cidr_blocks: ['0.0.0.0/0'],
          ipv6_cidr_blocks: [],
          security_groups: [],
          self: false,
        },
      ],
    }),
    resource('aws_launch_template', 'Template', {
      name: 'web',
      image_id: 'ami-0abcdef1234567890',
      update_default_version: null,
      metadata_options: [{ http_endpoint: 'enabled', http_tokens: 'optional' }],
      block_device_mappings: [{ device_name: '/dev/xvdb', ebs: [{ volume_size: 100, encrypted: false }] }],
    }),
    resource('aws_autoscaling_group', 'Latest', { min_size: 1, max_size: 2, launch_template: [{}] }),
    resource('aws_autoscaling_group', 'Default', {
      min_size: 1,
      max_size: 2,
      mixed_instances_policy: [
        {
          launch_template: [
            {
              launch_template_specification: [{ launch_template_name: 'web' }],
              override: [{ instance_type: 'm5.large' }],
            },
          ],
        },
      ],
    }),
    resource('aws_autoscaling_group', 'Numbered', { min_size: 1, max_size: 2, launch_template: [{ version: '2' }] }),
    resource('aws_launch_configuration', 'Legacy', {
      image_id: 'ami-0abcdef1234567890',
      instance_type: 't3.micro',
      metadata_options: [{ http_tokens: 'required' }],
      root_block_device: [{ volume_size: 20, encrypted: true }],
    }),
    resource('aws_autoscaling_group', 'LegacyGroup', { min_size: 1, max_size: 2 }),
  ];
  const refs = (...addresses: string[]) => ({ references: addresses });
  const configured = (type: string, name: string, expressions: Record<string, unknown>) => ({
    address: `${type}.${name}`,
    type,
    name,
    expressions,
  });
  return JSON.stringify({
    format_version: '1.2',
    terraform_version: '1.9.5',
    planned_values: { root_module: { resources } },
    resource_changes: [
      {
        address: 'aws_launch_template.Template',
        type: 'aws_launch_template',
        change: { actions: ['create'], after_unknown: { id: true, latest_version: true, default_version: true } },
      },
    ],
    configuration: {
      root_module: {
        resources: [
          configured('aws_launch_template', 'Template', {
            vpc_security_group_ids: refs('aws_security_group.Ssh.id', 'aws_security_group.Ssh'),
          }),
          configured('aws_autoscaling_group', 'Latest', {
            launch_template: [
              {
                id: refs('aws_launch_template.Template.id', 'aws_launch_template.Template'),
                version: refs('aws_launch_template.Template.latest_version', 'aws_launch_template.Template'),
              },
            ],
          }),
          configured('aws_autoscaling_group', 'Default', {
            mixed_instances_policy: [
              {
                launch_template: [
                  {
                    launch_template_specification: [
                      {
                        version: refs('aws_launch_template.Template.default_version', 'aws_launch_template.Template'),
                      },
                    ],
                  },
                ],
              },
            ],
          }),
          configured('aws_autoscaling_group', 'Numbered', {
            launch_template: [{ id: refs('aws_launch_template.Template.id', 'aws_launch_template.Template') }],
          }),
          configured('aws_autoscaling_group', 'LegacyGroup', {
            launch_configuration: refs('aws_launch_configuration.Legacy.name', 'aws_launch_configuration.Legacy'),
          }),
        ],
      },
    },
  });
}

/**
 * The verdicts of one format for the groups case: rule, message and severity, the element judged, and each
 * group named as a related location with whether it launches the template as written. Names and the wording
 * of version assumptions differ by format (`Template.LatestVersionNumber`, `latest_version`).
 */
async function groupVerdicts(name: string, text: string): Promise<string[]> {
  const directory = temporaryDirectory();
  writeFileSync(join(directory, name), text);
  const result = await check({
    paths: [directory],
    cwd: directory,
    root: directory,
    config: defaultConfig(directory),
    onlyRules: RULES,
    today: new Date('2026-11-01'),
  });
  expect(result.problems).toEqual([]);
  const plain = (text: string) => text.replace(/aws_[a-z_]+\.(\w+)/g, '$1');
  // `stack.yaml#Template/BlockDeviceMappings/0`, `./aws_launch_template.Template/…`, `plan.json#aws_…`: the resource.
  const element = (id: string | undefined) =>
    plain((id ?? '').replace(/^.*#/, '').replace(/^\.\//, '')).replace(/\/.*$/, '');
  return result.findings
    .map((f) => {
      const groups = f.related
        .map((r) => /^auto scaling group '([^']+)'(?: launches (it|version))?/.exec(r.label))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => `${plain(m[1])}${m[2] === 'it' ? ' as written' : m[2] ? ' assumed' : ''}`)
        .sort();
      return `${f.ruleId} ${f.messageId} ${f.severity} ${element(f.element)} [${groups.join(', ')}]`;
    })
    .sort();
}

describe('auto scaling groups, four formats, the same verdicts', () => {
  it('judges the launch template once, names each group and the version it launches, notes assumed versions', async () => {
    const yaml = await groupVerdicts('stack.yaml', ASG_CFN);
    // The same template in JSON: the short-form tags as their long forms.
    const template: unknown = parse(ASG_CFN, {
      customTags: [
        { tag: '!Ref', resolve: (value: string) => ({ Ref: value }) },
        { tag: '!GetAtt', resolve: (value: string) => ({ 'Fn::GetAtt': value.split('.') }) },
      ],
    });
    const json = await groupVerdicts('stack.json', JSON.stringify(template, null, 2));
    const hcl = await groupVerdicts('main.tf', ASG_HCL);
    const planned = await groupVerdicts('plan.json', asgPlan());
    expect(yaml).toEqual([
      'encrypted-block-storage undecided note Template [Default assumed, Latest as written, Numbered assumed]',
      'encrypted-block-storage unencrypted error Template [Default assumed, Latest as written, Numbered assumed]',
      'instance-metadata-v2 optional error Template [Default assumed, Latest as written, Numbered assumed]',
      'instance-metadata-v2 undecided note Default [Default]',
      'instance-metadata-v2 undecided note Numbered [Numbered]',
      'no-interactive-access openPort error Ssh [Default, Latest, Numbered]',
    ]);
    expect(json).toEqual(yaml);
    expect(hcl).toEqual(yaml);
    expect(planned).toEqual(yaml);
  });
});

/**
 * Launch templates that leave HttpTokens unset (with a plain AMI, an AL2023 SSM parameter, no AMI) and a
 * volume that leaves Encrypted unset: the AWS defaults are applied in one place (src/ingest/aws/defaults.ts),
 * so CloudFormation and Terraform give each the same verdict.
 */
const TEMPLATES_CFN = `Resources:
  Plain:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        ImageId: ami-0abcdef1234567890
        MetadataOptions:
          HttpEndpoint: enabled
  Modern:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        ImageId: resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64
  Bare:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        InstanceType: m5.xlarge
  Scratch:
    Type: AWS::EC2::Volume
    Properties:
      AvailabilityZone: eu-west-1a
      Size: 8
`;

const TEMPLATES_HCL = `resource "aws_launch_template" "Plain" {
  image_id = "ami-0abcdef1234567890"
  metadata_options {
    http_endpoint = "enabled"
  }
}

resource "aws_launch_template" "Modern" {
  image_id = "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
}

resource "aws_launch_template" "Bare" {
  instance_type = "m5.xlarge"
}

resource "aws_ebs_volume" "Scratch" {
  availability_zone = "eu-west-1a"
  size              = 8
}
`;

describe('the same resources in CloudFormation and Terraform, left to the AWS defaults', () => {
  it('get the same verdicts (HttpTokens unset on launch templates included)', async () => {
    const cloudFormation = await verdicts('stack.yaml', TEMPLATES_CFN);
    const terraform = await verdicts('main.tf', TEMPLATES_HCL);
    expect(cloudFormation).toEqual([
      "encrypted-block-storage undecided note: Cannot tell whether volume 'Bare root volume (from its AMI)' is encrypted: made from the AMI's root snapshot, whose encryption it inherits unless the scan declares EBS encryption by default.",
      "encrypted-block-storage undecided note: Cannot tell whether volume 'Modern root volume (from its AMI)' is encrypted: made from the AMI's root snapshot, whose encryption it inherits unless the scan declares EBS encryption by default.",
      "encrypted-block-storage undecided note: Cannot tell whether volume 'Plain root volume (from its AMI)' is encrypted: made from the AMI's root snapshot, whose encryption it inherits unless the scan declares EBS encryption by default.",
      "encrypted-block-storage unencryptedByDefault error: Volume 'Scratch' does not set encryption and the scan declares no EBS encryption by default, so AWS creates it unencrypted.",
      "instance-metadata-v2 undecided note: Cannot tell whether launch template 'Bare' requires IMDSv2: HttpTokens is not set and no AMI is named here: the AMI's ImdsSupport and the account's IMDS defaults decide.",
      "instance-metadata-v2 unsetImage warning: Launch template 'Plain' does not set HttpTokens and its AMI ('ami-0abcdef1234567890') is not one registered with ImdsSupport v2.0 that isolint knows, so IMDSv1 is accepted unless the account's IMDS defaults require tokens.",
    ]);
    // The reasons name the format's own spelling of the setting; the verdicts are the same.
    expect(terraform).toEqual(
      cloudFormation.map((line) => line.replace('HttpTokens is not set', 'http_tokens is not set')),
    );
  });
});
