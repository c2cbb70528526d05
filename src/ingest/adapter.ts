import type { GraphFragment } from '../model/nodes.js';

/** What an adapter is told about the file it reads. */
export interface AdapterInput {
  /** The path as shown to people and in SARIF (relative to the repository root where possible). */
  file: string;
  /** The absolute path, for resolving paths the file mentions (an enclave image next to a manifest). */
  absolutePath: string;
  text: string;
  /**
   * The other files an input refers to or sits with (a Terraform module's files, file() and tfvars, an sshd
   * Include, a libvirt host's daemon files, a policy sidecar), read the way inputs are: the scan's size cap,
   * its excludes, nothing outside the scan. Adapters read no file any other way (src/ingest/input-files.ts).
   * The engine always gives one; an adapter called on its own (a test) reads the file system unbounded.
   */
  files?: InputFiles;
  /** What lives as long as this check() and no longer: caches of parsed sibling files or modules. */
  session?: CheckSession;
  /** Terraform variables given on the command line, in their order: `--var-file F` and `--var k=v`. */
  terraformVariables?: readonly TerraformVariableArgument[];
}

export type TerraformVariableArgument = { file: string } | { assignment: string };

/** Files besides the input, as the scan may read them (AdapterInput.files). */
export interface InputFiles {
  /** A file's text without its BOM; an InputError when it is over the size cap, excluded or outside the scan. */
  read(absolutePath: string): string;
  /** Whether a regular file is there that the scan may read (not excluded, inside the scan). */
  exists(absolutePath: string): boolean;
  /** Whether a directory is there that the scan may read. */
  isDirectory(absolutePath: string): boolean;
  /** The names in a directory that the scan may read, sorted; [] when it cannot be read. */
  list(directory: string): string[];
  /** Size and modification time of a file the scan may read, as a cache key; undefined when there is none. */
  stamp(absolutePath: string): string | undefined;
}

/** State of one check() call (AdapterInput.session): nothing in it outlives the call. */
export interface CheckSession {
  /** A map for one purpose (its name), shared by every file this check reads, created on first use. */
  cache<V>(name: string): Map<string, V>;
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
  // --- inputs made of several files (a CDK cloud assembly; src/cdk/)
  /**
   * Optional: the other files (absolute paths) this file brings in and reads itself, given its path
   * (e.g. a cloud assembly's manifest.json: its templates). A directory scan then skips them as inputs
   * of their own. Called for every discovered file: return [] quickly for names it does not own.
   */
  owns?(absolutePath: string, files?: InputFiles): readonly string[];
  load(input: AdapterInput): GraphFragment;
}
