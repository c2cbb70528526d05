/**
 * Mutation fuzzing of every text input format (host manifests, CloudFormation, Terraform .tf and plan
 * JSON, nitro-cli and enclave host configs, libvirt, Nova, Xen, Kata, sshd_config): see harness.ts for
 * the property. FUZZ_INPUT_CASES (per format) and FUZZ_SEED set the size and the seed;
 * bench/fuzz-inputs.mjs runs many more cases than CI does. A failing mutant is written to the temp
 * directory so it can be replayed and kept as a regression fixture (test/fuzz/regressions/). A case that
 * kills the process (V8 fatal errors cannot be caught) is found with FUZZ_TRACE=<file>: each case is
 * written there before it runs, so the file holds the culprit afterwards.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers.js';
import { loadSeeds, mutate, random, runCase } from './harness.js';
import { temporaryDirectories } from '../temporary.js';

const temporaryDirectory = temporaryDirectories('fuzz');

const CASES_PER_FORMAT = Number(process.env.FUZZ_INPUT_CASES ?? 150);
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_123);

const seeds = loadSeeds();
const formats = [...new Set(seeds.map((seed) => seed.adapter.format))].sort();

describe('fuzz: mutated text inputs yield findings or one InputError, nothing else', () => {
  it('has seeds for every format the issue names', () => {
    for (const format of [
      'isolint-manifest',
      'cloudformation',
      'terraform',
      'terraform-plan',
      'nitro-cli-run-config',
      'libvirt-domain',
      'kata-configuration',
    ]) {
      expect(formats).toContain(format);
    }
  });

  for (const format of formats) {
    const own = seeds.filter((seed) => seed.adapter.format === format);
    it(`${format}: ${CASES_PER_FORMAT} mutants of ${own.length} seeds (seed ${SEED})`, async () => {
      const next = random(SEED ^ hash(format));
      const counts = { loaded: 0, rejected: 0, unclaimed: 0 };
      let slowest = 0;
      for (let n = 0; n < CASES_PER_FORMAT; n++) {
        const seed = own[Math.floor(next() * own.length)];
        const { text, applied } = mutate(seed, next);
        if (process.env.FUZZ_TRACE)
          writeFileSync(process.env.FUZZ_TRACE, `${format} ${n} ${seed.origin} ${applied.join(',')}\n${text}`);
        try {
          const result = await runCase(seed.name, text, `/nonexistent/fuzz/${format}/${n}`);
          counts[result.outcome]++;
          slowest = Math.max(slowest, result.milliseconds);
        } catch (error) {
          const saved = join(temporaryDirectory(), seed.name);
          writeFileSync(saved, text);
          throw new Error(
            `case ${n} (${seed.origin}: ${applied.join(', ')}), mutant saved as ${saved}: ${String(error)}`,
            { cause: error },
          );
        }
      }
      expect(counts.loaded + counts.rejected + counts.unclaimed).toBe(CASES_PER_FORMAT);
      // A hang shows as the test's timeout; a case this slow on inputs of a few KiB is a bug too.
      expect(slowest).toBeLessThan(10_000);
    }, 120_000);
  }
});

describe('fuzz regressions: inputs the fuzzer once broke', () => {
  const directory = join(REPO_ROOT, 'test', 'fuzz', 'regressions');
  for (const name of readdirSync(directory)
    .filter((n) => !n.startsWith('README'))
    .sort()) {
    it(name, async () => {
      // The file name is `<case>--<name the adapter sees>`, e.g. `cfn-cycle--template.yaml`.
      const seen = name.includes('--') ? name.slice(name.indexOf('--') + 2) : name;
      const result = await runCase(
        seen,
        readFileSync(join(directory, name), 'utf8'),
        `/nonexistent/regressions/${name}`,
      );
      expect(['loaded', 'rejected']).toContain(result.outcome);
    });
  }
});

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}
