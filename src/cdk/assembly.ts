import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { InputError } from '../errors.js';
import { isRecord } from '../ingest/aws/values.js';

/**
 * A CDK cloud assembly (`cdk.out`): `manifest.json` lists artifacts; each `aws:cloudformation:stack`
 * names its template, and its metadata (inline, or in the `additionalMetadataFile` newer CDK versions
 * write) maps construct paths to logical ids (`aws:cdk:logicalId`), names nested stacks' templates
 * (`aws:cdk:templateFile`) and, unless turned off, records creation stacks (`aws:cdk:creationStack`,
 * or a `trace` on an entry when the app ran with stack traces). Nested assemblies (`cdk:cloud-assembly`,
 * CDK stages) are read too. This metadata is there even when templates carry no `aws:cdk:path`.
 */

export interface ResourceOrigin {
  /** Construct path without the leading slash: `EnclaveStack/Parent/Host/Resource`. */
  constructPath: string;
  /** The creation stack (frames as CDK writes them), when the assembly has one. */
  trace?: readonly unknown[];
}

export interface AssemblyTemplate {
  absolutePath: string;
  /** Construct path of the stack (or nested stack) the template belongs to. */
  stackPath: string;
  /** Logical id → where the resource came from. */
  resources: Map<string, ResourceOrigin>;
}

export interface CloudAssembly {
  directory: string;
  /** manifest.json files read (nested assemblies included) and metadata files beside them. */
  files: string[];
  templates: AssemblyTemplate[];
}

/** Metadata entry types (cloud-assembly-schema `ArtifactMetadataEntryType`). */
const LOGICAL_ID = 'aws:cdk:logicalId';
const TEMPLATE_FILE = 'aws:cdk:templateFile';
const CREATION_STACK = 'aws:cdk:creationStack';

/** Whether a manifest.json text is a cloud assembly's (cheap: no parse). */
export function looksLikeAssemblyManifest(text: string): boolean {
  return /"artifacts"\s*:/.test(text) && /"aws:cloudformation:stack"|"cdk:cloud-assembly"/.test(text);
}

