import { Command, CommanderError } from 'commander';
import { InputError, UsageError, oneLine } from '../errors.js';
import { closest } from '../suggest.js';
import { VERSION } from '../version.js';
import { registerAttestCommand } from './attest.js';
import { registerCheckCommand } from './check.js';
import { registerGraphCommand } from './graph.js';
import { processContext, type CliContext } from './context.js';
import { EXIT_ERROR, EXIT_FINDINGS, EXIT_OK } from './exit-codes.js';
import { registerMeasureCommand } from './measure.js';
import { registerPcrCommand } from './pcr.js';
import { registerRulesCommands } from './rules.js';

export { EXIT_ERROR, EXIT_FINDINGS, EXIT_OK };

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('isolint')
    .description('Static verifier of isolation properties for hosts, instances and Nitro Enclaves')
    .version(VERSION, '-v, --version')
    .option('--debug', 'print stack traces for internal errors')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.stdout.write(text),
      writeErr: (text) => ctx.stderr.write(text),
      outputError: (text, write) => write(usageLine(text, 'isolint --help')),
    });
  registerCheckCommand(program, ctx);
  registerRulesCommands(program, ctx);
  registerGraphCommand(program, ctx);
  registerMeasureCommand(program, ctx);
  registerPcrCommand(program, ctx);
  registerAttestCommand(program, ctx);
  for (const command of program.commands) {
    command.configureOutput({
      ...program.configureOutput(),
      outputError: (text, write) => write(usageLine(text, `isolint ${command.name()} --help`)),
    });
  }
  return program;
}

/**
 * A usage error as one line: what is wrong, a suggestion where a close name exists, and where the help is
 * (the whole help after every typo buries the one line that matters).
 */
export function usageLine(commanderText: string, help: string): string {
  let text = oneLine(commanderText.replace(/^error: /, '')).replace(
    /\s*\(Did you mean (.+?)\?\)/,
    ' (did you mean $1?)',
  );
  const choice = /^option '(.*)' argument '(.*)' is invalid\. Allowed choices are (.+)\.$/.exec(text);
  if (choice) {
    const near = closest(choice[2], choice[3].split(', '));
    text = `${choice[1]}: '${choice[2]}' is not one of ${choice[3]}${near ? ` (did you mean ${near}?)` : ''}`;
  }
  return `isolint: ${text}; see ${help}\n`;
}

/** Runs the CLI and returns the exit code; never throws, never prints a stack trace unless --debug. */
export async function runCli(argv: string[], ctx: CliContext = processContext()): Promise<number> {
  const program = buildProgram(ctx);
  const debug = argv.includes('--debug');
  // -V was the version flag before -v; both keep working.
  if (argv[2] === '-V') argv = [...argv.slice(0, 2), '-v', ...argv.slice(3)];
  try {
    await program.parseAsync(argv);
    return ctx.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not errors; every other commander error is a usage error.
      return error.exitCode === 0 ? EXIT_OK : EXIT_ERROR;
    }
    if (error instanceof InputError) {
      for (const one of error.all()) ctx.stderr.write(`isolint: ${one.format()}\n`);
      return EXIT_ERROR;
    }
    if (error instanceof UsageError) {
      ctx.stderr.write(`isolint: ${oneLine(error.message)}\n`);
      return EXIT_ERROR;
    }
    const message = error instanceof Error ? error.message : String(error);
    ctx.stderr.write(`isolint: internal error: ${oneLine(message)}${debug ? '' : ' (run with --debug for details)'}\n`);
    if (debug && error instanceof Error && error.stack) ctx.stderr.write(`${error.stack}\n`);
    return EXIT_ERROR;
  }
}
