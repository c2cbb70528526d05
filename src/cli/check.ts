import { Option, type Command } from 'commander';
import type { FailOn } from '../engine/config.js';
import { severityRank } from '../engine/finding.js';
import { FORMATS, formatForPath, type Format } from '../report/formats.js';
import type { CliContext } from './context.js';
import { EXIT_ERROR, EXIT_FINDINGS, EXIT_OK } from './exit-codes.js';
import { writeOutput } from './output.js';

interface CheckFlags {
  format?: Format;
  output?: string;
  config?: string;
  failOn?: FailOn;
  rule: string[];
  skipRule: string[];
  includeSuppressed?: boolean;
  inlineSuppressions: boolean;
  category?: string;
}

const collect = (value: string, previous: string[]) => [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];

export function registerCheckCommand(program: Command, ctx: CliContext): void {
  program
    .command('check')
    .description('check files and directories against the isolation rules')
    .argument('[paths...]', 'files or directories (default: the current directory)')
    .addOption(new Option('-f, --format <format>', 'output format (default text, or from the --output extension)').choices(FORMATS))
    .option('-o, --output <file>', 'write the report to a file (whole or not at all); - for stdout')
    .option('-c, --config <file>', 'config file (default: .isolint.yaml found upward from the current directory)')
    .addOption(new Option('--fail-on <level>', 'exit 1 when a finding at or above this level remains').choices(['error', 'warning', 'note', 'none']))
    .option('--rule <id>', 'run only this rule (repeatable, or comma-separated)', collect, [])
    .option('--skip-rule <id>', 'skip this rule (repeatable, or comma-separated)', collect, [])
    .option('--include-suppressed', 'show suppressed findings too (in SARIF, with their suppressions)')
    .option('--no-inline-suppressions', 'ignore suppressions written in the inputs (for CI gates)')
    .option('--category <id>', 'SARIF runAutomationDetails.id, e.g. isolint/manifests/')
    .action(async (paths: string[], flags: CheckFlags) => {
      // Loaded here, not at start-up: `isolint measure` and `pcr` never pay for the rules and parsers.
      const [{ check }, { resolveConfig }, { render }] = await Promise.all([
        import('../engine/check.js'),
        import('../engine/config.js'),
        import('../report/index.js'),
      ]);
      const config = resolveConfig(ctx.cwd, flags.config);
      if (!flags.inlineSuppressions) config.allowInlineSuppressions = false;
      const result = await check({
        paths: paths.length ? paths : ['.'],
        cwd: ctx.cwd,
        config,
        onlyRules: flags.rule,
        skipRules: flags.skipRule,
      });
      const format = flags.format ?? (flags.output ? formatForPath(flags.output) : undefined) ?? 'text';
      const toTerminal = !flags.output || flags.output === '-';
      const color = format === 'text' && toTerminal && Boolean(ctx.stdout.isTTY) && !ctx.env.NO_COLOR;
      writeOutput(ctx, flags.output, render(result, format, {
        color,
        includeSuppressed: flags.includeSuppressed,
        category: flags.category,
        env: ctx.env,
      }));
      if (!toTerminal && format !== 'text') {
        // The report went to a file: still tell a person at the terminal how the run went.
        for (const problem of result.problems.filter((p) => p.level === 'error')) {
          ctx.stderr.write(`isolint: ${problem.file ?? ''}${problem.line ? `:${problem.line}` : ''}: ${problem.message}\n`);
        }
      }
      const failOn = flags.failOn ?? config.failOn;
      const failing = result.findings.some((f) => !f.suppression && failOn !== 'none' && severityRank(f.severity) >= severityRank(failOn));
      ctx.exitCode = result.problems.some((p) => p.level === 'error') ? EXIT_ERROR : failing ? EXIT_FINDINGS : EXIT_OK;
    });
}
