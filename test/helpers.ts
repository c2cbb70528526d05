import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The EIF vectors the tests measure (fixtures/eif, shipped with the repository). */
export const EIF_VECTORS = resolve(REPO_ROOT, 'fixtures', 'eif');

/**
 * The public corpora (real configuration files, other projects' test suites) are not part of the
 * repository: they are read in place beside the checkout (../shared) or wherever ISOLINT_SHARED points.
 * Without them the tests that read them are skipped, visibly (SHARED_SKIP names the reason); `.ci/run`
 * refuses to run without them so CI never skips them.
 */
export const SHARED: string | undefined = [process.env.ISOLINT_SHARED, resolve(REPO_ROOT, '..', 'shared')]
  .filter((candidate): candidate is string => Boolean(candidate))
  .find((candidate) => existsSync(resolve(candidate, 'corpus')));

/** True when the tests that need ../shared must be skipped. */
export const NO_SHARED = SHARED === undefined;

/** Appended to the name of a suite that needs ../shared, so a skipped run says why. */
export const SHARED_SKIP = NO_SHARED ? ' (skipped: ../shared not present; set ISOLINT_SHARED)' : '';

/** A path inside ../shared; only call it from a suite skipped by NO_SHARED. */
export function sharedPath(...parts: string[]): string {
  if (SHARED === undefined) throw new Error('../shared is not present: this suite should have been skipped');
  return resolve(SHARED, ...parts);
}
