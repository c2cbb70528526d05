import { describe, expect, it } from 'vitest';
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
