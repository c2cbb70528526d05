import { isCalendarDate } from '../dates.js';

/**
 * What is wrong with one written suppression (`{rule, reason, expires}`, a config entry adds `subject` and
 * `file`), or undefined when it can be applied. A malformed entry suppresses nothing and costs nothing else:
 * the reader turns the answer into a warning at the entry's line and goes on, so the findings it meant are
 * still reported and the rest of the file is still checked (a suppression is a recorded decision; a
 * mistyped one must neither hide findings nor make its file an input error).
 */
export function suppressionEntryProblem(entry: unknown, extraKeys: readonly string[] = []): string | undefined {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
    return 'a suppression is a mapping with a rule and a reason';
  const record = entry as Record<string, unknown>;
  const allowed = ['rule', 'reason', 'expires', ...extraKeys];
  const stray = Object.keys(record).find((key) => !allowed.includes(key));
  if (stray !== undefined) return `unknown key "${stray}" (expected ${allowed.join(', ')})`;
  if (typeof record.rule !== 'string' || !record.rule.trim()) return 'it needs a rule id';
  if (typeof record.reason !== 'string' || record.reason.trim().length < 3)
    return 'it needs a reason (why the finding is accepted)';
  for (const key of ['expires', ...extraKeys]) {
    if (record[key] !== undefined && typeof record[key] !== 'string') return `"${key}" must be a string`;
  }
  return undefined;
}

/** The warning for a malformed entry (`problem` from suppressionEntryProblem). */
export function malformedSuppressionMessage(entry: unknown, problem: string): string {
  const rule = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>).rule : undefined;
  const name = typeof rule === 'string' && rule.trim() ? `suppression of ${rule}` : 'suppression';
  return `${name} ignored: ${problem}; the findings it meant are reported`;
}

/** The warning for an expiry that is not a calendar day (`2020-13-45`), or undefined for a good one. */
export function expiryProblem(rule: string, expires: string | undefined): string | undefined {
  if (expires === undefined || isCalendarDate(expires)) return undefined;
  return `suppression of ${rule} ignored: expires ${expires} is not a date (YYYY-MM-DD); the findings it meant are reported`;
}
