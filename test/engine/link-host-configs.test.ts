import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { check } from '../../src/check.js';
import { defaultConfig } from '../../src/engine/config.js';
import { temporaryDirectories } from '../temporary.js';

const temporaryDirectory = temporaryDirectories('pools');

it('reports an enclave pool declared both by the parent and by an allocator.yaml beside it, instead of picking one silently', async () => {
  const directory = temporaryDirectory();
  writeFileSync(
    join(directory, 'parent.yaml'),
    'apiVersion: isolint/v1\nhosts:\n  - id: h1\n    instances:\n      - id: parent\n        vcpus: 8\n        memory: 32GiB\n        allocator: { cpuCount: 2, memory: 4GiB }\n',
  );
  writeFileSync(join(directory, 'allocator.yaml'), '---\nmemory_mib: 8192\ncpu_count: 4\n');
  const result = await check({ paths: ['.'], cwd: directory, root: directory, config: defaultConfig(directory) });
  expect(result.problems).toEqual([
    expect.objectContaining({
      file: 'allocator.yaml',
      level: 'error',
      message:
        "the enclave pool of 'parent' is declared twice: here and at parent.yaml:8; keep one (this allocator.yaml is what the allocator service reads)",
    }),
  ]);
  const parent = result.graph.node('parent');
  expect(parent?.kind === 'instance' && parent.enclavePool?.memoryMiB).toBe(8192);
});
