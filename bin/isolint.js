#!/usr/bin/env node
// Thin launcher: the CLI lives in the compiled library (npm ci runs `prepare`, which builds dist/).
import { runCli } from '../dist/src/cli/main.js';

process.exitCode = await runCli(process.argv);
