import type { InstanceNode } from '../model/nodes.js';
import { NO_SUPPRESSIONS } from '../model/nodes.js';
import { directoryOf } from '../model/host-placement.js';
import { unknown } from '../model/unknown.js';
import type { Adapter } from './adapter.js';
import { parseYaml } from './located.js';
import { TypedReader, templated } from './typed-values.js';

/** The keys the allocator service accepts; any other is an error ("unexpected: <key>", https://github.com/aws/aws-nitro-enclaves-cli/blob/main/bootstrap/allocator.yaml). */
const KEYS = new Set(['memory_mib', 'cpu_count', 'cpu_pool']);

/**
 * /etc/nitro_enclaves/allocator.yaml (https://github.com/aws/aws-nitro-enclaves-cli/blob/main/bootstrap/allocator.yaml): the hugepage memory and CPUs the parent reserves for
 * its enclaves. What the allocator service itself refuses to start with (missing memory_mib, both or neither
 * of cpu_count and cpu_pool, unknown keys, a malformed CPU list) is a bad file; whether the pool fits the
 * parent and its enclaves is for no-oversubscription. The pool belongs to the machine of the file's
 * directory: the adapter emits a placeholder that src/ingest/link-host-configs.ts merges into it.
 */
export const nitroAllocatorAdapter: Adapter = {
  format: 'nitro-enclaves-allocator',
  extensions: ['.yaml', '.yml'],
  claims: ({ text }) => /^memory_mib\s*:/m.test(text) && !/^\s*[{[]/.test(text),
  load(input) {
    const document = parseYaml(input.file, input.text)[0];
    const read = new TypedReader(document, 'allocator.yaml');
    const config = read.object(document.value, 'allocator.yaml');
    for (const key of Object.keys(config)) {
      if (!KEYS.has(key))
        throw read.fail(
          `unexpected key "${key}" (the allocator accepts memory_mib and one of cpu_count or cpu_pool)`,
          config,
          key,
        );
    }
    const memoryMiB = read.integer(config, 'memory_mib', true)!;
    const hasCount = config.cpu_count !== undefined && config.cpu_count !== null;
    const hasPool = config.cpu_pool !== undefined && config.cpu_pool !== null;
    if (hasCount === hasPool) {
      throw read.fail(
        hasCount ? 'use exactly one of cpu_count and cpu_pool, not both' : 'cpu_count or cpu_pool is required',
        config,
        hasCount ? 'cpu_pool' : undefined,
      );
    }
    const poolTemplated = hasPool ? templated(config.cpu_pool) : undefined;
    const cpuIds =
      hasPool && !poolTemplated
        ? parseCpuList(String(config.cpu_pool), () =>
            read.fail(
              `cpu_pool must list CPUs as in "2,3,6-9", not ${JSON.stringify(config.cpu_pool)}`,
              config,
              'cpu_pool',
            ),
          )
        : undefined;
    const cpuCount = poolTemplated ?? (cpuIds ? cpuIds.length : read.integer(config, 'cpu_count')!);
    const source = document.spanOf(config);
    const cpuSource = document.spanOfKey(config, hasPool ? 'cpu_pool' : 'cpu_count');
    const memorySource = document.spanOfKey(config, 'memory_mib');
    const placeholder: InstanceNode = {
      kind: 'instance',
      id: `${input.file}#pool`,
      vcpus: unknown('allocator.yaml does not describe the parent'),
      memoryMiB: unknown('allocator.yaml does not describe the parent'),
      enclavePool: { cpuCount, memoryMiB, source: cpuSource, cpuIds, cpuSource, memorySource },
      placement: { directory: directoryOf(input.file), placeholder: true },
      source,
      at: { allocator: cpuSource, 'allocator.memory': memorySource },
      suppressions: NO_SUPPRESSIONS,
    };
    return { nodes: [placeholder], edges: [] };
  },
};

/**
 * CPU numbers above this are refused: Linux's NR_CPUS tops out at 8192, and a bound keeps hostile
 * lists cheap (2^53 + 1 as a JavaScript number never advances in a loop; found by the input fuzzer).
 */
const MAX_CPU_ID = 65_535;

/** "2,3,6-9" (the allocator's cpu_pool, as for Linux cpulists) as CPU numbers; throws on anything else. */
export function parseCpuList(text: string, fail: () => Error): number[] {
  const ids = new Set<number>();
  let expanded = 0;
  for (const part of text.split(',').map((p) => p.trim())) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!match) throw fail();
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    if (to < from || to > MAX_CPU_ID) throw fail();
    // Overlapping ranges are legal but must not multiply the work: at most MAX_CPU_ID + 1 steps in all.
    expanded += to - from + 1;
    if (expanded > MAX_CPU_ID + 1) throw fail();
    for (let id = from; id <= to; id++) ids.add(id);
  }
  return [...ids];
}
