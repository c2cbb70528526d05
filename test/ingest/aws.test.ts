import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { check } from '../../src/check.js';
import { defaultConfig } from '../../src/engine/config.js';
import { InputError } from '../../src/errors.js';
import { cloudFormationAdapter } from '../../src/ingest/cloudformation.js';
import { terraformAdapter } from '../../src/ingest/terraform/adapter.js';
import { terraformPlanAdapter } from '../../src/ingest/terraform/plan.js';
import type { GraphFragment, InstanceNode, KeyNode, SecurityGroupNode, VolumeNode } from '../../src/model/nodes.js';
import { isUnknown } from '../../src/model/unknown.js';
import { REPO_ROOT } from '../helpers.js';
import { provenanceOf } from '../../src/model/provenance.js';
import { temporaryDirectories } from '../temporary.js';

const temporaryDirectory = temporaryDirectories('tf');

/** CloudFormation and Terraform adapters: positions, intrinsics, unknowns, references, bad input. */

function loadCfn(text: string, file = 'template.yaml'): GraphFragment {
  return cloudFormationAdapter.load({ file, absolutePath: join(tmpdir(), file), text });
}

function node<T>(fragment: GraphFragment, id: string): T {
  const found = fragment.nodes.find((n) => n.id === id);
  expect(found, `node ${id}`).toBeDefined();
  return found as T;
}

function lineOf(text: string, needle: string): number {
  return text.split('\n').findIndex((line) => line.includes(needle)) + 1;
}

async function scan(path: string) {
  return check({
    paths: [path],
    cwd: REPO_ROOT,
    root: REPO_ROOT,
    config: defaultConfig(REPO_ROOT),
    today: new Date('2026-11-01'),
  });
}

function errorOf(run: () => unknown): InputError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected an InputError');
}

