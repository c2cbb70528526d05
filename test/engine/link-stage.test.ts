import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check } from '../../src/check.js';
import { defaultConfig } from '../../src/engine/config.js';
import type { Linker } from '../../src/ingest/linker.js';
import { REPO_ROOT } from '../helpers.js';

const HOST_CONFIGS = join(REPO_ROOT, 'fixtures/rules/no-oversubscription/trigger-host-configs');

function run(paths: string[], linkers: Linker[] = []) {
  return check({
    paths,
    cwd: REPO_ROOT,
    root: REPO_ROOT,
    config: defaultConfig(REPO_ROOT),
    today: new Date('2026-11-01'),
    linkers,
  });
}

describe('the link-and-enrich stage', () => {
  it('runs linkers before the graph is frozen; nothing changes the graph afterwards', async () => {
    const seen: string[] = [];
    const labeller: Linker = {
      name: 'test-labeller',
      link(draft) {
        // The built-in linkers have run: no edge still names a directory's machine by its reserved id.
        seen.push(...draft.edges.map((edge) => edge.to).filter((to) => to.startsWith('host-directory:')));
        for (const node of draft.nodes.values()) if (node.kind === 'enclave') node.label = `linked ${node.id}`;
      },
    };
    const result = await run([HOST_CONFIGS], [labeller]);
    expect(seen).toEqual([]);
    const enclaves = result.graph.nodes('enclave');
    expect(enclaves.length).toBeGreaterThan(0);
    expect(enclaves.every((enclave) => enclave.label === `linked ${enclave.id}`)).toBe(true);

    expect(result.graph.isFrozen()).toBe(true);
    const enclave = enclaves[0];
    expect(Object.isFrozen(enclave)).toBe(true);
    expect(() => {
      (enclave as { label?: string }).label = 'changed';
    }).toThrow(TypeError);
    const edge = result.graph.edges('runsOn')[0];
    expect(Object.isFrozen(edge)).toBe(true);
    expect(() => {
      (edge as { to: string }).to = 'elsewhere';
    }).toThrow(TypeError);
  });

  it('a linker that throws is a problem of the run; the rest is still checked', async () => {
    const broken: Linker = {
      name: 'broken',
      link() {
        throw new Error('boom');
      },
    };
    const result = await run([HOST_CONFIGS], [broken]);
    expect(result.problems.filter((p) => p.message.startsWith('linker broken failed'))).toEqual([
      { message: 'linker broken failed: boom', level: 'error' },
    ]);
    expect(result.findings.some((f) => f.ruleId === 'no-oversubscription')).toBe(true);
  });
});
