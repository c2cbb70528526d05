import { Writable } from 'node:stream';
import { runCli } from '../../src/cli/main.js';
import { REPO_ROOT } from '../helpers.js';

class Capture extends Writable {
  text = '';
  isTTY = false;
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** Runs the CLI in-process, as `isolint <args>` from `cwd`, and captures what it prints. */
export async function runIsolint(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; tty?: boolean } = {},
) {
  const stdout = new Capture();
  const stderr = new Capture();
  stdout.isTTY = options.tty ?? false;
  const code = await runCli(['node', 'isolint', ...args], {
    stdout,
    stderr,
    cwd: options.cwd ?? REPO_ROOT,
    env: options.env ?? {},
    exitCode: 0,
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}
