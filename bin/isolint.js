#!/usr/bin/env node
// Thin launcher: the CLI lives in the compiled library (npm ci runs `prepare`, which builds dist/).
import { runCli } from '../dist/src/cli/main.js';

// A reader that stops early (`isolint check … | head`) closes the pipe: that is not an error to report.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await runCli(process.argv);
