import type { CheckResult } from '../engine/check.js';
import { isOpen, severityRank } from '../engine/finding.js';
import type { SourceSpan } from '../model/source.js';
import { ruleHelpUri } from '../version.js';
import { summarize } from './summary.js';

export interface MarkdownOptions {
  /** How many findings to list (the rest are counted). */
  limit?: number;
  /** Base for links to lines, e.g. https://github.com/o/r/blob/<sha>; default from GitHub Actions' env. */
  linkBase?: string;
  env?: NodeJS.ProcessEnv;
}

const ICONS = { error: '🔴', warning: '🟠', note: '🔵' } as const;

/** A summary fit for a pull-request comment: counts by severity, then the top findings linked to their lines. */
export function toMarkdown(
  result: Pick<CheckResult, 'findings' | 'problems' | 'files' | 'absent'>,
  options: MarkdownOptions = {},
): string {
  const env = options.env ?? process.env;
  const linkBase =
    options.linkBase ??
    (env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_SHA
      ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/blob/${env.GITHUB_SHA}`
      : undefined);
  const limit = options.limit ?? 20;
  const summary = summarize(result.findings, result.absent);
  const open = result.findings.filter(isOpen).sort((a, b) => severityRank(b.severity) - severityRank(a.severity));

  const out: string[] = ['## isolint', ''];
  out.push('| Severity | Findings |', '| --- | ---: |');
  out.push(`| ${ICONS.error} Error | ${summary.error} |`);
  out.push(`| ${ICONS.warning} Warning | ${summary.warning} |`);
  out.push(`| ${ICONS.note} Note | ${summary.note} |`);
  if (summary.suppressed) out.push(`| Suppressed | ${summary.suppressed} |`);
  if (summary.unchanged || summary.fixed) {
    out.push(
      `| Unchanged from the baseline | ${summary.unchanged} |`,
      `| Fixed since the baseline | ${summary.fixed} |`,
    );
  }
  out.push('', `Checked ${result.files.length} file${result.files.length === 1 ? '' : 's'}.`);

  const inputErrors = result.problems.filter((p) => p.level === 'error');
  if (inputErrors.length) {
    out.push('', `**${inputErrors.length} input${inputErrors.length === 1 ? '' : 's'} could not be checked:**`, '');
    for (const problem of inputErrors)
      out.push(`- \`${problem.file ?? ''}${problem.line ? `:${problem.line}` : ''}\`: ${escape(problem.message)}`);
  }

  if (open.length) {
    out.push('', '| | Rule | Finding | Location |', '| --- | --- | --- | --- |');
    for (const finding of open.slice(0, limit)) {
      out.push(
        `| ${ICONS[finding.severity]} | [\`${finding.ruleId}\`](${ruleHelpUri(finding.ruleId)}) | ${escape(finding.message)} | ${link(finding.location, linkBase)} |`,
      );
    }
    if (open.length > limit) out.push('', `…and ${open.length - limit} more.`);
  } else {
    out.push('', 'No open findings.');
  }
  return `${out.join('\n')}\n`;
}

function link(span: SourceSpan, base: string | undefined): string {
  const label = `${span.file}:${span.startLine}`;
  if (span.file.startsWith('/')) return `\`${label}\``;
  const target = `${base ? `${base}/` : ''}${encodeURI(span.file)}#L${span.startLine}`;
  return `[${escape(label)}](${target})`;
}

function escape(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
