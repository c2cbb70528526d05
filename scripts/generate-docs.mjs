// Writes docs/rules/*.md and README.md's rule table from the rules' metadata and fixtures (run `npm run docs`, which builds first).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinRules } from '../dist/rules/index.js';
import { ruleDocs, withReadmeRules } from '../dist/src/docs/rule-docs.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pages = ruleDocs(root, builtinRules);
mkdirSync(join(root, 'docs', 'rules'), { recursive: true });
// Pages of rules that no longer exist go too.
for (const name of readdirSync(join(root, 'docs', 'rules'))) {
  if (!pages.has(`docs/rules/${name}`)) rmSync(join(root, 'docs', 'rules', name));
}
for (const [path, text] of pages) writeFileSync(join(root, path), text);
const readme = join(root, 'README.md');
writeFileSync(readme, withReadmeRules(readFileSync(readme, 'utf8'), builtinRules));
console.log(`wrote ${pages.size} pages in docs/rules/`);
