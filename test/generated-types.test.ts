import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { REPO_ROOT } from './helpers.js';

it('src/generated/ matches what the schemas generate (run npm run generate when this fails)', async () => {
  // @ts-expect-error -- a plain .mjs script without types
  const { generatedTypes } = (await import('../scripts/generate-types.mjs')) as {
    generatedTypes: () => Promise<Map<string, string>>;
  };
  const generated = await generatedTypes();
  expect(generated.size).toBeGreaterThanOrEqual(2);
  for (const [path, text] of generated) expect(readFileSync(join(REPO_ROOT, path), 'utf8'), path).toBe(text);
});
