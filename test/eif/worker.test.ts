/**
 * The two-thread path needs the compiled worker script (hash-worker.js), which vitest, running the
 * TypeScript sources, does not have. So this suite compiles src/eif (only it and errors.ts, so others'
 * work in progress cannot break it) into node_modules/.cache, where package imports still resolve,
 * and measures through the compiled module with real worker threads.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, truncateSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as MeasureModule from '../../src/eif/measure.js';
import { buildEif, defaultSections, naivePcrs, patternBytes } from './build-eif.js';
import { VECTORS, expectationOf, repoRoot, tempDir, vectorPath } from './helpers.js';

const outDir = path.join(repoRoot, 'node_modules', '.cache', `isolint-eif-worker-test-${process.pid}`);
let compiled: typeof MeasureModule;
const temp = tempDir();

beforeAll(() => {
  const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const args = [
    tsc,
    '--outDir',
    outDir,
    '--rootDir',
    path.join(repoRoot, 'src'),
    '--module',
    'nodenext',
    '--moduleResolution',
    'nodenext',
    '--target',
    'es2022',
    '--strict',
    '--skipLibCheck',
    '--types',
    'node',
    '--declaration',
    'false',
    path.join(repoRoot, 'src/eif/measure.ts'),
    path.join(repoRoot, 'src/eif/hash-worker.ts'),
  ];
  try {
    execFileSync(process.execPath, args, { cwd: repoRoot, stdio: 'pipe' });
  } catch (error) {
    // Type errors still emit JavaScript; only a missing output is fatal.
    if (!existsSync(path.join(outDir, 'eif', 'measure.js'))) throw error;
  }
}, 120_000);

beforeAll(async () => {
  compiled = (await import(pathToFileURL(path.join(outDir, 'eif', 'measure.js')).href)) as typeof MeasureModule;
});

afterAll(() => {
  rmSync(outDir, { recursive: true, force: true });
  temp.cleanup();
});

describe('measuring on two threads (compiled worker)', () => {
  for (const name of VECTORS) {
    it(`${name} measures to its expected values with parallelism "threads"`, async () => {
      const expected = expectationOf(name);
      const description = await compiled.measureEif(vectorPath(name), { parallelism: 'threads' });
      expect(description.hashing.threads).toBe(2);
      expect(description.pcrs).toEqual({
        PCR0: expected.PCR0,
        PCR1: expected.PCR1,
        PCR2: expected.PCR2,
        ...(expected.PCR8 ? { PCR8: expected.PCR8 } : {}),
      });
      expect(description.crc.ok).toBe(expected.crc_ok);
    });
  }

  it('"auto" uses two threads for a large image and agrees with the naive computation', async () => {
    // A small bootstrap ramdisk and a large application ramdisk, like nitro-cli images.
    const sections = defaultSections(patternBytes(2 * 1024 * 1024, 1), 'console=ttyS0', [
      patternBytes(1024 * 1024, 2),
      patternBytes(33 * 1024 * 1024, 3),
    ]);
    const file = temp.write('large.eif', buildEif(sections));
    let lastProgress = [0, 0];
    const description = await compiled.measureEif(file, {
      onProgress: (done, total) => (lastProgress = [done, total]),
    });
    expect(description.hashing.threads).toBe(2);
    expect(description.pcrs).toEqual(naivePcrs(sections));
    expect(description.crc.ok).toBe(true);
    expect(lastProgress[0]).toBe(lastProgress[1]);
  });

  it('the noble implementation gives the same result on worker threads', async () => {
    const sections = defaultSections(patternBytes(300_000, 7), 'c', [patternBytes(10, 8), patternBytes(700_000, 9)]);
    const file = temp.write('noble.eif', buildEif(sections));
    const description = await compiled.measureEif(file, { parallelism: 'threads', implementation: 'noble' });
    expect(description.hashing).toEqual({ threads: 2, implementation: 'noble' });
    expect(description.pcrs).toEqual(naivePcrs(sections));
  });

  it('a file that shrinks after its structure was read: an InputError from the threads, not a crash', async () => {
    const reader = (await import(
      pathToFileURL(path.join(outDir, 'eif', 'reader.js')).href
    )) as typeof import('../../src/eif/reader.js');
    const runJobs = (await import(
      pathToFileURL(path.join(outDir, 'eif', 'run-jobs.js')).href
    )) as typeof import('../../src/eif/run-jobs.js');
    const source = (await import(
      pathToFileURL(path.join(outDir, 'eif', 'source.js')).href
    )) as typeof import('../../src/eif/source.js');
    const sections = defaultSections(patternBytes(1000, 4), 'c', [patternBytes(10, 5), patternBytes(5000, 6)]);
    const file = temp.write('shrinking.eif', buildEif(sections));
    const layout = await reader.readEifLayout(file);
    truncateSync(file, 2000);
    const opened = await source.openFileSource(file);
    try {
      await expect(runJobs.hashImage(layout, opened, { parallelism: 'threads' })).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringMatching(/changed while it was being measured/),
        place: { file, offset: expect.any(Number) },
      });
    } finally {
      await opened.close();
    }
  });
});
