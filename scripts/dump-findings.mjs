#!/usr/bin/env node
/**
 * Differential baseline for refactors: every fixture, example and (when present) ../shared/corpus
 * entry is checked on its own, and each finding is printed as `rule messageId file:line level`, sorted,
 * with input problems after them. A line that occurs more than once ends in ` xN`, so a problem
 * reported twice shows up in the diff. Run it before and after a change that must not change verdicts and
 * diff the two outputs:
 *
 *   npm run build && node scripts/dump-findings.mjs > /tmp/before.txt
 *   ...change...
 *   npm run build && node scripts/dump-findings.mjs > /tmp/after.txt && diff /tmp/before.txt /tmp/after.txt
 *
 * It reads dist/ (what the CLI runs), so build first. ISOLINT_SHARED points at the corpora elsewhere.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { check, defaultConfig } from '../dist/src/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shared = process.env.ISOLINT_SHARED ?? resolve(root, '..', 'shared');
const corpus = join(shared, 'corpus');

/** The unit a fixture is checked as: each entry under a fixture folder (a file, or a directory scenario). */
function entries(dir, depth) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return depth > 0 && statSync(path).isDirectory() ? entries(path, depth - 1) : [path];
    });
}

const targets = [
  ...entries(join(root, 'fixtures', 'rules'), 1),
  ...entries(join(root, 'fixtures'), 0).filter((path) => !path.endsWith('/rules')),
  ...entries(join(root, 'examples'), 0),
  ...entries(corpus, 0),
];

const display = (file) => (file.startsWith(corpus) ? `<corpus>${file.slice(corpus.length)}` : file);
const lines = [];
for (const target of targets) {
  const result = await check({
    paths: [target],
    cwd: root,
    root,
    config: defaultConfig(root),
    today: new Date('2026-11-01'),
  });
  for (const f of result.findings)
    lines.push(`${f.ruleId} ${f.messageId} ${display(f.location.file)}:${f.location.startLine} ${f.severity}`);
  for (const p of result.problems) lines.push(`problem ${p.level} ${display(p.file ?? '-')}:${p.line ?? 0}`);
}
const counts = new Map();
for (const line of lines) counts.set(line, (counts.get(line) ?? 0) + 1);
const unique = [...counts.keys()].sort().map((line) => (counts.get(line) > 1 ? `${line} x${counts.get(line)}` : line));
process.stdout.write(unique.join('\n') + '\n');
process.stderr.write(
  `${targets.length} inputs, ${unique.length} distinct lines${existsSync(corpus) ? '' : ' (no ../shared/corpus)'}\n`,
);
