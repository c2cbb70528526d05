import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/**
 * Temporary directories for one test file, all under one directory of os.tmpdir() that is removed after the
 * file's tests (the global set-up, test/setup/temp-root.ts, removes whatever a killed run leaves). Call it at
 * the top level of the file, where it registers its afterAll; the function it returns makes a fresh
 * directory wherever a test needs one.
 */
export function temporaryDirectories(prefix: string): () => string {
  const root = mkdtempSync(join(tmpdir(), `isolint-${prefix}-`));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  return () => mkdtempSync(join(root, `${prefix}-`));
}
