import type { Command } from 'commander';
import { closest } from '../suggest.js';
import { UsageError } from '../errors.js';
import { ruleHelpUri } from '../version.js';
import type { CliContext } from './context.js';

export function registerRulesCommands(program: Command, ctx: CliContext): void {
  program
    .command('rules')
    .description('list the rule catalogue')
    .option('--json', 'print the catalogue as JSON')
    .action(async (flags: { json?: boolean }) => {
      const { builtinRules } = await import('../../rules/index.js');
      if (flags.json) {
        const catalogue = builtinRules.map((rule) => ({
          id: rule.id,
          name: rule.name,
          title: rule.title,
          severity: rule.severity,
          securitySeverity: rule.securitySeverity,
          precision: rule.precision,
          tags: rule.tags,
          since: rule.since,
          appliesTo: rule.appliesTo,
          sources: rule.sources,
          rationale: rule.rationale,
          fix: rule.fix,
          messages: rule.messages,
          helpUri: ruleHelpUri(rule.id),
        }));
        ctx.stdout.write(`${JSON.stringify(catalogue, null, 2)}\n`);
        return;
      }
      const width = Math.max(...builtinRules.map((rule) => rule.id.length));
      for (const rule of builtinRules)
        ctx.stdout.write(`${rule.id.padEnd(width)}  ${rule.severity.padEnd(7)}  ${rule.title}\n`);
    });

  program
    .command('explain')
    .description('show what a rule checks, why, and how to fix its findings')
    .argument('<rule>', 'rule id')
    .action(async (id: string) => {
      const { builtinRules } = await import('../../rules/index.js');
      const rule = builtinRules.find((candidate) => candidate.id === id);
      if (!rule) {
        const near = closest(
          id,
          builtinRules.map((r) => r.id),
        );
        throw new UsageError(
          `unknown rule "${id}"${near ? ` (did you mean "${near}"?)` : ''}; isolint rules lists them`,
        );
      }
      const lines = [
        `${rule.id} — ${rule.title}`,
        `severity: ${rule.severity} (security-severity ${rule.securitySeverity.toFixed(1)}); applies to: ${rule.appliesTo.join(', ')}`,
        '',
        'Why',
        wrap(rule.rationale),
        '',
        'How to fix',
        wrap(rule.fix),
        '',
        'Messages',
        ...Object.values(rule.messages).map((message) => `  - ${message}`),
        '',
        'Sources',
        ...rule.sources.map((source) => `  - ${source}`),
        '',
        `More: ${ruleHelpUri(rule.id)}`,
      ];
      ctx.stdout.write(`${lines.join('\n')}\n`);
    });
}

function wrap(text: string, width = 96): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(`  ${line}`);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(`  ${line}`);
  return lines.join('\n');
}
