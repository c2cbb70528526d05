/**
 * Every temporary directory the suite makes (and every one its child processes make) goes under one
 * root, removed when the run ends: a test that forgets to clean up, or is killed half-way, leaves nothing
 * in the machine's /tmp. Workers and spawned CLIs inherit TMPDIR, which os.tmpdir() reads.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'isolint-tests-'));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(root, { recursive: true, force: true });
  };
}
