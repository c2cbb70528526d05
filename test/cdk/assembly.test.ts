import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { check, type CheckResult } from '../../src/check.js';
import { defaultConfig } from '../../src/engine/config.js';
import type { Finding } from '../../src/engine/finding.js';
import { toSarif } from '../../src/report/sarif.js';
import { REPO_ROOT } from '../helpers.js';
import { PARENT_FILE, STACK_FILE, removeScratch, scratchDirectory, synthesize } from './synth.js';
import { temporaryDirectories } from '../temporary.js';

const temporaryDirectory = temporaryDirectories('cdk-sarif');

/** The 1-based line of the first line of a fixture file that contains `text`. */
function lineOf(file: string, text: string): number {
  const index = readFileSync(join(REPO_ROOT, file), 'utf8')
    .split('\n')
    .findIndex((line) => line.includes(text));
  if (index < 0) throw new Error(`"${text}" not in ${file}`);
  return index + 1;
}

/** What each finding of the fixture app must point at: rule, message id, .ts file and line, construct path. */
const EXPECTED = [
  {
    rule: 'encrypted-block-storage',
    messageId: 'unencrypted',
    file: PARENT_FILE,
    text: 'encrypted: index === 1',
    construct: 'EnclaveStack/Parent/Data2/Resource',
  },
  {
    rule: 'encrypted-block-storage',
    messageId: 'unencryptedByDefault',
    file: STACK_FILE,
    text: "new ec2.Volume(this, 'Scratch'",
    construct: 'EnclaveStack/Storage/Scratch/Resource',
  },
  {
    rule: 'no-interactive-access',
    messageId: 'openPort',
    file: STACK_FILE,
    text: 'parentSg.addIngressRule(',
    construct: 'EnclaveStack/prodParentSg/Resource',
  },
  {
    rule: 'no-interactive-access',
    messageId: 'openPort',
    file: STACK_FILE,
    text: "cidrIp: '0.0.0.0/0'",
    construct: 'EnclaveStack/AdminSsh',
  },
  {
    // kms.Key's default policy delegates to the account root: a note, no identity policy grants without attestation.
    rule: 'kms-enclave-attestation',
    messageId: 'delegationOnly',
    file: STACK_FILE,
    text: 'key.addToResourcePolicy(',
    construct: 'EnclaveStack/SecretsKey/Resource',
  },
  {
    rule: 'kms-enclave-attestation',
    messageId: 'zeroValue',
    file: STACK_FILE,
    text: "'kms:RecipientAttestation:ImageSha384'",
    construct: 'EnclaveStack/SecretsKey/Resource',
  },
];

function summary(findings: Finding[]) {
  return findings
    .map((f) => ({
      rule: f.ruleId,
      messageId: f.messageId,
      file: f.location.file,
      line: f.location.startLine,
      construct: f.location.logicalLocation?.fullyQualifiedName,
    }))
    .sort((a, b) => a.construct!.localeCompare(b.construct!));
}

const expected = () =>
  EXPECTED.map(({ text, ...rest }) => ({
    rule: rest.rule,
    messageId: rest.messageId,
    file: rest.file,
    line: lineOf(rest.file, text),
    construct: rest.construct,
  })).sort((a, b) => a.construct.localeCompare(b.construct));

const run = (paths: string[]) =>
  check({ paths, cwd: REPO_ROOT, root: REPO_ROOT, config: defaultConfig(REPO_ROOT), measureImages: false });

let staticProject: string;
let tracedProject: string;
let staticResult: CheckResult;

afterAll(removeScratch);

beforeAll(async () => {
  // Without creation stacks: the static reading of the sources must find every line.
  staticProject = scratchDirectory('static');
  await synthesize(staticProject, { creationStacks: false });
  // With creation stacks (what CDK records by default): they are used first.
  tracedProject = scratchDirectory('traced');
  await synthesize(tracedProject, { creationStacks: true });
});

