import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';
import type { IsolintBaseline } from '../generated/baseline.js';
import { parseJson } from '../ingest/json.js';
import { validateAgainstSchema } from '../ingest/schema-validation.js';
import type { Finding } from './finding.js';

export type BaselineEntry = IsolintBaseline['findings'][number];

/**
 * Baselines let a team adopt isolint on an existing estate: record today's findings once, then fail only
 * on new ones. Findings are matched by their stable fingerprint (rule, message id, subject, property,
 * file), so edits above a finding or rewording of messages do not turn it into a new one.
 */
export function toBaseline(findings: readonly Finding[]): IsolintBaseline {
  return {
    version: 1,
    tool: 'isolint',
    findings: findings
      .filter((finding) => !finding.suppression)
      .map((finding) => ({
        fingerprint: finding.fingerprint,
        ruleId: finding.ruleId,
        severity: finding.severity,
        subject: finding.subject,
        file: finding.location.file,
        line: finding.location.startLine,
        message: finding.message,
      })),
  };
}

export function readBaseline(path: string, displayName = path): IsolintBaseline {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read baseline: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      file: displayName,
    });
  }
  const document = parseJson(displayName, text);
  validateAgainstSchema(document, 'baseline.schema.json', 'baseline');
  return document.value as IsolintBaseline;
}

/**
 * Marks each finding new or unchanged against the baseline and returns the baseline entries no longer
 * found (fixed, or moved to another file).
 */
export function applyBaseline(findings: Finding[], baseline: IsolintBaseline): BaselineEntry[] {
  const remaining = new Map(baseline.findings.map((entry) => [entry.fingerprint, entry]));
  for (const finding of findings) {
    if (remaining.delete(finding.fingerprint)) finding.baselineState = 'unchanged';
    else finding.baselineState = 'new';
  }
  return [...remaining.values()];
}
