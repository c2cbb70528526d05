import type { Writable } from 'node:stream';

/** What every command needs from the process, injectable so tests can run the CLI in-process. */
export interface CliContext {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Set by a command's action; the process exit code. */
  exitCode: number;
}

export function processContext(): CliContext {
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env, exitCode: 0 };
}
