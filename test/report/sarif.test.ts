import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtinRules } from '../../rules/index.js';
import { check, type CheckResult } from '../../src/check.js';
import { defaultConfig } from '../../src/engine/config.js';
import { lineHashes } from '../../src/report/line-hash.js';
import { toSarif } from '../../src/report/sarif.js';
import { REPO_ROOT } from '../helpers.js';
import { temporaryDirectories } from '../temporary.js';

const temporaryDirectory = temporaryDirectories('sarif');

const require = createRequire(import.meta.url);
const MULTITOOL_DIR = dirname(require.resolve('@microsoft/sarif-multitool-linux/package.json'));

interface SarifLog {
  $schema: string;
  version: string;
  runs: Array<{
    tool: { driver: { name: string; rules: Array<Record<string, any>> } };
    results: Array<Record<string, any>>;
    invocations: Array<Record<string, any>>;
    automationDetails?: { id: string };
  }>;
}

let result: CheckResult;
let sarif: SarifLog;

beforeAll(async () => {
  result = await check({
    paths: ['examples', 'fixtures/rules/no-interactive-access/pass-restricted.yaml'],
    cwd: REPO_ROOT,
    root: REPO_ROOT,
    config: defaultConfig(REPO_ROOT),
  });
  sarif = toSarif(result, { category: 'isolint/examples/' }) as SarifLog;
});

