import type { CheckResult } from '../engine/check.js';
import type { Finding } from '../engine/finding.js';
import { escapeControls, formatProblem } from '../errors.js';
import { SourceTexts } from './source-text.js';
import { plural, summarize, summaryLine } from './summary.js';

export interface TextOptions {
  color?: boolean;
  includeSuppressed?: boolean;
  /** One line per finding (`file:line:column: level: message (rule)`), no excerpts, as compilers print. */
  compact?: boolean;
  /** Findings only: no input warnings and no summary, so a clean run prints nothing. */
  quiet?: boolean;
}

const CODES = { red: 31, yellow: 33, cyan: 36, dim: 2, bold: 1, underline: 4 } as const;

type TextInput = Pick<CheckResult, 'findings' | 'problems' | 'root' | 'files' | 'absent'> &
  Partial<Pick<CheckResult, 'sources'>>;

/** Human output: findings grouped by file, each with its line, severity, message, rule and an excerpt. */
export function toText(result: TextInput, options: TextOptions = {}): string {
  return [...textChunks(result, options)].join('');
}

/**
 * `toText` a line at a time (each ending in a newline), so a report of a million findings is never one
 * string: memory stays what one finding needs plus the run's findings.
 */
export function* textChunks(result: TextInput, options: TextOptions = {}): Generator<string> {
  const paint = (style: keyof typeof CODES, text: string) =>
    options.color ? `\u001b[${CODES[style]}m${text}\u001b[0m` : text;
  const texts = new SourceTexts(result.root, result.sources);
  // A blank line is written only before more text: a quiet report ends with its last finding.
  let blank = false;
  let written = false;
  function* line(text: string): Generator<string> {
    if (blank) yield '\n';
    blank = false;
    written = true;
    yield `${text}\n`;
  }

  let problems = 0;
  for (const problem of result.problems) {
    if (options.quiet && problem.level !== 'error') continue;
    const label = problem.level === 'error' ? paint('red', 'input error') : paint('yellow', 'input warning');
    yield* line(`${label}: ${formatProblem(problem.message, problem)}`);
    problems++;
  }
  if (problems) blank = true;

  const shown = result.findings.filter(
    (f) => (options.includeSuppressed || !f.suppression) && f.baselineState !== 'unchanged',
  );
  const byFile = new Map<string, Finding[]>();
  for (const finding of shown) {
    const list = byFile.get(finding.location.file) ?? [];
    list.push(finding);
    byFile.set(finding.location.file, list);
  }
  const severityStyle = { error: 'red', warning: 'yellow', note: 'cyan' } as const;
  if (options.compact) {
    for (const [file, findings] of byFile) {
      for (const finding of findings) {
        const { startLine, startColumn } = finding.location;
        const severity = paint(severityStyle[finding.severity], finding.severity);
        const suppressed = finding.suppression ? ` (suppressed: ${finding.suppression.reason})` : '';
        yield* line(
          `${escapeControls(file)}:${startLine}:${startColumn}: ${severity}: ${finding.message} (${finding.ruleId})${suppressed}`,
        );
      }
    }
    if (byFile.size) blank = true;
  }
  for (const [file, findings] of options.compact ? [] : byFile) {
    yield* line(paint('underline', escapeControls(file)));
    for (const finding of findings) {
      const { startLine, startColumn } = finding.location;
      const severity = paint(severityStyle[finding.severity], finding.severity.padEnd(7));
      const suppressed = finding.suppression ? paint('dim', ` (suppressed: ${finding.suppression.reason})`) : '';
      yield* line(
        `  ${`${startLine}:${startColumn}`.padEnd(8)} ${severity} ${finding.message}  ${paint('dim', finding.ruleId)}${suppressed}`,
      );
      const excerpt = texts.line(file, startLine);
      if (excerpt !== undefined) {
        const shownText = excerptAround(excerpt, startColumn, 100);
        if (shownText.trim()) yield* line(paint('dim', `  ${String(startLine).padStart(6)} | ${shownText}`));
      }
    }
    blank = true;
  }

  if (options.quiet) return;
  if (!written) blank = false;
  const summary = summarize(result.findings, result.absent);
  const inputErrors = result.problems.filter((p) => p.level === 'error').length;
  const files = plural(result.files.length, 'file');
  yield* line(
    paint('bold', `${summaryLine(summary)} in ${files}`) +
      (inputErrors ? `; ${plural(inputErrors, 'input error')}` : ''),
  );
}

/**
 * At most `width` characters of a line, around the column when the line is long (a `terraform show -json`
 * plan is one line of megabytes). Only the window is ever copied: expanding tabs or escaping the whole
 * line for every finding on it made the text report quadratic.
 */
export function excerptAround(line: string, column: number, width: number): string {
  let start = 0;
  if (line.length > width && column - 1 > width / 2)
    start = Math.min(column - 1 - Math.floor(width / 4), line.length - width);
  start = Math.max(0, start);
  const window = line.slice(start, start + width + 1);
  let text = (start > 0 ? '…' : '') + escapeControls(window.replace(/\t/g, '  '));
  if (start + width < line.length || text.length > width) text = `${text.slice(0, width - 1)}…`;
  return text;
}
