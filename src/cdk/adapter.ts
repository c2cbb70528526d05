import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type * as TsMorph from 'ts-morph';
import { InputError } from '../errors.js';
import type { Adapter, AdapterInput } from '../ingest/adapter.js';
import { cloudFormationAdapter } from '../ingest/cloudformation.js';
import type { GraphFragment } from '../model/nodes.js';
import type { SourceSpan } from '../model/source.js';
import { isUnknown } from '../model/unknown.js';
import {
  appSourceFiles,
  displayPathFrom,
  findCdkJson,
  isCdkJson,
  looksLikeAssemblyManifest,
  readCdkJson,
  readCloudAssembly,
  rootOfInput,
  type CdkProject,
  type CloudAssembly,
  type ResourceOrigin,
} from './assembly.js';
import { AppSources, appFrame, type SourceLocation } from './source-map.js';
import { filesOf } from '../ingest/input-files.js';

/** Same limit as the engine's for one input (src/engine/check.ts MAX_INPUT_BYTES), per file of the assembly. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;
const MAX_SOURCE_FILES = 2000;

/** ts-morph, loaded on first use by `prepare`: runs without a CDK app never pay for the TypeScript compiler. */
let tsMorph: typeof TsMorph | undefined;

/**
 * A CDK app's cloud assembly, claimed through its `manifest.json` (or the app's `cdk.json`, which names
 * the assembly directory). Every stack's template, nested stacks' too, goes through the CloudFormation
 * adapter unchanged; then each span inside a resource is moved to the TypeScript line that created the
 * construct (creation stacks first, then a static reading of the app's sources), with the construct path
 * as a logical location. Where no source line is found, the template line stays and says so.
 */
export const cloudAssemblyAdapter: Adapter = {
  format: 'cdk-assembly',
  extensions: ['.json'],
  claims: ({ absolutePath, text }) =>
    (basename(absolutePath) === 'manifest.json' && looksLikeAssemblyManifest(text)) ||
    (isCdkJson(absolutePath) && /"app"\s*:/.test(text)),
  owns: (absolutePath) => ownedFiles(absolutePath),
  async prepare() {
    tsMorph ??= await import('ts-morph');
    // Its templates' user data may launch enclaves (src/ingest/launch-scripts.ts).
    await cloudFormationAdapter.prepare?.();
  },
  load(input) {
    const { assembly, project } = openAssembly(input);
    return loadAssembly(input, assembly, project);
  },
};

/** The files an assembly reads itself (its manifests, metadata and templates): not separate inputs. */
function ownedFiles(absolutePath: string): string[] {
  const name = basename(absolutePath);
  if (name !== 'manifest.json' && name !== 'cdk.json') return [];
  try {
    let manifest = absolutePath;
    if (name === 'cdk.json') manifest = join(readCdkJson(absolutePath, MAX_FILE_BYTES).output, 'manifest.json');
    if (!existsSync(manifest) || statSync(manifest).size > MAX_FILE_BYTES) return [];
    if (!looksLikeAssemblyManifest(readFileSync(manifest, 'utf8'))) return [];
    const assembly = readCloudAssembly(manifest, MAX_FILE_BYTES);
    return [...assembly.files, ...assembly.templates.map((t) => t.absolutePath)].filter(
      (file) => file !== absolutePath,
    );
  } catch {
    return []; // `load` reports the problem
  }
}

function openAssembly(input: AdapterInput): { assembly: CloudAssembly; project?: CdkProject } {
  if (isCdkJson(input.absolutePath)) {
    const project = readCdkJson(input.absolutePath, MAX_FILE_BYTES);
    const manifest = join(project.output, 'manifest.json');
    if (!existsSync(manifest)) {
      throw new InputError(
        `no synthesized cloud assembly at ${basename(project.output)}/manifest.json: run "cdk synth" first, or point isolint at the assembly directory`,
        {
          file: input.file,
        },
      );
    }
    return { assembly: readCloudAssembly(manifest, MAX_FILE_BYTES), project };
  }
  const assembly = readCloudAssembly(input.absolutePath, MAX_FILE_BYTES);
  const cdkJson = findCdkJson(assembly.directory);
  return { assembly, project: cdkJson ? readCdkJson(cdkJson, MAX_FILE_BYTES) : undefined };
}

