import { createHash } from 'node:crypto';
import type { CheckResult } from '../engine/check.js';
import type { Finding } from '../engine/finding.js';
import type { Severity } from '../engine/rule.js';

import type { GitLabCodeQualityReport } from '../generated/gitlab-code-quality.js';

/**
 * GitLab Code Quality report (the `artifacts:reports:codequality` file): a JSON array of issues, each
 * with description, check_name, fingerprint, severity and location.path + location.lines.begin, as GitLab
 * documents at https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format. The type comes
 * from schemas/gitlab-code-quality.schema.json, which the tests validate the output against.
 */
export type CodeQualityIssue = GitLabCodeQualityReport[number];

// GitLab ranks the merge-request widget by these; an isolint error is a broken isolation guarantee.
const SEVERITY: Record<Severity, CodeQualityIssue['severity']> = { error: 'critical', warning: 'major', note: 'info' };

/** Open findings only: GitLab has no notion of a suppressed or baseline-accepted issue. */
export function toGitlabCodeQuality(result: Pick<CheckResult, 'findings'>): CodeQualityIssue[] {
  const issues: CodeQualityIssue[] = [];
  for (const finding of result.findings) {
    if (finding.suppression || finding.baselineState === 'unchanged') continue;
    issues.push({
      description: finding.message,
      check_name: finding.ruleId,
      fingerprint: fingerprintOf(finding),
      severity: SEVERITY[finding.severity],
      categories: ['Security'],
      location: {
        path: finding.location.file,
        lines: {
          begin: finding.location.startLine,
          end: Math.max(finding.location.endLine, finding.location.startLine),
        },
      },
    });
  }
  return issues;
}

// GitLab compares fingerprints across pipelines to tell new issues from old: the finding's own stable key
// (no line numbers) plus its file, hashed to the 32 hex digits GitLab's examples use.
function fingerprintOf(finding: Finding): string {
  return createHash('md5').update(`${finding.location.file}\0${finding.fingerprint}`).digest('hex');
}