describe('SARIF output', () => {
  it('validates against the SARIF 2.1.0 schema', () => {
    const schema = JSON.parse(readFileSync(join(MULTITOOL_DIR, 'sarif-2.1.0.json'), 'utf8'));
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    const valid = validate(sarif);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('has what GitHub code scanning requires', () => {
    expect(sarif.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs).toHaveLength(1);
    const run = sarif.runs[0];
    expect(run.automationDetails?.id).toBe('isolint/examples/');
    expect(run.invocations[0].executionSuccessful).toBe(true);
    const rules = run.tool.driver.rules;
    expect(rules.map((r) => r.id)).toEqual(builtinRules.map((rule) => rule.id));
    for (const rule of rules) {
      for (const text of [rule.shortDescription.text, rule.fullDescription.text, rule.help.text, rule.help.markdown]) {
        expect(typeof text).toBe('string');
        expect(text.length).toBeGreaterThan(0);
      }
      expect(rule.fullDescription.text.length).toBeLessThanOrEqual(1024);
      expect(rule.name).toMatch(/^[A-Z][A-Za-z0-9]+$/);
      expect(rule.name).not.toBe(rule.id);
      const score = Number(rule.properties['security-severity']);
      expect(typeof rule.properties['security-severity']).toBe('string');
      expect(score).toBeGreaterThan(0);
      expect(score).toBeLessThanOrEqual(10);
      expect(rule.properties.tags).toContain('security');
      expect(rule.properties.tags.length).toBeLessThanOrEqual(20);
      expect(['error', 'warning', 'note']).toContain(rule.defaultConfiguration.level);
    }
    expect(run.results.length).toBeGreaterThan(0);
    for (const sarifResult of run.results) {
      expect(rules[sarifResult.ruleIndex].id).toBe(sarifResult.ruleId);
      expect(sarifResult.message.text.length).toBeGreaterThan(0);
      const location = sarifResult.locations[0].physicalLocation;
      expect(location.artifactLocation.uri).not.toMatch(/^\/|\\|\.\.\//);
      expect(location.artifactLocation.uriBaseId).toBe('%SRCROOT%');
      expect(location.region.startLine).toBeGreaterThanOrEqual(1);
      expect(location.region.endColumn).toBeGreaterThan(0);
      expect(sarifResult.partialFingerprints.primaryLocationLineHash).toMatch(/^[0-9a-f]+:\d+$/);
      expect(sarifResult.partialFingerprints['isolint/v1']).toMatch(/^[0-9a-f]{32}/);
    }
  });

  it('fingerprints each result with the hash of its line', () => {
    for (const sarifResult of sarif.runs[0].results) {
      const location = sarifResult.locations[0].physicalLocation;
      const hashes = lineHashes(readFileSync(join(REPO_ROOT, location.artifactLocation.uri), 'utf8'));
      expect(sarifResult.partialFingerprints.primaryLocationLineHash).toBe(hashes[location.region.startLine - 1]);
    }
  });

  it('links related locations from the message, as GitHub renders them', () => {
    const withRelated = sarif.runs[0].results.find((r) => r.relatedLocations?.length);
    expect(withRelated).toBeDefined();
    for (const related of withRelated!.relatedLocations) {
      expect(withRelated!.message.text).toContain(`](${related.id})`);
    }
  });

  it('leaves suppressed results out by default and keeps them with their justification on request', () => {
    const suppressed = result.findings.filter((f) => f.suppression);
    expect(suppressed.length).toBeGreaterThan(0);
    const fingerprints = new Set(sarif.runs[0].results.map((r) => r.partialFingerprints['isolint/v1']));
    for (const finding of suppressed) expect(fingerprints.has(finding.fingerprint)).toBe(false);

    const full = toSarif(result, { includeSuppressed: true }) as SarifLog;
    const kept = full.runs[0].results.filter((r) => r.suppressions);
    expect(kept).toHaveLength(suppressed.length);
    expect(kept[0].suppressions[0]).toMatchObject({
      kind: 'inSource',
      status: 'accepted',
      justification: 'Break-glass bastion, closed by automation after 1 hour',
    });
  });

  it("passes Microsoft's SARIF multitool with GitHub rules on: no errors, no warnings", () => {
    const binary = join(MULTITOOL_DIR, 'Sarif.Multitool');
    chmodSync(binary, 0o755); // npm does not always keep the executable bit
    const work = temporaryDirectory();
    // Turn on GH1001–GH1018, which are off by default even with --rule-kind Ghas.
    execFileSync(binary, ['export-validation-config', join(work, 'default.xml')], {
      env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
    });
    const config = readFileSync(join(work, 'default.xml'), 'utf8').replace(
      /(<Properties Key="GH\d+\.[^"]+">\s*<Property Key="RuleEnabled" Value=")Default/g,
      '$1Error',
    );
    writeFileSync(join(work, 'github.xml'), config);
    for (const [name, log] of [
      ['default.sarif', sarif],
      ['with-suppressed.sarif', toSarif(result, { includeSuppressed: true })],
    ] as const) {
      writeFileSync(join(work, name), JSON.stringify(log));
      execFileSync(
        binary,
        [
          'validate',
          join(work, name),
          '--rule-kind',
          'Sarif;Ghas',
          '--level',
          'Error;Warning;Note',
          '--config',
          join(work, 'github.xml'),
          '-o',
          join(work, `${name}.out`),
          '--log',
          'ForceOverwrite',
        ],
        { env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' }, stdio: 'pipe' },
      );
      const report = JSON.parse(readFileSync(join(work, `${name}.out`), 'utf8')) as SarifLog;
      const serious = report.runs[0].results.filter((r) => r.level === 'error' || r.level === 'warning');
      expect(serious.map((r) => `${r.ruleId}: ${r.message?.text ?? JSON.stringify(r.message)}`)).toEqual([]);
    }
  });

  it('reports unreadable inputs as notifications, never as results', async () => {
    const broken = await check({
      paths: ['fixtures/manifest/invalid/unknown-property.yaml', 'examples'],
      cwd: REPO_ROOT,
      root: REPO_ROOT,
      config: defaultConfig(REPO_ROOT),
    });
    const log = toSarif(broken) as SarifLog;
    const run = log.runs[0];
    expect(run.invocations[0].executionSuccessful).toBe(false);
    const notifications = run.invocations[0].toolExecutionNotifications;
    expect(notifications).toHaveLength(1);
    expect(notifications[0]).toMatchObject({ level: 'error', descriptor: { id: 'input-error' } });
    expect(notifications[0].locations[0].physicalLocation.artifactLocation.uri).toBe(
      'fixtures/manifest/invalid/unknown-property.yaml',
    );
    expect(run.results.length).toBeGreaterThan(0);
  });
});
