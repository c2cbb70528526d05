import { describe, expect, it } from 'vitest';
import {
  actionMatches,
  conditionKeyExists,
  evaluateCondition,
  evaluateKmsRequest,
  parseOperator,
  statementPrincipal,
  unattestedContext,
  type ContextValue,
  type KmsRequest,
  type PolicyCondition,
  type PolicyStatement,
} from '../../src/model/policy.js';
import { NO_SUPPRESSIONS } from '../../src/model/nodes.js';
import { isUnknown, unknown } from '../../src/model/unknown.js';

const span = { file: 'p.json', startLine: 1, startColumn: 1, endLine: 1, endColumn: 2 };

function condition(operator: string, key: string, ...values: string[]): PolicyCondition {
  return { operator, key, values: values.map((value) => ({ value, source: span })), source: span };
}

function statement(parts: Partial<PolicyStatement>): PolicyStatement {
  return {
    effect: 'Allow',
    principals: [],
    principalRoles: [],
    actions: ['kms:Decrypt'],
    conditions: [],
    source: span,
    suppressions: NO_SUPPRESSIONS,
    ...parts,
  };
}

const context =
  (values: Record<string, ContextValue>) =>
  (key: string): ContextValue =>
    values[key.toLowerCase()] ?? 'absent';

const PCR = 'ab'.repeat(48);
const role = { id: 'r', name: 'enclave-parent', account: '111122223333' };
const roleArn = 'arn:aws:iam::111122223333:role/enclave-parent';

function request(action = 'kms:Decrypt'): KmsRequest {
  return { role, action, key: 'k', context: unattestedContext };
}

describe('actions', () => {
  it('match with wildcards, case-insensitively', () => {
    expect(actionMatches('kms:Decrypt*', 'kms:Decrypt')).toBe(true);
    expect(actionMatches('kms:*', 'kms:GenerateDataKeyPair')).toBe(true);
    expect(actionMatches('*', 'kms:Decrypt')).toBe(true);
    expect(actionMatches('KMS:decrypt', 'kms:Decrypt')).toBe(true);
    expect(actionMatches('kms:Generate?ataKey', 'kms:GenerateDataKey')).toBe(true);
    expect(actionMatches('kms:GenerateDataKey', 'kms:GenerateDataKeyPair')).toBe(false);
    expect(actionMatches('kms:Encrypt', 'kms:Decrypt')).toBe(false);
  });

  it('NotAction covers what it does not list', () => {
    const s = statement({ principals: [roleArn], actions: ['kms:Decrypt'], notAction: true });
    expect(evaluateKmsRequest([s], { statements: [] }, request('kms:Decrypt')).allowed).toBe(false);
    expect(evaluateKmsRequest([s], { statements: [] }, request('kms:GenerateDataKey')).allowed).toBe(true);
  });
});

