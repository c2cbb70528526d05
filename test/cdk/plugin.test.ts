import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IsolintValidator } from '../../src/cdk/index.js';
import { REPO_ROOT } from '../helpers.js';
import { PARENT_FILE, STACK_FILE, removeScratch, scratchDirectory, synthesize } from './synth.js';

interface ReportConstruct {
  constructPath: string;
  cloudFormationResource?: { templatePath: string; logicalId: string; propertyPaths?: string[] };
  stackTraces?: string[];
}
interface Report {
  pluginReports: Array<{
    pluginName: string;
    conclusion: string;
    violations: Array<{
      ruleName: string;
      description: string;
      severity?: string;
      violatingConstructs: ReportConstruct[];
    }>;
  }>;
}

const BIN_BUILT = existsSync(join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js'));

/** The first `file.ts:line` of the app in a CDK stack trace, relative to the repository. */
function appLine(traces: string[] | undefined): string | undefined {
  const match = /\/(fixtures\/cdk\/app\/lib\/[^:]+\.ts):(\d+):\d+/.exec((traces ?? []).join('\n'));
  return match ? `${match[1]}:${match[2]}` : undefined;
}

function lineOf(file: string, text: string): number {
  return (
    readFileSync(join(REPO_ROOT, file), 'utf8')
      .split('\n')
      .findIndex((line) => line.includes(text)) + 1
  );
}

// The same plugin both ways aws-cdk-lib registers one: `Validations.of(app).addPlugins` (IPolicyValidationPlugin,
// current) and the deprecated `new App({ policyValidationBeta1 })` (IPolicyValidationPluginBeta1).
const REGISTRATIONS = [
  {
    name: 'Validations.of(app).addPlugins',
    options: {
      creationStacks: true,
      plugins: [new IsolintValidator()],
      props: { context: { '@aws-cdk/core:validationReportJson': true } },
    },
  },
  {
    name: 'policyValidationBeta1',
    options: {
      creationStacks: true,
      props: {
        policyValidationBeta1: [new IsolintValidator()],
        context: { '@aws-cdk/core:validationReportJson': true },
      },
    },
  },
];

describe.skipIf(!BIN_BUILT).each(REGISTRATIONS)('IsolintValidator inside cdk synth ($name)', ({ options }) => {
  let report: Report;
  let synthError: unknown;

  afterAll(removeScratch);

  beforeAll(async () => {
    const project = scratchDirectory('plugin');
    try {
      await synthesize(project, options);
    } catch (error) {
      synthError = error;
    }
    report = JSON.parse(readFileSync(join(project, 'cdk.out', 'validation-report.json'), 'utf8'));
  });

  it('fails the synth on error-level findings, like CDK does for its own plugins', () => {
    expect(String(synthError)).toMatch(/^ValidationFailed: /);
  });

  it('reports each finding with its rule, construct path, property path and the .ts line CDK takes from the creation stack', () => {
    const isolint = report.pluginReports.find((p) => p.pluginName === 'isolint')!;
    expect(isolint.conclusion).toBe('failure');
    const rows = isolint.violations
      .flatMap((v) =>
        v.violatingConstructs.map((c) => ({
          rule: v.ruleName,
          construct: c.constructPath,
          property: c.cloudFormationResource?.propertyPaths,
          at: appLine(c.stackTraces),
        })),
      )
      .sort((a, b) => a.construct.localeCompare(b.construct));
    expect(rows).toEqual(
      [
        {
          rule: 'no-interactive-access',
          construct: 'EnclaveStack/AdminSsh',
          property: ['Properties.CidrIp'],
          at: `${STACK_FILE}:${lineOf(STACK_FILE, "new ec2.CfnSecurityGroupIngress(this, 'AdminSsh'")}`,
        },
        {
          rule: 'encrypted-block-storage',
          construct: 'EnclaveStack/Parent/Data2/Resource',
          property: ['Properties.Encrypted'],
          at: `${PARENT_FILE}:${lineOf(PARENT_FILE, 'new ec2.Volume(this, `Data${index}`')}`,
        },
        {
          // kms.Key's default policy delegates to the account root: a note (no identity policy grants unattested).
          rule: 'kms-enclave-attestation',
          construct: 'EnclaveStack/SecretsKey/Resource',
          property: ['Properties.KeyPolicy.Statement.0'],
          at: `${STACK_FILE}:${lineOf(STACK_FILE, "new kms.Key(this, 'SecretsKey'")}`,
        },
        {
          rule: 'kms-enclave-attestation',
          construct: 'EnclaveStack/SecretsKey/Resource',
          property: [
            'Properties.KeyPolicy.Statement.1.Condition.StringEqualsIgnoreCase.kms:RecipientAttestation:ImageSha384',
          ],
          at: `${STACK_FILE}:${lineOf(STACK_FILE, "new kms.Key(this, 'SecretsKey'")}`,
        },
        // Not here: the nested stack's volume. CDK's report lists only resources of the stacks it hands the
        // plugins (top-level templates); `isolint check cdk.out` covers nested stacks (assembly.test.ts).
        {
          rule: 'no-interactive-access',
          construct: 'EnclaveStack/prodParentSg/Resource',
          property: ['Properties.SecurityGroupIngress.0.CidrIp'],
          at: `${STACK_FILE}:${lineOf(STACK_FILE, 'new ec2.SecurityGroup(this')}`,
        },
      ].sort((a, b) => a.construct.localeCompare(b.construct)),
    );
  });
});
