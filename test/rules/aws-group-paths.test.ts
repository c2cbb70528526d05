import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check } from '../../src/check.js';
import { defaultConfig } from '../../src/engine/config.js';
import { temporaryDirectories } from '../temporary.js';

const temporaryDirectory = temporaryDirectories('paths');

/**
 * Every way a security group reaches a machine (item 3 of the AWS findings issue): the open rule is one
 * finding on its line, naming each machine that uses the group as a related location.
 */
async function scan(files: Record<string, string>, rules = ['no-interactive-access']) {
  const directory = temporaryDirectory();
  for (const [name, text] of Object.entries(files)) writeFileSync(join(directory, name), text);
  const result = await check({
    paths: [directory],
    cwd: directory,
    root: directory,
    config: defaultConfig(directory),
    onlyRules: rules,
    today: new Date('2026-11-01'),
  });
  expect(result.problems.filter((p) => p.level === 'error')).toEqual([]);
  return result.findings.map((f) => ({
    at: `${f.location.file}:${f.location.startLine}`,
    messageId: f.messageId,
    message: f.message,
    related: f.related.map((r) => r.label).filter((label) => !label.startsWith('security group')),
  }));
}

const OPEN_SSH_GROUP = `  Ssh:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: ssh
      SecurityGroupIngress:
        - { IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0 }
`;

describe('CloudFormation: from a group to the machines it filters', () => {
  it('follows GroupSet of a standalone interface, Fn::Split over !GetAtt GroupId, Fn::Join/Fn::Select lists', async () => {
    const findings = await scan({
      'stack.yaml': `Resources:
${OPEN_SSH_GROUP}  Eni:
    Type: AWS::EC2::NetworkInterface
    Properties:
      SubnetId: subnet-1
      GroupSet: [!Ref Ssh]
  ByEni:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-1
      NetworkInterfaces:
        - { NetworkInterfaceId: !Ref Eni, DeviceIndex: '0' }
  BySplit:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-1
      SecurityGroupIds: !Split [',', !GetAtt Ssh.GroupId]
  ByJoin:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-1
      SecurityGroupIds: !Split [',', !Join [',', [!Ref Ssh, sg-0123456789abcdef0]]]
  BySelect:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-1
      SecurityGroupIds: [!Select [0, [!GetAtt Ssh.GroupId, sg-0123456789abcdef0]]]
  Attached:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-1
  Eni2:
    Type: AWS::EC2::NetworkInterface
    Properties:
      SubnetId: subnet-1
      GroupSet: [!GetAtt Ssh.GroupId]
  Attachment:
    Type: AWS::EC2::NetworkInterfaceAttachment
    Properties:
      InstanceId: !Ref Attached
      NetworkInterfaceId: !Ref Eni2
      DeviceIndex: '1'
`,
    });
    expect(findings).toEqual([
      {
        at: 'stack.yaml:7',
        messageId: 'openPort',
        message: "Ingress rule opens SSH (port 22) to '0.0.0.0/0' on instance 'ByEni' and 4 more.",
        related: [
          "instance 'ByEni'",
          "instance 'BySplit'",
          "instance 'ByJoin'",
          "instance 'BySelect'",
          "instance 'Attached'",
        ],
      },
    ]);
  });

  it('links instances to launch templates by id or by name (as CDK writes them), whatever the version', async () => {
    const template = (reference: string) => `Resources:
  Template:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateName: app-template
      LaunchTemplateData:
        MetadataOptions: { HttpTokens: required }
  Web:
    Type: AWS::EC2::Instance
    Properties:
      LaunchTemplate:
        ${reference}
        Version: !GetAtt Template.LatestVersionNumber
`;
    for (const reference of ['LaunchTemplateName: app-template', 'LaunchTemplateId: !Ref Template']) {
      expect(await scan({ 'app.yaml': template(reference) }, ['instance-metadata-v2'])).toEqual([]);
    }
    // A name that is not the template's leaves the instance's own (unset) setting to be judged.
    const other = await scan({ 'app.yaml': template('LaunchTemplateName: another-template') }, [
      'instance-metadata-v2',
    ]);
    expect(other.map((f) => `${f.at} ${f.messageId}`)).toEqual(['app.yaml:9 undecided']);
  });

  it('judges a group no machine uses on its own, saying so', async () => {
    const findings = await scan({ 'groups.yaml': `Resources:\n${OPEN_SSH_GROUP}` });
    expect(findings).toEqual([
      {
        at: 'groups.yaml:7',
        messageId: 'openPort',
        message:
          "Ingress rule opens SSH (port 22) to '0.0.0.0/0' of security group 'Ssh', which no machine of the scan uses.",
        related: [],
      },
    ]);
  });
});

describe('Terraform: from a group to the machines it filters', () => {
  it('follows aws_network_interface security_groups, attachments, and the VPC default group', async () => {
    const findings = await scan({
      'main.tf': `resource "aws_security_group" "ssh" {
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["192.168.1.0/0"]
  }
}

resource "aws_network_interface" "eni" {
  subnet_id       = "subnet-1"
  security_groups = [aws_security_group.ssh.id]
}

resource "aws_instance" "by_eni" {
  ami = "ami-1"
  network_interface {
    network_interface_id = aws_network_interface.eni.id
    device_index         = 0
  }
}

resource "aws_default_security_group" "default" {
  vpc_id = "vpc-1"
  ingress {
    protocol    = "tcp"
    from_port   = 3389
    to_port     = 3389
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_instance" "no_group" {
  ami = "ami-1"
}
`,
    });
    expect(findings).toEqual([
      {
        at: 'main.tf:6',
        messageId: 'openPort',
        message:
          "Ingress rule opens SSH (port 22) to '0.0.0.0/0' (written '192.168.1.0/0') on instance 'aws_instance.by_eni'.",
        related: ["instance 'aws_instance.by_eni'"],
      },
      {
        at: 'main.tf:29',
        messageId: 'openPort',
        message: "Ingress rule opens RDP (port 3389) to '0.0.0.0/0' on instance 'aws_instance.no_group'.",
        related: ["instance 'aws_instance.no_group'"],
      },
    ]);
  });

  it('reports a rule shared by many instances once, naming them all', async () => {
    const instances = Array.from(
      { length: 3 },
      (_, i) =>
        `resource "aws_instance" "web${i}" {\n  ami = "ami-1"\n  vpc_security_group_ids = [aws_security_group.ssh.id]\n}\n`,
    ).join('\n');
    const findings = await scan({
      'main.tf': `resource "aws_security_group" "ssh" {
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
${instances}`,
    });
    expect(findings.map((f) => [f.at, f.related])).toEqual([
      ['main.tf:6', ["instance 'aws_instance.web0'", "instance 'aws_instance.web1'", "instance 'aws_instance.web2'"]],
    ]);
  });
});
