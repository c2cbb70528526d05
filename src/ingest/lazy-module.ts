import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A package loaded the first time it is used, not when the module naming it is imported: a check reads
 * a format's parser (`yaml`, `@xmldom/xmldom`, `ajv`) only when a file of that format is in the scan, and
 * `isolint --version` or a check of one Terraform file never pays for the others. These packages ship
 * CommonJS for Node (their `exports` send `node` there), so `require` gets the very modules `import` would.
 */
export function lazyModule<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(name) as T);
}
