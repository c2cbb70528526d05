import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check } from '../../src/check.js';
import { defaultConfig } from '../../src/engine/config.js';
import { originOf, provenanceOf } from '../../src/model/provenance.js';
import { unknown } from '../../src/model/unknown.js';
import { REPO_ROOT } from '../helpers.js';

const span = (line: number) => ({ file: 'f', startLine: line, startColumn: 1, endLine: line, endColumn: 2 });

describe('provenance: how a value is known', () => {
  it('is written, defaulted (by whom, why) or unknown (why), never told from spans', () => {
    const extraSpecs = span(3);
    const node = {
      source: span(1),
      // A defaulted key shares the span it lands on with others: that says nothing about how it is known.
      at: { extraSpecs, cpuPolicy: extraSpecs, cpuThreadPolicy: span(4) },
      defaults: { cpuPolicy: { name: 'Nova default', why: 'hw:cpu_policy is not in extra_specs' } },
    };
    expect(provenanceOf(node, 'cpuPolicy', 'shared')).toEqual({
      how: 'defaulted',
      default: { name: 'Nova default', why: 'hw:cpu_policy is not in extra_specs' },
      span: extraSpecs,
    });
    expect(provenanceOf(node, 'cpuThreadPolicy', 'prefer')).toEqual({ how: 'written', span: span(4) });
    expect(provenanceOf(node, 'memoryEncryption', unknown('extra_specs is unknown'))).toEqual({
      how: 'unknown',
      reason: 'extra_specs is unknown',
    });
    expect(originOf(provenanceOf(node, 'cpuPolicy', 'shared'))).toBe('Nova default');
    expect(originOf(provenanceOf(node, 'cpuThreadPolicy', 'prefer'))).toBe('written');
  });

  it('reaches messages as a value: a written policy and Nova defaults', async () => {
    const result = await check({
      paths: [join(REPO_ROOT, 'fixtures/rules/no-oversubscription/trigger-openstack-flavors')],
      cwd: REPO_ROOT,
      root: REPO_ROOT,
      config: defaultConfig(REPO_ROOT),
      onlyRules: ['no-oversubscription'],
    });
    expect(
      result.findings
        .filter((f) => f.location.file.endsWith('flavors.tf'))
        .map((f) => `${f.location.startLine} ${f.messageId} ${String(f.data.origin)} ${String(f.data.hostCount)}`),
    ).toEqual([
      '7 sharedCpuPolicy written 1',
      '17 sharedCpuPolicy Nova default 1',
      '23 sharedCpuPolicy Nova default 1',
    ]);
  });
});
