import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check } from '../src/check.js';
import { defaultConfig } from '../src/engine/config.js';
import { buildPicture } from '../src/picture/model.js';
import { REPO_ROOT } from './helpers.js';

/**
 * Issue 19's scenario: one CloudFormation launch template whose user data writes the allocator, starts the
 * KMS proxy and launches the enclave. Every finding about the launch lands on its line inside the user data,
 * and the graph links the launch template, the enclave, the proxy and the key.
 */
const SCENARIO = join(REPO_ROOT, 'fixtures/rules/enclave-no-debug-mode/trigger-launch-template-scenario');

describe('a launch template whose user data launches the enclave', () => {
  it('reports each launch finding at its line inside the user data', async () => {
    const result = await check({
      paths: [SCENARIO],
      cwd: REPO_ROOT,
      root: REPO_ROOT,
      config: defaultConfig(REPO_ROOT),
      measureImages: true,
    });
    expect(result.problems.filter((p) => p.level === 'error')).toEqual([]);
    const launch = result.findings
      .filter((f) => f.ruleId !== 'encrypted-block-storage')
      .map((f) => [f.ruleId, f.messageId, f.location.startLine]);
    expect(launch).toEqual(
      expect.arrayContaining([
        ['enclave-no-network', 'forwarderEgress', 60],
        ['enclave-no-debug-mode', 'debugUndeclared', 61],
        ['enclave-no-debug-mode', 'debugKeyRefuses', 61],
      ]),
    );
    // Nothing about the launch lands on the UserData key or the resource: all inside the script (lines 52–61).
    for (const [, , line] of launch) expect(line as number).toBeGreaterThanOrEqual(52);
    const graph = result.graph;
    const enclave = graph.nodes('enclave')[0];
    const template = graph.runsOn(enclave.id)!;
    expect(template.label).toBe('SignerTemplate');
    expect(template.kind === 'instance' && template.enclavePool).toMatchObject({ cpuCount: 2, memoryMiB: 4096 });
    expect(template.kind === 'instance' && template.enclavePool?.memorySource?.startLine).toBe(56);

    const picture = buildPicture(result);
    const names = new Map<string, string>();
    const walk = (nodes: typeof picture.roots) => {
      for (const node of nodes) {
        names.set(node.id, node.label);
        walk(node.children);
      }
    };
    walk(picture.roots);
    const arrows = picture.arrows.map((arrow) => [names.get(arrow.from), arrow.label, names.get(arrow.to)]);
    expect(arrows).toEqual(
      expect.arrayContaining([
        ['SignerTemplate', 'tcp:443', 'kms.us-east-1.amazonaws.com:443'],
        ['SignerTemplate', 'role', 'SignerRole'],
        ['SignerRole', 'key policy', 'SigningKey'],
      ]),
    );
    const template$ = picture.roots.find((node) => node.label === 'SignerTemplate')!;
    expect(template$.children.map((child) => child.label)).toContain('signer');
  });

  it('a clean deployment (enclaves on, allocator on whole cores, no debug flag, proxy to the regional KMS endpoint, key pinned to the image) has no error or warning', async () => {
    const clean = join(REPO_ROOT, 'fixtures/rules/enclave-launch-config/pass-clean-launch-template');
    const result = await check({ paths: [clean], cwd: REPO_ROOT, root: REPO_ROOT, config: defaultConfig(REPO_ROOT) });
    expect(result.problems.map((p) => p.message)).toEqual([]);
    expect(result.findings.filter((f) => f.severity !== 'note').map((f) => [f.ruleId, f.messageId])).toEqual([]);
    // The image was measured and its PCR0 is the one the key pins.
    const measurement = result.graph.nodes('image')[0].measurement;
    expect(measurement && !('unknown' in measurement) ? measurement.pcrs.PCR0 : undefined).toMatch(/^5623cba6/);
  });
});
