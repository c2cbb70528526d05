import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The installed package's root (where package.json and schemas/ live), found upward from this module,
 * so it is the same whether the code runs compiled from dist/ or as sources under vitest.
 */
export const PACKAGE_ROOT: string = (() => {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(directory, 'package.json')) && existsSync(join(directory, 'schemas'))) return directory;
    const parent = dirname(directory);
    if (parent === directory) throw new Error('isolint: cannot find its package root (package.json and schemas/)');
    directory = parent;
  }
})();

export function packagePath(...segments: string[]): string {
  return join(PACKAGE_ROOT, ...segments);
}
