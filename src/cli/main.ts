import { Command, CommanderError } from 'commander';
import { InputError, UsageError, oneLine } from '../errors.js';
import { VERSION } from '../version.js';
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
    .version(VERSION, '-V, --version')
    .option('--debug', 'print stack traces for internal errors')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.stdout.write(text),
      writeErr: (text) => ctx.stderr.write(text),
    });
  registerCheckCommand(program, ctx);
  registerRulesCommands(program, ctx);
  registerGraphCommand(program, ctx);
  registerMeasureCommand(program, ctx);
  registerPcrCommand(program, ctx);
  return program;
}

/** Runs the CLI and returns the exit code; never throws, never prints a stack trace unless --debug. */
export async function runCli(argv: string[], ctx: CliContext = processContext()): Promise<number> {
  const program = buildProgram(ctx);
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv);
    return ctx.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not errors; every other commander error is a usage error.
      return error.exitCode === 0 ? EXIT_OK : EXIT_ERROR;
    }
    if (error instanceof InputError) {
      ctx.stderr.write(`isolint: ${error.format()}\n`);
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
