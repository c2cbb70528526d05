import { describe, expect, it } from 'vitest';
import { manifestAdapter } from '../../src/ingest/manifest.js';
import { Graph } from '../../src/model/graph.js';

function graphOf(text: string): Graph {
  const fragment = manifestAdapter.load({ file: 'g.yaml', absolutePath: '/tmp/g.yaml', text });
  return new Graph(fragment.nodes, fragment.edges);
}

const TEXT = `apiVersion: isolint/v1
volumes:
  - { id: shared, encrypted: true }
hosts:
  - id: host-1
    hypervisor: { kind: kvm }
    instances:
      - id: a
        tenant: acme
        enclaves:
          - id: a-enclave
      - id: b
        tenant: globex
        volumes: [shared]
channels:
  - { from: a, to: b, protocol: tcp }
`;

describe('graph queries', () => {
  const graph = graphOf(TEXT);

  it('follows runsOn chains at any depth', () => {
    expect(graph.hostOf('a-enclave')?.id).toBe('host-1');
    expect(graph.runsOn('a-enclave')?.id).toBe('a');
    expect(graph.runningOnTransitively('host-1').map((n) => n.id).sort()).toEqual(['a', 'a-enclave', 'b', 'host-1/hypervisor']);
  });

  it('answers path questions: does a channel lead from one tenant\'s guest to another tenant\'s volume?', () => {
    const path = graph.path(
      'a',
      (node) => node.kind === 'volume',
      (edge) => edge.kind === 'channel' || edge.kind === 'attaches',
      true,
    );
    expect(path?.map((edge) => `${edge.kind}:${edge.from}->${edge.to}`)).toEqual(['channel:a->b', 'attaches:shared->b']);
    expect(graph.path('a-enclave', (node) => node.kind === 'volume', (edge) => edge.kind === 'channel', true)).toBeUndefined();
  });

  it('counts nodes and edges', () => {
    expect(graph.size).toEqual({ nodes: 6, edges: 6 });
  });
});
