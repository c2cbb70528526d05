// Generates src/generated/*.ts from schemas/*.schema.json with json-schema-to-typescript.
// `node scripts/generate-types.mjs` writes them; `--check` exits 1 when a file is stale (used by a test).
import { readFile, writeFile, readdir } from 'node:fs/promises';
import { compile } from 'json-schema-to-typescript';

const root = new URL('..', import.meta.url);
const banner = '/* Generated from schemas/ by scripts/generate-types.mjs. Do not edit; run `npm run generate`. */';

export async function generatedTypes() {
  const out = new Map();
  const files = (await readdir(new URL('schemas/', root))).filter((f) => f.endsWith('.schema.json')).sort();
  for (const file of files) {
    const schema = JSON.parse(await readFile(new URL(`schemas/${file}`, root), 'utf8'));
    const ts = await compile(schema, schema.title ?? file, {
      bannerComment: banner,
      additionalProperties: false,
      unreachableDefinitions: true,
      cwd: new URL('schemas/', root).pathname,
      style: { singleQuote: true, printWidth: 120 },
    });
    out.set(`src/generated/${file.replace('.schema.json', '')}.ts`, ts);
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const [path, text] of await generatedTypes()) {
    const target = new URL(path, root);
    const current = await readFile(target, 'utf8').catch(() => '');
    if (current === text) continue;
    if (check) {
      console.error(`${path} is stale: run npm run generate`);
      stale++;
    } else {
      await writeFile(target, text);
      console.log(`wrote ${path}`);
    }
  }
  process.exitCode = stale ? 1 : 0;
}
