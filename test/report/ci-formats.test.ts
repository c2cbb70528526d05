import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { DOMParser } from '@xmldom/xmldom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { check, type CheckResult } from '../../src/check.js';
import { defaultConfig } from '../../src/engine/config.js';
import { formatForPath } from '../../src/report/formats.js';
import { toGitlabCodeQuality } from '../../src/report/gitlab.js';
import { toJunit } from '../../src/report/junit.js';
import { runIsolint } from '../cli/run.js';
import { REPO_ROOT } from '../helpers.js';

const hasXmllint = spawnSync('xmllint', ['--version']).status === 0;
const scratch = mkdtempSync(join(tmpdir(), 'isolint-ci-formats-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let result: CheckResult;
beforeAll(async () => {
  // The examples plus every rule's fixtures: findings of every rule and severity, input errors included.
  result = await check({
    paths: ['examples', 'fixtures/rules'],
    cwd: REPO_ROOT,
    root: REPO_ROOT,
    config: defaultConfig(REPO_ROOT),
  });
  // Every rule's fixtures are a few hundred inputs: on a loaded machine more than the default 10 s hook timeout.
}, 60_000);

describe('junit', () => {
  it.skipIf(!hasXmllint)('validates against the JUnit schema (xmllint --schema schemas/junit.xsd)', () => {
    const file = join(scratch, 'report.xml');
    writeFileSync(file, toJunit(result));
    const run = spawnSync('xmllint', ['--noout', '--schema', join(REPO_ROOT, 'schemas/junit.xsd'), file], {
      encoding: 'utf8',
    });
    expect(run.stderr).toContain('validates');
    expect(run.status).toBe(0);
  });
  if (!hasXmllint) it.skip('xmllint not installed (Debian libxml2-utils): JUnit schema validation skipped', () => {});

  it('has one case per rule × file, failures carrying each finding at or above the fail-on level', () => {
    const xml = new DOMParser().parseFromString(toJunit(result, { failOn: 'warning' }), 'text/xml');
    const suites = Array.from(xml.getElementsByTagName('testsuite'));
    const example = suites.find((suite) => suite.getAttribute('name') === 'examples/deployment.yaml')!;
    expect(example).toBeDefined();
    const cases = Array.from(example.getElementsByTagName('testcase'));
    expect(cases.map((c) => c.getAttribute('name'))).toEqual(result.rules.map((rule) => rule.id));
    const expected = result.findings.filter(
      (f) => f.location.file === 'examples/deployment.yaml' && !f.suppression && f.severity !== 'note',
    );
    const failures = Array.from(example.getElementsByTagName('failure'));
    expect(failures.length).toBe(new Set(expected.map((f) => f.ruleId)).size);
    const failureText = failures.map((f) => f.textContent).join('\n');
    for (const finding of expected) expect(failureText).toContain(`:${finding.location.startLine}:`);
    expect(Number(example.getAttribute('failures'))).toBe(failures.length);
    expect(Number(example.getAttribute('tests'))).toBe(cases.length);
  });

  it('escapes markup and control characters from inputs', () => {
    const finding = { ...result.findings[0], message: 'a <b> & "c"\u0001', suppression: undefined };
    const xml = toJunit({ ...result, findings: [finding], problems: [] });
    expect(xml).toContain('a &lt;b&gt; &amp; &quot;c&quot;\\u0001');
    expect(new DOMParser().parseFromString(xml, 'text/xml').getElementsByTagName('failure').length).toBe(1);
  });
});

describe('gitlab code quality', () => {
  it('validates against the Code Quality schema, one issue per open finding, fingerprints unique', () => {
    const issues = toGitlabCodeQuality(result);
    const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'schemas/gitlab-code-quality.schema.json'), 'utf8'));
    const validate = new Ajv({ allErrors: true }).compile(schema);
    expect(validate(issues), JSON.stringify(validate.errors)).toBe(true);
    const open = result.findings.filter((f) => !f.suppression);
    expect(issues.length).toBe(open.length);
    expect(new Set(issues.map((issue) => issue.fingerprint)).size).toBe(issues.length);
    const first = open[0];
    expect(issues[0]).toMatchObject({
      check_name: first.ruleId,
      location: { path: first.location.file, lines: { begin: first.location.startLine } },
    });
  });
});

describe('-o extensions', () => {
  it('maps names to formats, and refuses extensions isolint does not write', async () => {
    expect(formatForPath('out/report.xml')).toBe('junit');
    expect(formatForPath('gl-code-quality-report.json')).toBe('gitlab');
    expect(formatForPath('x.sarif')).toBe('sarif');
    expect(formatForPath('report')).toBeUndefined();
    expect(formatForPath('report.html')).toBeNull();
    const refused = await runIsolint(['check', 'examples', '-o', join(scratch, 'report.html')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /^isolint: cannot tell the report format from the name .*report\.html; add --format/,
    );
    expect(() => readFileSync(join(scratch, 'report.html'))).toThrow();
    const junit = await runIsolint(['check', 'examples', '-o', join(scratch, 'r.xml')]);
    expect(junit.code).toBe(1);
    expect(readFileSync(join(scratch, 'r.xml'), 'utf8')).toMatch(/^<\?xml[^]*<testsuites /);
  });
});

describe('--min-level and --summary-file', () => {
  it('hide lower levels from the report, the counts and the exit code alike', async () => {
    const summary = join(scratch, 'summary.json');
    const args = ['check', 'fixtures/rules/kms-enclave-attestation', '-f', 'json', '--fail-on', 'note'];
    const all = await runIsolint([...args, '--summary-file', summary]);
    const allCounts = JSON.parse(readFileSync(summary, 'utf8'));
    const levels = new Set(JSON.parse(all.stdout).findings.map((f: { severity: string }) => f.severity));
    expect(levels.has('note') && levels.has('error')).toBe(true);
    const errorsOnly = await runIsolint([...args, '--min-level', 'error', '--summary-file', summary]);
    const counts = JSON.parse(readFileSync(summary, 'utf8'));
    expect(new Set(JSON.parse(errorsOnly.stdout).findings.map((f: { severity: string }) => f.severity))).toEqual(
      new Set(['error']),
    );
    expect(counts).toMatchObject({ error: allCounts.error, warning: 0, note: 0 });
  });
});
