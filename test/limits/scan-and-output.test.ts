/**
 * Directory scans and outputs under hostile conditions (the hostile-input issue, "Limits" and "Outputs"):
 * symlink loops, dependency and VCS directories, oversized files, and reports that are written whole or
 * not at all, even when the run is killed mid-write.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { check, MAX_INPUT_BYTES } from '../../src/check.js';
import { defaultConfig } from '../../src/engine/config.js';
import { REPO_ROOT } from '../helpers.js';
import { runIsolint } from '../cli/run.js';

const work = mkdtempSync(join(tmpdir(), 'isolint-limits-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const MANIFEST = 'apiVersion: isolint/v1\nmetadata:\n  name: scan\nhosts:\n  - id: h1\n';

async function scan(directory: string) {
  return check({
    paths: [directory],
    cwd: directory,
    root: directory,
    config: defaultConfig(directory),
    measureImages: false,
  });
}

describe('directory scans', () => {
  it('skips symlink loops, node_modules and .git, and reads each real file once', async () => {
    const root = join(work, 'loops');
    mkdirSync(join(root, 'a', 'b'), { recursive: true });
    mkdirSync(join(root, 'node_modules', 'pkg'), { recursive: true });
    mkdirSync(join(root, '.git'), { recursive: true });
    writeFileSync(join(root, 'a', 'b', 'hosts.yaml'), MANIFEST);
    // Anything in these would be a duplicate id if it were read.
    writeFileSync(join(root, 'node_modules', 'pkg', 'hosts.yaml'), MANIFEST);
    writeFileSync(join(root, '.git', 'hosts.yaml'), MANIFEST);
    symlinkSync(join(root, 'a'), join(root, 'a', 'b', 'up')); // a/b/up → a: a loop
    symlinkSync(root, join(root, 'a', 'root')); // a/root → the scan root itself
    symlinkSync(join(root, 'a', 'b', 'hosts.yaml'), join(root, 'alias.yaml')); // the same file by another name
    symlinkSync(join(root, 'missing'), join(root, 'dangling.yaml'));
    const result = await scan(root);
    expect(result.files.map((f) => f.file)).toEqual(['a/b/hosts.yaml']);
    expect(result.problems.filter((p) => p.level === 'error')).toEqual([]);
  });

  it('refuses a file over the size cap with a clear one-line message, and still checks the others', async () => {
    const root = join(work, 'huge');
    mkdirSync(root);
    writeFileSync(join(root, 'hosts.yaml'), MANIFEST);
    const huge = join(root, 'huge.json');
    writeFileSync(huge, '');
    truncateSync(huge, MAX_INPUT_BYTES + 1); // sparse: costs no disk, and the size check must not read it
    const result = await scan(root);
    expect(result.files.map((f) => f.file)).toEqual(['hosts.yaml']);
    expect(result.problems).toEqual([
      expect.objectContaining({
        file: 'huge.json',
        level: 'error',
        message: `file is 64 MiB, over the ${MAX_INPUT_BYTES / 1048576} MiB limit for inputs (raise it with --max-file-size or maxFileSizeMiB in .isolint.yaml)`,
      }),
    ]);
  });

  it('exits 2 with one line per problem for an oversized file on the command line', async () => {
    const root = join(work, 'huge-cli');
    mkdirSync(root);
    const huge = join(root, 'big.yaml');
    writeFileSync(huge, '');
    truncateSync(huge, MAX_INPUT_BYTES * 2);
    const { code, stdout } = await runIsolint(['check', huge, '--format', 'json'], { cwd: root });
    expect(code).toBe(2);
    const problems = JSON.parse(stdout).problems as Array<{ message: string }>;
    expect(problems.map((p) => p.message)).toEqual([
      'file is 128 MiB, over the 64 MiB limit for inputs (raise it with --max-file-size or maxFileSizeMiB in .isolint.yaml)',
    ]);
  });

  it('reads a file over the default cap when --max-file-size or the config raises it', async () => {
    const root = join(work, 'raised');
    mkdirSync(root);
    // A real manifest padded past a 1 MiB cap with blank lines (the size check uses the file's size).
    writeFileSync(join(root, 'hosts.yaml'), `${MANIFEST}${'\n'.repeat(1100 * 1024)}`);
    const capped = await runIsolint(['check', '.', '--format', 'json'], { cwd: root });
    expect(capped.code).toBe(0);
    const small = await runIsolint(['check', '.', '--format', 'json', '--max-file-size', '1'], { cwd: root });
    expect(small.code).toBe(2);
    expect(JSON.parse(small.stdout).problems[0].message).toMatch(/over the 1 MiB limit for inputs/);
    const raised = await runIsolint(['check', '.', '--format', 'json', '--max-file-size', '2'], { cwd: root });
    expect(raised.code).toBe(0);
    expect(JSON.parse(raised.stdout).files.map((f: { file: string }) => f.file)).toEqual(['hosts.yaml']);
    writeFileSync(join(root, '.isolint.yaml'), 'maxFileSizeMiB: 1\n');
    const configured = await runIsolint(['check', '.', '--format', 'json'], { cwd: root });
    expect(configured.code).toBe(2);
    const bad = await runIsolint(['check', '.', '--max-file-size', 'lots'], { cwd: root });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--max-file-size.*whole number of MiB/);
  });
});

/** The CLI's writer, compiled on the fly (type-stripped) so a child process can run it and be killed. */
function compileWriter(name: string): string {
  const compiled = join(work, name);
  mkdirSync(compiled);
  for (const [from, to] of [
    ['src/cli/output.ts', 'output.js'],
    ['src/errors.ts', 'errors.js'],
  ] as const) {
    const source = readFileSync(join(REPO_ROOT, from), 'utf8').replace("'../errors.js'", "'./errors.js'");
    writeFileSync(
      join(compiled, to),
      ts.transpileModule(source, {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      }).outputText,
    );
  }
  return compiled;
}

