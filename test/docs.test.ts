import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRules } from '../rules/index.js';
import { ruleDocs, withReadmeRules } from '../src/docs/rule-docs.js';
import { ruleHelpUri } from '../src/version.js';
import { REPO_ROOT } from './helpers.js';

describe('rule docs', () => {
  const pages = ruleDocs(REPO_ROOT, builtinRules);

  it('are current: docs/rules/ matches what the rules generate (run npm run docs when this fails)', () => {
    for (const [path, text] of pages) {
      expect(existsSync(join(REPO_ROOT, path)), `${path} is missing`).toBe(true);
      expect(readFileSync(join(REPO_ROOT, path), 'utf8'), path).toBe(text);
    }
    expect(readdirSync(join(REPO_ROOT, 'docs', 'rules')).sort()).toEqual(
      [...pages.keys()].map((p) => p.slice('docs/rules/'.length)).sort(),
    );
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    expect(readme, 'README.md rule table').toBe(withReadmeRules(readme, builtinRules));
  });

  it('show for each rule its rationale, sources, a failing and a passing example and how to fix', () => {
    for (const rule of builtinRules) {
      const page = pages.get(`docs/rules/${rule.id}.md`)!;
      expect(page).toContain(rule.rationale);
      expect(page).toContain(rule.fix);
      for (const source of rule.sources) expect(page).toContain(source);
      expect(page).toMatch(/## Example that triggers it\n\nLines marked `expect:`[^]*```/);
      expect(page).toMatch(/## Example that passes\n\n`fixtures\/rules\//);
      expect(ruleHelpUri(rule.id).endsWith(`docs/rules/${rule.id}.md`)).toBe(true);
    }
  });
});
