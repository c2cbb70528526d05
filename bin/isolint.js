#!/usr/bin/env node
// Thin launcher: the CLI lives in the compiled library (npm ci runs `prepare`, which builds dist/).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { YOUNG_GENERATION_FLAG, needsLargeHeapSettings } from './large-inputs.js';

// A run over large inputs starts Node again with a larger young generation (see large-inputs.js).
if (needsLargeHeapSettings(process.argv.slice(2))) {
  const child = spawn(process.execPath, [...process.execArgv, YOUNG_GENERATION_FLAG, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, ISOLINT_LAUNCHED: '1' },
  });
  // The terminal sends Ctrl-C to both processes; the child decides how the run ends.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    }
    process.exit(code ?? 1);
  });
} else {
  const { runCli } = await import('../dist/src/cli/main.js');
  // A reader that stops early (`isolint check … | head`) closes the pipe: that is not an error to report.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  process.exitCode = await runCli(process.argv);
}