describe('CloudFormation adapter', () => {
  it('claims templates by content, not by name', () => {
    const claims = (text: string) => cloudFormationAdapter.claims({ file: 'x.txt', absolutePath: '/x.txt', text });
    expect(claims('Resources:\n  A:\n    Type: AWS::EC2::Instance\n')).toBe(true);
    expect(claims('{"Resources": {"A": {"Type": "AWS::S3::Bucket"}}}')).toBe(true);
    expect(claims('apiVersion: isolint/v1\nhosts: []\n')).toBe(false);
  });

  it('resolves every short-form tag and keeps the unresolvable unknown', () => {
    const text = [
      'Parameters:',
      '  Env: { Type: String, Default: prod }',
      '  Free: { Type: String }',
      'Mappings:',
      '  M: { prod: { Tokens: required } }',
      'Conditions:',
      '  IsProd: !Equals [!Ref Env, prod]',
      '  NotProd: !Not [!Condition IsProd]',
      '  Both: !And [!Condition IsProd, !Or [!Equals [a, a], !Condition NotProd]]',
      '  Unknowable: !Equals [!Ref Free, x]',
      'Resources:',
      '  A:',
      '    Type: AWS::EC2::Instance',
      '    Properties:',
      '      UserData: !Base64 { "Fn::Sub": "echo ${Env}" }',
      '      AvailabilityZone: !Select [0, !GetAZs ""]',
      '      KeyName: !Join ["-", [!Ref Env, !Select [1, [a, b]]]]',
      '      Tenancy: !If [Both, dedicated, default]',
      '      MetadataOptions:',
      '        HttpTokens: !FindInMap [M, !Ref Env, Tokens]',
      '  B:',
      '    Type: AWS::EC2::Instance',
      '    Properties:',
      '      KeyName: !ImportValue shared-key',
      '      Tenancy: !If [Unknowable, dedicated, default]',
      '      MetadataOptions: { HttpTokens: !Sub "${Free}" }',
      '      SubnetId: !Select [0, !Cidr [10.0.0.0/16, 2, 8]]',
    ].join('\n');
    const fragment = loadCfn(text);
    const a = node<InstanceNode>(fragment, 'template.yaml#A');
    expect(a.keyName).toBe('prod-b');
    expect(a.tenancy).toBe('dedicated');
    expect(a.metadataTokens).toBe('required');
    expect(a.source.startLine).toBe(13); // the Type line
    expect(a.at.metadataTokens.startLine).toBe(20);
    const b = node<InstanceNode>(fragment, 'template.yaml#B');
    expect(isUnknown(b.keyName)).toBe(true);
    expect(isUnknown(b.tenancy)).toBe(true);
    expect(isUnknown(b.metadataTokens) && b.metadataTokens.reason).toMatch(/Free has no default/);
  });

  it('turns Ref and GetAtt between resources into edges, across standalone ingress and volume attachments', () => {
    const text = [
      'Resources:',
      '  G: { Type: AWS::EC2::SecurityGroup, Properties: { GroupDescription: g } }',
      '  R:',
      '    Type: AWS::EC2::SecurityGroupIngress',
      '    Properties: { GroupId: !GetAtt G.GroupId, IpProtocol: "-1", CidrIp: 0.0.0.0/0 }',
      '  I:',
      '    Type: AWS::EC2::Instance',
      '    Properties: { SecurityGroupIds: [!Ref G], Volumes: [{ VolumeId: !Ref V, Device: /dev/sdf }] }',
      '  V: { Type: AWS::EC2::Volume, Properties: { Size: 1, Encrypted: true } }',
      '  X: { Type: AWS::EC2::Instance, Properties: { SecurityGroupIds: [sg-0123456789abcdef0] } }',
    ].join('\n');
    const fragment = loadCfn(text);
    const group = node<SecurityGroupNode>(fragment, 'template.yaml#G');
    expect(group.ingress).toHaveLength(1);
    expect(group.ingress[0]).toMatchObject({ protocol: 'all', fromPort: 0, toPort: 65535, peer: '0.0.0.0/0' });
    expect(group.ingress[0].source.startLine).toBe(5);
    const edges = fragment.edges.map((e) => `${e.kind} ${e.from} -> ${e.to}`);
    expect(edges).toContain('attaches template.yaml#G -> template.yaml#I');
    expect(edges).toContain('attaches template.yaml#V -> template.yaml#I');
    // A literal group id outside the template is no edge (and no problem).
    expect(edges.filter((e) => e.endsWith('#X'))).toEqual([
      // Its root volume, made from the AMI's snapshot, is all that attaches to it.
      'attaches template.yaml#X/root-volume -> template.yaml#X',
    ]);
  });

  it('reads key policies with the lines of their conditions', () => {
    const text = [
      'Resources:',
      '  Role: { Type: AWS::IAM::Role, Properties: { AssumeRolePolicyDocument: {} } }',
      '  Key:',
      '    Type: AWS::KMS::Key',
      '    Properties:',
      '      KeyPolicy:',
      '        Statement:',
      '          - Effect: Allow',
      '            Principal: { AWS: !GetAtt Role.Arn }',
      '            Action: kms:Decrypt',
      '            Condition:',
      '              StringEqualsIgnoreCase:',
      '                kms:RecipientAttestation:PCR0: abc',
    ].join('\n');
    const fragment = loadCfn(text);
    const key = node<KeyNode>(fragment, 'template.yaml#Key');
    if (!key.policy || isUnknown(key.policy)) throw new Error('policy not read');
    const [statement] = key.policy;
    expect(statement.principalRoles).toEqual(['template.yaml#Role']);
    expect(statement.source.startLine).toBe(8);
    expect(statement.conditions[0]).toMatchObject({
      operator: 'StringEqualsIgnoreCase',
      key: 'kms:RecipientAttestation:PCR0',
    });
    expect(statement.conditions[0].values[0].source.startLine).toBe(13);
    expect(fragment.edges.map((e) => `${e.kind} ${e.from} -> ${e.to}`)).toContain(
      'uses template.yaml#Role -> template.yaml#Key',
    );
  });

  it('marks unset Encrypted as the AWS default, and snapshots as unknown', () => {
    const text = [
      'Resources:',
      '  A: { Type: AWS::EC2::Volume, Properties: { Size: 1 } }',
      '  B: { Type: AWS::EC2::Volume, Properties: { SnapshotId: snap-1 } }',
    ].join('\n');
    const fragment = loadCfn(text);
    const defaulted = node<VolumeNode>(fragment, 'template.yaml#A');
    expect(defaulted.encrypted).toBe(false);
    expect(provenanceOf(defaulted, 'encrypted', defaulted.encrypted)).toMatchObject({
      how: 'defaulted',
      default: { name: 'AWS default for EBS volumes' },
    });
    expect(isUnknown(node<VolumeNode>(fragment, 'template.yaml#B').encrypted)).toBe(true);
  });

  it('refuses bad input with one located line', () => {
    // A resource without a Type (or a Rain module) is skipped on its line; the rest is read.
    const noType = loadCfn('Resources:\n  A:\n    Properties: {}\n  B: { Type: AWS::EC2::Volume }\n');
    expect(noType.skipped?.map((s) => `${s.source.startLine} ${s.message}`)).toEqual([
      '2 resource A has no Type naming a resource type: skipped',
    ]);
    expect(noType.nodes.map((n) => n.label)).toEqual(['B']);
    const badYaml = errorOf(() => loadCfn('Resources:\n  A: { Type: AWS::EC2::Volume\n'));
    expect(badYaml.message).toMatch(/^invalid YAML/);
    expect(badYaml.message).not.toMatch(/\n/);
  });

  it('ignores a suppression without a reason with a warning at its line, and keeps the resource', () => {
    const fragment = loadCfn(
      'Resources:\n  A:\n    Type: AWS::EC2::Volume\n    Metadata:\n      isolint:\n        suppress: [{ rule: encrypted-block-storage }]\n',
    );
    expect(fragment.warnings?.map((w) => [w.message, w.source.startLine])).toEqual([
      [expect.stringMatching(/needs a rule and a reason/), 6],
    ]);
    const volume = fragment.nodes.find((node) => node.id.endsWith('#A'))!;
    expect(volume.suppressions).toEqual([]);
  });
});

