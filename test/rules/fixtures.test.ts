import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRules } from '../../rules/index.js';
import { check } from '../../src/check.js';
import { defaultConfig } from '../../src/engine/config.js';
import { REPO_ROOT } from '../helpers.js';

/**
 * Each rule's tests are its fixtures: every `trigger*` entry of fixtures/rules/<id>/ must
 * produce exactly the findings its `expect: <messageId>` comments mark (after #, //, ; or <!--), on those
 * lines; every `pass*` entry must produce no finding of the rule at all. An entry is one file, or a
 * directory checked as one scan (for findings that span files). Both run the real ingest → graph → rule path.
 */
const FIXTURES = join(REPO_ROOT, 'fixtures', 'rules');
/** Binary and supporting files carry no expectations. */
const NO_COMMENTS = /\.(eif|pem|der|bin)$/i;

interface Expected {
  file: string;
  line: number;
  messageId: string;
}

function filesUnder(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => filesUnder(join(path, name)));
}

function expectations(path: string): Expected[] {
  const expected: Expected[] = [];
  for (const file of filesUnder(path)) {
    if (NO_COMMENTS.test(file)) continue;
    readFileSync(file, 'utf8')
      .split(/\r?\n/)
      .forEach((content, index) => {
        const match = /(?:#|\/\/|;|<!--)\s*expect:\s*([\w\-, ]+)/.exec(content);
        if (!match) return;
        // An XML comment's closing `-->` is not part of the ids.
        for (const id of match[1]
          .replace(/\s*-+\s*$/, '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)) {
          expected.push({ file: relative(REPO_ROOT, file).split('\\').join('/'), line: index + 1, messageId: id });
        }
      });
  }
  return expected;
}

const order = (a: Expected, b: Expected) =>
  a.file.localeCompare(b.file) || a.line - b.line || a.messageId.localeCompare(b.messageId);

for (const rule of builtinRules) {
  describe(`rule ${rule.id}`, () => {
    const directory = join(FIXTURES, rule.id);
    const entries = readdirSync(directory)
      .filter((name) => /^(trigger|pass)([-.]|$)/.test(name) && !NO_COMMENTS.test(name))
      .sort();

    it('has fixtures that must trigger it and fixtures that must not', () => {
      expect(entries.some((name) => name.startsWith('trigger'))).toBe(true);
      expect(entries.some((name) => name.startsWith('pass'))).toBe(true);
    });

    for (const name of entries) {
      const path = join(directory, name);
      it(`${name} ${name.startsWith('trigger') ? 'triggers' : 'does not trigger'} it`, async () => {
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
        }
        const actual = findings
          .map((f) => ({ file: f.location.file, line: f.location.startLine, messageId: f.messageId }))
          .sort(order);
        if (name.startsWith('pass')) {
          expect(actual).toEqual([]);
        } else {
          const wanted = expectations(path).sort(order);
          expect(wanted.length).toBeGreaterThan(0);
          expect(actual).toEqual(wanted);
        }
      });
    }
  });
}
