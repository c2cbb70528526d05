import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers.js';
import { runIsolint } from './run.js';
import { temporaryDirectories } from '../temporary.js';

const temporaryDirectory = temporaryDirectories('baseline');

function copyOfExamples(): string {
  const directory = temporaryDirectory();
  cpSync(join(REPO_ROOT, 'examples'), join(directory, 'examples'), { recursive: true });
  return directory;
}

describe('baselines', () => {
  it('records findings, then reports only new ones, even after edits above them', async () => {
    const directory = copyOfExamples();
    const written = await runIsolint(['check', 'examples', '--write-baseline', 'baseline.json', '--format', 'json'], {
      cwd: directory,
    });
    expect(written.code).toBe(1);
    const baseline = JSON.parse(readFileSync(join(directory, 'baseline.json'), 'utf8'));
    expect(baseline.version).toBe(1);
    const recorded = JSON.parse(written.stdout).findings.filter((f: { suppression?: unknown }) => !f.suppression);
    expect(baseline.findings).toHaveLength(recorded.length);

    // Unrelated lines inserted at the top move every finding down: none of them may look new.
    const manifest = join(directory, 'examples', 'deployment.yaml');
    const original = readFileSync(manifest, 'utf8');
    writeFileSync(
      manifest,
      original.replace('apiVersion: isolint/v1', '# reviewed 2026-11\n# owner: platform\napiVersion: isolint/v1'),
    );
    const unchanged = await runIsolint(['check', 'examples', '--baseline', 'baseline.json', '--format', 'json'], {
      cwd: directory,
    });
    expect(unchanged.code).toBe(0);
    const report = JSON.parse(unchanged.stdout);
    expect(report.summary).toMatchObject({ error: 0, warning: 0, unchanged: baseline.findings.length, fixed: 0 });
    expect(report.findings.every((f: { baselineState: string }) => f.baselineState === 'unchanged')).toBe(true);

    // A new violation fails the run and is the only one shown; a fixed one is counted.
    writeFileSync(
      manifest,
      readFileSync(manifest, 'utf8')
        .replace('debug: true ', 'debug: false')
        .replace(
          'memoryScrubbing: true\n    rootOfTrust:\n      kind: security-chip\n      controllerBoot: private-storage\n    hypervisor:\n      kind: nitro\n      reserved: { cores: 2, memory: 16GiB }\n      firewall: true\n    controller:\n      kind: nitro\n    cards:\n      - kind: vpc\n      - kind: ebs\n    instances:',
          'memoryScrubbing: false\n    rootOfTrust:\n      kind: security-chip\n      controllerBoot: private-storage\n    hypervisor:\n      kind: nitro\n      reserved: { cores: 2, memory: 16GiB }\n      firewall: true\n    controller:\n      kind: nitro\n    cards:\n      - kind: vpc\n      - kind: ebs\n    instances:',
        ),
    );
    const changed = await runIsolint(['check', 'examples', '--baseline', 'baseline.json'], { cwd: directory });
    expect(changed.code).toBe(1);
    expect(changed.stdout).toMatch(/Host 'host-b' does not scrub memory/);
    expect(changed.stdout).not.toMatch(/Ingress rule opens SSH/);
    expect(changed.stdout).toMatch(/1 error, 0 warnings, 0 notes, \d+ unchanged from the baseline, 1 fixed since/);

    const sarif = await runIsolint(
      ['check', 'examples', '--baseline', 'baseline.json', '--format', 'sarif', '--include-unchanged'],
      { cwd: directory },
    );
    const states = JSON.parse(sarif.stdout).runs[0].results.map((r: { baselineState: string }) => r.baselineState);
    expect(states.filter((s: string) => s === 'new')).toHaveLength(1);
    expect(states.filter((s: string) => s === 'absent')).toHaveLength(1);
    expect(states.filter((s: string) => s === 'unchanged').length).toBeGreaterThan(3);
  });

  it('refuses a baseline that is not one, naming the line', async () => {
    const directory = copyOfExamples();
    writeFileSync(join(directory, 'bad.json'), '{\n  "version": 2,\n  "tool": "isolint",\n  "findings": []\n}\n');
    const { code, stderr } = await runIsolint(['check', 'examples', '--baseline', 'bad.json'], { cwd: directory });
    expect(code).toBe(2);
    expect(stderr).toBe('isolint: bad.json:2:3: invalid baseline: "version" must be 1, not 2\n');
  });
});

describe('baselines outside a git repository', () => {
  it('match however the scan is started: from the parent directory or from inside it', async () => {
    const directory = copyOfExamples();
    const first = await runIsolint(['check', 'examples', '--write-baseline', 'baseline.json'], { cwd: directory });
    expect(first.code).toBe(1);
    const inside = await runIsolint(['check', '.', '--baseline', '../baseline.json', '--format', 'json'], {
      cwd: join(directory, 'examples'),
    });
    expect(inside.code).toBe(0);
    const report = JSON.parse(inside.stdout);
    expect(report.summary.fixed).toBe(0);
    expect(report.summary.unchanged).toBeGreaterThan(0);
    expect(report.findings[0].location.file).toMatch(/^examples\//);
  });
});
