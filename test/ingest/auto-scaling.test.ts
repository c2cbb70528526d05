import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check } from '../../src/check.js';
import { defaultConfig } from '../../src/engine/config.js';
import { temporaryDirectories } from '../temporary.js';

const temporaryDirectory = temporaryDirectories('auto-scaling');

/** The instance-metadata-v2 findings of one file: line, message id, and related labels. */
async function metadataFindings(name: string, text: string) {
  const directory = temporaryDirectory();
  writeFileSync(join(directory, name), text);
  const result = await check({
    paths: [directory],
    cwd: directory,
    root: directory,
    config: defaultConfig(directory),
    onlyRules: ['instance-metadata-v2'],
    today: new Date('2026-11-01'),
  });
  expect(result.problems).toEqual([]);
  return result.findings.map((f) => ({
    line: f.location.startLine,
    messageId: f.messageId,
    message: f.message,
    related: f.related.map((r) => `${r.span.startLine}: ${r.label}`),
  }));
}

describe('auto scaling groups and launch template versions', () => {
  it('CloudFormation: each group is named with the version it launches, at the line naming the template', async () => {
    const findings = await metadataFindings(
      'stack.yaml',
      `Resources:
  Template:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        ImageId: ami-0abcdef1234567890
        MetadataOptions:
          HttpTokens: optional
  Latest:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MinSize: '1'
      MaxSize: '2'
      LaunchTemplate:
        LaunchTemplateId: !Ref Template
        Version: !GetAtt Template.LatestVersionNumber
  Unversioned:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MinSize: '1'
      MaxSize: '2'
      LaunchTemplate:
        LaunchTemplateId: !Ref Template
`,
    );
    expect(findings).toEqual([
      {
        line: 8,
        messageId: 'undecided',
        message:
          "Cannot tell whether auto scaling group 'Unversioned' requires IMDSv2: it launches version $Default (no Version is given) of launch template 'Template', which is the template as written only while CloudFormation has not updated it (an update adds a version and leaves the default); as written, HttpTokens is 'optional' there.",
        related: ["18: auto scaling group 'Unversioned'"],
      },
      {
        line: 8,
        messageId: 'optional',
        message: "Launch template 'Template' accepts IMDSv1 requests: HttpTokens is 'optional', not 'required'.",
        related: [
          "14: auto scaling group 'Latest' launches it (version Template.LatestVersionNumber: the template as written)",
          "22: auto scaling group 'Unversioned' launches version $Default (no Version is given), which is the template as written only while CloudFormation has not updated it (an update adds a version and leaves the default)",
        ],
      },
    ]);
  });

  it('Terraform: $Default is the template as written with update_default_version = true, not with default_version pinned', async () => {
    const findings = await metadataFindings(
      'main.tf',
      `resource "aws_launch_template" "moving" {
  image_id               = "ami-0abcdef1234567890"
  update_default_version = true
  metadata_options {
    http_tokens = "optional"
  }
}

resource "aws_launch_template" "pinned" {
  image_id        = "ami-0abcdef1234567890"
  default_version = 1
  metadata_options {
    http_tokens = "required"
  }
}

resource "aws_autoscaling_group" "moving" {
  min_size = 1
  max_size = 2
  launch_template {
    id = aws_launch_template.moving.id
  }
}

resource "aws_autoscaling_group" "pinned" {
  min_size = 1
  max_size = 2
  launch_template {
    id      = aws_launch_template.pinned.id
    version = "$Default"
  }
}
`,
    );
    expect(findings).toEqual([
      {
        line: 5,
        messageId: 'optional',
        message:
          "Launch template 'aws_launch_template.moving' accepts IMDSv1 requests: HttpTokens is 'optional', not 'required'.",
        related: [
          "20: auto scaling group 'aws_autoscaling_group.moving' launches it (version $Default (no version is given): the template as written (update_default_version = true))",
        ],
      },
      {
        line: 13,
        messageId: 'undecided',
        message:
          "Cannot tell whether auto scaling group 'aws_autoscaling_group.pinned' requires IMDSv2: it launches version $Default of launch template 'aws_launch_template.pinned', which Terraform pins to default_version = 1, not necessarily the template as written; as written, HttpTokens is 'required' there.",
        related: ["25: auto scaling group 'aws_autoscaling_group.pinned'"],
      },
    ]);
  });
});