describe('input edges', () => {
  const bin = join(REPO_ROOT, 'bin/isolint.js');

  it.each([['/dev/zero'], ['fifo']])('%s named as an input is refused with one line, not read', (name) => {
    const directory = join(work, `edge-${name.replace(/\W/g, '')}`);
    mkdirSync(directory);
    writeFileSync(join(directory, 'hosts.yaml'), MANIFEST);
    let target = name;
    if (name === 'fifo') {
      target = join(directory, 'pipe.yaml');
      execFileSync('mkfifo', [target]);
    }
    const result = spawnSync(process.execPath, [bin, 'check', target, 'hosts.yaml', '--format', 'json'], {
      cwd: directory,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(2);
    const report = JSON.parse(result.stdout);
    expect(report.problems).toEqual([
      expect.objectContaining({
        level: 'error',
        message: expect.stringMatching(/^is a (character device|FIFO), not a file isolint reads/),
      }),
    ]);
    expect(report.files.map((f: { file: string }) => f.file)).toEqual(['hosts.yaml']);
  });

  it('- reads standard input, its format told from --stdin-filename; the cap counts bytes as they arrive', () => {
    const text = `${MANIFEST}    memoryScrubbing: false\n`;
    const named = spawnSync(
      process.execPath,
      [bin, 'check', '-', '--stdin-filename', 'hosts.yaml', '--format', 'json'],
      {
        input: text,
        encoding: 'utf8',
      },
    );
    const report = JSON.parse(named.stdout);
    expect(report.files.map((f: { file: string }) => f.file)).toEqual(['hosts.yaml']);
    expect(report.findings).toContainEqual(
      expect.objectContaining({
        ruleId: 'scrubbed-memory',
        location: expect.objectContaining({ file: 'hosts.yaml', startLine: 6 }),
      }),
    );
    expect(named.status).toBe(1);
    const endless = spawnSync(
      process.execPath,
      [bin, 'check', '-', '--stdin-filename', 'big.json', '--max-file-size', '1', '--format', 'json'],
      { input: Buffer.alloc(3 * 1048576, 0x20), encoding: 'utf8' },
    );
    expect(endless.status).toBe(2);
    expect(JSON.parse(endless.stdout).problems[0].message).toMatch(/^input is over the 1 MiB limit/);
  });
});

describe('outputs', () => {
  it('--output - writes the report to stdout', async () => {
    const { code, stdout } = await runIsolint(['check', 'examples', '--format', 'sarif', '--output', '-']);
    expect(code).toBe(1);
    expect(JSON.parse(stdout).version).toBe('2.1.0');
  });

  it('a report that cannot be written is exit 2 with one line, and leaves no temporary file', async () => {
    const directory = join(work, 'read-only');
    mkdirSync(directory);
    // A directory where the report should go: the rename fails after the temporary file was written.
    mkdirSync(join(directory, 'report.sarif'));
    const { code, stderr } = await runIsolint(['check', 'examples', '--output', join(directory, 'report.sarif')]);
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/cannot write .*report\.sarif/);
    expect(readdirSync(directory)).toEqual(['report.sarif']);
  });

  it('a symbolic link as --output: the file it points at gets the report, the link stays', async () => {
    const directory = join(work, 'link-target');
    mkdirSync(directory);
    writeFileSync(join(directory, 'real.sarif'), 'old');
    symlinkSync('real.sarif', join(directory, 'link.sarif'));
    const { code } = await runIsolint(['check', 'examples', '-o', join(directory, 'link.sarif')]);
    expect(code).toBe(1);
    expect(lstatSync(join(directory, 'link.sarif')).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(join(directory, 'real.sarif'), 'utf8')).version).toBe('2.1.0');
    expect(readdirSync(directory).sort()).toEqual(['link.sarif', 'real.sarif']);
  });

  it('a FIFO as --output is opened and written, never replaced', async () => {
    const directory = join(work, 'fifo');
    mkdirSync(directory);
    const fifo = join(directory, 'report.sarif');
    execFileSync('mkfifo', [fifo]);
    const reader = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'inherit'] });
    let received = '';
    reader.stdout.on('data', (chunk: Buffer) => (received += chunk.toString()));
    const closed = new Promise((resolve) => reader.once('close', resolve));
    const { code } = await runIsolint(['check', 'examples', '--format', 'sarif', '-o', fifo]);
    await closed;
    expect(code).toBe(1);
    expect(JSON.parse(received).version).toBe('2.1.0');
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it.each(['/dev/null', '/dev/stdout'])(
    '%s as --output is written in place (never replaced, never EACCES)',
    (target) => {
      const before = statSync('/dev/null');
      const result = spawnSync(
        process.execPath,
        [join(REPO_ROOT, 'bin/isolint.js'), 'check', 'examples', '--format', 'sarif', '-o', target],
        { cwd: REPO_ROOT, encoding: 'utf8' },
      );
      expect(result.stderr).toBe('');
      expect(result.status).toBe(1);
      if (target === '/dev/stdout') expect(JSON.parse(result.stdout).version).toBe('2.1.0');
      const after = statSync('/dev/null');
      expect(after.isCharacterDevice()).toBe(true);
      expect(after.rdev).toBe(before.rdev);
    },
  );

  it.each([
    ['--output', 'hosts.yaml', 'an input'],
    ['--write-baseline', 'hosts.yaml', 'an input'],
    ['--output', 'link.yaml', 'an input'],
    ['--output', '.isolint.yaml', 'the config'],
    ['--write-baseline', 'baseline.json', 'the baseline'],
    ['--summary-file', 'broken.yaml', 'an input'],
  ])('%s %s naming %s is refused with exit 2 before anything is written', async (option, name, role) => {
    const directory = join(work, `clash-${option}-${name}`);
    mkdirSync(directory);
    writeFileSync(join(directory, 'hosts.yaml'), MANIFEST);
    writeFileSync(join(directory, 'broken.yaml'), 'apiVersion: isolint/v1\nhosts: [\n');
    symlinkSync('hosts.yaml', join(directory, 'link.yaml'));
    writeFileSync(join(directory, '.isolint.yaml'), 'failOn: error\n');
    writeFileSync(join(directory, 'baseline.json'), '{"version": 1, "tool": "isolint", "findings": []}\n');
    const before = Object.fromEntries(
      readdirSync(directory).map((file) => [file, readFileSync(join(directory, file), 'utf8')]),
    );
    const args = ['check', 'hosts.yaml', 'broken.yaml', '--config', '.isolint.yaml', '--format', 'json', option, name];
    if (role === 'the baseline') args.push('--baseline', 'baseline.json');
    const { code, stderr, stdout } = await runIsolint(args, { cwd: directory });
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(`${option} ${name} is ${role}`);
    expect(stdout).toBe('');
    const after = Object.fromEntries(
      readdirSync(directory).map((file) => [file, readFileSync(join(directory, file), 'utf8')]),
    );
    expect(after).toEqual(before);
  });

  it('SIGINT or SIGTERM while a report is written leaves no temporary file and no half report', async () => {
    const compiled = compileWriter('signals');
    const child = join(compiled, 'write-big.mjs');
    const size = 128 * 1048576;
    writeFileSync(
      child,
      `import { writeOutput } from './output.js';\n` +
        `const text = '{"version":"2.1.0","pad":"' + 'x'.repeat(${size}) + '"}';\n` +
        `process.stdout.write('ready\\n');\n` +
        `writeOutput({ cwd: process.argv[2], stdout: process.stdout }, 'report.sarif', text);\n` +
        `setTimeout(() => {}, 10000);\n`,
    );
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const directory = join(work, `signal-${signal}`);
      mkdirSync(directory);
      const target = join(directory, 'report.sarif');
      const previous = '{"version":"2.1.0","previous":true}';
      writeFileSync(target, previous);
      const child_ = spawn(process.execPath, [child, directory], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve) => child_.stdout.once('data', () => resolve()));
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline && !readdirSync(directory).some((n) => n.endsWith('.tmp')))
        await new Promise((r) => setTimeout(r, 1));
      child_.kill(signal);
      const [, killedBy] = await new Promise<[number | null, string | null]>((resolve) =>
        child_.once('exit', (code, by) => resolve([code, by])),
      );
      expect(killedBy).toBe(signal);
      expect(readdirSync(directory)).toEqual(['report.sarif']);
      const text = readFileSync(target, 'utf8');
      if (text !== previous) expect(text.length).toBe(size + '{"version":"2.1.0","pad":""}'.length);
    }
  }, 120_000);

  it('a run killed while writing leaves the previous report or the whole new one, never half of one', async () => {
    const compiled = compileWriter('compiled');
    const child = join(compiled, 'write-big.mjs');
    const size = 64 * 1048576;
    writeFileSync(
      child,
      `import { writeOutput } from './output.js';\n` +
        `const text = '{"version":"2.1.0","pad":"' + 'x'.repeat(${size}) + '"}';\n` +
        `process.stdout.write('ready\\n');\n` +
        `writeOutput({ cwd: process.argv[2], stdout: process.stdout }, 'report.sarif', text);\n`,
    );
    const target = join(work, 'report.sarif');
    const previous = '{"version":"2.1.0","previous":true}';
    let killedMidWrite = 0;
    for (let attempt = 0; attempt < 3; attempt++) {
      writeFileSync(target, previous);
      const process_ = spawn(process.execPath, [child, work], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve) => process_.stdout.once('data', () => resolve()));
      // Kill as soon as the temporary file shows up (the write is under way), or after a short wait.
      const deadline = Date.now() + 2000;
      while (Date.now() < deadline && !readdirSync(work).some((n) => n.endsWith('.tmp')))
        await new Promise((r) => setTimeout(r, 1));
      process_.kill('SIGKILL');
      await new Promise((resolve) => process_.once('exit', resolve));
      const text = readFileSync(target, 'utf8');
      if (text === previous) killedMidWrite++;
      else expect(text.length).toBe(size + '{"version":"2.1.0","pad":""}'.length);
      // SIGKILL cannot be caught: a hidden temporary file may stay behind; the report itself is whole.
      for (const name of readdirSync(work).filter((n) => n.endsWith('.tmp'))) rmSync(join(work, name));
    }
    expect(existsSync(target)).toBe(true);
    expect(killedMidWrite).toBeGreaterThan(0);
  }, 60_000);
});
