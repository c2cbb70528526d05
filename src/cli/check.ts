import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { FailOn } from '../engine/config.js';
import { UsageError, formatProblem } from '../errors.js';
import { isOpen, severityRank } from '../engine/finding.js';
import { FORMATS, formatForPath, type Format } from '../report/formats.js';
import type { CliContext } from './context.js';
import { EXIT_ERROR, EXIT_FINDINGS, EXIT_OK } from './exit-codes.js';
import { refuseOutputsOverInputs, writeOutput } from './output.js';

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
  baseline?: string;
  writeBaseline?: string;
  includeUnchanged?: boolean;
  rulesDir: string[];
  ruleTimeout?: number;
  maxFileSize?: number;
  stdinFilename?: string;
  minLevel?: 'note' | 'warning' | 'error';
  skipPath: string[];
  color?: boolean;
  summaryFile?: string;
  sarifRoot?: string;
  strictInputs?: boolean;
  quiet?: boolean;
  compact?: boolean;
  allowEmpty?: boolean;
  verbose?: boolean;
  instanceTypes?: string;
  var: Ordered[];
  varFile: Ordered[];
}

/** --var and --var-file keep their command-line order between them: later ones win, as in Terraform. */
interface Ordered {
  at: number;
  value: string;
}
let argumentOrder = 0;
const ordered = (value: string, previous: Ordered[]) => [...previous, { at: argumentOrder++, value }];

function terraformVariables(flags: CheckFlags, cwd: string) {
  return [
    ...flags.var.map(({ at, value }) => {
      if (!/^[A-Za-z_][\w-]*=/.test(value)) throw new UsageError(`--var expects name=value, got "${value}"`);
      return { at, argument: { assignment: value } };
    }),
    ...flags.varFile.map(({ at, value }) => {
      if (!existsSync(resolve(cwd, value))) throw new UsageError(`--var-file ${value}: no such file`);
      return { at, argument: { file: value } };
    }),
  ]
    .sort((a, b) => a.at - b.at)
    .map(({ argument }) => argument);
}

function positiveSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new InvalidArgumentError('expected a number of seconds above 0');
  return seconds;
}

function wholeMiB(value: string): number {
  const mib = Number(value);
  if (!Number.isInteger(mib) || mib < 1) throw new InvalidArgumentError('expected a whole number of MiB, at least 1');
  return mib;
}

const collect = (value: string, previous: string[]) => [
  ...previous,
  ...value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean),
];

async function loadRulesDirs(directories: string[], cwd: string) {
  const [{ loadCustomRules }, { builtinRules }] = await Promise.all([
    import('../engine/custom-rules.js'),
    import('../../rules/index.js'),
  ]);
  return loadCustomRules(directories, cwd, new Set(builtinRules.map((rule) => rule.id)));
}

// Globs may hold commas ({a,b}): --skip-path is repeated, never split.
const collectAll = (value: string, previous: string[]) => [...previous, value];

/**
 * --color / --no-color first, then FORCE_COLOR and NO_COLOR as https://force-color.org and https://no-color.org
 * define them (set and not empty; FORCE_COLOR=0 turns colour off), then whether the report goes to a terminal.
 */
function wantsColor(flag: boolean | undefined, ctx: CliContext, toTerminal: boolean): boolean {
  if (flag !== undefined) return flag;
  const force = ctx.env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  if (ctx.env.NO_COLOR) return false;
  return toTerminal && Boolean(ctx.stdout.isTTY);
}

