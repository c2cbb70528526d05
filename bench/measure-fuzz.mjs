#!/usr/bin/env node
// The EIF fuzz test at a larger size than CI runs: FUZZ_CASES mutants (default 200000) from a seed
// (default: the time), through vitest. Prints the case count, the seed (to replay a failure) and
// the rate; the test itself asserts that only InputError ever escapes.
//
//   node bench/measure-fuzz.mjs [CASES] [SEED]
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cases = Number(process.argv[2] ?? 200_000);
const seed = Number(process.argv[3] ?? Date.now() % 2 ** 31);
console.log(`fuzzing ${cases} mutants, seed ${seed}`);
const start = process.hrtime.bigint();
const result = spawnSync('npx', ['vitest', 'run', 'test/eif/fuzz.test.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, FUZZ_CASES: String(cases), FUZZ_SEED: String(seed) },
});
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
console.log(
  `${result.status === 0 ? 'no' : 'SOME'} unexpected errors; ${seconds.toFixed(1)} s, ${(cases / seconds).toFixed(0)} cases/s`,
);
process.exitCode = result.status ?? 1;
