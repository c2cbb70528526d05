import type { GraphEdge, GraphNode } from '../model/nodes.js';
import type { InstanceTypeSpec } from '../model/ec2-instance-types.js';
import type { SourceSpan } from '../model/source.js';

/**
 * The link-and-enrich stage (docs/architecture.md, "The pipeline"): after every input is read and before
 * the graph is built and frozen, each linker joins what one format's files say to what other inputs
 * declare, or adds what the files point at. Instances get their type's facts (link-instance-types.ts),
 * host-side config files find their machine
 * (link-host-configs.ts), standalone key policies find their key (link-key-policies.ts), Kata
 * RuntimeClasses find their sandbox (hypervisor/link-runtime-classes.ts), enclave images are measured
 * (src/eif/link-images.ts).
 *
 * A linker belongs to the format it serves and lives beside it. To add one: write
 * `export const myLinker: Linker = { name, link(draft, options) {…} }`, add it to `builtinLinkers` in
 * src/ingest/index.ts (or to `linkers` in `check`'s options, for an embedder), in the order it needs.
 * Linkers run in that order, one after the other; each sees what the ones before it did.
 */
export interface Linker {
  /** Short name, for problems about the linker itself ("host-configs"). */
  readonly name: string;
  link(draft: LinkDraft, options: LinkOptions): void | Promise<void>;
}

/** The graph as the link stage sees it: still open to change, and only here. */
export interface LinkDraft {
  /** Every node of the scan by id. A linker may add, replace or delete nodes and set their properties. */
  readonly nodes: Map<string, GraphNode>;
  /**
   * Every edge the inputs declared, in input order, not yet resolved: an end may name an id no input
   * declares (a directory's machine, `host-directory:<dir>`, until its linker replaces it). A linker may
   * add edges and replace or remove them. After the last linker, an edge whose end is still not declared
   * is a problem on its line (or dropped quietly when it is `weak`).
   */
  edges: GraphEdge[];
  /** Reports a problem at an input's line: the scan is incomplete there. */
  problem(message: string, source: SourceSpan): void;
}

/** What a check tells its linkers. */
export interface LinkOptions {
  /** `.isolint.yaml` `policies:`: standalone key policy files → the key they are put on. */
  readonly keyPolicies: Readonly<Record<string, string>>;
  /** Whether enclave images named by the inputs are measured (CheckOptions.measureImages). */
  readonly measureImages: boolean;
  /** `--instance-types FILE`: describe-instance-types facts that extend or correct the built-in table. */
  readonly instanceTypes?: ReadonlyMap<string, InstanceTypeSpec>;
}
