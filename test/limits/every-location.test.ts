/**
 * Every location is whole (issue 22, item 1): every fixture and the examples, through every reporter.
 * No report may carry an `undefined`, `null` or `NaN` position, JSON must not leak the graph's internal span
 * objects (`spans`, `ref`, `lineStarts`), and every SARIF log must pass the 2.1.0 schema and Microsoft's
 * SARIF multitool with no error.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { check, type CheckResult } from '../../src/check.js';
import { defaultConfig } from '../../src/engine/config.js';
import { FORMATS, render } from '../../src/report/index.js';
import { REPO_ROOT } from '../helpers.js';

const require = createRequire(import.meta.url);
const MULTITOOL_DIR = dirname(require.resolve('@microsoft/sarif-multitool-linux/package.json'));

/** What is checked together: each entry of a rule's fixtures, each scenario, the CDK app, the examples. */
function units(): string[] {
  const children = (directory: string) =>
    readdirSync(join(REPO_ROOT, directory))
      .sort()
      .map((name) => `${directory}/${name}`);
  const isDirectory = (path: string) => statSync(join(REPO_ROOT, path)).isDirectory();
  const found: string[] = [];
  for (const group of children('fixtures')) {
    if (!isDirectory(group)) continue;
    if (group === 'fixtures/cdk' || group === 'fixtures/scenarios') {
      found.push(...children(group));
      continue;
    }
    for (const entry of children(group)) {
      if (isDirectory(entry) && group !== 'fixtures/aws') found.push(...children(entry));
      else found.push(entry);
    }
  }
  return [...found, 'examples'];
}

/** The fields a span may have in a report; anything else is an internal of the graph. */
const SPAN_FIELDS = new Set([
  'file',
  'startLine',
  'startColumn',
  'endLine',
  'endColumn',
  'pointer',
  'logicalLocation',
  'locationNote',
]);
// (GitLab's `location.lines` is its own field, `{ begin, end }`.)
const INTERNAL_FIELDS = ['spans', 'ref', 'lineStarts', 'offsets', 'resolved', 'pointerSource', 'part'];

/** Every fault in a parsed JSON report: a null, a position that is not a whole number, an internal field. */
function faultsIn(value: unknown, path = '$', faults: string[] = []): string[] {
  if (value === null) faults.push(`${path} is null`);
  else if (Array.isArray(value)) value.forEach((item, index) => faultsIn(item, `${path}[${index}]`, faults));
  else if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of INTERNAL_FIELDS) if (key in record) faults.push(`${path}.${key} is an internal field`);
    const isSpan = 'startLine' in record && 'file' in record;
    for (const [key, item] of Object.entries(record)) {
      if (isSpan && !SPAN_FIELDS.has(key)) faults.push(`${path}.${key} is not a span field`);
      if (/^(start|end)(Line|Column)$|^(begin|end)$/.test(key) && !(Number.isInteger(item) && (item as number) >= 1))
        faults.push(`${path}.${key} is ${JSON.stringify(item)}`);
      faultsIn(item, `${path}.${key}`, faults);
    }
    if (isSpan) {
      for (const key of ['startLine', 'startColumn', 'endLine', 'endColumn'])
        if (!(key in record)) faults.push(`${path}.${key} is missing`);
    }
  }
  return faults;
}

