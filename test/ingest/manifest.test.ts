import { describe, expect, it } from 'vitest';
import { check } from '../../src/check.js';
import { defaultConfig } from '../../src/engine/config.js';
import { manifestAdapter, sizeInMiB } from '../../src/ingest/manifest.js';
import { REPO_ROOT } from '../helpers.js';

async function problemsOf(file: string) {
  const result = await check({ paths: [file], cwd: REPO_ROOT, root: REPO_ROOT, config: defaultConfig(REPO_ROOT) });
  return result.problems;
}

describe('host manifest errors name the file, line and what is wrong', () => {
  it.each([
    ['unknown-property.yaml', 5, 5, 'invalid manifest: unknown property "memroy" (did you mean "memory"?)'],
    ['bad-yaml.yaml', 5, 1, 'invalid YAML:'],
    [
      'bad-enum.yaml',
      8,
      13,
      'invalid manifest: "wipe" must be one of "on-release", "crypto-erase", "none", not "never"',
    ],
    ['bad-type.json', 6, 7, 'invalid manifest: "cores" must be a whole number, not the string "sixteen"'],
    ['bad-json.json', 5, 5, 'invalid JSON: expected "," between items'],
    ['bad-size.yaml', 4, 5, 'invalid manifest: "memory" is not valid ("12 gigs"): expected a memory size'],
    ['duplicate-id.yaml', 8, 9, 'duplicate id "web-1" (first declared on line 5)'],
    ['dangling-reference.yaml', 7, 31, '"vpc-missing" is not declared in any input'],
  ])('%s', async (name, line, column, message) => {
    const problems = await problemsOf(`fixtures/manifest/invalid/${name}`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: `fixtures/manifest/invalid/${name}`, line, column, level: 'error' });
    expect(problems[0].message.startsWith(message)).toBe(true);
    expect(problems[0].message).not.toMatch(/\n/);
  });
});

it("lists all of a file's schema problems at once, each at its line", async () => {
  const problems = await problemsOf('fixtures/manifest/invalid/three-mistakes.yaml');
  expect(problems.map((p) => [p.line, p.column, p.message])).toEqual([
    [4, 5, 'invalid manifest: "cores" must be a whole number, not the string "sixteen"'],
    [5, 5, 'invalid manifest: unknown property "memroy" (did you mean "memory"?)'],
    [9, 9, expect.stringMatching(/^invalid manifest: "memory" is not valid \("12 gigs"\): expected a memory size/)],
  ]);
});

it('reads sizes in the units people write (64GB as 64 GiB: memory comes in binary units)', () => {
  expect(['64GB', '64 GiB', '65536MiB', '64G', '64gb', '1.5tb', '512Mi', '2 Gi', 1024].map(sizeInMiB)).toEqual([
    65536, 65536, 65536, 65536, 65536, 1572864, 512, 2048, 1024,
  ]);
});

it('accepts those units in manifests', async () => {
  expect(await problemsOf('fixtures/manifest/size-units.yaml')).toEqual([]);
});

describe('host manifest → graph', () => {
  it('keeps the line and column of every node and property', () => {
    const text = [
      'apiVersion: isolint/v1',
      'hosts:',
      '  - id: h1',
      '    cores: 8',
      '    instances:',
      '      - id: i1',
      '        vcpus: 4',
      '',
    ].join('\n');
    const fragment = manifestAdapter.load({ file: 'm.yaml', absolutePath: '/tmp/m.yaml', text });
    const host = fragment.nodes.find((n) => n.id === 'h1')!;
    expect(host.source).toMatchObject({
      file: 'm.yaml',
      startLine: 3,
      startColumn: 5,
      endLine: 3,
      endColumn: 11,
      pointer: '/hosts/0/id',
    });
    expect(host.at.cores).toMatchObject({ startLine: 4, startColumn: 5, endColumn: 13 });
    const instance = fragment.nodes.find((n) => n.id === 'i1')!;
    expect(instance.at.vcpus).toMatchObject({ startLine: 7, startColumn: 9 });
    expect(fragment.edges).toContainEqual(expect.objectContaining({ kind: 'runsOn', from: 'i1', to: 'h1' }));
  });

  it('reads the same manifest from JSON with the same graph', () => {
    const json = JSON.stringify(
      { apiVersion: 'isolint/v1', hosts: [{ id: 'h1', cores: 8, instances: [{ id: 'i1', vcpus: 4 }] }] },
      null,
      2,
    );
    const fragment = manifestAdapter.load({ file: 'm.json', absolutePath: '/tmp/m.json', text: json });
    expect(fragment.nodes.map((n) => `${n.kind}:${n.id}`)).toEqual(['host:h1', 'instance:i1']);
    expect(fragment.nodes[1].at.vcpus.startLine).toBe(10);
  });

  it('leaves undeclared properties unknown rather than guessing', () => {
    const text =
      'apiVersion: isolint/v1\nhosts:\n  - id: h1\n    instances:\n      - id: i1\n        volumes:\n          - id: v1\n';
    const fragment = manifestAdapter.load({ file: 'm.yaml', absolutePath: '/tmp/m.yaml', text });
    const volume = fragment.nodes.find((n) => n.kind === 'volume') as { encrypted: unknown };
    expect(volume.encrypted).toEqual({ unknown: true, reason: 'not declared' });
  });

  it('treats __proto__ as plain data', () => {
    const text =
      'apiVersion: isolint/v1\nmetadata:\n  name: x\nhosts:\n  - id: h1\n    __proto__: { polluted: true }\n';
    expect(() => manifestAdapter.load({ file: 'm.yaml', absolutePath: '/tmp/m.yaml', text })).toThrow(
      /unknown property "__proto__"/,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('converts sizes to MiB', () => {
    expect(sizeInMiB(512)).toBe(512);
    expect(sizeInMiB('512MiB')).toBe(512);
    expect(sizeInMiB('32GiB')).toBe(32768);
    expect(sizeInMiB('1.5 G')).toBe(1536);
    expect(sizeInMiB('1TiB')).toBe(1048576);
  });
});
