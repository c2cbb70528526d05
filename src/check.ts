/**
 * isolint's own check: the engine (src/engine/check.ts) with the built-in adapters and rules. The engine
 * does not import them itself, so the layers stay one-way (docs/architecture.md); this is where the
 * library entry (src/index.ts) and the CLI get them from.
 */
import { builtinRules } from '../rules/index.js';
import { cloudAssemblyAdapter } from './cdk/adapter.js';
import { runCheck, type CheckOptions, type CheckResult } from './engine/check.js';
import type { Adapter } from './ingest/adapter.js';
import { adapters as inputAdapters, linkers as inputLinkers } from './ingest/index.js';
import type { Linker } from './ingest/linker.js';
import { imageMeasurementLinker } from './eif/link-images.js';

export * from './engine/check.js';
export { builtinRules };

/**
 * Every input format isolint reads, in the order they are asked to claim a file. The cloud assembly
 * (cdk.out, or cdk.json naming it) claims only its manifest.json and cdk.json.
 */
export const builtinAdapters: readonly Adapter[] = [cloudAssemblyAdapter, ...inputAdapters];

/**
 * The link-and-enrich stage (src/ingest/linker.ts), in order: the formats' own linkers, then the
 * measurement of the enclave images the inputs name.
 */
export const builtinLinkers: readonly Linker[] = [...inputLinkers, imageMeasurementLinker];

const BUILTINS = { adapters: builtinAdapters, linkers: builtinLinkers, rules: builtinRules };

/** Checks the given paths with every built-in adapter and rule (plus the caller's extra ones). */
export function check(options: CheckOptions): Promise<CheckResult> {
  return runCheck(options, BUILTINS);
}
