import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The project's shared test data (EIF vectors, the public config corpus), read in place and never
 * copied into the repository: beside the checkout (../shared) or wherever ISOLINT_SHARED points; a
 * clone elsewhere on the workstation still finds /work/shared.
 */
export const SHARED: string = (() => {
  const candidates = [process.env.ISOLINT_SHARED, resolve(REPO_ROOT, '..', 'shared'), '/work/shared'].filter(
    (candidate): candidate is string => Boolean(candidate),
  );
  const found = candidates.find((candidate) => existsSync(resolve(candidate, 'vectors')));
  if (!found) throw new Error(`shared test data not found (looked in ${candidates.join(', ')}); set ISOLINT_SHARED`);
  return found;
})();