describe('Terraform adapter', () => {
  beforeAll(async () => {
    await terraformAdapter.prepare!();
  });

  function module(files: Record<string, string>): string {
    const directory = temporaryDirectory();
    for (const [name, text] of Object.entries(files)) writeFileSync(join(directory, name), text);
    return directory;
  }

  function loadTf(directory: string, name: string, text: string): GraphFragment {
    return terraformAdapter.load({ file: `mod/${name}`, absolutePath: join(directory, name), text });
  }

  it('resolves variables and locals of sibling files and references across them', () => {
    const main = [
      'resource "aws_instance" "web" {',
      '  vpc_security_group_ids = [aws_security_group.web.id]',
      '  key_name = local.key',
      '  metadata_options {',
      '    http_tokens = var.tokens',
      '  }',
      '}',
      'resource "aws_instance" "gone" {',
      '  count = var.enabled ? 1 : 0',
      '}',
    ].join('\n');
    const directory = module({
      'main.tf': main,
      'network.tf': 'resource "aws_security_group" "web" {\n  name = "web"\n}\n',
      'variables.tf':
        'variable "tokens" {\n  default = "required"\n}\nvariable "enabled" {\n  default = false\n}\nlocals {\n  key = "ops-${var.tokens}"\n}\n',
    });
    const fragment = loadTf(directory, 'main.tf', main);
    const web = node<InstanceNode>(fragment, 'mod/aws_instance.web');
    expect(web.metadataTokens).toBe('required');
    expect(web.keyName).toBe('ops-required');
    expect(web.source.startLine).toBe(1);
    expect(web.at.metadataTokens.startLine).toBe(5);
    expect(fragment.nodes.find((n) => n.id === 'mod/aws_instance.gone')).toBeUndefined();
    expect(fragment.edges.map((e) => `${e.kind} ${e.from} -> ${e.to}`)).toContain(
      'attaches mod/aws_security_group.web -> mod/aws_instance.web',
    );
  });

  it('keeps variables without defaults and data sources unknown', () => {
    const main = [
      'variable "tokens" {}',
      'resource "aws_launch_template" "a" {',
      '  key_name = data.aws_ssm_parameter.key.value',
      '  metadata_options {',
      '    http_tokens = var.tokens',
      '  }',
      '  enclave_options {',
      '    enabled = lower("TRUE") == "true"',
      '  }',
      '}',
    ].join('\n');
    const fragment = loadTf(module({ 'main.tf': main }), 'main.tf', main);
    const template = node<InstanceNode>(fragment, 'mod/aws_launch_template.a');
    expect(isUnknown(template.keyName) && template.keyName.reason).toMatch(/data source/);
    expect(isUnknown(template.metadataTokens) && template.metadataTokens.reason).toMatch(/tokens has no default/);
    // Built-in functions are evaluated; impure ones stay unknown, naming the function.
    expect(template.enclaveEnabled).toBe(true);
  });

  it('refuses a syntax error with its line', () => {
    const main = 'resource "aws_instance" "a" {\n  ami = \n}\n';
    const error = errorOf(() => loadTf(module({ 'main.tf': main }), 'main.tf', main));
    expect(error.message).toMatch(/^invalid HCL/);
    expect(error.place.line).toBeGreaterThanOrEqual(2);
  });

  it('ignores a suppression comment without a reason with a warning at its line, and keeps the resource', () => {
    const main = '# isolint-suppress encrypted-block-storage\nresource "aws_ebs_volume" "a" {\n}\n';
    const fragment = loadTf(module({ 'main.tf': main }), 'main.tf', main);
    expect(fragment.warnings?.map((w) => [w.message, w.source.startLine, w.source.startColumn])).toEqual([
      [expect.stringMatching(/needs a rule id and a reason/), 1, 3],
    ]);
    expect(fragment.nodes.map((node) => [node.label, node.suppressions.length])).toEqual([['aws_ebs_volume.a', 0]]);
  });
});

