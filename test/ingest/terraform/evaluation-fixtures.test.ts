import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check } from '../../../src/check.js';
import { defaultConfig } from '../../../src/engine/config.js';
import { REPO_ROOT } from '../../helpers.js';

/**
 * Terraform evaluation, construct by construct: fixtures/terraform-eval/<construct>/{trigger,pass}/ are
 * each checked as one scan. `# expect: <rule>` marks a line that must get an error or warning of that
 * rule (once per id listed), `# expect-note: <rule>` one that must get a note; nothing else may be reported
 * by the rules these fixtures exercise. A `pass` directory marks nothing, so it must stay silent.
 */
const FIXTURES = join(REPO_ROOT, 'fixtures', 'terraform-eval');
const RULES = ['encrypted-block-storage', 'instance-metadata-v2', 'no-interactive-access'];

function filesUnder(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => filesUnder(join(path, name)));
}

function expectations(path: string): string[] {
  const expected: string[] = [];
  for (const file of filesUnder(path).filter((f) => f.endsWith('.tf'))) {
    readFileSync(file, 'utf8')
      .split(/\r?\n/)
      .forEach((content, index) => {
        const match = /#\s*expect(-note)?:\s*([\w\-, ]+)/.exec(content);
        if (!match) return;
        for (const id of match[2].split(',').map((s) => s.trim()))
          expected.push(`${relative(REPO_ROOT, file)}:${index + 1} ${match[1] ? 'note' : 'finding'} ${id}`);
      });
  }
  return expected.sort();
}

for (const construct of readdirSync(FIXTURES).sort()) {
  describe(`Terraform evaluation: ${construct}`, () => {
    for (const kind of ['trigger', 'pass']) {
      it(`${kind} ${kind === 'trigger' ? 'reports exactly the marked lines' : 'reports nothing'}`, async () => {
        const path = join(FIXTURES, construct, kind);
        const result = await check({
          paths: [path],
          cwd: REPO_ROOT,
          root: REPO_ROOT,
          config: defaultConfig(REPO_ROOT),
          onlyRules: RULES,
          measureImages: false,
        });
        expect(result.problems).toEqual([]);
        const actual = result.findings
          .map(
            (f) =>
              `${f.location.file}:${f.location.startLine} ${f.severity === 'note' ? 'note' : 'finding'} ${f.ruleId}`,
          )
          .sort();
        const wanted = expectations(path);
        if (kind === 'trigger') expect(wanted.length).toBeGreaterThan(0);
        expect(actual).toEqual(wanted);
      });
    }
  });
}