function loadAssembly(input: AdapterInput, assembly: CloudAssembly, project: CdkProject | undefined): GraphFragment {
  const root = rootOfInput(input.file, input.absolutePath);
  const display = (path: string) => displayPathFrom(root, path);
  const fragment: GraphFragment = { nodes: [], edges: [] };
  let sources: AppSources | undefined;
  const appSources = () => {
    if (!sources && tsMorph)
      sources = new AppSources(tsMorph, project ? appSourceFiles(project, MAX_SOURCE_FILES) : []);
    return sources;
  };

  for (const template of assembly.templates) {
    const file = display(template.absolutePath);
    let text: string;
    try {
      // Through the scan's read service: its size cap (--max-file-size), its excludes, inside the scan.
      text = filesOf(input).read(template.absolutePath);
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw new InputError(
        `the assembly names template ${basename(template.absolutePath)}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
        { file: input.file },
      );
    }
    const loaded = cloudFormationAdapter.load({
      file,
      absolutePath: template.absolutePath,
      text,
      files: input.files,
      session: input.session,
    });
    const mapper = new SpanMapper(file, template.resources, appSources, display);
    for (const node of loaded.nodes) fragment.nodes.push(mapper.rewrite(node));
    for (const edge of loaded.edges) fragment.edges.push(mapper.rewrite(edge));
  }
  return fragment;
}

/** A template span kept where it is, with the construct path and the reason it is not a source line. */
class AnnotatedSpan implements SourceSpan {
  constructor(
    private readonly span: SourceSpan,
    readonly logicalLocation: SourceSpan['logicalLocation'],
    readonly locationNote: string | undefined,
  ) {}
  get file() {
    return this.span.file;
  }
  get startLine() {
    return this.span.startLine;
  }
  get startColumn() {
    return this.span.startColumn;
  }
  get endLine() {
    return this.span.endLine;
  }
  get endColumn() {
    return this.span.endColumn;
  }
  get pointer() {
    return this.span.pointer;
  }
  toJSON(): SourceSpan {
    const { file, startLine, startColumn, endLine, endColumn, pointer, logicalLocation, locationNote } = this;
    return {
      file,
      startLine,
      startColumn,
      endLine,
      endColumn,
      ...(pointer ? { pointer } : {}),
      ...(logicalLocation ? { logicalLocation } : {}),
      ...(locationNote ? { locationNote } : {}),
    };
  }
}

/** Moves the spans of one template's graph elements to the app's source, memoised per span. */
class SpanMapper {
  private readonly mapped = new Map<SourceSpan, SourceSpan>();
  private readonly located = new Map<string, SourceLocation | null>();

  constructor(
    private readonly templateFile: string,
    private readonly resources: Map<string, ResourceOrigin>,
    private readonly sources: () => AppSources | undefined,
    private readonly display: (path: string) => string,
  ) {}

  /** A copy of a node or edge whose spans (at any depth: ingress rules, policy statements…) are mapped. */
  rewrite<T>(value: T, depth = 0): T {
    if (depth > 12 || value === null || typeof value !== 'object' || isUnknown(value)) return value;
    if (isSpan(value)) return (value.file === this.templateFile ? this.map(value) : value) as T;
    if (Array.isArray(value)) return (value as unknown[]).map((item) => this.rewrite(item, depth + 1)) as T;
    if (Object.getPrototypeOf(value) !== Object.prototype) return value;
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) copy[key] = this.rewrite(item, depth + 1);
    return copy as T;
  }

  private map(span: SourceSpan): SourceSpan {
    const known = this.mapped.get(span);
    if (known) return known;
    const result = this.compute(span);
    this.mapped.set(span, result);
    return result;
  }

  private compute(span: SourceSpan): SourceSpan {
    const pointer = span.pointer ?? '';
    const parts = pointer.split('/').slice(1).map(unescapePointerToken);
    if (parts[0] !== 'Resources' || !parts[1]) return span;
    const logicalId = parts[1];
    const origin = this.resources.get(logicalId);
    if (!origin) {
      return new AnnotatedSpan(
        span,
        undefined,
        `no construct path for ${logicalId} in the cloud assembly's metadata, so this is the line in the synthesized template`,
      );
    }
    const logicalLocation = { name: logicalId, fullyQualifiedName: origin.constructPath, kind: 'resource' };
    const propertyPath = parts[2] === 'Properties' ? parts.slice(3) : [];
    const location = this.locate(origin, propertyPath);
    if (!location) {
      return new AnnotatedSpan(
        span,
        logicalLocation,
        `no TypeScript source line found for construct ${origin.constructPath}, so this is the line in the synthesized template`,
      );
    }
    return {
      file: this.display(location.file),
      startLine: location.startLine,
      startColumn: location.startColumn,
      endLine: location.endLine,
      endColumn: location.endColumn,
      pointer,
      logicalLocation,
    };
  }

  private locate(origin: ResourceOrigin, propertyPath: string[]): SourceLocation | undefined {
    const key = `${origin.constructPath}\0${propertyPath.join('/')}`;
    if (this.located.has(key)) return this.located.get(key) ?? undefined;
    const frame = origin.trace ? appFrame(origin.trace) : undefined;
    const sources = this.sources();
    let location: SourceLocation | undefined;
    if (sources)
      location = sources.locate(
        origin.constructPath,
        propertyPath,
        frame && existsSync(frame.file) ? frame : undefined,
      );
    else if (frame && existsSync(frame.file))
      location = {
        file: frame.file,
        startLine: frame.line,
        startColumn: frame.column,
        endLine: frame.line,
        endColumn: frame.column + 1,
        via: 'stack-trace',
      };
    this.located.set(key, location ?? null);
    return location;
  }
}

function isSpan(value: object): value is SourceSpan {
  const span = value as Partial<SourceSpan>;
  return typeof span.file === 'string' && typeof span.startLine === 'number' && typeof span.endColumn === 'number';
}

function unescapePointerToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}
