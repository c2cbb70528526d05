import type { SourceSpan } from './source.js';
import { isUnknown } from './unknown.js';

/**
 * How a value in the graph is known (docs/architecture.md, "Defaults and unknowns"):
 *
 * - written: the input says it, at `span`;
 * - defaulted: the input leaves it unset and a documented default decides it (`default` says whose and why);
 * - unknown: nothing in the scan decides it (the value is an `Unknown`, whose reason says why).
 *
 * Adapters record a default in the node's `defaults` under the property's name (the same key as in `at`)
 * whenever they apply one; a known value without a recorded default was written. Rules ask
 * `provenanceOf` and never compare spans or read per-property flags to tell the two apart.
 */
export type Provenance =
  | { readonly how: 'written'; readonly span: SourceSpan }
  | { readonly how: 'defaulted'; readonly default: Default; readonly span: SourceSpan }
  | { readonly how: 'unknown'; readonly reason: string };

/** A documented default an adapter applied to a property the input leaves unset. */
export interface Default {
  /** Whose default, for what, in a few words: "Nova default", "AWS default for EBS volumes". */
  readonly name: string;
  /** Why it applies: what the input leaves unset ("hw:cpu_policy is not in extra_specs"). */
  readonly why: string;
  /** The written value the default was chosen by, when it depends on one (the AMI a machine starts from). */
  readonly basedOn?: string;
}

/** What a node offers for provenance: its property spans and the defaults its adapter applied. */
interface Located {
  readonly source: SourceSpan;
  readonly at: Readonly<Record<string, SourceSpan>>;
  readonly defaults?: Readonly<Record<string, Default>>;
}

/** How `value`, the node's `property`, is known. Where it lands: its span, else the node's. */
export function provenanceOf(node: Located, property: string, value: unknown): Provenance {
  if (isUnknown(value)) return { how: 'unknown', reason: value.reason };
  const span = node.at[property] ?? node.source;
  const applied = node.defaults?.[property];
  return applied ? { how: 'defaulted', default: applied, span } : { how: 'written', span };
}

/** A provenance as a message value: "written", the default's name, or "unknown". */
export function originOf(provenance: Provenance): string {
  return provenance.how === 'defaulted' ? provenance.default.name : provenance.how;
}
