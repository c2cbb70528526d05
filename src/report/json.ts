import type { CheckResult } from '../engine/check.js';
import { VERSION } from '../version.js';
import { summarize } from './summary.js';

/** Machine-readable output: every finding (suppressed ones marked), input problems and a summary. */
export function toJson(result: Pick<CheckResult, 'findings' | 'problems' | 'files' | 'absent'>): object {
  return {
    tool: 'isolint',
    version: VERSION,
    summary: summarize(result.findings, result.absent),
    files: result.files,
    problems: result.problems,
    findings: result.findings.map((finding) => ({
      ruleId: finding.ruleId,
      messageId: finding.messageId,
      severity: finding.severity,
      message: finding.message,
      data: finding.data,
      subject: finding.subject,
      ...(finding.property ? { property: finding.property } : {}),
      location: finding.location,
      related: finding.related,
      fingerprint: finding.fingerprint,
      ...(finding.suppression ? { suppression: finding.suppression } : {}),
      ...(finding.baselineState ? { baselineState: finding.baselineState } : {}),
    })),
    ...(result.absent ? { absent: result.absent } : {}),
  };
}
