import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers.js';

// The launcher (bin/isolint.js) runs the built library: npm ci builds dist/ through `prepare`.
const BUILT = existsSync(join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js'));

describe('the isolint process', () => {
  it.skipIf(!BUILT)('stops quietly when its reader goes away (isolint check … | head)', async () => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'isolint.js'), 'check', 'fixtures/rules', '--format', 'sarif'], { cwd: REPO_ROOT });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/Unhandled|EPIPE|\n\s+at /);
    expect([0, 1, 2]).toContain(code);
  });

  it.skipIf(!BUILT)('checks a large input in a Node started again with a larger young generation: same report, same exit code', async () => {
    const { generateManifest } = (await import('../../bench/generate-manifest.mjs' as string)) as { generateManifest: (hosts: number, format: string) => string };
    const directory = mkdtempSync(join(tmpdir(), 'isolint-large-'));
    try {
      const file = join(directory, 'estate.json');
      const text = generateManifest(3500, 'json');
      expect(text.length).toBeGreaterThan(8 * 1024 * 1024); // over the launcher's threshold
      writeFileSync(file, text);
      const run = (env: Record<string, string>) =>
        new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
          const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'isolint.js'), 'check', file, '--format', 'json'], { cwd: REPO_ROOT, env: { ...process.env, ...env } });
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (chunk) => (stdout += chunk));
          child.stderr.on('data', (chunk) => (stderr += chunk));
          child.on('close', (code) => resolve({ code, stdout, stderr }));
        });
      const relaunched = await run({});
      const inProcess = await run({ ISOLINT_LAUNCHED: '1' });
      expect(relaunched.stderr).toBe('');
      expect(relaunched.code).toBe(1);
      expect(inProcess.code).toBe(1);
      expect(JSON.parse(relaunched.stdout).findings.length).toBeGreaterThan(100);
      expect(relaunched.stdout).toBe(inProcess.stdout);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  }, 60_000);
});