describe('condition operators', () => {
  it('parse qualifiers and IfExists, and refuse what IAM has not', () => {
    expect(parseOperator('ForAnyValue:StringLikeIfExists')).toEqual({
      set: 'ForAnyValue',
      base: 'StringLike',
      ifExists: true,
      negated: false,
    });
    expect(parseOperator('StringNotEquals')?.negated).toBe(true);
    expect(parseOperator('StringEqualsIgnoreCaseX')).toBeUndefined();
    expect(parseOperator('NullIfExists')).toBeUndefined();
  });

  it('StringEquals is case-sensitive, StringEqualsIgnoreCase is not', () => {
    const present = context({ 'kms:recipientattestation:pcr0': { present: [PCR] } });
    expect(
      evaluateCondition(condition('StringEquals', 'kms:RecipientAttestation:PCR0', PCR.toUpperCase()), present),
    ).toBe('false');
    expect(
      evaluateCondition(
        condition('StringEqualsIgnoreCase', 'kms:RecipientAttestation:PCR0', PCR.toUpperCase()),
        present,
      ),
    ).toBe('true');
    expect(evaluateCondition(condition('StringLike', 'kms:RecipientAttestation:PCR0', 'ab*'), present)).toBe('true');
    expect(evaluateCondition(condition('StringLike', 'kms:RecipientAttestation:PCR0', 'AB*'), present)).toBe('false');
  });

  it('several values are OR, and NOR for negated operators', () => {
    const present = context({ 'aws:sourcevpce': { present: ['vpce-2'] } });
    expect(evaluateCondition(condition('StringEquals', 'aws:SourceVpce', 'vpce-1', 'vpce-2'), present)).toBe('true');
    expect(evaluateCondition(condition('StringNotEquals', 'aws:SourceVpce', 'vpce-1', 'vpce-2'), present)).toBe(
      'false',
    );
    expect(evaluateCondition(condition('StringNotEquals', 'aws:SourceVpce', 'vpce-1', 'vpce-3'), present)).toBe('true');
  });

  it('an absent key fails positive operators and satisfies negated ones, IfExists and ForAllValues', () => {
    const none = context({});
    expect(evaluateCondition(condition('StringEqualsIgnoreCase', 'kms:RecipientAttestation:PCR0', PCR), none)).toBe(
      'false',
    );
    expect(
      evaluateCondition(condition('StringEqualsIgnoreCaseIfExists', 'kms:RecipientAttestation:PCR0', PCR), none),
    ).toBe('true');
    expect(evaluateCondition(condition('StringNotEquals', 'kms:RecipientAttestation:PCR0', PCR), none)).toBe('true');
    expect(evaluateCondition(condition('ForAllValues:StringEquals', 'kms:EncryptionContextKeys', 'a'), none)).toBe(
      'true',
    );
    expect(evaluateCondition(condition('ForAnyValue:StringEquals', 'kms:EncryptionContextKeys', 'a'), none)).toBe(
      'false',
    );
  });

  it('ForAllValues and ForAnyValue over several request values', () => {
    const keys = context({ 'kms:encryptioncontextkeys': { present: ['a', 'b'] } });
    expect(evaluateCondition(condition('ForAllValues:StringEquals', 'kms:EncryptionContextKeys', 'a'), keys)).toBe(
      'false',
    );
    expect(evaluateCondition(condition('ForAllValues:StringEquals', 'kms:EncryptionContextKeys', 'a', 'b'), keys)).toBe(
      'true',
    );
    expect(evaluateCondition(condition('ForAnyValue:StringEquals', 'kms:EncryptionContextKeys', 'b'), keys)).toBe(
      'true',
    );
  });

  it('Null tests presence', () => {
    expect(evaluateCondition(condition('Null', 'kms:RecipientAttestation', 'true'), context({}))).toBe('true');
    expect(evaluateCondition(condition('Null', 'kms:RecipientAttestation:PCR0', 'false'), context({}))).toBe('false');
  });

  it('numeric, date, Bool, IP address and ARN operators', () => {
    const values = context({
      n: { present: ['5'] },
      d: { present: ['2026-01-02T00:00:00Z'] },
      b: { present: ['true'] },
      ip: { present: ['10.1.2.3'] },
      arn: { present: [roleArn] },
    });
    expect(evaluateCondition(condition('NumericLessThan', 'n', '6'), values)).toBe('true');
    expect(evaluateCondition(condition('NumericGreaterThanEquals', 'n', '6'), values)).toBe('false');
    expect(evaluateCondition(condition('DateLessThan', 'd', '2026-02-01T00:00:00Z'), values)).toBe('true');
    expect(evaluateCondition(condition('Bool', 'b', 'TRUE'), values)).toBe('true');
    expect(evaluateCondition(condition('IpAddress', 'ip', '10.0.0.0/8'), values)).toBe('true');
    expect(evaluateCondition(condition('NotIpAddress', 'ip', '10.0.0.0/8'), values)).toBe('false');
    expect(evaluateCondition(condition('ArnLike', 'arn', 'arn:aws:iam::*:role/enclave-*'), values)).toBe('true');
    expect(evaluateCondition(condition('ArnEquals', 'arn', roleArn.toUpperCase()), values)).toBe('false');
  });

  it('an operator IAM does not have is unknown, never true or false', () => {
    expect(isUnknown(evaluateCondition(condition('StringMatches', 'kms:ViaService', 'x'), context({})))).toBe(true);
  });

  it('knows which kms: condition keys exist', () => {
    expect(conditionKeyExists('kms:RecipientAttestation:ImageSha384')).toBe(true);
    expect(conditionKeyExists('kms:recipientattestation:pcr8')).toBe(true);
    expect(conditionKeyExists('kms:RecipientAttestation')).toBe(false);
    expect(conditionKeyExists('kms:EncryptionContext:tenant')).toBe(true);
    expect(conditionKeyExists('kms:ViaService')).toBe(true);
    expect(conditionKeyExists('kms:NoSuchKey')).toBe(false);
    expect(conditionKeyExists('aws:SourceVpce')).toBe(true);
  });
});

describe('principals', () => {
  it('names the role by ARN, session ARN, reference or *, and the account by root or id', () => {
    expect(statementPrincipal(statement({ principals: [roleArn] }), role)).toBe('role');
    expect(
      statementPrincipal(
        statement({ principals: ['arn:aws:sts::111122223333:assumed-role/enclave-parent/i-1'] }),
        role,
      ),
    ).toBe('role');
    expect(statementPrincipal(statement({ principals: ['*'] }), role)).toBe('role');
    expect(statementPrincipal(statement({ principals: [unknown('x')], principalRoles: ['r'] }), role)).toBe('role');
    expect(statementPrincipal(statement({ principals: ['arn:aws:iam::111122223333:root'] }), role)).toBe('account');
    expect(statementPrincipal(statement({ principals: ['111122223333'] }), role)).toBe('account');
    expect(statementPrincipal(statement({ principals: ['arn:aws:iam::${AWS::AccountId}:root'] }), role)).toBe(
      'account',
    );
    expect(statementPrincipal(statement({ principals: ['arn:aws:iam::999999999999:root'] }), role)).toBe('none');
    expect(statementPrincipal(statement({ principals: ['arn:aws:iam::111122223333:role/other'] }), role)).toBe('none');
    expect(statementPrincipal(statement({ principals: ['Service:ec2.amazonaws.com'] }), role)).toBe('none');
    expect(isUnknown(statementPrincipal(statement({ principals: [unknown('unresolved')] }), role))).toBe(true);
  });

  it('NotPrincipal names everyone but those listed', () => {
    expect(statementPrincipal(statement({ principals: [roleArn], notPrincipal: true }), role)).toBe('none');
    expect(statementPrincipal(statement({ principals: ['arn:aws:iam::1:role/x'], notPrincipal: true }), role)).toBe(
      'role',
    );
  });
});

