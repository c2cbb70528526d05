import type { GraphFragment } from '../model/nodes.js';

/** What an adapter is told about the file it reads. */
export interface AdapterInput {
  /** The path as shown to people and in SARIF (relative to the repository root where possible). */
  file: string;
  /** The absolute path, for resolving paths the file mentions (an enclave image next to a manifest). */
  absolutePath: string;
  text: string;
  /** Reads another file the input refers to (a Terraform file() or tfvars), with the scan's size cap. */
  readFile?(absolutePath: string): string;
  /** Terraform variables given on the command line, in their order: `--var-file F` and `--var k=v`. */
  terraformVariables?: readonly TerraformVariableArgument[];
}

export type TerraformVariableArgument = { file: string } | { assignment: string };

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
  // --- inputs made of several files (a CDK cloud assembly; src/cdk/)
  /**
   * Optional: the other files (absolute paths) this file brings in and reads itself, given its path
   * (e.g. a cloud assembly's manifest.json: its templates). A directory scan then skips them as inputs
   * of their own. Called for every discovered file: return [] quickly for names it does not own.
   */
  owns?(absolutePath: string): readonly string[];
  load(input: AdapterInput): GraphFragment;
}
