import type { Finding } from '../engine/finding.js';

export interface Summary {
  error: number;
  warning: number;
  note: number;
  suppressed: number;
}

/** Counts of unsuppressed findings by severity, and of suppressed ones. */
export function summarize(findings: readonly Finding[]): Summary {
  const summary: Summary = { error: 0, warning: 0, note: 0, suppressed: 0 };
  for (const finding of findings) {
    if (finding.suppression) summary.suppressed++;
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
  return parts.join(', ');
}