export function readJsonFile(path: string, what: string, maxBytes: number): Record<string, unknown> {
  let text: string;
  try {
    const size = statSync(path).size;
    if (size > maxBytes)
      throw new InputError(
        `${what} is ${Math.round(size / 1048576)} MiB, over the ${maxBytes / 1048576} MiB limit for inputs`,
        { file: path },
      );
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`cannot read ${what} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { file: path });
  }
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw new InputError(`${what} is not valid JSON: ${(error as Error).message}`, { file: path });
  }
  if (!isRecord(value)) throw new InputError(`${what} is not a JSON object`, { file: path });
  return value;
}

/** Reads a cloud assembly from its manifest.json. Throws InputError on an unreadable manifest. */
export function readCloudAssembly(manifestPath: string, maxBytes: number): CloudAssembly {
  const assembly: CloudAssembly = { directory: dirname(manifestPath), files: [], templates: [] };
  readManifest(manifestPath, assembly, maxBytes, 0);
  return assembly;
}

function readManifest(manifestPath: string, assembly: CloudAssembly, maxBytes: number, depth: number): void {
  if (depth > 8 || assembly.files.includes(manifestPath)) return;
  assembly.files.push(manifestPath);
  const manifest = readJsonFile(manifestPath, 'the cloud assembly manifest', maxBytes);
  const directory = dirname(manifestPath);
  const artifacts = isRecord(manifest.artifacts) ? manifest.artifacts : {};
  for (const [artifactId, artifact] of Object.entries(artifacts)) {
    if (!isRecord(artifact)) continue;
    const properties = isRecord(artifact.properties) ? artifact.properties : {};
    if (artifact.type === 'cdk:cloud-assembly' && typeof properties.directoryName === 'string') {
      const nested = inside(directory, join(properties.directoryName, 'manifest.json'));
      if (nested && existsSync(nested)) readManifest(nested, assembly, maxBytes, depth + 1);
      continue;
    }
    if (artifact.type !== 'aws:cloudformation:stack' || typeof properties.templateFile !== 'string') continue;
    const metadata: Record<string, unknown> = { ...(isRecord(artifact.metadata) ? artifact.metadata : {}) };
    if (typeof artifact.additionalMetadataFile === 'string') {
      const extra = inside(directory, artifact.additionalMetadataFile);
      if (extra && existsSync(extra)) {
        assembly.files.push(extra);
        Object.assign(metadata, readJsonFile(extra, 'the stack metadata file', maxBytes));
      }
    }
    addStack(directory, artifactId, properties.templateFile, metadata, assembly);
  }
}

/** A path named by the assembly, kept inside the assembly's directory (a manifest must not send us elsewhere). */
function inside(directory: string, path: string): string | undefined {
  const absolute = resolve(directory, path);
  const rel = relative(directory, absolute);
  return rel.startsWith('..') || isAbsolute(rel) ? undefined : absolute;
}

function addStack(
  directory: string,
  artifactId: string,
  templateFile: string,
  metadata: Record<string, unknown>,
  assembly: CloudAssembly,
): void {
  // Stacks and nested stacks by construct path: the templateFile entries, else the artifact's own template.
  const stacks = new Map<string, AssemblyTemplate>();
  const entriesOf = (value: unknown) => (Array.isArray(value) ? value.filter(isRecord) : []);
  for (const [path, entries] of Object.entries(metadata)) {
    for (const entry of entriesOf(entries)) {
      if (entry.type !== TEMPLATE_FILE || typeof entry.data !== 'string') continue;
      const absolutePath = inside(directory, entry.data);
      if (absolutePath) stacks.set(trimSlash(path), { absolutePath, stackPath: trimSlash(path), resources: new Map() });
    }
  }
  const main = inside(directory, templateFile);
  if (main && ![...stacks.values()].some((stack) => stack.absolutePath === main)) {
    // The stack's construct path is the shortest metadata path (`/Stack`), or the artifact id.
    const shortest = Object.keys(metadata).sort((a, b) => a.length - b.length)[0];
    const stackPath = shortest ? trimSlash(shortest).split('/')[0] : artifactId;
    stacks.set(stackPath, { absolutePath: main, stackPath, resources: new Map() });
  }
  const stackPaths = [...stacks.keys()].sort((a, b) => b.length - a.length);
  for (const [rawPath, entries] of Object.entries(metadata)) {
    const path = trimSlash(rawPath);
    const list = entriesOf(entries);
    const logical = list.find((entry) => entry.type === LOGICAL_ID && typeof entry.data === 'string');
    if (!logical) continue;
    // The template is that of the innermost (nested) stack the construct path lies in.
    const owner = stackPaths.find((stackPath) => path.startsWith(`${stackPath}/`));
    const stack = owner ? stacks.get(owner) : undefined;
    if (!stack) continue;
    const creation = list.find((entry) => entry.type === CREATION_STACK && Array.isArray(entry.data));
    const trace = Array.isArray(logical.trace) ? logical.trace : creation ? (creation.data as unknown[]) : undefined;
    stack.resources.set(logical.data as string, { constructPath: path, ...(trace ? { trace } : {}) });
  }
  for (const stack of stacks.values())
    if (!assembly.templates.some((t) => t.absolutePath === stack.absolutePath)) assembly.templates.push(stack);
}

function trimSlash(path: string): string {
  return path.replace(/^\/+/, '');
}

// ---------------------------------------------------------------------------------------------------
// cdk.json and the app's sources

export interface CdkProject {
  /** The directory of cdk.json. */
  directory: string;
  /** The assembly directory cdk.json names (`output`, default `cdk.out`). */
  output: string;
  /** TypeScript files named in the `app` command (`npx ts-node --prefer-ts-exts bin/app.ts`). */
  entries: string[];
}

export function readCdkJson(path: string, maxBytes: number): CdkProject {
  const json = readJsonFile(path, 'cdk.json', maxBytes);
  const directory = dirname(path);
  const output = resolve(directory, typeof json.output === 'string' ? json.output : 'cdk.out');
  const app = typeof json.app === 'string' ? json.app : '';
  const entries = app
    .split(/\s+/)
    .map((word) => word.replace(/^["']|["']$/g, ''))
    .filter((word) => /\.(?:[cm]?ts|tsx|[cm]?js)$/.test(word))
    .map((word) => resolve(directory, word))
    .filter((file) => existsSync(file));
  return { directory, output, entries };
}

/** The cdk.json of an assembly: in the directory that holds it, or one or two levels up. */
export function findCdkJson(assemblyDirectory: string): string | undefined {
  let directory = dirname(assemblyDirectory);
  for (let level = 0; level < 3; level++) {
    const candidate = join(directory, 'cdk.json');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(directory);
    if (parent === directory) break;
    directory = parent;
  }
  return undefined;
}

const SKIPPED_SOURCE_DIRECTORIES = new Set(['node_modules', '.git', 'cdk.out', 'dist', 'coverage']);

/**
 * The app's TypeScript sources: every .ts file of the directory that holds its entry (the nearest
 * one with a tsconfig.json, package.json or cdk.json), or of the cdk.json directory.
 */
export function appSourceFiles(project: CdkProject, limit: number): string[] {
  const roots = new Set<string>();
  for (const entry of project.entries) roots.add(projectRootOf(entry));
  if (roots.size === 0) roots.add(project.directory);
  const files: string[] = [];
  const walk = (directory: string, depth: number) => {
    if (depth > 12 || files.length >= limit) return;
    let entries;
    try {
      entries = readdirSync(directory, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_SOURCE_DIRECTORIES.has(entry.name) && !entry.name.startsWith('.') && path !== project.output)
          walk(path, depth + 1);
      } else if (entry.isFile() && /\.(?:[cm]?ts|tsx)$/.test(entry.name) && !/\.d\.[cm]?ts$/.test(entry.name)) {
        files.push(path);
        if (files.length >= limit) return;
      }
    }
  };
  for (const root of roots) walk(root, 0);
  return files;
}

function projectRootOf(entry: string): string {
  let directory = dirname(entry);
  for (let level = 0; level < 4; level++) {
    if (['tsconfig.json', 'package.json', 'cdk.json'].some((name) => existsSync(join(directory, name))))
      return directory;
    const parent = dirname(directory);
    if (parent === directory) break;
    directory = parent;
  }
  return dirname(entry);
}

/** A path as findings show it: relative to the scan's root with `/`, or absolute outside it. */
export function displayPathFrom(root: string | undefined, absolutePath: string): string {
  if (root === undefined) return absolutePath.split(sep).join('/');
  const path = relative(root, absolutePath);
  if (path === '' || path.startsWith('..') || isAbsolute(path)) return absolutePath.split(sep).join('/');
  return path.split(sep).join('/');
}

/** The root a display path is relative to, recovered from an adapter input (absolute path minus display path). */
export function rootOfInput(file: string, absolutePath: string): string | undefined {
  if (isAbsolute(file) || file.startsWith('/')) return undefined;
  const native = file.split('/').join(sep);
  return absolutePath.endsWith(native) ? absolutePath.slice(0, absolutePath.length - native.length) || sep : undefined;
}

export function isCdkJson(absolutePath: string): boolean {
  return basename(absolutePath) === 'cdk.json';
}
