#!/usr/bin/env node
// The attestation fuzz test at bench size: FUZZ_CASES mutated documents (default 100000) from a seed
// (default: the time), through vitest. Prints the case count, the seed (to replay a failure), the verdict
// counts, the slowest case and the rate; the test itself fails on any exception other than a clear input error.
//
//   node bench/attest-fuzz.mjs [CASES] [SEED]
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cases = Number(process.argv[2] ?? 100_000);
const seed = Number(process.argv[3] ?? Date.now() % 2 ** 31);
console.log(`fuzzing ${cases} mutated attestation documents, seed ${seed}`);
const start = process.hrtime.bigint();
const result = spawnSync('npx', ['vitest', 'run', 'test/fuzz/attestation.test.ts'], {
  cwd: root,
  encoding: 'utf8',
  env: { ...process.env, FUZZ_CASES: String(cases), FUZZ_SEED: String(seed), FUZZ_REPORT: '1' },
});
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const report = /\{"cases".*\}/.exec(result.stdout ?? '')?.[0];
if (report) console.log(report);
if (result.status !== 0) process.stdout.write(result.stdout ?? '');
console.log(
  `${result.status === 0 ? '0 crashes' : 'FAILED (see above)'}; ${cases} cases in ${seconds.toFixed(1)} s, ${(cases / seconds).toFixed(0)} cases/s`,
);
process.exitCode = result.status ?? 1;
