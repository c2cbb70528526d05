import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CLOUDFORMATION_TAGS } from '../../src/ingest/aws/cloudformation-intrinsics.js';
import { identityYamlTags, parseYaml } from '../../src/ingest/located.js';
import { cloudFormationTag } from '../../src/ingest/aws/cloudformation-intrinsics.js';
import { REPO_ROOT } from '../helpers.js';

const TEMPLATE = [
  'Resources:',
  '  Key:',
  '    Type: AWS::KMS::Key',
  '    Properties:',
  '      Description: !Sub "${AWS::StackName} key"',
  '      KeyPolicy: !If [Prod, {Statement: []}, !Ref AWS::NoValue]',
  '      Tags: !Split [",", !Join [",", [a, b]]]',
  '      Other: !GetAtt Role.Arn',
  '      Data: !Base64 { "Fn::Sub": "x" }',
  '',
].join('\n');

describe('CloudFormation short-form tags', () => {
  it('are registered with the YAML parser: no warning per tag, the same values as untagged nodes', () => {
    const plain = parseAllDocuments(TEMPLATE, { version: '1.2', schema: 'core' });
    const known = parseAllDocuments(TEMPLATE, {
      version: '1.2',
      schema: 'core',
      customTags: identityYamlTags(CLOUDFORMATION_TAGS),
    });
    const [plainDocument, knownDocument] = [plain, known].map((d) => (Array.isArray(d) ? d[0] : d));
    expect(plainDocument.warnings.length).toBeGreaterThan(5);
    expect(knownDocument.warnings).toEqual([]);
    expect(knownDocument.errors).toEqual([]);
    expect(knownDocument.toJS()).toEqual(plainDocument.toJS());
  });

  it('read into the same long forms as before', () => {
    const withTags = parseYaml('t.yaml', TEMPLATE, { tagged: cloudFormationTag, knownTags: CLOUDFORMATION_TAGS });
    const without = parseYaml('t.yaml', TEMPLATE, { tagged: cloudFormationTag });
    expect(withTags[0].value).toEqual(without[0].value);
    expect((withTags[0].value as any).Resources.Key.Properties.Other).toEqual({ 'Fn::GetAtt': ['Role', 'Arn'] });
  });

  it('cover every tag the reader understands', () => {
    const source = readFileSync(join(REPO_ROOT, 'src/ingest/aws/cloudformation-intrinsics.ts'), 'utf8');
    for (const name of ['!Ref', '!Condition', '!GetAtt', '!Sub', '!If', '!Join', '!Select', '!FindInMap', '!Cidr'])
      expect(CLOUDFORMATION_TAGS).toContain(name);
    expect(source).toContain('CLOUDFORMATION_TAGS');
  });
});
