import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check } from '../../src/check.js';
import { defaultConfig } from '../../src/engine/config.js';
import { temporaryDirectories } from '../temporary.js';

const temporaryDirectory = temporaryDirectories('suppress');

function workspace(manifest: string): string {
  const directory = temporaryDirectory();
  writeFileSync(join(directory, 'hosts.yaml'), manifest);
  return directory;
}

const MANIFEST = `apiVersion: isolint/v1
hosts:
  - id: host-1
    memoryScrubbing: false
    suppress:
      - rule: scrubbed-memory
        reason: Lab host, wiped by reimaging
        expires: 2026-12-31
  - id: host-2
    memoryScrubbing: false
`;

describe('suppressions', () => {
  it('applies an inline suppression until it expires, then reports again with a warning', async () => {
    const directory = workspace(MANIFEST);
    const before = await check({
      paths: ['.'],
      cwd: directory,
      root: directory,
      config: defaultConfig(directory),
      onlyRules: ['scrubbed-memory'],
      today: new Date('2026-12-01'),
    });
    const host1 = before.findings.find((f) => f.subject === 'host-1')!;
    expect(host1.suppression).toMatchObject({
      kind: 'inSource',
      reason: 'Lab host, wiped by reimaging',
      expires: '2026-12-31',
    });
    expect(host1.suppression!.source).toMatchObject({ file: 'hosts.yaml', startLine: 6 });
    expect(before.findings.find((f) => f.subject === 'host-2')!.suppression).toBeUndefined();

    const after = await check({
      paths: ['.'],
      cwd: directory,
      root: directory,
      config: defaultConfig(directory),
      onlyRules: ['scrubbed-memory'],
      today: new Date('2027-01-02'),
    });
    expect(after.findings.find((f) => f.subject === 'host-1')!.suppression).toBeUndefined();
    expect(after.problems).toContainEqual(
      expect.objectContaining({
        level: 'warning',
        file: 'hosts.yaml',
        line: 6,
        message: expect.stringMatching(/expired on 2026-12-31/),
      }),
    );
  });

  it('applies suppressions from the config by rule, subject and file', async () => {
    const directory = workspace(MANIFEST);
    const config = {
      ...defaultConfig(directory),
      suppressions: [
        { rule: 'scrubbed-memory', subject: 'host-2', file: '*.yaml', reason: 'Decommissioned next week' },
      ],
    };
    const result = await check({
      paths: ['.'],
      cwd: directory,
      root: directory,
      config,
      onlyRules: ['scrubbed-memory'],
      today: new Date('2026-12-01'),
    });
    expect(result.findings.find((f) => f.subject === 'host-2')!.suppression).toEqual({
      kind: 'external',
      reason: 'Decommissioned next week',
      expires: undefined,
    });
  });

  it('warns about rule ids in the config it does not know, and refuses them on the command line', async () => {
    const directory = workspace(MANIFEST);
    const config = { ...defaultConfig(directory), rules: { 'scrubbed-memroy': 'off' as const } };
    const result = await check({ paths: ['.'], cwd: directory, root: directory, config });
    expect(result.problems).toContainEqual(
      expect.objectContaining({ level: 'warning', message: 'unknown rule id "scrubbed-memroy"' }),
    );
    await expect(
      check({
        paths: ['.'],
        cwd: directory,
        root: directory,
        config: defaultConfig(directory),
        onlyRules: ['scrubbed-memroy'],
      }),
    ).rejects.toThrow('unknown rule id "scrubbed-memroy" (did you mean "scrubbed-memory"?)');
  });

  it('keeps fingerprints when unrelated lines are inserted above a finding', async () => {
    const directory = workspace(MANIFEST);
    const first = await check({ paths: ['.'], cwd: directory, root: directory, config: defaultConfig(directory) });
    writeFileSync(join(directory, 'hosts.yaml'), MANIFEST.replace('hosts:\n', '# a comment\n# another\nhosts:\n'));
    const second = await check({ paths: ['.'], cwd: directory, root: directory, config: defaultConfig(directory) });
    expect(second.findings.map((f) => f.fingerprint).sort()).toEqual(first.findings.map((f) => f.fingerprint).sort());
    expect(second.findings[0].location.startLine).toBe(first.findings[0].location.startLine + 2);
  });
});
