import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keysForDocument, type KeyVerdict } from '../../src/attest/index.js';
import { check } from '../../src/check.js';
import { defaultConfig } from '../../src/engine/config.js';

const PCR0 = 'ab'.repeat(48);
const OTHER = 'cd'.repeat(48);

// One key per policy shape the adapter evaluates, read through the real CloudFormation adapter.
const TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  ReleaseHash: { Type: String }
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: { Statement: [{ Effect: Allow, Principal: { Service: ec2.amazonaws.com }, Action: sts:AssumeRole }] }
  NoCondition:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Statement:
          - { Effect: Allow, Principal: { AWS: !GetAtt Role.Arn }, Action: 'kms:*', Resource: '*' }
  DenyOthers:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Statement:
          - Effect: Allow
            Principal: { AWS: !GetAtt Role.Arn }
            Action: kms:Decrypt
            Resource: '*'
            Condition: { StringEqualsIgnoreCase: { 'kms:RecipientAttestation:PCR0': ${PCR0} } }
          - Effect: Deny
            Principal: '*'
            Action: kms:Decrypt
            Resource: '*'
            Condition: { StringNotEqualsIgnoreCase: { 'kms:RecipientAttestation:PCR1': ${OTHER} } }
  Like:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Statement:
          - Effect: Allow
            Principal: { AWS: !GetAtt Role.Arn }
            Action: kms:Decrypt*
            Resource: '*'
            Condition: { StringLike: { 'kms:RecipientAttestation:ImageSha384': 'abab*' } }
  IfExists:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Statement:
          - Effect: Allow
            Principal: { AWS: !GetAtt Role.Arn }
            Action: kms:Decrypt
            Resource: '*'
            Condition: { StringEqualsIfExists: { 'kms:RecipientAttestation:PCR8': ${OTHER} } }
  FromParameter:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Statement:
          - Effect: Allow
            Principal: { AWS: !GetAtt Role.Arn }
            Action: kms:Decrypt
            Resource: '*'
            Condition: { StringEqualsIgnoreCase: { 'kms:RecipientAttestation:PCR0': !Ref ReleaseHash } }
  EncryptOnly:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Statement:
          - { Effect: Allow, Principal: { AWS: !GetAtt Role.Arn }, Action: kms:Encrypt, Resource: '*' }
  CaseSensitive:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Statement:
          - Effect: Allow
            Principal: { AWS: !GetAtt Role.Arn }
            Action: kms:Decrypt
            Resource: '*'
            Condition: { StringEquals: { 'kms:RecipientAttestation:PCR0': ${PCR0.toUpperCase()} } }
`;

describe('which KMS keys accept a document (the adapter over the key-policy model)', () => {
  let dir: string;
  let verdicts: Map<string, KeyVerdict>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'isolint-keys-'));
    writeFileSync(join(dir, 'keys.yaml'), TEMPLATE);
    const result = await check({ paths: [dir], cwd: dir, root: dir, config: defaultConfig(dir) });
    expect(result.problems).toEqual([]);
    // PCR1 differs from what the Deny statement spares; PCR8 is absent (an unsigned image).
    verdicts = new Map(keysForDocument(result.graph, { 0: PCR0, 1: PCR0 }).map((v) => [v.key, v]));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const verdict = (key: string) => {
    const v = verdicts.get(key)!;
    return [v.unlocks, v.reason];
  };

  it('a statement without attestation conditions unlocks with any document, and says so', () => {
    expect(verdict('NoCondition')).toEqual([
      true,
      "the statement at line 14 lets role 'Role' decrypt without any attestation condition, with this document or none",
    ]);
  });

  it('a Deny statement that applies wins over a matching Allow', () => {
    expect(verdict('DenyOthers')).toEqual([
      false,
      'the Deny statement at line 25 applies: PCR1 differs from cdcdcdcdcdcdcdcd…',
    ]);
  });

  it('StringLike and IfExists with the PCR absent', () => {
    expect(verdict('Like')[0]).toBe(true);
    expect(verdict('IfExists')).toEqual([
      true,
      "the statement at line 45 lets role 'Role' decrypt for it: PCR8 absent (StringEqualsIfExists)",
    ]);
  });

  it('an unresolved value is unknown, with its reason; StringEquals is case-sensitive', () => {
    const [unlocks, reason] = verdict('FromParameter');
    expect(unlocks).toBeUndefined();
    expect(reason).toMatch(/^the statement at line 55 cannot be judged: PCR0: /);
    expect(verdict('CaseSensitive')).toEqual([
      false,
      'the statement at line 71 does not apply: PCR0 is abababababababab…, the policy wants ABABABABABABABAB…',
    ]);
  });

  it('a key whose policy grants no decryption refuses', () => {
    expect(verdict('EncryptOnly')).toEqual([false, 'no Allow statement of its policy grants kms:Decrypt']);
  });
});
