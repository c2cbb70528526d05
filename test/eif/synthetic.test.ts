import { describe, expect, it } from 'vitest';
import { measureEif, measureEifBytes, toDescribeEifJson } from '../../src/eif/index.js';
import { joinResults, planParallelJobs, planSingleJob, runHashJobAsync } from '../../src/eif/hash-job.js';
import { extendFromZero } from '../../src/eif/pcr.js';
import { readLayoutFrom } from '../../src/eif/reader.js';
import { createNodeSha384, toHex } from '../../src/eif/sha384.js';
import { memorySource } from '../../src/eif/source.js';
import { buildEif, defaultSections, naivePcrs, patternBytes, type BuildSection } from './build-eif.js';
import { tempDir } from './helpers.js';

const shapes: Array<{ name: string; sections: BuildSection[]; aarch64?: boolean }> = [
  { name: 'no ramdisk', sections: defaultSections(patternBytes(1000, 1), 'console=ttyS0', []) },
  { name: 'one ramdisk', sections: defaultSections(patternBytes(1000, 2), 'a', [patternBytes(777, 3)]) },
  {
    name: 'empty cmdline and empty ramdisks',
    sections: defaultSections(patternBytes(10, 4), '', [new Uint8Array(0), new Uint8Array(0), patternBytes(5, 5)]),
  },
  {
    name: 'four ramdisks, aarch64',
    aarch64: true,
    sections: defaultSections(
      patternBytes(5000, 6),
      'x'.repeat(4000),
      [1, 2, 3, 4].map((n) => patternBytes(n * 1000, 10 + n)),
    ),
  },
  // Larger than several 1 MiB read chunks, so sections span chunk boundaries.
  {
    name: 'multi-chunk sections',
    sections: defaultSections(patternBytes(5 * 1024 * 1024 + 3, 7), 'console=ttyS0', [
      patternBytes(4 * 1024 * 1024 + 1, 8),
      patternBytes(6 * 1024 * 1024 - 5, 9),
    ]),
  },
  // Like nitro-cli images (small bootstrap ramdisk, large application ramdisk): the CRC is split between the jobs.
  {
    name: 'large second ramdisk',
    sections: defaultSections(patternBytes(100, 23), 'c', [patternBytes(10, 24), patternBytes(100_000, 25)]),
  },
  {
    name: 'metadata last, cmdline before kernel',
    sections: [
      { kind: 'cmdline', data: new TextEncoder().encode('quiet') },
      { kind: 'kernel', data: patternBytes(300, 20) },
      { kind: 'ramdisk', data: patternBytes(200, 21) },
      { kind: 'ramdisk', data: patternBytes(100, 22) },
      {
        kind: 'metadata',
        data: new TextEncoder().encode('{"ImageName":"x","ImageVersion":"y","BuildMetadata":{},"DockerInfo":null}'),
      },
    ],
  },
];

describe('synthetic images measure like the naive computation', () => {
  for (const shape of shapes) {
    it(shape.name, async () => {
      const image = buildEif(shape.sections, { aarch64: shape.aarch64 });
      const expected = naivePcrs(shape.sections);
      for (const implementation of ['node', 'noble'] as const) {
        const description = await measureEifBytes(image, 'synthetic.eif', { implementation });
        expect(description.pcrs).toEqual(expected);
        expect(description.crc.ok).toBe(true);
        expect(description.arch).toBe(shape.aarch64 ? 'aarch64' : 'x86_64');
      }
    });

    it(`${shape.name}: the two-thread plan gives the same PCRs and CRC`, async () => {
      const image = buildEif(shape.sections);
      const source = memorySource(image);
      const layout = await readLayoutFrom(source, 'synthetic.eif');
      const single = await runHashJobAsync(planSingleJob(layout), source, createNodeSha384);
      const jobs = planParallelJobs(layout);
      const parts = await Promise.all(jobs.map((job) => runHashJobAsync(job, source, createNodeSha384)));
      if (shape.name === 'large second ramdisk') expect(parts.every((part) => part.crcLength > 0)).toBe(true);
      const joined = joinResults(parts);
      expect(joined.crc).toBe(single.crc);
      expect(joined.crcLength).toBe(image.length - 4);
      for (const stream of ['PCR0', 'PCR1', 'PCR2'] as const) {
        expect(toHex(extendFromZero(joined.digests[stream]!))).toBe(naivePcrs(shape.sections)[stream]);
      }
    });
  }

  it('reads from a file the same as from memory, and reports metadata with custom fields flattened', async () => {
    const sections = defaultSections(patternBytes(2048, 30), 'console=ttyS0', [
      patternBytes(100, 31),
      patternBytes(200, 32),
    ]);
    const temp = tempDir();
    try {
      const file = temp.write('image.eif', buildEif(sections));
      const description = await measureEif(file);
      expect(description.pcrs).toEqual(naivePcrs(sections));
      const json = toDescribeEifJson(description);
      expect(json.ImageName).toBe('test-image');
      expect(json.ImageVersion).toBe('2.1');
      expect(json.Metadata).toEqual({
        BuildTime: '2026-01-02T03:04:05Z',
        BuildTool: 'test-builder',
        BuildToolVersion: '0.1',
        OperatingSystem: 'Linux',
        KernelVersion: '6.1',
        DockerInfo: null,
        team: 'isolint',
        build: 7,
      });
    } finally {
      temp.cleanup();
    }
  });

  it('accepts version 2 images without metadata', async () => {
    const sections: BuildSection[] = [
      { kind: 'kernel', data: patternBytes(64, 40) },
      { kind: 'cmdline', data: new TextEncoder().encode('c') },
      { kind: 'ramdisk', data: patternBytes(64, 41) },
    ];
    const description = await measureEifBytes(buildEif(sections, { version: 2 }), 'v2.eif');
    expect(description.pcrs).toEqual(naivePcrs(sections));
    expect(description.metadata).toBeUndefined();
    expect(toDescribeEifJson(description)).not.toHaveProperty('Metadata');
  });
});
