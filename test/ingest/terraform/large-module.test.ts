import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { check } from '../../../src/index.js';
import { hclParseStats } from '../../../src/ingest/terraform/hcl.js';
// @ts-expect-error: a plain .mjs generator shared with the benchmark
import { writeLargeModule } from '../../../bench/terraform-large-module.mjs';

const directory = mkdtempSync(join(tmpdir(), 'isolint-tf-large-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('a large Terraform module (51 files, 10k resources)', () => {
  it('parses each file once and reports every planted finding with no input error', async () => {
    const planted = writeLargeModule(join(directory, 'module'), 51, 10_000) as Array<{
      ruleId: string;
      file: string;
      line: number;
    }>;
    const before = hclParseStats.parses;
    const result = await check({ paths: ['module'], cwd: directory, root: directory, measureImages: false });
    expect(hclParseStats.parses - before).toBe(51);
    expect(result.problems.filter((p) => p.level === 'error')).toEqual([]);
    const reported = new Set(
      result.findings
        .filter((f) => f.severity === 'error')
        .map((f) => `${f.ruleId}|${f.location.file}|${f.location.startLine}`),
    );
    const missing = planted.filter((p) => !reported.has(`${p.ruleId}|module/${p.file}|${p.line}`));
    expect(planted.length).toBeGreaterThan(500);
    expect(missing).toEqual([]);
  }, 120_000);
});
