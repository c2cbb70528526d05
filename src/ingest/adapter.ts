import type { GraphFragment } from '../model/nodes.js';

/** What an adapter is told about the file it reads. */
export interface AdapterInput {
  /** The path as shown to people and in SARIF (relative to the repository root where possible). */
  file: string;
  /** The absolute path, for resolving paths the file mentions (an enclave image next to a manifest). */
  absolutePath: string;
  text: string;
}

/**
 * One input format. `claims` is a cheap look at the text (formats are detected by content, not only
 * by name); `load` parses with positions and returns graph fragments, or throws an InputError.
 */
export interface Adapter {
  /** Short format name used in messages and SARIF categories: "isolint-manifest", "cloudformation"… */
  format: string;
  /** File extensions worth reading during a directory scan. */
  extensions: readonly string[];
  claims(input: AdapterInput): boolean;
  /**
   * Optional asynchronous set-up, awaited before the first `load` of a file of this format (e.g.
   * loading a WebAssembly parser). Called again for later files: keep it idempotent and cheap then.
   */
  prepare?(): Promise<void>;
  load(input: AdapterInput): GraphFragment;
}
