import type { CheckResult } from '../engine/check.js';
import { plainSpan } from '../model/source.js';
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
      // Spans as plain data: the graph's are lazy objects whose internals must not reach the output.
      location: plainSpan(finding.location),
      related: finding.related.map((entry) => ({ ...entry, span: plainSpan(entry.span) })),
      fingerprint: finding.fingerprint,
      ...(finding.suppression
        ? {
            suppression: {
              ...finding.suppression,
              ...(finding.suppression.source ? { source: plainSpan(finding.suppression.source) } : {}),
            },
          }
        : {}),
      ...(finding.baselineState ? { baselineState: finding.baselineState } : {}),
    })),
    ...(result.absent ? { absent: result.absent } : {}),
  };
}
