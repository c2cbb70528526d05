import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
