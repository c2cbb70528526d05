// Precompiles the JSON Schemas into standalone ajv validators (dist/validators/*.cjs) at build time:
// compiling the manifest schema took ~40% of a small `isolint check` run. The compiled CLI loads these;
// sources under vitest compile the schemas themselves, so tests always see the current schemas.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';

const root = new URL('..', import.meta.url);
const out = new URL('dist/validators/', root);
mkdirSync(out, { recursive: true });
for (const file of readdirSync(new URL('schemas/', root)).filter((f) => f.endsWith('.schema.json'))) {
  const schema = JSON.parse(readFileSync(new URL(`schemas/${file}`, root), 'utf8'));
  // Same options as src/ingest/schema-validation.ts uses at run time.
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: false, code: { source: true } });
  const code = standaloneCode.default(ajv, ajv.compile(schema));
  writeFileSync(new URL(file.replace('.schema.json', '.cjs'), out), code);
}
