import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/engine/config.js';
import { check } from '../../src/check.js';
import { NO_SHARED, REPO_ROOT, SHARED_SKIP, sharedPath } from '../helpers.js';

/**
 * Findings name elements the way their input does (`nameOf`), never by an id that carries the path of the
 * file it came from: a message must not show the scan root, the scanned directory or an input's path
 * (absolute, or relative like `fixtures/rules/…`). Paths the inputs themselves mention (a guest's disk
 * image, /dev/vg0/web) are the elements' own names and may appear.
 */

async function messagesOf(path: string, root: string): Promise<string[]> {
  const result = await check({
    paths: [path],
    cwd: root,
    root,
    config: defaultConfig(root),
    today: new Date('2026-11-01'),
    measureImages: false,
  });
  return result.findings.flatMap((finding) => [
    finding.message,
    ...finding.related.map((related) => related.label ?? ''),
  ]);
}

/** An id qualified by its file (`<file>#<logical id>`), as adapters build them: never a name for people. */
const FILE_QUALIFIED_ID = /[\w.-]+\.(?:ya?ml|json|tf|xml|toml|cfg|conf|template|hcl)#/i;

function leaks(messages: string[], paths: string[]): string[] {
  return messages.filter((message) => paths.some((path) => message.includes(path)) || FILE_QUALIFIED_ID.test(message));
}

describe('finding messages name elements without paths', () => {
  const entries = readdirSync(join(REPO_ROOT, 'fixtures', 'rules')).flatMap((rule) =>
    readdirSync(join(REPO_ROOT, 'fixtures', 'rules', rule)).map((name) =>
      join(REPO_ROOT, 'fixtures', 'rules', rule, name),
    ),
  );

  it('fixtures: no absolute path or scan root in any message', async () => {
    const found: string[] = [];
    for (const entry of entries) found.push(...(await messagesOf(entry, REPO_ROOT)));
    expect(found.length).toBeGreaterThan(100);
    expect(leaks(found, [REPO_ROOT])).toEqual([]);
  });

  it.skipIf(NO_SHARED)(
    `the shared corpus, scanned from outside the repository: no absolute path or scan root${SHARED_SKIP}`,
    async () => {
      const corpus = sharedPath('corpus');
      // The corpus lies outside the root, so every file's display path is absolute: ids built from it must not show.
      const found = await messagesOf(corpus, REPO_ROOT);
      expect(found.length).toBeGreaterThan(0);
      expect(leaks(found, [REPO_ROOT, corpus, sharedPath()])).toEqual([]);
    },
  );
});
