import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRules } from '../../rules/index.js';
import { REPO_ROOT } from '../helpers.js';
import { runIsolint } from './run.js';
import { temporaryDirectories } from '../temporary.js';

const temporaryDirectory = temporaryDirectories('cli');

const DESIGN_RULE_IDS = [
  'no-interactive-access',
  'audited-admin-api',
  'one-way-controller-trust',
  'no-memory-access-api',
  'encrypted-block-storage',
  'storage-wiped-before-reuse',
  'scrubbed-memory',
  'enclave-no-network',
  'enclave-no-persistent-storage',
  'enclave-vsock-parent-only',
  'enclave-no-debug-mode',
  'enclave-image-pcrs',
  'no-oversubscription',
  'hardware-root-of-trust',
  'tenant-isolation',
  'hypervisor-firewall',
];

describe('isolint rules', () => {
  it('lists the catalogue as JSON: the original 16 rules first, in its order', async () => {
    const { code, stdout } = await runIsolint(['rules', '--json']);
    expect(code).toBe(0);
    const catalogue = JSON.parse(stdout) as Array<{ id: string; rationale: string; fix: string }>;
    expect(catalogue.map((rule) => rule.id).slice(0, 16)).toEqual(DESIGN_RULE_IDS);
    expect(catalogue.map((rule) => rule.id)).toEqual(builtinRules.map((rule) => rule.id));
    for (const rule of catalogue) {
      expect(rule.rationale.length).toBeGreaterThan(50);
      expect(rule.fix.length).toBeGreaterThan(20);
    }
  });

  it('explains a rule, and refuses an unknown one with exit 2', async () => {
    const explained = await runIsolint(['explain', 'enclave-no-debug-mode']);
    expect(explained.code).toBe(0);
    expect(explained.stdout).toContain('How to fix');
    expect(explained.stdout).toContain('all zeros');
    const unknown = await runIsolint(['explain', 'no-such-rule']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^isolint: unknown rule "no-such-rule"; isolint rules lists them/);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('isolint check', () => {
  it('exits 1 on the examples and prints findings grouped by file with excerpts', async () => {
    const { code, stdout } = await runIsolint(['check', 'examples']);
    expect(code).toBe(1);
    expect(stdout).toContain('examples/deployment.yaml\n');
    expect(stdout).toMatch(/\d+:\d+ +error +Ingress rule opens SSH \(port 22\)/);
    expect(stdout).toMatch(/\| +- \{ ports: 22, from: 0\.0\.0\.0\/0 \}/);
    expect(stdout).not.toMatch(/\u001b\[/); // no colour when not a TTY
  });

  it('colours text only on a terminal, and never with NO_COLOR', async () => {
    const terminal = await runIsolint(['check', 'examples'], { tty: true });
    expect(terminal.stdout).toMatch(/\u001b\[31merror/);
    const noColor = await runIsolint(['check', 'examples'], { tty: true, env: { NO_COLOR: '1' } });
    expect(noColor.stdout).not.toMatch(/\u001b\[/);
    expect(noColor.stdout).toBe(terminal.stdout.replace(/\u001b\[\d+m/g, ''));
  });

  it('exits 0 on input without findings at the fail-on level', async () => {
    const pass = await runIsolint(['check', 'fixtures/rules/scrubbed-memory/pass.yaml', '--rule', 'scrubbed-memory']);
    expect(pass.code).toBe(0);
    const notesOnly = await runIsolint(['check', 'examples', '--fail-on', 'none']);
    expect(notesOnly.code).toBe(0);
  });

  it('still checks the other inputs when one is broken, and exits 2 with a one-line error', async () => {
    const { code, stdout, stderr } = await runIsolint([
      'check',
      'fixtures/manifest/invalid/unknown-property.yaml',
      'examples',
      '--format',
      'json',
    ]);
    expect(code).toBe(2);
    const report = JSON.parse(stdout);
    expect(report.problems).toEqual([
      expect.objectContaining({ file: 'fixtures/manifest/invalid/unknown-property.yaml', line: 5, column: 5 }),
    ]);
    expect(report.findings.length).toBeGreaterThan(0);
    // The JSON goes to a program; the person at the terminal still sees the one line.
    expect(stderr).toMatch(
      /^isolint: fixtures\/manifest\/invalid\/unknown-property\.yaml:5:5: invalid manifest: [^\n]+\n$/,
    );
  });

  it('exits 2 for a path that does not exist, without a stack trace', async () => {
    const { code, stdout } = await runIsolint(['check', 'no/such/dir']);
    expect(code).toBe(2);
    expect(stdout).toMatch(/input error: .*no\/such\/dir: no such file or directory/);
    expect(stdout).not.toMatch(/\n\s+at /);
  });

  it('exits 2 when nothing was recognised (a CI gate must not pass having checked nothing), 0 with --allow-empty', async () => {
    const directory = temporaryDirectory();
    // Cloud Posse module metadata: YAML with `name = "…"` lines in its text, never a Xen xl.cfg.
    writeFileSync(
      join(directory, 'README.yaml'),
      'name: terraform-aws-ec2-instance\nusage: |-\n  module "instance" {\n    name = "app"\n    memory = 512\n  }\n',
    );
    writeFileSync(join(directory, 'notes.json'), '{"kind": "nothing isolint reads"}\n');
    const empty = await runIsolint(['check', directory, '--format', 'json', '--verbose']);
    expect(empty.code).toBe(2);
    const report = JSON.parse(empty.stdout);
    expect(report.files).toEqual([]);
    expect(report.problems).toEqual([
      expect.objectContaining({
        level: 'error',
        message: expect.stringMatching(/^nothing isolint reads was found \(2 files looked at/),
      }),
    ]);
    expect(empty.stderr.split('\n').filter(Boolean)).toEqual([
      expect.stringMatching(/^isolint: not recognised, skipped: .*README\.yaml$/),
      expect.stringMatching(/^isolint: not recognised, skipped: .*notes\.json$/),
      expect.stringMatching(/^isolint: .*: nothing isolint reads was found/),
    ]);
    const allowed = await runIsolint(['check', directory, '--allow-empty']);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).not.toMatch(/input error/);
  });

  it('exits 2 for an unknown option or format', async () => {
    expect((await runIsolint(['check', '--format', 'xml', 'examples'])).code).toBe(2);
    expect((await runIsolint(['check', '--bogus'])).code).toBe(2);
  });

  it('writes the output file whole, choosing the format from its extension', async () => {
    const directory = temporaryDirectory();
    const output = join(directory, 'report.sarif');
    const { code } = await runIsolint(['check', 'examples', '--output', output]);
    expect(code).toBe(1);
    const sarif = JSON.parse(readFileSync(output, 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(readdirSync(directory)).toEqual(['report.sarif']); // no temporary file left behind
  });

  it('renders a pull-request comment in markdown with links to lines', async () => {
    const { stdout } = await runIsolint(['check', 'examples', '--format', 'markdown'], {
      env: { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/infra', GITHUB_SHA: 'abc123' },
    });
    expect(stdout).toMatch(/^## isolint/);
    expect(stdout).toMatch(/\| 🔴 Error \| \d+ \|/);
    expect(stdout).toContain('(https://github.com/acme/infra/blob/abc123/examples/deployment.yaml#L');
  });

  it('honours .isolint.yaml: rules turned off, severities changed, inline suppressions forbidden', async () => {
    const directory = temporaryDirectory();
    writeFileSync(
      join(directory, 'manifest.yaml'),
      readFileSync(join(REPO_ROOT, 'fixtures/rules/no-interactive-access/pass-restricted.yaml'), 'utf8') +
        '  - id: host-2\n    memoryScrubbing: false\n    rootOfTrust: { kind: none }\n',
    );
    writeFileSync(
      join(directory, '.isolint.yaml'),
      'rules:\n  hardware-root-of-trust: off\n  scrubbed-memory: warning\nallowInlineSuppressions: false\n',
    );
    const { code, stdout } = await runIsolint(['check', '.', '--format', 'json'], { cwd: directory });
    const report = JSON.parse(stdout) as {
      findings: Array<{ ruleId: string; subject: string; severity: string; suppression?: unknown }>;
    };
    expect(report.findings.some((f) => f.ruleId === 'hardware-root-of-trust')).toBe(false);
    expect(report.findings.find((f) => f.ruleId === 'scrubbed-memory' && f.subject === 'host-2')?.severity).toBe(
      'warning',
    );
    const ssh = report.findings.filter((f) => f.ruleId === 'no-interactive-access');
    expect(ssh).toHaveLength(1);
    expect(ssh[0].suppression).toBeUndefined();
    expect(code).toBe(1);
  });

  it('reports an invalid config file as a usage error naming its line', async () => {
    const directory = temporaryDirectory();
    writeFileSync(join(directory, '.isolint.yaml'), 'rules:\n  scrubbed-memory: loud\n');
    const { code, stderr } = await runIsolint(['check', '.'], { cwd: directory });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^isolint: .*\.isolint\.yaml:2:3: invalid config: "scrubbed-memory" must be one of/);
  });
});

describe('the rule registry', () => {
  it('has unique ids, and each rule has fixtures both ways', () => {
    const ids = builtinRules.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      const files = readdirSync(join(REPO_ROOT, 'fixtures', 'rules', id));
      expect(files.some((f) => f.startsWith('trigger'))).toBe(true);
      expect(files.some((f) => f.startsWith('pass'))).toBe(true);
    }
  });

  it('has one file per rule in rules/', () => {
    for (const rule of builtinRules) expect(existsSync(join(REPO_ROOT, 'rules', `${rule.id}.ts`))).toBe(true);
  });
});
