// The floor for YAML estates: read every .yaml file of a directory and parse it with the `yaml`
// package's parseAllDocuments (with CloudFormation's short-form tags kept as written, as isolint
// registers them), nothing else. node bench/lib/yaml-floor.mjs DIR [PART PARTS] (a PART of PARTS
// takes every PARTS-th file, for the two-process figure).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

const [directory, part = '0', parts = '1'] = process.argv.slice(2);
const tags = ['!Ref', '!Sub', '!GetAtt', '!If', '!Equals', '!FindInMap', '!Join', '!Select', '!Base64', '!Not'];
const customTags = tags.flatMap((tag) =>
  ['scalar', 'seq', 'map'].map((collection) => ({
    tag,
    collection: collection === 'scalar' ? undefined : collection,
    resolve: (value) => value,
  })),
);
const names = readdirSync(directory)
  .filter((name) => name.endsWith('.yaml'))
  .sort()
  .filter((_, index) => index % Number(parts) === Number(part));
let documents = 0;
for (const name of names) {
  const text = readFileSync(join(directory, name), 'utf8');
  documents += parseAllDocuments(text, {
    customTags: customTags.map(({ collection, ...rest }) => (collection ? { ...rest, collection } : rest)),
  }).length;
}
if (documents !== names.length) process.exit(3);
