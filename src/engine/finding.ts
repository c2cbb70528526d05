import type { SourceSpan } from '../model/source.js';
import type { RelatedLocation, Severity } from './rule.js';

export interface AppliedSuppression {
  /** inSource: written next to the element; external: from the config file. */
  kind: 'inSource' | 'external';
  reason: string;
  expires?: string;
  source?: SourceSpan;
}

/** One result of one rule: what reporters render. */
export interface Finding {
  ruleId: string;
  messageId: string;
  message: string;
  data: Record<string, string | number>;
  severity: Severity;
  location: SourceSpan;
  related: RelatedLocation[];
  /** Id of the element the finding is about (for an edge, a key naming its kind and ends). */
  subject: string;
  /** The graph node a picture marks: the subject itself, or for an edge its end inside the estate. */
  element?: string;
  property?: string;
  /**
   * Stable key: rule, message id, subject and property (no line numbers, no wording), so it survives
   * unrelated edits above the finding and rewording of messages.
   */
  fingerprint: string;
  suppression?: AppliedSuppression;
  /** Against a baseline (--baseline): new findings fail the run, unchanged ones were accepted before. */
  baselineState?: 'new' | 'unchanged';
}

/** Findings that count: not suppressed, and not accepted in a baseline. */
export function isOpen(finding: Finding): boolean {
  return !finding.suppression && finding.baselineState !== 'unchanged';
}

const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, note: 1 };

export function severityRank(severity: Severity | 'none'): number {
  return severity === 'none' ? 4 : SEVERITY_RANK[severity];
}

/** Findings in a deterministic order: file, line, column, rule, message. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    compareStrings(a.location.file, b.location.file) ||
    a.location.startLine - b.location.startLine ||
    a.location.startColumn - b.location.startColumn ||
    compareStrings(a.ruleId, b.ruleId) ||
    compareStrings(a.message, b.message)
  );
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
