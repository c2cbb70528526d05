import type { CheckResult } from '../engine/check.js';
import { plainSpan } from '../model/source.js';
import type { Finding } from '../engine/finding.js';
import { VERSION } from '../version.js';
import { jsonWithStreamedArray } from './json-stream.js';
import { summarize } from './summary.js';

type JsonInput = Pick<CheckResult, 'findings' | 'problems' | 'files' | 'absent'>;

/** Machine-readable output: every finding (suppressed ones marked), input problems and a summary. */
export function toJson(result: JsonInput): object {
  return jsonDocument(result, result.findings.map(jsonFinding));
}

const FINDINGS = '\u0000isolint:findings\u0000';

/** `JSON.stringify(toJson(…), null, 2)` exactly, a finding at a time (memory: one finding plus the run's). */
export function jsonText(result: JsonInput): Iterable<string> {
  return jsonWithStreamedArray(jsonDocument(result, FINDINGS), FINDINGS, mapped(result.findings));
}

function* mapped(findings: readonly Finding[]): Generator<object> {
  for (const finding of findings) yield jsonFinding(finding);
}

function jsonDocument(result: JsonInput, findings: unknown): object {
  return {
    tool: 'isolint',
    version: VERSION,
    summary: summarize(result.findings, result.absent),
    files: result.files,
    problems: result.problems,
    findings,
    ...(result.absent ? { absent: result.absent } : {}),
  };
}

function jsonFinding(finding: Finding): object {
  return {
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
  };
}
