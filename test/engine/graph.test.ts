import { describe, expect, it } from 'vitest';
import { manifestAdapter } from '../../src/ingest/manifest.js';
import { Graph } from '../../src/model/graph.js';
import type { GraphEdge, GraphNode } from '../../src/model/nodes.js';

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
    expect(
      graph
        .runningOnTransitively('host-1')
        .map((n) => n.id)
        .sort(),
    ).toEqual(['a', 'a-enclave', 'b', 'host-1/hypervisor']);
  });

  it("answers path questions: does a channel lead from one tenant's guest to another tenant's volume?", () => {
    const path = graph.path(
      'a',
      (node) => node.kind === 'volume',
      (edge) => edge.kind === 'channel' || edge.kind === 'attaches',
      true,
    );
    expect(path?.map((edge) => `${edge.kind}:${edge.from}->${edge.to}`)).toEqual([
      'channel:a->b',
      'attaches:shared->b',
    ]);
    expect(
      graph.path(
        'a-enclave',
        (node) => node.kind === 'volume',
        (edge) => edge.kind === 'channel',
        true,
      ),
    ).toBeUndefined();
  });

  it('counts nodes and edges', () => {
    expect(graph.size).toEqual({ nodes: 6, edges: 6 });
  });
});

// --- indexes built on first use (src/model/graph.ts): the answers stay those of the edges in input order
describe('graph queries over edges to undeclared ids', () => {
  const source = { file: 'g.yaml', startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 };
  const node = (id: string, kind: string) => ({ id, kind, source, at: {}, suppressions: [] }) as unknown as GraphNode;
  const edge = (kind: string, from: string, to: string) =>
    ({ kind, from, to, source, at: {}, suppressions: [] }) as unknown as GraphEdge;
  const graph = new Graph(
    [node('h', 'host'), node('vm', 'instance'), node('vol', 'volume'), node('nic', 'nic')],
    [
      edge('runsOn', 'vm', 'nowhere'),
      edge('runsOn', 'vm', 'h'),
      edge('attaches', 'vol', 'vm'),
      edge('attaches', 'ghost', 'vm'),
      edge('attaches', 'nic', 'vm'),
      edge('runsOn', 'ghost', 'h'),
    ],
  );

  it("takes a node's first runsOn edge, even to an id no input declares", () => {
    expect(graph.out('vm', 'runsOn').map((e) => e.to)).toEqual(['nowhere', 'h']);
    expect(graph.runsOn('vm')).toBeUndefined();
    expect(graph.hostOf('vm')).toBeUndefined();
  });

  it('leaves undeclared ends out of node lists, and keeps input order', () => {
    expect(graph.runningOn('h').map((n) => n.id)).toEqual(['vm']);
    expect(graph.in('h', 'runsOn').map((e) => e.from)).toEqual(['vm', 'ghost']);
    expect(graph.attachedTo('vm').map((n) => n.id)).toEqual(['vol', 'nic']);
    expect(graph.attachedTo('vm', 'nic').map((n) => n.id)).toEqual(['nic']);
    expect(graph.in('vm').map((e) => e.from)).toEqual(['vol', 'ghost', 'nic']);
    expect(graph.out('vm').map((e) => e.to)).toEqual(['nowhere', 'h']);
  });

  it('hands out node lists the caller may change without changing the graph', () => {
    graph.attachedTo('vm').push(node('extra', 'volume'));
    graph.attachmentsOf('vol').length = 0;
    expect(graph.attachedTo('vm').map((n) => n.id)).toEqual(['vol', 'nic']);
    expect(graph.attachmentsOf('vol').map((n) => n.id)).toEqual(['vm']);
  });
});
