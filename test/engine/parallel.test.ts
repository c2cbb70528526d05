import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, SHARED, SHARED_SKIP } from '../helpers.js';

// Worker threads start the compiled worker (dist/src/engine/parse-worker.js): this compares the built
// engine's two paths, as the CLI runs them. npm ci builds dist/ through `prepare`.
const DIST = join(REPO_ROOT, 'dist', 'src');
const BUILT = existsSync(join(DIST, 'engine', 'parse-worker.js'));

type Dist = typeof import('../../src/index.js');
type Workers = typeof import('../../src/engine/parse-workers.js');

async function checkWith(workers: string, paths: string[]) {
  const { check, defaultConfig } = (await import(pathToFileURL(join(DIST, 'index.js')).href)) as Dist;
  const before = process.env.ISOLINT_WORKERS;
  process.env.ISOLINT_WORKERS = workers;
  try {
    const result = await check({
      paths,
      cwd: REPO_ROOT,
      root: REPO_ROOT,
      config: defaultConfig(REPO_ROOT),
      today: new Date('2026-11-01'),
      allowEmpty: true,
    });
    // As reports see them: spans through their JSON form (lazy spans and plain ones read alike).
    return JSON.parse(
      JSON.stringify({
        findings: result.findings.map((f) => ({
          rule: f.ruleId,
          messageId: f.messageId,
          message: f.message,
          severity: f.severity,
          location: f.location,
          related: f.related,
          subject: f.subject,
          element: f.element,
          fingerprint: f.fingerprint,
          suppression: f.suppression,
        })),
        problems: result.problems,
        files: result.files,
        graph: result.graph.size,
      }),
    ) as { findings: unknown[]; problems: unknown[]; files: unknown[] };
  } finally {
    if (before === undefined) delete process.env.ISOLINT_WORKERS;
    else process.env.ISOLINT_WORKERS = before;
  }
}

describe('parsing across worker threads', () => {
  it.skipIf(!BUILT)('starts workers only for scans of many files, or when asked', async () => {
    const { workerCount, PARALLEL_MIN_FILES } = (await import(
      pathToFileURL(join(DIST, 'engine', 'parse-workers.js')).href
    )) as Workers;
    expect(workerCount(PARALLEL_MIN_FILES - 1, {})).toBe(0);
    expect(workerCount(1000, { ISOLINT_WORKERS: '0' })).toBe(0);
    expect(workerCount(5, { ISOLINT_WORKERS: '2' })).toBe(2);
  });

  it.skipIf(!BUILT)(
    'gives the findings, problems and graph of the sequential path (fixtures, examples)',
    async () => {
      const paths = ['fixtures', 'examples'];
      const sequential = await checkWith('0', paths);
      const parallel = await checkWith('2', paths);
      expect(sequential.findings.length).toBeGreaterThan(500);
      expect(parallel).toEqual(sequential);
    },
    120_000,
  );

  it.skipIf(!BUILT || !SHARED)(
    `gives the sequential findings on the corpus${SHARED_SKIP}`,
    async () => {
      const paths = [join(SHARED!, 'corpus')];
      const sequential = await checkWith('0', paths);
      const parallel = await checkWith('2', paths);
      expect(sequential.files.length).toBeGreaterThan(10);
      expect(parallel).toEqual(sequential);
    },
    120_000,
  );
});
