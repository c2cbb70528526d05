import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { REPO_ROOT } from '../helpers.js';
import { VERSION } from '../../src/version.js';
import { runIsolint } from './run.js';

describe('usage errors: one line, a suggestion, where the help is', () => {
  it.each([
    [
      ['check', '--formt', 'sarif', 'examples'],
      "isolint: unknown option '--formt' (did you mean --format?); see isolint check --help",
    ],
    [
      ['check', '-f', 'sariff', 'examples'],
      "isolint: -f, --format <format>: 'sariff' is not one of text, json, sarif, markdown, junit, gitlab (did you mean sarif?); see isolint check --help",
    ],
    [['chek', 'examples'], "isolint: unknown command 'chek' (did you mean check?); see isolint --help"],
    [
      ['explain', 'no-interactive'],
      'isolint: unknown rule "no-interactive" (did you mean "no-interactive-access"?); isolint rules lists them',
    ],
    [
      ['check', '--rule', 'enclave-no-debug', 'examples'],
      'isolint: unknown rule id "enclave-no-debug" (did you mean "enclave-no-debug-mode"?); isolint rules lists them',
    ],
  ])('%j', async (args, expected) => {
    const run = await runIsolint(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`${expected}\n`);
    expect(run.stdout).toBe('');
  });
});

it('-v, -V and --version print the version', async () => {
  for (const flag of ['-v', '-V', '--version']) {
    const run = await runIsolint([flag]);
    expect(run).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
  }
});

describe('colour', () => {
  const colored = (text: string) => text.includes('\u001b[');
  it('follows --color/--no-color, then FORCE_COLOR and NO_COLOR, then the terminal', async () => {
    const cases: Array<[string[], NodeJS.ProcessEnv, boolean, boolean]> = [
      [[], {}, false, false],
      [[], {}, true, true],
      [[], { NO_COLOR: '1' }, true, false],
      [[], { FORCE_COLOR: '1' }, false, true],
      [[], { FORCE_COLOR: '0' }, true, false],
      [['--color'], {}, false, true],
      [['--no-color'], { FORCE_COLOR: '1' }, true, false],
    ];
    for (const [flags, env, tty, expected] of cases) {
      const run = await runIsolint(['check', 'examples/deployment.yaml', ...flags], { env, tty });
      expect(colored(run.stdout), JSON.stringify({ flags, env, tty })).toBe(expected);
    }
  });
});

it('--skip-path leaves matching files out, like config exclude', async () => {
  const all = await runIsolint(['check', 'examples', '-f', 'json']);
  const skipped = await runIsolint(['check', 'examples', '-f', 'json', '--skip-path', 'examples/layered/**']);
  const files = (run: { stdout: string }) => JSON.parse(run.stdout).files.map((f: { file: string }) => f.file);
  expect(files(all).some((file: string) => file.startsWith('examples/layered/'))).toBe(true);
  expect(files(skipped).some((file: string) => file.startsWith('examples/layered/'))).toBe(false);
  expect(files(skipped).length).toBeGreaterThan(0);
});

describe('--quiet and --compact', () => {
  it('--compact prints one file:line:column line per finding and the summary', async () => {
    const full = await runIsolint(['check', 'examples/deployment.yaml', '-f', 'json']);
    const findings = JSON.parse(full.stdout).findings.filter((f: { suppression?: unknown }) => !f.suppression);
    const run = await runIsolint(['check', 'examples/deployment.yaml', '--compact']);
    const lines = run.stdout.trimEnd().split('\n');
    const findingLines = lines.filter((line) =>
      /^examples\/deployment\.yaml:\d+:\d+: (error|warning|note): /.test(line),
    );
    expect(findingLines).toHaveLength(findings.length);
    expect(findingLines[0]).toMatch(/\((no-interactive-access|[a-z-]+)\)$/);
    expect(lines.at(-1)).toMatch(/^\d+ errors?, \d+ warnings?, \d+ notes? in 1 file/);
    expect(run.stdout).not.toContain(' | '); // no excerpts
  });

  it('--quiet prints findings only, and nothing at all for a clean run', async () => {
    const run = await runIsolint(['check', 'examples/deployment.yaml', '--quiet']);
    expect(run.stdout).toContain('no-interactive-access');
    expect(run.stdout).not.toMatch(/\d+ errors?, \d+ warnings?/);
    const clean = await runIsolint(['check', 'package.json', '--quiet', '--allow-empty']);
    expect(clean).toEqual({ code: 0, stdout: '', stderr: '' });
  });
});

