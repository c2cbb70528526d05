import type { CheckResult } from '../engine/check.js';
import { severityRank, type Finding } from '../engine/finding.js';
import type { Severity } from '../engine/rule.js';
import { VERSION } from '../version.js';

export interface JunitOptions {
  /** Findings at or above this level fail their test case (default error, as `--fail-on`). */
  failOn?: Severity | 'none';
}

/**
 * JUnit XML as Jenkins, GitLab and Azure Pipelines read it: one <testsuite> per checked file, one <testcase>
 * per rule × file (classname the file, name the rule id); a rule with open findings at or above the fail-on
 * level fails its case, each finding a line of the <failure>; findings below it go to <system-out>.
 * Inputs that could not be read are <error> cases. Format: https://github.com/testmoapp/junitxml and
 * Jenkins' JUnit plugin schema (testsuites > testsuite > testcase > failure|error|skipped|system-out).
 */
export function toJunit(
  result: Pick<CheckResult, 'findings' | 'problems' | 'files' | 'rules'>,
  options: JunitOptions = {},
): string {
  const failOn = options.failOn ?? 'error';
  const fails = (finding: Finding) => failOn !== 'none' && severityRank(finding.severity) >= severityRank(failOn);
  const byFile = new Map<string, Map<string, Finding[]>>();
  const files = new Set(result.files.map((file) => file.file));
  for (const finding of result.findings) {
    if (finding.suppression || finding.baselineState === 'unchanged') continue;
    files.add(finding.location.file);
    const byRule = byFile.get(finding.location.file) ?? new Map<string, Finding[]>();
    byFile.set(finding.location.file, byRule);
    const list = byRule.get(finding.ruleId) ?? [];
    list.push(finding);
    byRule.set(finding.ruleId, list);
  }
  const ruleIds = result.rules.map((rule) => rule.id);

  const suites: string[] = [];
  let totalTests = 0;
  let totalFailures = 0;
  let totalErrors = 0;
  const problemsByFile = new Map<string, typeof result.problems>();
  for (const problem of result.problems) {
    if (problem.level !== 'error') continue;
    const file = problem.file ?? '(scan)';
    files.add(file);
    problemsByFile.set(file, [...(problemsByFile.get(file) ?? []), problem]);
  }

  for (const file of [...files].sort()) {
    const cases: string[] = [];
    let failures = 0;
    let errors = 0;
    for (const problem of problemsByFile.get(file) ?? []) {
      errors++;
      const where = `${file}${problem.line ? `:${problem.line}` : ''}`;
      cases.push(
        `    <testcase classname="${attr(file)}" name="input">\n` +
          `      <error type="input" message="${attr(problem.message)}">${text(`${where}: ${problem.message}`)}</error>\n` +
          `    </testcase>`,
      );
    }
    const byRule = byFile.get(file);
    // A file that could not be read was not checked by any rule: no passing cases for it.
    const ranOnFile = problemsByFile.has(file) ? [...(byRule?.keys() ?? [])] : ruleIds;
    for (const ruleId of ranOnFile) {
      const findings = byRule?.get(ruleId) ?? [];
      const failing = findings.filter(fails);
      const quiet = findings.filter((finding) => !fails(finding));
      let body = '';
      if (failing.length) {
        failures++;
        const first = failing[0];
        body += `      <failure type="${failing.some((f) => f.severity === 'error') ? 'error' : first.severity}" message="${attr(
          failing.length === 1 ? first.message : `${failing.length} findings`,
        )}">${text(failing.map(line).join('\n'))}</failure>\n`;
      }
      if (quiet.length) body += `      <system-out>${text(quiet.map(line).join('\n'))}</system-out>\n`;
      cases.push(
        `    <testcase classname="${attr(file)}" name="${attr(ruleId)}"${body ? `>\n${body}    </testcase>` : ' />'}`,
      );
    }
    totalTests += cases.length;
    totalFailures += failures;
    totalErrors += errors;
    suites.push(
      `  <testsuite name="${attr(file)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="0">\n` +
        `${cases.join('\n')}\n  </testsuite>`,
    );
  }
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites name="isolint ${attr(VERSION)}" tests="${totalTests}" failures="${totalFailures}" errors="${totalErrors}">\n` +
    `${suites.join('\n')}${suites.length ? '\n' : ''}</testsuites>\n`
  );
}

function line(finding: Finding): string {
  const { file, startLine, startColumn } = finding.location;
  return `${file}:${startLine}:${startColumn} ${finding.severity} ${finding.message} (${finding.ruleId})`;
}

// XML 1.0 allows tab, newline and carriage return among the control characters, nothing else; inputs
// can carry any byte, so the rest are written as visible escapes rather than making the file unreadable.
function clean(value: string): string {
  return value.replace(
    // eslint-disable-next-line no-control-regex -- the point is to find control characters
    /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function text(value: string): string {
  return clean(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(value: string): string {
  return text(value).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;').replace(/\r/g, '&#13;');
}
