import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runIsolint } from './run.js';
import { temporaryDirectories } from '../temporary.js';

const temporaryDirectory = temporaryDirectories('custom');

const MANIFEST =
  'apiVersion: isolint/v1\nhosts:\n  - id: host-1\n    instances:\n      - id: owned\n        tenant: acme\n      - id: orphan\n';

function workspace(): string {
  const directory = temporaryDirectory();
  writeFileSync(join(directory, 'hosts.yaml'), MANIFEST);
  return directory;
}

describe('--rules-dir', () => {
  it("runs the worked example (TypeScript) like a built-in rule, at the element's line", async () => {
    const { code, stdout } = await runIsolint([
      'check',
      'examples',
      '--rules-dir',
      'examples/custom-rules',
      '--rule',
      'require-tenant',
      '--format',
      'json',
    ]);
    expect(code).toBe(0); // a warning, below the default fail-on level
    expect(JSON.parse(stdout).findings).toEqual([]); // every example instance names its tenant

    const directory = workspace();
    const run = await runIsolint(
      [
        'check',
        'hosts.yaml',
        '--rules-dir',
        join(process.cwd(), 'examples/custom-rules'),
        '--format',
        'sarif',
        '--fail-on',
        'warning',
      ],
      { cwd: directory },
    );
    expect(run.code).toBe(1);
    const sarif = JSON.parse(run.stdout).runs[0];
    expect(sarif.tool.driver.rules.map((r: { id: string }) => r.id)).toContain('require-tenant');
    const results = sarif.results.filter((r: { ruleId: string }) => r.ruleId === 'require-tenant');
    expect(results).toHaveLength(1);
    expect(results[0].message.text).toBe("Instance 'orphan' does not say which tenant owns it.");
    expect(results[0].locations[0].physicalLocation.region.startLine).toBe(7);
  });

  it('loads JavaScript rules and fills in optional metadata', async () => {
    const directory = workspace();
    const rules = join(directory, 'rules');
    await import('node:fs').then(({ mkdirSync }) => mkdirSync(rules));
    writeFileSync(
      join(rules, 'no-orphan.mjs'),
      "export default { id: 'no-orphan', title: 'No instance called orphan', severity: 'error', rationale: 'Orphans are bad.', fix: 'Rename it.', messages: { found: \"'{{id}}' is an orphan.\" }, check(graph, context) { for (const i of graph.nodes('instance')) if (i.id === 'orphan') context.report({ messageId: 'found', data: { id: i.id }, subject: i }); } };\n",
    );
    const { code, stdout } = await runIsolint(['check', 'hosts.yaml', '--rules-dir', 'rules', '--rule', 'no-orphan'], {
      cwd: directory,
    });
    expect(code).toBe(1);
    expect(stdout).toMatch(/7:9 +error +'orphan' is an orphan\. +no-orphan/);
  });

  it('refuses a rule that breaks the contract, naming the file, with exit 2', async () => {
    const directory = workspace();
    writeFileSync(
      join(directory, 'bad.mjs'),
      "export default { id: 'Bad Rule', title: 'x', severity: 'error', rationale: '', fix: '', messages: {}, check() {} };\n",
    );
    const { code, stderr } = await runIsolint(['check', 'hosts.yaml', '--rules-dir', '.'], { cwd: directory });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^isolint: .*bad\.mjs: rule id "Bad Rule" must be kebab-case/);
    const clash = workspace();
    writeFileSync(
      join(clash, 'dup.mjs'),
      "export default { id: 'scrubbed-memory', title: 'x', severity: 'error', rationale: '', fix: '', messages: {}, check() {} };\n",
    );
    const duplicate = await runIsolint(['check', 'hosts.yaml', '--rules-dir', '.'], { cwd: clash });
    expect(duplicate.stderr).toMatch(/rule id "scrubbed-memory" is already taken/);
  });
});