describe('files named on the command line that isolint does not read (pre-commit)', () => {
  it('are skipped with a warning and do not change the exit code', async () => {
    const run = await runIsolint([
      'check',
      'package.json',
      'examples/deployment.yaml',
      '-f',
      'json',
      '--fail-on',
      'none',
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      'isolint: warning: package.json: skipped: not an input isolint reads (--strict-inputs makes this an error)\n',
    );
    expect(JSON.parse(run.stdout).files.map((f: { file: string }) => f.file)).toEqual(['examples/deployment.yaml']);
  });

  it('are an input error with --strict-inputs', async () => {
    const run = await runIsolint(['check', 'package.json', '--strict-inputs', '-f', 'json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^isolint: package\.json: not an input isolint reads/);
  });
});

describe('config discovery and the report root follow the scanned paths', () => {
  const project = () => {
    const root = mkdtempSync(join(tmpdir(), 'isolint-project-'));
    const repo = join(root, 'proj');
    mkdirSync(join(repo, '.git'), { recursive: true });
    mkdirSync(join(repo, 'infra'));
    copyFileSync(join(REPO_ROOT, 'examples/deployment.yaml'), join(repo, 'infra/deployment.yaml'));
    writeFileSync(join(repo, '.isolint.yaml'), 'rules:\n  no-interactive-access: "off"\n');
    const elsewhere = join(root, 'elsewhere');
    mkdirSync(elsewhere);
    return { root, repo, elsewhere };
  };

  it("reads the scanned project's .isolint.yaml and makes SARIF URIs relative to its repository", async () => {
    const { root, elsewhere } = project();
    try {
      const run = await runIsolint(['check', '../proj/infra', '-f', 'sarif'], { cwd: elsewhere });
      const sarif = JSON.parse(run.stdout);
      const results = sarif.runs[0].results as Array<{ ruleId: string; locations: any[] }>;
      expect(results.length).toBeGreaterThan(0);
      expect(results.some((r) => r.ruleId === 'no-interactive-access')).toBe(false);
      const uris = new Set(results.map((r) => r.locations[0].physicalLocation.artifactLocation.uri));
      expect([...uris]).toEqual(['infra/deployment.yaml']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('--config overrides discovery; --sarif-root sets the root', async () => {
    const { root, repo, elsewhere } = project();
    try {
      writeFileSync(join(elsewhere, 'empty.yaml'), 'rules: {}\n');
      const run = await runIsolint(
        ['check', '../proj/infra', '-f', 'sarif', '--config', 'empty.yaml', '--sarif-root', join(repo, 'infra')],
        { cwd: elsewhere },
      );
      const results = JSON.parse(run.stdout).runs[0].results as Array<{ ruleId: string; locations: any[] }>;
      expect(results.some((r) => r.ruleId === 'no-interactive-access')).toBe(true);
      expect(results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('deployment.yaml');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('warns about a second project config it does not apply', async () => {
    const { root, repo, elsewhere } = project();
    try {
      mkdirSync(join(elsewhere, 'x'));
      writeFileSync(join(elsewhere, 'x/.isolint.yaml'), 'failOn: warning\n');
      copyFileSync(join(REPO_ROOT, 'examples/deployment.yaml'), join(elsewhere, 'x/d.yaml'));
      const run = await runIsolint(['check', join(repo, 'infra'), join(elsewhere, 'x'), '-f', 'json'], {
        cwd: elsewhere,
      });
      expect(run.stderr).toMatch(
        /isolint: warning: .*x\/\.isolint\.yaml: config not used: this run applies .*proj\/\.isolint\.yaml/,
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('isolint graph', () => {
  it('writes a real SVG for -o x.svg, and refuses a name it cannot tell the format of', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'isolint-graph-'));
    try {
      const svg = join(directory, 'g.svg');
      const run = await runIsolint(['graph', 'examples', '-o', svg]);
      expect(run.code).toBe(0);
      const text = readFileSync(svg, 'utf8');
      expect(text).toMatch(/^<\?xml [^>]+\?>\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      expect(text).toContain('data-id="acme-signer"');
      const png = await runIsolint(['graph', 'examples', '-o', join(directory, 'g.png')]);
      expect(png.code).toBe(2);
      expect(png.stderr).toMatch(/^isolint: cannot tell the picture format from the name .*g\.png; add --format/);
      expect(existsSync(join(directory, 'g.png'))).toBe(false);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('takes --rule like check, marking only that rule', async () => {
    const run = await runIsolint(['graph', 'examples', '-f', 'mermaid', '--rule', 'enclave-no-debug-mode']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('acme-signer');
    const marked = await runIsolint(['graph', 'examples', '-f', 'dot']);
    const only = await runIsolint(['graph', 'examples', '-f', 'dot', '--rule', 'enclave-no-debug-mode']);
    const flagged = (dot: string) => (dot.match(/penwidth=3/g) ?? []).length;
    expect(flagged(only.stdout)).toBeLessThan(flagged(marked.stdout));
  });
});

describe('the pre-commit hooks', () => {
  const hooks = parseYaml(readFileSync(join(REPO_ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Array<{
    id: string;
    entry: string;
  }>;
  const entryOf = (id: string) =>
    hooks
      .find((hook) => hook.id === id)!
      .entry.split(/\s+/)
      .slice(1);

  it('pass on a commit that touches only files isolint does not read (package.json, a workflow)', async () => {
    const run = await runIsolint([...entryOf('isolint'), 'package.json', 'examples/github-workflow.yml']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('skipped: not an input isolint reads');
  });

  it('still fail on a changed file with findings', async () => {
    const run = await runIsolint([...entryOf('isolint'), 'package.json', 'examples/deployment.yaml']);
    expect(run.code).toBe(1);
  });
});
