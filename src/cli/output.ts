import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import type { CliContext } from './context.js';

/**
 * Writes an output whole or not at all: to a temporary file beside the target, then renamed over it,
 * so a killed run never leaves half a SARIF file. `-` or no path writes to stdout.
 */
export function writeOutput(ctx: CliContext, path: string | undefined, text: string): void {
  if (path === undefined || path === '-') {
    ctx.stdout.write(text);
    return;
  }
  const target = resolve(ctx.cwd, path);
  const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new UsageError(`cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}