describe('CDK cloud assembly (isolint check on a cdk.json directory or a cdk.out)', () => {
  beforeAll(async () => {
    staticResult = await run([staticProject]);
  });

  it('reads the assembly once through cdk.json, not its templates again as CloudFormation files', () => {
    expect(staticResult.problems).toEqual([]);
    expect(staticResult.files.map((f) => f.format)).toEqual(['cdk-assembly']);
    expect(staticResult.files[0].file).toMatch(/cdk\.json$/);
  });

  it('finds every finding at its TypeScript line without stack traces (ts-morph), nested stack and own constructs included', () => {
    expect(summary(staticResult.findings)).toEqual(expected());
  });

  it('finds the same lines from the creation stacks in the assembly, pointed at cdk.out directly', async () => {
    const result = await run([join(tracedProject, 'cdk.out')]);
    expect(result.problems).toEqual([]);
    expect(result.files.map((f) => f.format)).toEqual(['cdk-assembly']);
    expect(summary(result.findings)).toEqual(expected());
  });

  it('uses the creation stacks even when the app sources cannot be found from cdk.json', async () => {
    const project = scratchDirectory('traces-only');
    await synthesize(project, { creationStacks: true, cdkJson: false });
    const result = await run([join(project, 'cdk.out')]);
    expect(summary(result.findings).map((f) => `${f.file}:${f.line}`)).toEqual(
      expected().map((f) => `${f.file}:${f.line}`),
    );
  });

  it('falls back to the template line and says so when no source line is found', async () => {
    const project = scratchDirectory('bare');
    await synthesize(project, { creationStacks: false, cdkJson: false });
    const result = await run([join(project, 'cdk.out')]);
    expect(result.findings).toHaveLength(EXPECTED.length);
    for (const finding of result.findings) {
      expect(finding.location.file).toMatch(/\.template\.json$/);
      expect(finding.location.logicalLocation?.fullyQualifiedName).toMatch(/^EnclaveStack\//);
      expect(finding.location.locationNote).toMatch(
        /^no TypeScript source line found for construct EnclaveStack\/.*, so this is the line in the synthesized template$/,
      );
    }
    // The nested stack's finding is in the nested template, on its resource's Type line.
    const nested = result.findings.find(
      (f) => f.location.logicalLocation?.fullyQualifiedName === 'EnclaveStack/Storage/Scratch/Resource',
    )!;
    expect(nested.location.file).toMatch(/\.nested\.template\.json$/);
    const lines = readFileSync(join(REPO_ROOT, nested.location.file), 'utf8').split('\n');
    expect(lines[nested.location.startLine - 1]).toContain('"Type": "AWS::EC2::Volume"');
    const sarif = toSarif(result) as any;
    expect(sarif.runs[0].results[0].message.text).toContain('so this is the line in the synthesized template.)');
  });

  it('reports a cdk.json without a synthesized assembly as an input error, in one line', async () => {
    const result = await run(['fixtures/cdk/app/cdk.json']);
    expect(result.findings).toEqual([]);
    expect(result.problems).toEqual([
      expect.objectContaining({
        file: 'fixtures/cdk/app/cdk.json',
        level: 'error',
        message: expect.stringMatching(
          /^no synthesized cloud assembly at cdk\.out\/manifest\.json: run "cdk synth" first/,
        ),
      }),
    ]);
  });

  it('still checks a template of the assembly named on its own as plain CloudFormation', async () => {
    const template = join(staticProject, 'cdk.out', 'EnclaveStack.template.json');
    const result = await run([template]);
    expect(result.files.map((f) => f.format)).toEqual(['cloudformation']);
    expect(result.findings.every((f) => f.location.file.endsWith('EnclaveStack.template.json'))).toBe(true);
  });
});

describe('SARIF for a CDK app', () => {
  it('carries the .ts file and line and the construct path as a logical location', () => {
    const sarif = toSarif(staticResult) as any;
    const results = sarif.runs[0].results;
    expect(results).toHaveLength(EXPECTED.length);
    for (const result of results) {
      const location = result.locations[0];
      expect(location.physicalLocation.artifactLocation).toEqual({
        uri: expect.stringMatching(/^fixtures\/cdk\/app\/lib\/.*\.ts$/),
        uriBaseId: '%SRCROOT%',
      });
      expect(location.logicalLocations).toEqual([
        { name: expect.any(String), fullyQualifiedName: expect.stringMatching(/^EnclaveStack\//), kind: 'resource' },
      ]);
      expect(result.partialFingerprints.primaryLocationLineHash).toMatch(/^[0-9a-f]+:\d+$/);
    }
    const ssh = results.find(
      (r: any) => r.locations[0].logicalLocations[0].fullyQualifiedName === 'EnclaveStack/AdminSsh',
    );
    expect(ssh.locations[0].physicalLocation.region).toMatchObject({
      startLine: lineOf(STACK_FILE, "cidrIp: '0.0.0.0/0'"),
      snippet: { text: "cidrIp: '0.0.0.0/0'" },
    });
  });

  it("passes Microsoft's SARIF multitool with GitHub rules on", () => {
    const require = createRequire(import.meta.url);
    const multitool = dirname(require.resolve('@microsoft/sarif-multitool-linux/package.json'));
    const binary = join(multitool, 'Sarif.Multitool');
    chmodSync(binary, 0o755);
    const work = temporaryDirectory();
    const env = { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' };
    execFileSync(binary, ['export-validation-config', join(work, 'default.xml')], { env });
    const config = readFileSync(join(work, 'default.xml'), 'utf8').replace(
      /(<Properties Key="GH\d+\.[^"]+">\s*<Property Key="RuleEnabled" Value=")Default/g,
      '$1Error',
    );
    writeFileSync(join(work, 'github.xml'), config);
    writeFileSync(join(work, 'cdk.sarif'), JSON.stringify(toSarif(staticResult)));
    execFileSync(
      binary,
      [
        'validate',
        join(work, 'cdk.sarif'),
        '--rule-kind',
        'Sarif;Ghas',
        '--level',
        'Error;Warning;Note',
        '--config',
        join(work, 'github.xml'),
        '-o',
        join(work, 'out.sarif'),
        '--log',
        'ForceOverwrite',
      ],
      { env, stdio: 'pipe' },
    );
    const report = JSON.parse(readFileSync(join(work, 'out.sarif'), 'utf8'));
    const serious = report.runs[0].results.filter((r: any) => r.level === 'error' || r.level === 'warning');
    expect(serious.map((r: any) => `${r.ruleId}: ${r.message?.text ?? JSON.stringify(r.message)}`)).toEqual([]);
  });
});

describe('ts-morph is loaded only for CDK apps', () => {
  const built = join(REPO_ROOT, 'dist', 'src', 'index.js');
  it.skipIf(!existsSync(built))('a check of the examples does not load it; a check of an assembly does', () => {
    const probe = (paths: string[]) =>
      spawnSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `import { createRequire } from 'node:module';
           const { check } = await import(${JSON.stringify(built)});
           await check({ paths: ${JSON.stringify(paths)}, cwd: ${JSON.stringify(REPO_ROOT)}, measureImages: false });
           const cache = createRequire(import.meta.url).cache;
           console.log(Object.keys(cache).some((path) => path.includes('/node_modules/ts-morph/')));`,
        ],
        { encoding: 'utf8' },
      ).stdout.trim();
    expect(probe(['examples'])).toBe('false');
    expect(probe([staticProject])).toBe('true');
  });
});