describe('KMS requests', () => {
  const pinned = statement({
    principals: [roleArn],
    conditions: [condition('StringEqualsIgnoreCase', 'kms:RecipientAttestation:ImageSha384', PCR)],
  });
  const root = statement({ principals: ['arn:aws:iam::111122223333:root'], actions: ['kms:*'] });

  it('a grant with an attestation condition does not allow an unattested request', () => {
    expect(evaluateKmsRequest([pinned], { statements: [] }, request())).toEqual({ allowed: false });
  });

  it('a grant without one does', () => {
    const verdict = evaluateKmsRequest([statement({ principals: [roleArn] })], { statements: [] }, request());
    expect(verdict.allowed).toBe(true);
  });

  it('root delegation counts only with an identity policy that allows', () => {
    const none = evaluateKmsRequest([root, pinned], { statements: [] }, request());
    expect(none).toMatchObject({ allowed: false, delegation: root });
    const identity = statement({ resources: ['*'] });
    const verdict = evaluateKmsRequest([root, pinned], { statements: [identity] }, request());
    expect(verdict).toMatchObject({ allowed: true, grant: identity, through: root });
    const conditioned = statement({
      resources: ['*'],
      conditions: [condition('StringEqualsIgnoreCase', 'kms:RecipientAttestation:PCR0', PCR)],
    });
    expect(evaluateKmsRequest([root], { statements: [conditioned] }, request()).allowed).toBe(false);
  });

  it('an identity policy without delegation does not allow', () => {
    expect(evaluateKmsRequest([pinned], { statements: [statement({ resources: ['*'] })] }, request()).allowed).toBe(
      false,
    );
  });

  it('explicit Deny wins, in the key policy or an identity policy', () => {
    const grant = statement({ principals: [roleArn] });
    const deny = statement({
      effect: 'Deny',
      principals: ['*'],
      conditions: [condition('Null', 'kms:RecipientAttestation:PCR0', 'true')],
    });
    expect(evaluateKmsRequest([grant, deny], { statements: [] }, request())).toMatchObject({
      allowed: false,
      deniedBy: deny,
    });
    const identityDeny = statement({ effect: 'Deny', resources: ['*'] });
    expect(evaluateKmsRequest([grant], { statements: [identityDeny] }, request()).allowed).toBe(false);
  });

  it('a Deny the caller can avoid does not protect', () => {
    const grant = statement({ principals: [roleArn] });
    const deny = statement({
      effect: 'Deny',
      principals: ['*'],
      conditions: [condition('StringNotEquals', 'aws:SourceVpce', 'vpce-1')],
    });
    expect(evaluateKmsRequest([grant, deny], { statements: [] }, request()).allowed).toBe(true);
  });

  it('unknown principals, effects and operators leave the verdict unknown', () => {
    const verdict = evaluateKmsRequest(
      [statement({ principals: [unknown('unresolved !Sub')] })],
      { statements: [] },
      request(),
    );
    expect(isUnknown(verdict.allowed)).toBe(true);
    const operator = statement({
      principals: [roleArn],
      conditions: [condition('StringMatches', 'kms:ViaService', 'x')],
    });
    expect(isUnknown(evaluateKmsRequest([operator], { statements: [] }, request()).allowed)).toBe(true);
  });

  it('identity policy resources name the key or not', () => {
    const other = statement({ resources: ['arn:aws:s3:::bucket/*'] });
    expect(evaluateKmsRequest([root], { statements: [other] }, request()).allowed).toBe(false);
    const byReference = statement({ resources: [unknown('deploy time')], resourceKeys: ['k'] });
    expect(evaluateKmsRequest([root], { statements: [byReference] }, request()).allowed).toBe(true);
    const otherKey = statement({ resources: [unknown('deploy time')], resourceKeys: ['k2'] });
    expect(evaluateKmsRequest([root], { statements: [otherKey] }, request()).allowed).toBe(false);
  });
});

describe('PCR3/PCR4 values', () => {
  it('are computed in the model exactly as isolint pcr computes them', async () => {
    const { pcrOfString } = await import('../../src/model/attestation.js');
    const eif = await import('../../src/eif/pcr.js');
    for (const value of ['arn:aws:iam::123456789012:role/EnclaveParent', 'i-0123456789abcdef0', '', 'ünïcode'])
      expect(pcrOfString(value)).toBe(eif.pcrOfString(value));
  });
});