export function registerCheckCommand(program: Command, ctx: CliContext): void {
  program
    .command('check')
    .description('check files and directories against the isolation rules')
    .argument('[paths...]', 'files or directories (default: the current directory)')
    .addOption(
      new Option('-f, --format <format>', 'output format (default text, or from the --output extension)').choices(
        FORMATS,
      ),
    )
    .option('-o, --output <file>', 'write the report to a file (whole or not at all); - for stdout')
    .option(
      '-c, --config <file>',
      'config file (default: the nearest .isolint.yaml upward from the scanned paths, else from the current directory)',
    )
    .addOption(
      new Option('--fail-on <level>', 'exit 1 when a finding at or above this level remains').choices([
        'error',
        'warning',
        'note',
        'none',
      ]),
    )
    .option('--rule <id>', 'run only this rule (repeatable, or comma-separated)', collect, [])
    .option('--skip-rule <id>', 'skip this rule (repeatable, or comma-separated)', collect, [])
    .option('--include-suppressed', 'show suppressed findings too (in SARIF, with their suppressions)')
    .option('--no-inline-suppressions', 'ignore suppressions written in the inputs (for CI gates)')
    .option('--category <id>', 'SARIF runAutomationDetails.id, e.g. isolint/manifests/')
    .option('--baseline <file>', 'report only findings that are not in this baseline (see --write-baseline)')
    .option('--write-baseline <file>', "record today's findings as the baseline (written whole or not at all)")
    .option('--include-unchanged', 'with --baseline: keep baseline findings in the report, marked unchanged')
    .option('--rules-dir <dir>', "load the team's own rules from this directory (repeatable; .js or .ts)", collect, [])
    .option(
      '--rule-timeout <seconds>',
      'time budget of each --rules-dir rule; one that runs longer is stopped and is an error (default 30)',
      positiveSeconds,
    )
    .option(
      '--max-file-size <MiB>',
      'largest input file read, in MiB (default 64, or maxFileSizeMiB in .isolint.yaml)',
      wholeMiB,
    )
    .addOption(
      new Option('--min-level <level>', 'leave findings below this level out of the report and the exit code').choices([
        'note',
        'warning',
        'error',
      ]),
    )
    .option('--stdin-filename <name>', 'with - (standard input): the name its format is told from, and findings show')
    .option('--skip-path <glob>', 'skip files matching this glob, as config exclude (repeatable)', collectAll, [])
    .option('--color', 'colour the text report even when it is not written to a terminal')
    .option('--no-color', 'never colour the text report (also NO_COLOR=1)')
    .option(
      '--sarif-root <dir>',
      'directory that paths in the report (SARIF URIs, fingerprints) are relative to (default: the git repository of the scanned paths)',
    )
    .option('-q, --quiet', 'text: findings only (no summary, no input warnings); a clean run prints nothing')
    .option('--compact', 'text: one line per finding (file:line:column: level: message (rule))')
    .option('--strict-inputs', 'a file named on the command line that isolint does not read is an input error (exit 2)')
    .option('--summary-file <file>', 'also write the counts by level as JSON (for CI steps; whole or not at all)')
    .option('--allow-empty', 'exit 0 when no file was recognised (by default an empty scan is an input error)')
    .option('--verbose', 'also list on stderr the files of a directory scan that isolint did not recognise')
    .option(
      '--instance-types <file>',
      'aws ec2 describe-instance-types JSON that extends or corrects the built-in instance type table',
    )
    .option(
      '--var <name=value>',
      'set a Terraform root module variable, as terraform plan -var (repeatable)',
      ordered,
      [],
    )
    .option(
      '--var-file <file>',
      'read Terraform variable values from a .tfvars file, as terraform plan -var-file (repeatable)',
      ordered,
      [],
    )
    .action(async (paths: string[], flags: CheckFlags) => {
      // Refused before anything is read or written: a report.html holding text helps nobody.
      const implied = flags.output && flags.output !== '-' ? formatForPath(flags.output) : undefined;
      if (implied === null && !flags.format)
        throw new UsageError(
          `cannot tell the report format from the name ${flags.output}; add --format (${FORMATS.join(', ')})`,
        );
      const format = flags.format ?? implied ?? 'text';
      // Loaded here, not at start-up: `isolint measure` and `pcr` never pay for the rules and parsers.
      const [{ check, findScanRoot }, { resolveConfig }, { renderChunks }, { readBaseline, toBaseline }] =
        await Promise.all([
          import('../check.js'),
          import('../engine/config.js'),
          import('../report/index.js'),
          import('../engine/baseline.js'),
        ]);
      const scanned = paths.length ? paths : ['.'];
      const config = resolveConfig(ctx.cwd, flags.config, scanned);
      const baseline = flags.baseline ? readBaseline(resolve(ctx.cwd, flags.baseline), flags.baseline) : undefined;
      const extraRules = flags.rulesDir.length ? await loadRulesDirs(flags.rulesDir, ctx.cwd) : undefined;
      if (!flags.inlineSuppressions) config.allowInlineSuppressions = false;
      config.exclude = [...config.exclude, ...flags.skipPath];
      // Paths (and so fingerprints) are relative to the repository of the scanned files; outside one, to the
      // baseline's directory, so a baseline matches however the scan was started.
      const baselineFile = flags.baseline ?? flags.writeBaseline;
      const root = flags.sarifRoot
        ? resolve(ctx.cwd, flags.sarifRoot)
        : (findScanRoot(scanned, ctx.cwd) ?? (baselineFile ? dirname(resolve(ctx.cwd, baselineFile)) : undefined));
      const result = await check({
        paths: scanned,
        cwd: ctx.cwd,
        root,
        config,
        onlyRules: flags.rule,
        skipRules: flags.skipRule,
        baseline,
        extraRules,
        strictInputs: flags.strictInputs,
        allowEmpty: flags.allowEmpty,
        ...(flags.maxFileSize !== undefined ? { maxInputBytes: flags.maxFileSize * 1048576 } : {}),
        ...(flags.ruleTimeout !== undefined ? { ruleTimeoutMs: flags.ruleTimeout * 1000 } : {}),
        terraformVariables: terraformVariables(flags, ctx.cwd),
        ...(flags.instanceTypes !== undefined ? { instanceTypes: flags.instanceTypes } : {}),
        ...(flags.stdinFilename !== undefined ? { stdinFilename: flags.stdinFilename } : {}),
      });
      if (flags.minLevel) {
        // Hidden everywhere alike: the report, the counts and the exit code see the same findings.
        const floor = severityRank(flags.minLevel);
        result.findings = result.findings.filter((finding) => severityRank(finding.severity) >= floor);
      }
      // Before the first write: an output naming a file this run read would destroy it.
      refuseOutputsOverInputs(
        [
          { option: '--output', path: flags.output },
          { option: '--write-baseline', path: flags.writeBaseline },
          { option: '--summary-file', path: flags.summaryFile },
        ],
        [
          ...(config.file ? [{ role: 'the config', path: config.file }] : []),
          ...(flags.baseline ? [{ role: 'the baseline', path: flags.baseline }] : []),
          ...[...result.files.map((f) => f.file), ...result.problems.flatMap((p) => (p.file ? [p.file] : []))].map(
            (file) => ({ role: 'an input', path: resolve(result.root, file) }),
          ),
        ],
        ctx.cwd,
      );
      if (flags.writeBaseline)
        writeOutput(ctx, flags.writeBaseline, `${JSON.stringify(toBaseline(result.findings), null, 2)}\n`);
      const toTerminal = !flags.output || flags.output === '-';
      const color = format === 'text' && wantsColor(flags.color, ctx, toTerminal);
      writeOutput(
        ctx,
        flags.output,
        renderChunks(result, format, {
          color,
          includeSuppressed: flags.includeSuppressed,
          category: flags.category,
          includeUnchanged: flags.includeUnchanged,
          env: ctx.env,
          failOn: flags.failOn ?? config.failOn,
          compact: flags.compact,
          quiet: flags.quiet,
        }),
      );
      if (flags.verbose)
        for (const file of result.unrecognised) ctx.stderr.write(`isolint: not recognised, skipped: ${file}\n`);
      if (!toTerminal || format !== 'text') {
        // The report went to a file or is for a machine: still tell a person at the terminal how the run went.
        for (const problem of result.problems.filter((p) => !flags.quiet || p.level === 'error')) {
          ctx.stderr.write(
            `isolint: ${problem.level === 'warning' ? 'warning: ' : ''}${formatProblem(problem.message, problem)}\n`,
          );
        }
      }
      if (flags.summaryFile) {
        const { summarize } = await import('../report/summary.js');
        const counts = {
          ...summarize(result.findings, result.absent),
          inputErrors: result.problems.filter((p) => p.level === 'error').length,
        };
        writeOutput(ctx, flags.summaryFile, `${JSON.stringify(counts)}\n`);
      }
      const failOn = flags.failOn ?? config.failOn;
      const failing = result.findings.some(
        (f) => isOpen(f) && failOn !== 'none' && severityRank(f.severity) >= severityRank(failOn),
      );
      ctx.exitCode = result.problems.some((p) => p.level === 'error') ? EXIT_ERROR : failing ? EXIT_FINDINGS : EXIT_OK;
    });
}
