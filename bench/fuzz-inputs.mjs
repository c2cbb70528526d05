#!/usr/bin/env node
// The text-input fuzz test (test/fuzz/inputs.test.ts) at a larger size than CI runs: CASES mutants per
// format (default 5000) from a seed (default: the time), through vitest. Prints the case count, the seed
// (to replay a failure: node bench/fuzz-inputs.mjs CASES SEED) and the rate; the test itself asserts that
// only an InputError with a one-line message ever escapes an adapter and nothing escapes a rule.
//
//   node bench/fuzz-inputs.mjs [CASES_PER_FORMAT] [SEED]
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cases = Number(process.argv[2] ?? 5_000);
const seed = Number(process.argv[3] ?? Date.now() % 2 ** 31);
console.log(`fuzzing ${cases} mutants per text format, seed ${seed}`);
const start = process.hrtime.bigint();
const result = spawnSync('npx', ['vitest', 'run', 'test/fuzz/inputs.test.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, FUZZ_INPUT_CASES: String(cases), FUZZ_SEED: String(seed) },
});
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
console.log(`${result.status === 0 ? 'no' : 'SOME'} unexpected errors; ${seconds.toFixed(1)} s`);
process.exitCode = result.status ?? 1;
