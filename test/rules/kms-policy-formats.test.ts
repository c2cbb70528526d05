import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check } from '../../src/check.js';
import { defaultConfig, loadConfig, type ResolvedConfig } from '../../src/engine/config.js';
import { pcrOfCertificate } from '../../src/eif/pcr.js';
import { REPO_ROOT } from '../helpers.js';

/**
 * kms-enclave-attestation reads a key policy wherever it is written and judges it the same way: the one policy
 * of fixtures/rules/kms-enclave-attestation/*-formats-* in CloudFormation, Terraform (aws_kms_key_policy with a
 * data "aws_iam_policy_document"), a plan JSON and a standalone policy file gets the same verdicts.
 */
const FIXTURES = join(REPO_ROOT, 'fixtures', 'rules', 'kms-enclave-attestation');

async function findings(path: string, config: ResolvedConfig = defaultConfig(REPO_ROOT)) {
  const result = await check({
    paths: [join(FIXTURES, path)],
    cwd: REPO_ROOT,
    root: REPO_ROOT,
    config,
    onlyRules: ['kms-enclave-attestation'],
    today: new Date('2026-11-01'),
  });
  expect(result.problems).toEqual([]);
  return result.findings.filter((f) => f.ruleId === 'kms-enclave-attestation');
}

const verdicts = (list: Awaited<ReturnType<typeof findings>>) => list.map((f) => `${f.severity} ${f.messageId}`).sort();

const FORMATS = ['cloudformation.yaml', 'terraform', 'plan.json', 'policy'];

describe('kms-enclave-attestation in every format', () => {
  it('gives the same verdicts for the same policy in CloudFormation, Terraform, plan JSON and a policy file', async () => {
    const all = await Promise.all(FORMATS.map((format) => findings(`trigger-formats-${format}`)));
    const expected = [
      'error ifExists',
      'error malformedValue',
      'error neverMatches',
      'error noAttestation',
      'error noAttestation',
      'error noAttestation',
      'error noImagePin',
      'error pcrMismatch',
      'error unknownKey',
      'error unknownKey',
      'error upperCaseHex',
      'error zeroValue',
      'note caseSensitive',
      'note instanceIdPin',
      'note unknownOperator',
      'warning tpmKey',
    ];
    for (const list of all) expect(verdicts(list)).toEqual(expected);
  });

  it('finds nothing in the well-pinned deployment, in any format', async () => {
    for (const format of FORMATS) expect(verdicts(await findings(`pass-formats-${format}`))).toEqual([]);
  });

  it('the well-pinned deployment gets no error or warning from any rule, in any format', async () => {
    for (const entry of [...FORMATS.map((f) => `pass-formats-${f}`), ...FORMATS.map((f) => `clean-root/${f}`)]) {
      const result = await check({
        paths: [join(FIXTURES, entry)],
        cwd: REPO_ROOT,
        root: REPO_ROOT,
        config: defaultConfig(REPO_ROOT),
        today: new Date('2026-11-01'),
      });
      expect(result.problems).toEqual([]);
      expect(
        result.findings.filter((f) => f.severity !== 'note').map((f) => `${entry}: ${f.ruleId} ${f.messageId}`),
      ).toEqual([]);
    }
  });

  it('gives at most a note for the well-pinned deployment with the default root delegation, in any format', async () => {
    for (const format of ['cloudformation.yaml', 'terraform', 'plan.json', 'policy']) {
      expect(verdicts(await findings(`clean-root/${format}`))).toEqual(['note delegationOnly']);
    }
  });

  it('compares the PCR0 and PCR8 a key pins with the signed image its parent runs, in every format', async () => {
    const pins = async (path: string) => {
      const result = await check({
        paths: [join(REPO_ROOT, 'fixtures', 'rules', 'enclave-image-pcrs', path)],
        cwd: REPO_ROOT,
        root: REPO_ROOT,
        config: defaultConfig(REPO_ROOT),
        onlyRules: ['kms-enclave-attestation', 'enclave-image-pcrs'],
        today: new Date('2026-12-01'),
      });
      expect(result.problems).toEqual([]);
      return result.findings.map((f) => `${f.severity} ${f.ruleId} ${f.messageId}`).sort();
    };
    for (const format of ['cloudformation', 'terraform', 'plan', 'policy']) {
      expect(await pins(`trigger-signed-${format}`)).toEqual([
        'error enclave-image-pcrs kmsMismatch',
        'error enclave-image-pcrs kmsSignerMismatch',
      ]);
      expect(await pins(`pass-signed-${format}`)).toEqual([]);
    }
    // The right PCR8 is what isolint pcr --signing-certificate prints for the certificate the image carries.
    const pcr8 = pcrOfCertificate(readFileSync(join(REPO_ROOT, 'fixtures', 'eif', 'tiny-signed.cert.pem'), 'utf8'));
    const pass = readFileSync(
      join(REPO_ROOT, 'fixtures', 'rules', 'enclave-image-pcrs', 'pass-signed-cloudformation', 'parent.yaml'),
      'utf8',
    );
    expect(pass).toContain(`kms:RecipientAttestation:PCR8: ${pcr8}`);
  });

  it('gives the aws-nitro-enclaves-sdk-c issue 157 policy its three errors', async () => {
    const list = await findings('trigger-issue-157');
    expect(verdicts(list)).toEqual(['error neverMatches', 'error noAttestation', 'error unknownKey']);
    const unknownKey = list.find((f) => f.messageId === 'unknownKey')!;
    expect(unknownKey.message).toContain('always true');
  });

  it('puts a policy file on the key .isolint.yaml policies: names, else judges it as a key of its own', async () => {
    const config = loadConfig(join(FIXTURES, 'mapped-policy', 'mapped.isolint.yaml'));
    const mapped = await findings('mapped-policy', config);
    expect(verdicts(mapped)).toContain('error noAttestation');
    expect(mapped.every((f) => f.message.includes("'DataKey'") || !f.message.includes("Key '"))).toBe(true);
    expect(mapped.every((f) => f.location.file.endsWith('policies/enclave.json'))).toBe(true);
    // Alone, with no enclave parent in the scan, only what the policy says on its own is judged.
    const alone = await findings('mapped-policy/policies');
    const parentless = new Set(['error noAttestation', 'error pcrMismatch']);
    expect(verdicts(alone)).toEqual(verdicts(mapped).filter((v) => !parentless.has(v)));
    expect(alone.some((f) => f.message.includes("'enclave.json'"))).toBe(true);
  });
});
