import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRules } from '../../rules/index.js';
import { check } from '../../src/engine/check.js';
import { defaultConfig } from '../../src/engine/config.js';
import { REPO_ROOT } from '../helpers.js';

/**
 * Each rule's tests are its fixtures (STYLE.md §4): fixtures/rules/<id>/trigger-*.{yaml,json} must
 * produce exactly the findings their `# expect: <messageId>` comments mark, on those lines;
 * pass-*.{yaml,json} must produce no finding of the rule at all. Both run the real ingest → graph → rule path.
 */
const FIXTURES = join(REPO_ROOT, 'fixtures', 'rules');

/** `# expect: a, b` (or `// expect:` in JSON) on a line: the message ids expected there. */
function expectations(text: string): Array<{ line: number; messageId: string }> {
  const expected: Array<{ line: number; messageId: string }> = [];
  text.split(/\r?\n/).forEach((content, index) => {
    const match = /(?:#|\/\/)\s*expect:\s*([\w\-, ]+)/.exec(content);
    if (!match) return;
    for (const id of match[1]!.split(',').map((s) => s.trim()).filter(Boolean)) expected.push({ line: index + 1, messageId: id });
  });
  return expected;
}

const byLine = (a: { line: number; messageId: string }, b: { line: number; messageId: string }) =>
  a.line - b.line || a.messageId.localeCompare(b.messageId);

for (const rule of builtinRules) {
  describe(`rule ${rule.id}`, () => {
    const directory = join(FIXTURES, rule.id);
    const files = readdirSync(directory).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();

    it('has fixtures that must trigger it and fixtures that must not', () => {
      expect(files.some((f) => f.startsWith('trigger'))).toBe(true);
      expect(files.some((f) => f.startsWith('pass'))).toBe(true);
    });

    for (const file of files) {
      const path = join(directory, file);
      it(`${file} ${file.startsWith('trigger') ? 'triggers' : 'does not trigger'} it`, async () => {
        const result = await check({
          paths: [path],
          cwd: REPO_ROOT,
          root: REPO_ROOT,
          config: defaultConfig(REPO_ROOT),
          onlyRules: [rule.id],
          today: new Date('2026-11-01'),
        });
        expect(result.problems.filter((p) => p.level === 'error')).toEqual([]);
        const findings = result.findings.filter((f) => f.ruleId === rule.id && !f.suppression);
        for (const finding of findings) {
          expect(finding.message).not.toMatch(/\{\{/);
          expect(Object.keys(rule.messages)).toContain(finding.messageId);
          expect(finding.location.file).toBe(`fixtures/rules/${rule.id}/${file}`);
        }
        const actual = findings.map((f) => ({ line: f.location.startLine, messageId: f.messageId })).sort(byLine);
        if (file.startsWith('pass')) {
          expect(actual).toEqual([]);
        } else {
          const wanted = expectations(readFileSync(path, 'utf8')).sort(byLine);
          expect(wanted.length).toBeGreaterThan(0);
          expect(actual).toEqual(wanted);
        }
      });
    }
  });
}
