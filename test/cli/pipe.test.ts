import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers.js';

// The launcher (bin/isolint.js) runs the built library: npm ci builds dist/ through `prepare`.
const BUILT = existsSync(join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js'));

describe('the isolint process', () => {
  it.skipIf(!BUILT)('stops quietly when its reader goes away (isolint check … | head)', async () => {
    const child = spawn(
      process.execPath,
      [join(REPO_ROOT, 'bin', 'isolint.js'), 'check', 'fixtures/rules', '--format', 'sarif'],
      { cwd: REPO_ROOT },
    );
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/Unhandled|EPIPE|\n\s+at /);
    expect([0, 1, 2]).toContain(code);
  });
});