describe('Terraform plan adapter', () => {
  it('claims plans, marks after_unknown values and follows configuration references', () => {
    const text = JSON.stringify(
      {
        format_version: '1.2',
        planned_values: {
          root_module: {
            resources: [
              { address: 'aws_ebs_volume.a', mode: 'managed', type: 'aws_ebs_volume', values: { size: 1 } },
              { address: 'aws_instance.i', mode: 'managed', type: 'aws_instance', values: {} },
              { address: 'aws_volume_attachment.x', mode: 'managed', type: 'aws_volume_attachment', values: {} },
            ],
          },
        },
        resource_changes: [{ address: 'aws_ebs_volume.a', change: { after_unknown: { encrypted: true } } }],
        configuration: {
          root_module: {
            resources: [
              {
                address: 'aws_volume_attachment.x',
                expressions: {
                  volume_id: { references: ['aws_ebs_volume.a.id', 'aws_ebs_volume.a'] },
                  instance_id: { references: ['aws_instance.i.id'] },
                },
              },
            ],
          },
        },
      },
      null,
      2,
    );
    const input = { file: 'plan.json', absolutePath: '/plan.json', text };
    expect(terraformPlanAdapter.claims(input)).toBe(true);
    const fragment = terraformPlanAdapter.load(input);
    const volume = node<VolumeNode>(fragment, 'plan.json#aws_ebs_volume.a');
    expect(isUnknown(volume.encrypted) && volume.encrypted.reason).toBe('known after apply');
    expect(volume.source.startLine).toBe(lineOf(text, '"type": "aws_ebs_volume"'));
    expect(fragment.edges.map((e) => `${e.kind} ${e.from} -> ${e.to}`)).toEqual([
      'attaches plan.json#aws_instance.i/root-volume -> plan.json#aws_instance.i',
      'attaches plan.json#aws_ebs_volume.a -> plan.json#aws_instance.i',
    ]);
  });
});

describe('real-world-shaped AWS inputs', () => {
  const findingsOf = async (path: string) =>
    (await scan(path)).findings
      .filter((f) => !f.suppression)
      .map((f) => `${f.location.file.split('/').pop()}:${f.location.startLine} ${f.ruleId} ${f.messageId}`)
      .sort();

  it('CloudFormation: an enclave service with parameters, mappings and conditions', async () => {
    const result = await scan('fixtures/aws/cloudformation');
    expect(result.problems).toEqual([]);
    expect(result.graph.size.nodes).toBeGreaterThan(15);
    expect(await findingsOf('fixtures/aws/cloudformation')).toEqual(
      [
        'enclave-service.yaml:75 no-interactive-access openPort',
        'enclave-service.yaml:118 kms-enclave-attestation delegationOnly',
        'enclave-service.yaml:141 kms-enclave-attestation noAttestation',
        // The bastion maps no root device: its AMI's snapshot decides (a note).
        'enclave-service.yaml:178 encrypted-block-storage undecided',
        'enclave-service.yaml:185 instance-metadata-v2 optional',
        'enclave-service.yaml:202 encrypted-block-storage unencryptedByDefault',
        'enclave-service.yaml:216 encrypted-block-storage unencrypted',
      ].sort(),
    );
  });

  it('Terraform: a module over several files, with encryption by default', async () => {
    const result = await scan('fixtures/aws/terraform');
    expect(result.problems).toEqual([]);
    expect(result.files.map((f) => f.format)).toEqual(['terraform', 'terraform', 'terraform', 'terraform']);
    expect(await findingsOf('fixtures/aws/terraform')).toEqual(
      [
        'compute.tf:53 instance-metadata-v2 optional',
        'identity.tf:41 kms-enclave-attestation delegationOnly',
        'network.tf:48 no-interactive-access openPort',
      ].sort(),
    );
  });

  it('records inline suppressions (CloudFormation Metadata, HCL comments) with their reasons', async () => {
    const cfn = (await scan('fixtures/rules/no-interactive-access/pass-cloudformation.yaml')).findings.filter(
      (f) => f.ruleId === 'no-interactive-access',
    );
    expect(cfn.map((f) => [f.location.startLine, f.suppression?.kind, f.suppression?.reason])).toEqual([
      [22, 'inSource', 'break-glass bastion, closed by the on-call rotation'],
    ]);
    const tf = (await scan('fixtures/rules/no-interactive-access/pass-terraform')).findings.filter(
      (f) => f.ruleId === 'no-interactive-access',
    );
    expect(tf.map((f) => [f.location.startLine, f.suppression?.kind, f.suppression?.expires])).toEqual([
      [22, 'inSource', '2099-01-01'],
    ]);
  });
});