const work = mkdtempSync(join(tmpdir(), 'isolint-every-location-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const results = new Map<string, CheckResult>();
beforeAll(async () => {
  for (const unit of units()) {
    results.set(
      unit,
      await check({ paths: [unit], cwd: REPO_ROOT, root: REPO_ROOT, config: defaultConfig(REPO_ROOT) }),
    );
  }
}, 600_000);

describe('every fixture through every reporter', () => {
  it('finds the fixtures, and findings among them', () => {
    expect(results.size).toBeGreaterThan(100);
    const findings = [...results.values()].reduce((sum, result) => sum + result.findings.length, 0);
    expect(findings).toBeGreaterThan(200);
  });

  it('prints no undefined, null or NaN position in text, Markdown or JUnit', () => {
    const faults: string[] = [];
    for (const [unit, result] of results) {
      for (const format of ['text', 'markdown', 'junit'] as const) {
        const output = render(result, format, { includeSuppressed: true });
        for (const match of output.matchAll(
          /(?:\d+|undefined|null|NaN)[:.-](?:undefined|null|NaN)\b|\b(?:undefined|NaN)\b/g,
        ))
          faults.push(`${unit} (${format}): ${match[0]}`);
      }
    }
    expect(faults).toEqual([]);
  });

  it('writes JSON and GitLab reports with whole positions and no internal fields', () => {
    const faults: string[] = [];
    for (const [unit, result] of results) {
      for (const format of ['json', 'gitlab'] as const) {
        const output = render(result, format, { includeSuppressed: true });
        for (const fault of faultsIn(JSON.parse(output))) faults.push(`${unit} (${format}): ${fault}`);
      }
    }
    expect(faults).toEqual([]);
  });

  it('writes SARIF that passes the 2.1.0 schema, with whole regions and no null', () => {
    const schema = JSON.parse(readFileSync(join(MULTITOOL_DIR, 'sarif-2.1.0.json'), 'utf8'));
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    const faults: string[] = [];
    let index = 0;
    for (const [unit, result] of results) {
      for (const includeSuppressed of [false, true]) {
        const output = render(result, 'sarif', { includeSuppressed });
        const log = JSON.parse(output);
        if (!validate(log)) faults.push(`${unit}: ${ajv.errorsText(validate.errors)}`);
        for (const fault of faultsIn(log)) faults.push(`${unit}: ${fault}`);
        // The multitool costs about a second a log here: it gets the fuller one of each unit.
        if (includeSuppressed) writeFileSync(join(work, `${String(index++).padStart(3, '0')}.sarif`), output);
      }
    }
    expect(faults).toEqual([]);
    expect(FORMATS).toEqual(['text', 'json', 'sarif', 'markdown', 'junit', 'gitlab']);
  });

  it("passes Microsoft's SARIF multitool (GitHub rules on) with no error, for every log", () => {
    const binary = join(MULTITOOL_DIR, 'Sarif.Multitool');
    chmodSync(binary, 0o755); // npm does not always keep the executable bit
    const env = { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' };
    // GH1001–GH1018 are off by default even with --rule-kind Ghas: turn them on. SARIF2006 (is each URI
    // reachable over HTTP) is about the network, not the log: off, so an offline run is not minutes of timeouts.
    execFileSync(binary, ['export-validation-config', join(work, 'default.xml')], { env });
    const config = readFileSync(join(work, 'default.xml'), 'utf8')
      .replace(/(<Properties Key="GH\d+\.[^"]+">\s*<Property Key="RuleEnabled" Value=")Default/g, '$1Error')
      .replace(/(<Properties Key="SARIF2006\.[^"]+">\s*<Property Key="RuleEnabled" Value=")Default/, '$1Disabled');
    writeFileSync(join(work, 'github.xml'), config);
    const logs = readdirSync(work).filter((name) => name.endsWith('.sarif'));
    expect(logs.length).toBeGreaterThan(100);
    execFileSync(
      binary,
      [
        'validate',
        join(work, '*.sarif'),
        '--rule-kind',
        'Sarif;Ghas',
        '--level',
        'Error;Warning;Note',
        '--config',
        join(work, 'github.xml'),
        '-o',
        join(work, 'validation.out'),
        '--log',
        'ForceOverwrite',
        '--quiet',
      ],
      { env, stdio: 'pipe', maxBuffer: 256 * 1024 * 1024 },
    );
    const run = JSON.parse(readFileSync(join(work, 'validation.out'), 'utf8')).runs[0];
    const results = run.results as Array<Record<string, any>>;
    const levelOf = (r: Record<string, any>) => r.level ?? 'warning'; // SARIF's default level
    const serious = results
      .filter((r) => levelOf(r) !== 'note')
      .map(
        (r) =>
          `${r.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? '?'} ${r.ruleId}: ${r.message?.text ?? JSON.stringify(r.message)}`,
      );
    // A log the multitool skipped (too large, unreadable) is named in its configuration notifications.
    const skipped = (run.invocations[0].toolConfigurationNotifications ?? [])
      .filter((n: Record<string, any>) => n.level === 'error' || /Skipped|NoValid/.test(n.descriptor?.id ?? ''))
      .map((n: Record<string, any>) => n.message.text);
    expect(skipped).toEqual([]);
    expect(run.invocations[0].executionSuccessful).toBe(true);
    const validated = new Set(results.map((r) => r.locations?.[0]?.physicalLocation?.artifactLocation?.uri));
    expect(validated.size).toBe(logs.length); // each log has at least the multitool's notes
    console.log(
      `multitool: ${logs.length} logs, ${results.filter((r) => levelOf(r) === 'error').length} errors, ` +
        `${results.filter((r) => levelOf(r) === 'warning').length} warnings, ${results.filter((r) => levelOf(r) === 'note').length} notes`,
    );
    expect(serious).toEqual([]);
  }, 900_000);
});
