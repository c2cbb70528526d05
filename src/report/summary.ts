import type { Finding } from '../engine/finding.js';

export interface Summary {
  error: number;
  warning: number;
  note: number;
  suppressed: number;
  /** With a baseline: findings accepted in it, and its findings that are gone. */
  unchanged: number;
  fixed: number;
}

/** Counts of open findings by severity, and of suppressed and baseline-accepted ones. */
export function summarize(findings: readonly Finding[], absent: readonly unknown[] = []): Summary {
  const summary: Summary = { error: 0, warning: 0, note: 0, suppressed: 0, unchanged: 0, fixed: absent.length };
  for (const finding of findings) {
    if (finding.suppression) summary.suppressed++;
    else if (finding.baselineState === 'unchanged') summary.unchanged++;
    else summary[finding.severity]++;
  }
  return summary;
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

export function summaryLine(summary: Summary): string {
  const parts = [plural(summary.error, 'error'), plural(summary.warning, 'warning'), plural(summary.note, 'note')];
  if (summary.suppressed) parts.push(`${summary.suppressed} suppressed`);
  if (summary.unchanged || summary.fixed)
    parts.push(`${summary.unchanged} unchanged from the baseline, ${summary.fixed} fixed since`);
  return parts.join(', ');
}
