import { basename, join, posix, relative, resolve, sep } from 'node:path';
import { InputError } from '../../errors.js';
import type { SourceSpan, SpanOrigin } from '../../model/source.js';
import { isUnknown, unknown, type Unknown } from '../../model/unknown.js';
import type { AdapterInput, InputFiles, TerraformVariableArgument } from '../adapter.js';
import { filesOf, sessionOf } from '../input-files.js';
import {
  interpolation,
  isReference,
  JsonText,
  pseudoValue,
  reference,
  unknownKeysOf,
  withUnknownKeys,
} from '../aws/values.js';
import { ContainerLocation, setLocation, setOwn } from '../located.js';
import { FunctionError, FUNCTIONS, firstUnknown, IMPURE, sameValue } from './functions.js';
import { parseHcl, type Expr, type HclAttribute, type HclBlock, type HclFile, type TemplatePart } from './hcl.js';

/**
 * Terraform's evaluation of a root module, before its resources are mapped, as
 * https://developer.hashicorp.com/terraform/language describes it: input variables (defaults,
 * terraform.tfvars, *.auto.tfvars in lexical order, then --var-file and --var in command-line order),
 * locals, `count` and `for_each` (one instance per index or key, addressed `aws_instance.web[0]`,
 * `aws_instance.web["a"]`), `dynamic` blocks, splat and `for` expressions, templates with directives, the
 * built-in functions (functions.ts), and module calls: local sources, and remote ones that
 * `terraform init` downloaded (.terraform/modules/modules.json), evaluated with the call's inputs.
 *
 * A null argument is absent (the provider's default applies). What cannot be known is an Unknown whose
 * reason names the expression; a resource attribute is a Reference (an edge). Values keep positions only
 * where they are written in the resource's own block; a value that came from a variable or a module call
 * carries the place it came from as an origin, which findings show as a related location.
 */

/** One directory of .tf files, parsed once and kept as syntax (no parse trees). */
export interface ModuleSource {
  /** Absolute directory. */
  directory: string;
  /** The directory as shown in findings (posix, relative to the scan root where possible). */
  display: string;
  files: Map<string, HclFile | Error>;
  variables: Map<string, Declared>;
  locals: Map<string, { file: HclFile; attribute: HclAttribute }>;
  /** Resources, and data sources as `data.<type>.<name>` (flagged data: read by the mapper, never nodes). */
  resources: Array<{ address: string; file: HclFile; path: string; block: HclBlock; data?: true }>;
  modules: Array<{ name: string; file: HclFile; path: string; block: HclBlock }>;
  outputs: Map<string, { file: HclFile; attribute: HclAttribute }>;
}

interface Declared {
  file: HclFile;
  block: HclBlock;
}

/**
 * What the evaluation reads files with: the scan's files (size cap, excludes, scan root;
 * AdapterInput.files), and this check's parsed module directories, by absolute path, so each file is
 * parsed once per check while it is unchanged (AdapterInput.session: nothing outlives the check).
 */
export interface FileService extends InputFiles {
  readonly parsed: Map<string, { signature: string; source: ModuleSource }>;
}

/** The file service of an adapter input (the scan's files and this check's cache). */
export function fileServiceOf(input: Pick<AdapterInput, 'files' | 'session'>): FileService {
  const files = filesOf(input);
  return {
    read: (path) => files.read(path),
    exists: (path) => files.exists(path),
    isDirectory: (path) => files.isDirectory(path),
    list: (directory) => files.list(directory),
    stamp: (path) => files.stamp(path),
    parsed: sessionOf(input).cache('terraform-module-sources'),
  };
}

function tfFiles(directory: string, files: FileService): string[] {
  return files
    .list(directory)
    .filter((name) => /\.tf$/i.test(name))
    .map((name) => join(directory, name));
}

function signatureOf(paths: string[], files: FileService): string {
  return paths.map((path) => `${path}:${files.stamp(path) ?? ''}`).join('|');
}

/**
 * The directory's module, parsed once. `known` is a file whose text the caller already read (the input
 * being loaded): a cached module is reused only when it holds that same text.
 */
export function moduleSource(
  directory: string,
  display: string,
  files: FileService,
  known?: { path: string; text: string },
): ModuleSource {
  const paths = tfFiles(directory, files);
  if (known && !paths.includes(known.path)) paths.push(known.path);
  const signature = signatureOf(paths, files);
  const cached = files.parsed.get(directory);
  if (cached && cached.signature === signature && cached.source.display === display) {
    const held = known ? cached.source.files.get(known.path) : undefined;
    if (!known || held instanceof Error || held?.text === known.text) return cached.source;
  }
  const source: ModuleSource = {
    directory,
    display,
    files: new Map(),
    variables: new Map(),
    locals: new Map(),
    resources: [],
    modules: [],
    outputs: new Map(),
  };
  const seen = new Set<string>();
  for (const path of paths) {
    try {
      const text = known && path === known.path ? known.text : files.read(path);
      const file = parseHcl(posix.join(display, basename(path)), text);
      source.files.set(path, file);
      for (const block of file.blocks) {
        const [first, second] = block.labels;
        if (block.type === 'variable' && first !== undefined) {
          if (!source.variables.has(first)) source.variables.set(first, { file, block });
        } else if (block.type === 'locals') {
          for (const attribute of block.attributes)
            if (!source.locals.has(attribute.name)) source.locals.set(attribute.name, { file, attribute });
        } else if (block.type === 'resource' && first !== undefined && second !== undefined) {
          const address = `${first}.${second}`;
          // Declared twice: Terraform refuses it; the first declaration is checked.
          if (seen.has(address)) continue;
          seen.add(address);
          source.resources.push({ address, file, path, block });
        } else if (block.type === 'data' && first !== undefined && second !== undefined) {
          // Data sources the mapper reads (aws_iam_policy_document): `data.<type>.<name>`, never nodes themselves.
          const address = `data.${first}.${second}`;
          if (seen.has(address)) continue;
          seen.add(address);
          source.resources.push({ address, file, path, block, data: true });
        } else if (block.type === 'module' && first !== undefined) {
          source.modules.push({ name: first, file, path, block });
        } else if (block.type === 'output' && first !== undefined) {
          const value = block.attributes.find((a) => a.name === 'value');
          if (value) source.outputs.set(first, { file, attribute: value });
        }
      }
    } catch (error) {
      // A file that does not parse is reported when it is loaded itself; its siblings are still checked.
      source.files.set(path, error instanceof Error ? error : new Error(String(error)));
    }
  }
  files.parsed.set(directory, { signature, source });
  return source;
}

/** Local module sources start with ./ or ../ (https://developer.hashicorp.com/terraform/language/modules/sources). */
export function isLocalSource(source: string): boolean {
  return /^\.\.?[\\/]/.test(source) || source === '.' || source === '..';
}

/** One resource instance, shaped like the mapper's input. */
export interface EvaluatedResource {
  /** `aws_instance.web`, `aws_instance.web[0]`, `module.a["x"].aws_instance.this`. */
  address: string;
  type: string;
  values: Record<string, unknown>;
  typeSpan: SourceSpan;
  file: HclFile;
  block: HclBlock;
  /** The root module's file the instance belongs to: its own file, or the file of the module call that made it. */
  owner: string;
  /** A data source (`data.<type>.<name>`): read when something refers to it, never a node. */
  data?: true;
}

export interface EvaluationProblem {
  /** The root module's file whose load reports it. */
  owner: string;
  file: string;
  line: number;
  column: number;
  message: string;
}

export interface RootOptions {
  files: FileService;
  /** CLI --var-file / --var, in order. */
  variables?: readonly TerraformVariableArgument[];
}

/** Evaluates a root module and every module it calls. */
export class RootEvaluation {
  readonly resources: EvaluatedResource[] = [];
  readonly byAddress = new Map<string, EvaluatedResource>();
  /** Base address (no index) → its instances. */
  readonly instancesOf = new Map<string, string[]>();
  readonly problems: EvaluationProblem[] = [];
  readonly root: ModuleInstance;
  private downloaded: Map<string, string> | undefined;
  /** Modules called in this evaluation, by directory: a module called a thousand times is looked up once. */
  readonly called = new Map<string, ModuleSource | undefined>();

  constructor(
    readonly source: ModuleSource,
    readonly options: RootOptions,
  ) {
    this.root = new ModuleInstance(this, source, '', [], rootInputs(source, options), undefined, 0, [source.directory]);
    this.root.expand();
  }

  add(resource: EvaluatedResource, base: string): void {
    if (this.byAddress.has(resource.address)) return;
    this.resources.push(resource);
    this.byAddress.set(resource.address, resource);
    let list = this.instancesOf.get(base);
    if (!list) this.instancesOf.set(base, (list = []));
    list.push(resource.address);
  }

  /** Where `terraform init` put a remote module, by its key (`web`, `web.child`). */
  downloadedModule(key: string): string | undefined {
    if (!this.downloaded) {
      this.downloaded = new Map();
      const manifest = join(this.source.directory, '.terraform', 'modules', 'modules.json');
      try {
        const parsed = JSON.parse(this.options.files.read(manifest)) as { Modules?: Array<Record<string, unknown>> };
        for (const entry of parsed.Modules ?? []) {
          if (typeof entry.Key === 'string' && typeof entry.Dir === 'string')
            this.downloaded.set(entry.Key, resolve(this.source.directory, entry.Dir));
        }
      } catch {
        // No manifest: nothing was downloaded.
      }
    }
    return this.downloaded.get(key);
  }
}

interface Input {
  value: unknown;
  origins: readonly SpanOrigin[];
}

const MAX_MODULE_DEPTH = 16;
const MAX_INSTANCES = 100_000;

/** Values of the root module's variables from tfvars files and the command line (later wins). */
function rootInputs(source: ModuleSource, options: RootOptions): Map<string, Input> {
  const inputs = new Map<string, Input>();
  const directory = source.directory;
  const names = options.files.list(directory);
  const auto = names.filter((n) => /\.auto\.tfvars(\.json)?$/.test(n)).sort();
  const files = [...['terraform.tfvars', 'terraform.tfvars.json'].filter((n) => names.includes(n)), ...auto].map((n) =>
    join(directory, n),
  );
  const read = (path: string, display: string) => {
    const text = options.files.read(path);
    if (path.endsWith('.json')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new InputError('invalid JSON in a variables file', { file: display });
      }
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
        for (const [name, value] of Object.entries(parsed)) inputs.set(name, { value, origins: [] });
      return;
    }
    const file = parseHcl(display, text);
    const constants = new ModuleInstance(undefined, source, '', [], new Map(), undefined, 0, []);
    for (const attribute of file.attributes) {
      const value = constants.constant(attribute.x);
      inputs.set(attribute.name, {
        value,
        origins: [{ span: attributeSpan(file, attribute), label: `value of '${attribute.name}' in ${basename(path)}` }],
      });
    }
  };
  for (const path of files) read(path, posix.join(source.display, basename(path)));
  for (const argument of options.variables ?? []) {
    if ('file' in argument) read(argument.file, argument.file.split(sep).join('/'));
    else {
      const at = argument.assignment.indexOf('=');
      if (at <= 0) continue;
      const name = argument.assignment.slice(0, at).trim();
      const raw = argument.assignment.slice(at + 1);
      const declared = source.variables.get(name);
      const type = declared?.block.attributes.find((a) => a.name === 'type')?.x;
      // -var values are strings unless the variable's type is a collection or structure (then HCL).
      const complex =
        type !== undefined && !(type.k === 'name' && ['string', 'number', 'bool', 'any'].includes(type.name));
      let value: unknown = raw;
      if (complex) {
        try {
          const file = parseHcl('--var', `v = ${raw}\n`);
          const constants = new ModuleInstance(undefined, source, '', [], new Map(), undefined, 0, []);
          value = file.attributes[0] ? constants.constant(file.attributes[0].x) : raw;
        } catch {
          throw new InputError(`--var ${name}: not a valid value for its type`);
        }
      }
      inputs.set(name, { value, origins: [] });
    }
  }
  return inputs;
}

function attributeSpan(file: HclFile, attribute: HclAttribute): SourceSpan {
  const text = file.text;
  let end = attribute.x.e;
  const newline = text.indexOf('\n', attribute.s);
  if (newline >= 0 && newline < end) end = newline;
  while (end > attribute.s && /\s/.test(text[end - 1])) end--;
  return file.document.lines.lazySpan(file.file, attribute.s, end);
}

/** Header spans by block: a child module's block is the header of every instance the calls make of it. */
const headerSpans = new WeakMap<HclBlock, SourceSpan>();

function headerSpan(file: HclFile, block: HclBlock): SourceSpan {
  let span = headerSpans.get(block);
  if (!span) headerSpans.set(block, (span = file.document.lines.lazySpan(file.file, block.s, block.headerEnd)));
  return span;
}

/** The span of a block made by module calls, one per block and chain of calls (the instances of a call share it). */
const originSpans = new WeakMap<readonly SpanOrigin[], Map<HclBlock, SourceSpan>>();

function blockSpanWithOrigins(file: HclFile, block: HclBlock, origins: readonly SpanOrigin[]): SourceSpan {
  let byBlock = originSpans.get(origins);
  if (!byBlock) originSpans.set(origins, (byBlock = new Map<HclBlock, SourceSpan>()));
  let span = byBlock.get(block);
  if (!span) byBlock.set(block, (span = new OriginSpan(headerSpan(file, block), origins)));
  return span;
}

/** A span that also says where its element came from (a resource made by a module call). */
class OriginSpan implements SourceSpan {
  constructor(
    private readonly base: SourceSpan,
    readonly origins: readonly SpanOrigin[],
  ) {}
  get file() {
    return this.base.file;
  }
  get startLine() {
    return this.base.startLine;
  }
  get startColumn() {
    return this.base.startColumn;
  }
  get endLine() {
    return this.base.endLine;
  }
  get endColumn() {
    return this.base.endColumn;
  }
  get pointer() {
    return this.base.pointer;
  }
  toJSON() {
    return (this.base as { toJSON?: () => unknown }).toJSON?.() ?? this.base;
  }
}

/** An error Terraform would report (a missing attribute, a bad index): unknown outside try/can. */
class EvalError extends Error {}

// --- Names that stand for more than a value: `var`, `local`, a resource type, a module, a resource.
abstract class Namespace {
  abstract get(name: string | number): unknown;
  /** What the namespace is when used as a whole value. */
  abstract whole(): unknown;
}

class Lookup extends Namespace {
  constructor(
    private readonly lookup: (name: string) => unknown,
    private readonly what: string,
  ) {
    super();
  }
  get(name: string | number): unknown {
    return this.lookup(String(name));
  }
  whole(): unknown {
    return unknown(`${this.what} used as a whole`);
  }
}

/** A resource instance: its attributes are known after apply, so each is a reference (an edge). */
class ResourceValue extends Namespace {
  constructor(readonly address: string) {
    super();
  }
  get(name: string | number): unknown {
    return reference(this.address, String(name));
  }
  whole(): unknown {
    return reference(this.address);
  }
}

interface Binding {
  value: unknown;
  origins: readonly SpanOrigin[];
}

interface Env {
  bindings: Map<string, Binding> | undefined;
  /** Origins of what the expression read (variables, locals, iterators), collected while it is evaluated. */
  reads: SpanOrigin[] | undefined;
  /** The file whose text the expression is in (for naming expressions in reasons). */
  file: HclFile | undefined;
  /** Containers get positions only when written in the resource's own block. */
  located: boolean;
}

interface Place {
  parent: ContainerLocation | undefined;
  token: string | number | undefined;
}

const MAX_ORIGINS = 4;

/** Arguments of a module block that are Terraform's, not inputs of the module. */
const CALL_META = new Set(['source', 'version', 'count', 'for_each', 'providers', 'depends_on']);

/** Data sources that only say where the module deploys (hashicorp/aws aws_caller_identity, aws_partition, aws_region). */
const DATA_PSEUDO: Record<string, Record<string, 'AccountId' | 'Partition' | 'Region'>> = {
  aws_caller_identity: { account_id: 'AccountId' },
  aws_partition: { partition: 'Partition' },
  aws_region: { name: 'Region', region: 'Region' },
};
const MAX_EVAL_DEPTH = 256;
const MAX_REFERENCE_CHAIN = 128;

export class ModuleInstance {
  private readonly variableValues = new Map<string, Binding>();
  private readonly localValues = new Map<string, Binding>();
  private readonly evaluating = new Set<string>();
  /** Module calls of this instance by name, with their instances by key (number, string, or '' for one). */
  private readonly calls = new Map<
    string,
    { keyed: 'none' | 'count' | 'each'; instances: Map<string | number, ModuleInstance> } | Unknown
  >();
  private readonly resourceKinds = new Map<
    string,
    { keyed: 'none' | 'count' | 'each'; keys: Array<string | number> } | Unknown
  >();
  private depth = 0;

  constructor(
    private readonly root: RootEvaluation | undefined,
    readonly source: ModuleSource,
    /** `module.a.` / `module.a["x"].`, '' for the root. */
    readonly prefix: string,
    /** The module calls that made this instance, innermost first. */
    readonly callOrigins: readonly SpanOrigin[],
    private readonly inputs: Map<string, Input>,
    /** The root file this instance's resources belong to (for a module call: the call's file). */
    private readonly owner: string | undefined,
    private readonly level: number,
    /** Directories of the calls leading here (a module calling itself is refused). */
    private readonly chain: string[],
  ) {}

  private get rootDirectory(): string {
    return this.root?.source.directory ?? this.source.directory;
  }

  // --- expansion: every resource and module instance, in declaration order
  expand(): void {
    if (!this.root) return;
    for (const { name, file, path, block } of this.source.modules) this.expandCall(name, file, path, block);
    for (const declared of this.source.resources) this.expandResource(declared);
  }

  private env(file: HclFile | undefined, bindings?: Map<string, Binding>, located = false): Env {
    return { bindings, reads: undefined, file, located };
  }

  /** Instances of something with count or for_each: [key, bindings] pairs, or an Unknown. */
  private instances(
    block: HclBlock,
    file: HclFile,
  ): { keyed: 'none' | 'count' | 'each'; list: Array<[string | number | undefined, Map<string, Binding>]> } | Unknown {
    const count = block.attributes.find((a) => a.name === 'count');
    const forEach = block.attributes.find((a) => a.name === 'for_each');
    if (count) {
      const env = this.env(file);
      env.reads = [];
      const value = this.safe(count.x, env);
      if (isUnknown(value)) return unknown(`count = ${snippet(file, count.x)} is unknown (${value.reason})`);
      const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
      if (!Number.isInteger(n) || n < 0) return unknown(`count = ${snippet(file, count.x)} is not a whole number`);
      if (n > MAX_INSTANCES) return unknown(`count = ${n} is more instances than isolint expands`);
      const origins = env.reads.slice(0, MAX_ORIGINS);
      return {
        keyed: 'count',
        list: Array.from({ length: n }, (_, i) => [i, new Map([['count', { value: { index: i }, origins }]])]),
      };
    }
    if (forEach) {
      const env = this.env(file);
      env.reads = [];
      const value = this.safe(forEach.x, env);
      const reason = (why: string) => unknown(`for_each = ${snippet(file, forEach.x)} ${why}`);
      if (isUnknown(value)) return reason(`is unknown (${value.reason})`);
      const origins = env.reads.slice(0, MAX_ORIGINS);
      let pairs: Array<[string, unknown]>;
      if (Array.isArray(value)) {
        if (value.some((v) => typeof v !== 'string')) {
          const bad = value.find((v) => isUnknown(v));
          return reason(bad ? `has unknown keys (${bad.reason})` : 'is not a map or a set of strings');
        }
        pairs = [...new Set(value as string[])].sort().map((k) => [k, k]);
      } else if (isMapValue(value)) {
        const partial = unknownKeysOf(value);
        if (partial) return reason(`has unknown keys (${partial.reason})`);
        pairs = Object.keys(value)
          .sort()
          .map((k) => [k, value[k]]);
      } else return reason('is not a map or a set of strings');
      if (pairs.length > MAX_INSTANCES) return reason('has more instances than isolint expands');
      return {
        keyed: 'each',
        list: pairs.map(([key, v]) => [key, new Map([['each', { value: { key, value: v }, origins }]])]),
      };
    }
    return { keyed: 'none', list: [[undefined, new Map<string, Binding>()]] };
  }

  private expandResource(declared: ModuleSource['resources'][number]): void {
    const { address, file, path, block } = declared;
    const instances = this.instances(block, file);
    const base = this.prefix + address;
    let list: Array<[string | number | undefined, Map<string, Binding>]>;
    if (isUnknown(instances)) {
      // One instance stands for all of them: what does not depend on the index or key is still checked.
      this.resourceKinds.set(address, instances);
      list = [
        [
          undefined,
          new Map([
            ['count', { value: { index: instances }, origins: [] }],
            ['each', { value: { key: instances, value: instances }, origins: [] }],
          ]),
        ],
      ];
    } else {
      this.resourceKinds.set(address, { keyed: instances.keyed, keys: instances.list.map(([k]) => k!) });
      list = instances.list;
    }
    for (const [key, bindings] of list) {
      const instanceAddress = base + instanceKey(key);
      const location = new ContainerLocation(undefined, undefined, block.s);
      location.end = block.e;
      if (this.callOrigins.length) location.origins = this.callOrigins;
      const env = this.env(file, bindings, true);
      const values = this.body(block, env, location, 0);
      this.root!.add(
        {
          address: instanceAddress,
          type: block.labels[0],
          values,
          typeSpan: this.callOrigins.length
            ? blockSpanWithOrigins(file, block, this.callOrigins)
            : headerSpan(file, block),
          file,
          block,
          owner: this.owner ?? path,
          ...(declared.data ? { data: true as const } : {}),
        },
        base,
      );
    }
  }

  private expandCall(name: string, file: HclFile, path: string, block: HclBlock): void {
    const root = this.root!;
    const sourceAttribute = block.attributes.find((a) => a.name === 'source');
    const sourceText = sourceAttribute ? this.constant(sourceAttribute.x) : undefined;
    const where = file.document.lines.position(block.s);
    const fail = (message: string) => {
      this.calls.set(name, unknown(message));
      root.problems.push({
        owner: this.owner ?? path,
        file: file.file,
        line: where.line,
        column: where.column,
        message,
      });
    };
    if (typeof sourceText !== 'string') return fail(`module '${name}' has no source isolint can read`);
    let directory: string | undefined;
    if (isLocalSource(sourceText)) directory = resolve(this.source.directory, sourceText);
    else {
      const key = [...this.prefix.matchAll(/module\.([^.[]+)/g)]
        .map((m) => m[1])
        .concat(name)
        .join('.');
      directory = root.downloadedModule(key);
      if (!directory)
        return fail(`module '${name}' (source ${sourceText}) not downloaded; run terraform init to check it`);
    }
    if (this.level + 1 > MAX_MODULE_DEPTH)
      return fail(`module '${name}': modules nested deeper than ${MAX_MODULE_DEPTH}`);
    if (this.chain.includes(directory)) return fail(`module '${name}' calls itself (${sourceText})`);
    if (!root.called.has(directory))
      root.called.set(
        directory,
        root.options.files.isDirectory(directory)
          ? moduleSource(directory, displayOf(directory, root.source, root.source.display), root.options.files)
          : undefined,
      );
    const child = root.called.get(directory);
    if (!child) return fail(`module '${name}': ${sourceText} does not exist`);
    const instances = this.instances(block, file);
    const callOrigin: SpanOrigin = {
      span: headerSpan(file, block),
      label: `module call '${this.prefix}module.${name}'`,
    };
    const list: Array<[string | number | undefined, Map<string, Binding>]> = isUnknown(instances)
      ? [[undefined, new Map()]]
      : instances.list;
    const entry = {
      keyed: isUnknown(instances) ? ('none' as const) : instances.keyed,
      instances: new Map<string | number, ModuleInstance>(),
    };
    this.calls.set(name, entry);
    // What every instance of the call shares is made once: a call with for_each over many keys evaluates only
    // its inputs per instance.
    const arguments_ = block.attributes
      .filter((attribute) => !CALL_META.has(attribute.name))
      .map((attribute) => ({
        attribute,
        origin: { span: attributeSpan(file, attribute), label: `input '${attribute.name}' of module '${name}'` },
      }));
    const callOrigins = [callOrigin, ...this.callOrigins].slice(0, MAX_ORIGINS);
    const chain = [...this.chain, directory];
    const owner = this.owner ?? path;
    for (const [key, bindings] of list) {
      const inputs = new Map<string, Input>();
      for (const { attribute, origin } of arguments_) {
        const env = this.env(file, bindings);
        env.reads = [];
        const value = this.settled(this.safe(attribute.x, env));
        inputs.set(attribute.name, {
          value,
          origins: env.reads.length === 0 ? [origin] : [origin, ...env.reads].slice(0, MAX_ORIGINS),
        });
      }
      const instance = new ModuleInstance(
        root,
        child,
        `${this.prefix}module.${name}${instanceKey(key)}.`,
        callOrigins,
        inputs,
        owner,
        this.level + 1,
        chain,
      );
      entry.instances.set(key ?? '', instance);
      instance.expand();
    }
  }

  // --- values of names
  variable(name: string, env: Env): unknown {
    let binding = this.variableValues.get(name);
    if (!binding) {
      binding = this.computeVariable(name);
      this.variableValues.set(name, binding);
    }
    if (env.reads) addOrigins(env.reads, binding.origins);
    return binding.value;
  }

  private computeVariable(name: string): Binding {
    const declared = this.source.variables.get(name);
    const given = this.inputs.get(name);
    if (!declared) {
      return { value: unknown(`variable ${name} is not declared`), origins: [] };
    }
    const attrs = declared.block.attributes;
    const type = attrs.find((a) => a.name === 'type')?.x;
    const nullable = attrs.find((a) => a.name === 'nullable');
    const defaultAttribute = attrs.find((a) => a.name === 'default');
    const fromDefault = (): Binding => {
      if (!defaultAttribute)
        return { value: unknown(`variable ${name} has no default and no value is given`), origins: [] };
      return {
        value: this.detached(`var.${name}`, () => this.constant(defaultAttribute.x)),
        origins: [{ span: attributeSpan(declared.file, defaultAttribute), label: `default of variable '${name}'` }],
      };
    };
    let binding: Binding = given ?? fromDefault();
    // nullable = false: a null input means the default (https://developer.hashicorp.com/terraform/language/values/variables).
    if (binding.value === null && given && nullable && this.constant(nullable.x) === false) binding = fromDefault();
    if (type && !isUnknown(binding.value)) {
      try {
        binding = { value: this.convert(binding.value, type, 0), origins: binding.origins };
      } catch (error) {
        binding = { value: unknown(`variable ${name}: ${(error as Error).message}`), origins: binding.origins };
      }
    }
    return binding;
  }

  local(name: string, env: Env): unknown {
    let binding = this.localValues.get(name);
    if (!binding) {
      const declared = this.source.locals.get(name);
      if (!declared) binding = { value: unknown(`local ${name} is not declared`), origins: [] };
      else {
        const inner = this.env(declared.file);
        inner.reads = [];
        const value = this.detached(`local.${name}`, () => this.settled(this.safe(declared.attribute.x, inner)));
        binding = { value, origins: inner.reads.slice(0, MAX_ORIGINS) };
      }
      this.localValues.set(name, binding);
    }
    if (env.reads) addOrigins(env.reads, binding.origins);
    return binding.value;
  }

  private detached(name: string, compute: () => unknown): unknown {
    if (this.evaluating.has(name)) return unknown(`${name} refers to itself`);
    // A long chain (local.a = local.b, local.b = local.c, …) recurses once per link: bound it.
    if (this.evaluating.size >= MAX_REFERENCE_CHAIN)
      return unknown(`${name}: a chain of more than ${MAX_REFERENCE_CHAIN} references`);
    this.evaluating.add(name);
    try {
      return compute();
    } finally {
      this.evaluating.delete(name);
    }
  }

  private output(call: ModuleInstance, name: string): unknown {
    const declared = call.source.outputs.get(name);
    if (!declared) throw new EvalError(`module has no output ${name}`);
    return call.detached(`output.${name}`, () => {
      const env = call.env(declared.file);
      return call.settled(call.safe(declared.attribute.x, env));
    });
  }

  private moduleValue(name: string): unknown {
    const entry = this.calls.get(name);
    if (!entry) {
      if (this.source.modules.some((m) => m.name === name))
        return unknown(`output of module ${name}, read before it is evaluated`);
      throw new EvalError(`no module ${name}`);
    }
    if (isUnknown(entry)) return entry;
    const value = (instance: ModuleInstance) => new Lookup((output) => this.output(instance, output), `module.${name}`);
    if (entry.keyed === 'none') {
      const only = entry.instances.get('');
      return only ? value(only) : unknown(`module ${name} has no instance`);
    }
    if (entry.keyed === 'count') return [...entry.instances.values()].map(value);
    return Object.fromEntries([...entry.instances].map(([k, instance]) => [k, value(instance)]));
  }

  private resourceValue(type: string, name: string): unknown {
    const address = `${type}.${name}`;
    const base = this.prefix + address;
    const kind = this.resourceKinds.get(address);
    if (!kind) {
      const declared = this.source.resources.find((r) => r.address === address);
      if (!declared) throw new EvalError(`no resource ${address}`);
      // Declared later in the module: its keys decide how it is addressed.
      const instances = this.instances(declared.block, declared.file);
      if (isUnknown(instances) || instances.keyed === 'none') return new ResourceValue(base);
      if (instances.keyed === 'count') return instances.list.map(([k]) => new ResourceValue(base + instanceKey(k)));
      return Object.fromEntries(instances.list.map(([k]) => [k, new ResourceValue(base + instanceKey(k))]));
    }
    if (isUnknown(kind) || kind.keyed === 'none') return new ResourceValue(base);
    if (kind.keyed === 'count') return kind.keys.map((k) => new ResourceValue(base + instanceKey(k)));
    return Object.fromEntries(kind.keys.map((k) => [k, new ResourceValue(base + instanceKey(k))]));
  }

  /**
   * `data.<type>.<name>`: the deploying account, partition and region are pseudo values (the same for every
   * resource of the module); a data source declared in the module is a reference the mapper follows (an
   * aws_iam_policy_document's json); any other is read at plan time.
   */
  private dataValue(type: string, name: string): unknown {
    const address = `data.${type}.${name}`;
    const reason = `read from a data source at plan time (${address})`;
    const pseudo = Object.hasOwn(DATA_PSEUDO, type) ? DATA_PSEUDO[type] : undefined;
    if (pseudo) {
      const of = (attribute: string) => (Object.hasOwn(pseudo, attribute) ? pseudo[attribute] : undefined);
      return new Lookup((attribute) => {
        const which = of(attribute);
        return which ? pseudoValue(which, reason) : unknown(reason);
      }, address);
    }
    if (this.source.resources.some((r) => r.address === address)) return this.resourceValue('data', `${type}.${name}`);
    return unknown(reason);
  }

  private pathValue(): Record<string, string> {
    const root = this.rootDirectory;
    const own = relative(root, this.source.directory).split(sep).join('/');
    return { module: own === '' ? '.' : own, root: '.', cwd: root };
  }

  /**
   * `True`, `FALSE`: HCL's booleans are `true` and `false` only; any other spelling is a reference to a name
   * nothing declares, which Terraform rejects ("Invalid reference",
   * https://developer.hashicorp.com/terraform/language/expressions/types#bool). A warning at its line, and the
   * value is unknown for that reason, not read as a boolean nor as some unknown value.
   */
  private notABoolean(x: Extract<Expr, { k: 'name' }>, env: Env): never {
    const message = `${x.name} is not a boolean: HCL's are true and false, and Terraform rejects ${x.name} as a reference to nothing; write ${x.name.toLowerCase()}`;
    const file = env.file;
    const root = this.root;
    if (file && root) {
      const owner = this.owner ?? [...this.source.files].find(([, held]) => held === file)?.[0];
      const { line, column } = file.document.lines.position(x.s);
      const seen = root.problems.some((p) => p.file === file.file && p.line === line && p.column === column);
      if (owner !== undefined && !seen) root.problems.push({ owner, file: file.file, line, column, message });
    }
    throw new EvalError(`${x.name} is not an HCL boolean (Terraform rejects it; write ${x.name.toLowerCase()})`);
  }

  private name(name: string, env: Env): unknown {
    const bound = env.bindings?.get(name);
    if (bound) {
      if (env.reads) addOrigins(env.reads, bound.origins);
      return bound.value;
    }
    switch (name) {
      case 'var':
        return new Lookup((n) => this.variable(n, env), 'var');
      case 'local':
        return new Lookup((n) => this.local(n, env), 'local');
      case 'module':
        return new Lookup((n) => this.moduleValue(n), 'module');
      case 'data':
        return new Lookup((type) => new Lookup((n) => this.dataValue(type, n), `data.${type}`), 'data');
      case 'path':
        return this.pathValue();
      case 'terraform':
        return { workspace: 'default' };
      case 'self':
        return unknown('self is known only when Terraform runs');
      case 'each':
      case 'count':
        return unknown(`${name} is used outside a resource or module with ${name === 'each' ? 'for_each' : 'count'}`);
      default:
        if (this.source.resources.some((r) => r.block.labels[0] === name) || /^[a-z0-9]+_/.test(name))
          return new Lookup((n) => this.resourceValue(name, n), name);
        throw new EvalError(`unknown name ${name}`);
    }
  }

  // --- expressions
  /** A value that needs nothing from the module (a default, a tfvars value): variables are unknown there. */
  constant(x: Expr): unknown {
    return this.settled(
      this.safe(x, { bindings: undefined, reads: undefined, file: undefined, located: false }, undefined, true),
    );
  }

  /** An expression whose errors become unknowns naming them. */
  private safe(x: Expr, env: Env, place?: Place, constant = false): unknown {
    try {
      return constant ? this.withoutScope(() => this.evaluate(x, env, place)) : this.evaluate(x, env, place);
    } catch (error) {
      if (error instanceof EvalError || error instanceof FunctionError) return unknown(error.message);
      throw error;
    }
  }

  private constantOnly = false;
  private withoutScope<T>(compute: () => T): T {
    const before = this.constantOnly;
    this.constantOnly = true;
    try {
      return compute();
    } finally {
      this.constantOnly = before;
    }
  }

  /** Namespaces and resource values as plain values: references and unknowns. */
  settled(value: unknown, depth = 0): unknown {
    if (value instanceof ResourceValue) return value.whole();
    if (value instanceof Namespace) return value.whole();
    if (depth > 64 || value === null || typeof value !== 'object' || isUnknown(value) || value instanceof JsonText)
      return value;
    if (Array.isArray(value)) {
      if (!value.some((v) => v instanceof Namespace || (v && typeof v === 'object'))) return value;
      const out = value.map((v) => this.settled(v, depth + 1));
      return out.every((v, i) => v === value[i]) ? value : copyLocation(value, out);
    }
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const s = this.settled(v, depth + 1);
      if (s !== v) changed = true;
      setOwn(out, k, s);
    }
    if (!changed) return value;
    const partial = unknownKeysOf(value);
    if (partial) withUnknownKeys(out, partial);
    return copyLocation(value, out);
  }

  evaluate(x: Expr, env: Env, place?: Place): unknown {
    if (++this.depth > MAX_EVAL_DEPTH) {
      this.depth--;
      return unknown('expression nested too deeply');
    }
    try {
      return this.evaluateInner(x, env, place);
    } finally {
      this.depth--;
    }
  }

  private located(env: Env, place: Place | undefined, x: Expr): ContainerLocation | undefined {
    if (!place || !env.located) return undefined;
    const location = new ContainerLocation(place.parent, place.token, x.s);
    location.end = x.e;
    return location;
  }

  private evaluateInner(x: Expr, env: Env, place: Place | undefined): unknown {
    switch (x.k) {
      case 'lit':
        if (typeof x.v === 'string' && place && env.located) return maybeJson(x.v, undefined);
        return x.v;
      case 'template':
        return this.template(x, env, place);
      case 'tuple': {
        const location = this.located(env, place, x);
        const list: unknown[] = [];
        for (const item of x.items) {
          location?.addItem(item.s, item.e);
          list.push(this.evaluate(item, env, location ? { parent: location, token: list.length } : undefined));
        }
        if (location) setLocation(list, location);
        return list;
      }
      case 'object': {
        const location = this.located(env, place, x);
        const object: Record<string, unknown> = {};
        for (const elem of x.elems) {
          const key = typeof elem.key === 'string' ? elem.key : this.evaluate(elem.key, env);
          if (isUnknown(key)) {
            withUnknownKeys(object, key);
            continue;
          }
          if (typeof key !== 'string' && typeof key !== 'number' && typeof key !== 'boolean')
            throw new EvalError('an object key is not a string');
          const name = String(key);
          location?.addKey(name, elem.ks, elem.ke, elem.value.s, elem.value.e);
          setOwn(
            object,
            name,
            this.evaluate(elem.value, env, location ? { parent: location, token: name } : undefined),
          );
        }
        if (location) setLocation(object, location);
        return object;
      }
      case 'name':
        if (/^(true|false)$/i.test(x.name) && !env.bindings?.has(x.name)) this.notABoolean(x, env);
        if (this.constantOnly) throw new EvalError(`${x.name} cannot be used here (a constant is needed)`);
        return this.name(x.name, env);
      case 'attr':
        return this.step(this.evaluate(x.of, env), x.name);
      case 'index': {
        const key = this.settled(this.evaluate(x.key, env));
        const of = this.evaluate(x.of, env);
        if (isUnknown(key)) return isReference(of) ? of : of instanceof ResourceValue ? of.whole() : key;
        return this.step(of, key as string | number);
      }
      case 'splat': {
        const of = this.evaluate(x.of, env);
        if (isUnknown(of)) return of;
        const items = of === null ? [] : Array.isArray(of) ? of : [of];
        return items.map((item) =>
          this.evaluate(x.each, {
            ...env,
            bindings: new Map([...(env.bindings ?? []), ['\0', { value: item, origins: [] }]]),
          }),
        );
      }
      case 'call':
        return this.call(x, env, place);
      case 'cond': {
        const test = this.settled(this.evaluate(x.test, env));
        if (typeof test === 'boolean' || test === 'true' || test === 'false')
          return this.evaluate(test === true || test === 'true' ? x.yes : x.no, env, place);
        if (!isUnknown(test)) throw new EvalError('the condition is not a bool');
        const a = this.settled(this.evaluate(x.yes, env));
        const b = this.settled(this.evaluate(x.no, env));
        if (!isUnknown(a) && !isUnknown(b) && sameValue(a, b) && (a === null || typeof a !== 'object')) return a;
        return unknown(`depends on ${snippetOf(env, x.test)} (${test.reason})`);
      }
      case 'unary': {
        const v = this.settled(this.evaluate(x.x, env));
        if (isUnknown(v)) return v;
        if (x.op === '!') {
          if (typeof v !== 'boolean') throw new EvalError('! needs a bool');
          return !v;
        }
        if (x.op === '-') return -toNumberValue(v);
        throw new EvalError(`operator ${x.op}`);
      }
      case 'binary':
        return this.binary(x, env);
      case 'for':
        return this.forExpression(x, env);
      case 'bad':
        return unknown(x.reason);
    }
  }

  private step(of: unknown, key: string | number): unknown {
    if (of instanceof Namespace) return of.get(key);
    if (isUnknown(of)) return of;
    if (of === null) throw new EvalError(`cannot read ${JSON.stringify(key)} of null`);
    if (Array.isArray(of)) {
      const index = typeof key === 'number' ? key : /^\d+$/.test(key) ? Number(key) : NaN;
      if (Number.isNaN(index)) throw new EvalError(`a list has no attribute ${key}`);
      if (index < 0 || index >= of.length)
        throw new EvalError(`index ${index} is out of range (${of.length} elements)`);
      return of[index];
    }
    if (typeof of === 'object' && !(of instanceof JsonText)) {
      const record = of as Record<string, unknown>;
      const name = String(key);
      if (Object.prototype.hasOwnProperty.call(record, name)) return record[name];
      const partial = unknownKeysOf(record);
      if (partial) return partial;
      throw new EvalError(`no attribute ${JSON.stringify(name)}`);
    }
    throw new EvalError(`cannot read ${JSON.stringify(key)} of a ${typeof of}`);
  }

  private binary(x: Extract<Expr, { k: 'binary' }>, env: Env): unknown {
    const a = this.settled(this.evaluate(x.a, env));
    if (x.op === '&&' && a === false) return false;
    if (x.op === '||' && a === true) return true;
    const b = this.settled(this.evaluate(x.b, env));
    if (isUnknown(a)) return a;
    if (isUnknown(b)) return b;
    switch (x.op) {
      case '==':
        return sameValue(a, b);
      case '!=':
        return !sameValue(a, b);
      case '&&':
      case '||':
        if (typeof a !== 'boolean' || typeof b !== 'boolean') throw new EvalError(`${x.op} needs bools`);
        return x.op === '&&' ? a && b : a || b;
      case '+':
        return toNumberValue(a) + toNumberValue(b);
      case '-':
        return toNumberValue(a) - toNumberValue(b);
      case '*':
        return toNumberValue(a) * toNumberValue(b);
      case '/':
        return toNumberValue(a) / toNumberValue(b);
      case '%':
        return toNumberValue(a) % toNumberValue(b);
      case '<':
        return toNumberValue(a) < toNumberValue(b);
      case '<=':
        return toNumberValue(a) <= toNumberValue(b);
      case '>':
        return toNumberValue(a) > toNumberValue(b);
      case '>=':
        return toNumberValue(a) >= toNumberValue(b);
      default:
        throw new EvalError(`operator ${x.op}`);
    }
  }

  /** Elements to iterate: a list by index, a map by key in lexical order (as Terraform iterates them). */
  private pairs(value: unknown, what: string): Array<[string | number, unknown]> | Unknown {
    if (isUnknown(value)) return value;
    if (Array.isArray(value)) return value.map((v, i) => [i, v]);
    if (isMapValue(value)) {
      const partial = unknownKeysOf(value);
      if (partial) return partial;
      return Object.keys(value)
        .sort()
        .map((k) => [k, value[k]]);
    }
    if (value === null) throw new EvalError(`${what} over null`);
    throw new EvalError(`${what} over a ${typeof value}`);
  }

  private forExpression(x: Extract<Expr, { k: 'for' }>, env: Env): unknown {
    const collection = this.settled(this.evaluate(x.collection, env));
    const pairs = this.pairs(collection, 'for');
    if (isUnknown(pairs)) return unknown(`for over ${snippetOf(env, x.collection)}: ${pairs.reason}`);
    const out: unknown[] = [];
    const object: Record<string, unknown> = {};
    for (const [k, v] of pairs) {
      const bindings = new Map(env.bindings ?? []);
      if (x.key) bindings.set(x.key, { value: k, origins: [] });
      bindings.set(x.value, { value: v, origins: [] });
      const inner: Env = { ...env, bindings, located: false };
      if (x.cond) {
        const keep = this.settled(this.evaluate(x.cond, inner));
        if (isUnknown(keep)) return unknown(`for condition ${snippetOf(env, x.cond)}: ${keep.reason}`);
        if (keep !== true) continue;
      }
      const value = this.settled(this.evaluate(x.valueExpr, inner));
      if (!x.object) {
        out.push(value);
        continue;
      }
      const key = this.settled(this.evaluate(x.keyExpr!, inner));
      if (isUnknown(key)) return unknown(`for key ${snippetOf(env, x.keyExpr!)}: ${key.reason}`);
      const name = String(key);
      if (x.group) ((object[name] ??= []) as unknown[]).push(value);
      else {
        if (Object.prototype.hasOwnProperty.call(object, name))
          throw new EvalError(`for: duplicate key ${JSON.stringify(name)} (use ... to group)`);
        setOwn(object, name, value);
      }
    }
    return x.object ? object : out;
  }

  private template(x: Extract<Expr, { k: 'template' }>, env: Env, place: Place | undefined): unknown {
    // "${x}" alone is x itself, not its text (a reference stays a reference: `["${aws_security_group.a.id}"]`).
    if (x.parts.length === 1 && x.parts[0].t === 'interp') return this.evaluate(x.parts[0].x, env, place);
    const text = this.templateText(x.parts, env, 0);
    if (isUnknown(text)) return text;
    if (place && env.located) {
      const trimmed = text.trim();
      if (x.heredoc && x.verbatimAt !== undefined && trimmed.startsWith('{') && trimmed.endsWith('}')) {
        const raw = env.file!.text.slice(x.verbatimAt, x.verbatimAt + rawLength(x));
        return new JsonText(raw, x.verbatimAt);
      }
      return maybeJson(text, undefined);
    }
    return text;
  }

  private templateText(parts: TemplatePart[], env: Env, depth: number): string | Unknown {
    if (depth > 32) return unknown('template directives nested too deeply');
    let out = '';
    // The pieces, so ARNs built from a data source or a resource attribute stay readable (values.ts Interpolation).
    const pieces: unknown[] = [];
    let undecided: Unknown | undefined;
    for (const part of parts) {
      if (part.t === 'text') out += part.text;
      else if (part.t === 'interp') {
        const value = this.settled(this.evaluate(part.x, env));
        if (isUnknown(value)) {
          // Inside a directive the pieces cannot be kept in order: the whole template is unknown.
          if (depth > 0) return unknown(`template: ${value.reason}`);
          undecided ??= value;
          if (out) pieces.push(out);
          out = '';
          pieces.push(value);
          continue;
        }
        if (value === null) throw new EvalError('a template interpolates null');
        if (value instanceof JsonText) out += value.text;
        else if (typeof value === 'object') throw new EvalError('a template interpolates a structured value');
        else out += typeof value === 'string' ? value : JSON.stringify(value);
      } else if (part.t === 'if') {
        const test = this.settled(this.evaluate(part.test, env));
        if (isUnknown(test))
          return unknown(`template: %{ if } depends on ${snippetOf(env, part.test)} (${test.reason})`);
        const inner = this.templateText(test === true || test === 'true' ? part.yes : part.no, env, depth + 1);
        if (isUnknown(inner)) return inner;
        out += inner;
      } else {
        const pairs = this.pairs(this.settled(this.evaluate(part.collection, env)), '%{ for }');
        if (isUnknown(pairs))
          return unknown(`template: %{ for } over ${snippetOf(env, part.collection)} (${pairs.reason})`);
        for (const [k, v] of pairs) {
          const bindings = new Map(env.bindings ?? []);
          if (part.key) bindings.set(part.key, { value: k, origins: [] });
          bindings.set(part.value, { value: v, origins: [] });
          const inner = this.templateText(part.body, { ...env, bindings, located: false }, depth + 1);
          if (isUnknown(inner)) return inner;
          out += inner;
        }
      }
    }
    if (undecided) {
      if (out) pieces.push(out);
      return interpolation(pieces, `template: ${undecided.reason}`);
    }
    return out;
  }

  private call(x: Extract<Expr, { k: 'call' }>, env: Env, place: Place | undefined): unknown {
    const name = x.name;
    if (name === 'try') {
      for (const arg of x.args) {
        try {
          return this.settled(this.evaluate(arg, env, place));
        } catch (error) {
          if (!(error instanceof EvalError || error instanceof FunctionError)) throw error;
        }
      }
      throw new EvalError('try: every argument failed');
    }
    if (name === 'can') {
      try {
        const value = this.settled(this.evaluate(x.args[0], env));
        return isUnknown(value) ? unknown(`can(${snippetOf(env, x.args[0])}): ${value.reason}`) : true;
      } catch (error) {
        if (!(error instanceof EvalError || error instanceof FunctionError)) throw error;
        return false;
      }
    }
    // Policy documents: the object itself, with its positions, is what the policy readers take.
    if (
      (name === 'jsonencode' || name === 'tolist' || name === 'toset') &&
      x.args.length === 1 &&
      place &&
      env.located
    ) {
      const value = this.evaluate(x.args[0], env, place);
      if (name !== 'jsonencode' || (value !== null && typeof value === 'object')) return this.settled(value);
    }
    if (name.includes('::')) return unknown(`${name}(…) is a provider function, known only when Terraform runs`);
    if (IMPURE.has(name)) return unknown(`${name}(…) is known only when Terraform runs`);
    let args = x.args.map((arg) => this.settled(this.evaluate(arg, env)));
    if (x.expand && args.length) {
      const last = args[args.length - 1];
      if (isUnknown(last)) return last;
      if (!Array.isArray(last)) throw new EvalError(`${name}: the expanded argument is not a list`);
      args = [...args.slice(0, -1), ...(last as unknown[])];
    }
    if (name === 'merge') {
      // A literal map argument is evaluated again with positions: if it is the only known part, findings
      // land on its keys (OpenStack flavor extra_specs of merge(local.x, {…})).
      const fresh = new Set<unknown>();
      const located = x.args.map((arg, i) => {
        if (x.expand || arg.k !== 'object' || !place || !env.located) return args[i];
        const value = this.settled(this.evaluate(arg, env, place));
        fresh.add(value);
        return value;
      });
      return merge(located, (value) => fresh.has(value));
    }
    // templatefile with a known path reads its template even when some variables are unknown: the result keeps
    // its known text around them (an Interpolation), so a reader can still tell a shell script from cloud-config.
    if (name === 'templatefile' && typeof args[0] === 'string' && args.length === 2 && isMapValue(args[1]))
      return this.fileFunction(name, args, env);
    const shallow = SHALLOW.has(name);
    for (const arg of args) {
      const bad = shallow ? (isUnknown(arg) ? arg : undefined) : firstUnknown(arg);
      if (bad) return isReference(bad) && shallow ? bad : unknown(`${name}(…): ${bad.reason}`);
    }
    switch (name) {
      case 'file':
      case 'fileexists':
      case 'templatefile':
      case 'filebase64':
        return this.fileFunction(name, args, env);
      case 'abspath':
        return resolve(this.rootDirectory, String(args[0]));
      case 'dirname':
        return posix.dirname(String(args[0]));
      case 'basename':
        return posix.basename(String(args[0]));
    }
    const fn = FUNCTIONS[name];
    if (!fn) return unknown(`${name}(…) is not evaluated by isolint`);
    try {
      return fn(args);
    } catch (error) {
      // Bad arguments (an invalid regular expression, a wrong type) are Terraform errors, not isolint's.
      if (error instanceof FunctionError) throw error;
      throw new FunctionError(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private fileFunction(name: string, args: unknown[], env: Env): unknown {
    if (typeof args[0] !== 'string') throw new FunctionError(`${name}: expected a path`);
    const path = resolve(this.rootDirectory, args[0]);
    const files = this.root?.options.files ?? filesOf({});
    if (name === 'fileexists') return files.exists(path);
    let text: string;
    try {
      text = files.read(path);
    } catch (error) {
      if (error instanceof InputError) return unknown(`${name}(${args[0]}): ${error.message}`);
      throw new FunctionError(`${name}: cannot read ${args[0]}`);
    }
    if (name === 'file') return text;
    if (name === 'filebase64') return Buffer.from(text).toString('base64');
    const vars = args[1] ?? {};
    if (!isMapValue(vars)) throw new FunctionError('templatefile: the variables are not a map');
    const marker = 'ISOLINT_TEMPLATE_END';
    let file: HclFile;
    try {
      file = parseHcl(args[0], `t = <<${marker}\n${text}\n${marker}\n`);
    } catch {
      return unknown(`templatefile(${args[0]}): not a valid template`);
    }
    const attribute = file.attributes[0];
    if (!attribute) return '';
    const bindings = new Map<string, Binding>(Object.entries(vars).map(([k, v]) => [k, { value: v, origins: [] }]));
    const result = this.evaluate(attribute.x, { bindings, reads: env.reads, file, located: false });
    return typeof result === 'string' && result.endsWith('\n') ? result.slice(0, -1) : result;
  }

  // --- type conversion (https://developer.hashicorp.com/terraform/language/expressions/type-constraints)
  private convert(value: unknown, type: Expr, depth: number): unknown {
    if (value === null || isUnknown(value) || depth > 32) return value;
    if (type.k === 'name') {
      switch (type.name) {
        case 'string':
          if (typeof value === 'number' || typeof value === 'boolean') return String(value);
          return value;
        case 'number':
          if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
          return value;
        case 'bool':
          if (value === 'true' || value === 'false') return value === 'true';
          return value;
        default:
          return value;
      }
    }
    if (type.k !== 'call') return value;
    const [inner] = type.args;
    switch (type.name) {
      case 'list':
      case 'set':
        if (isMapValue(value) && type.name === 'list') return value;
        return Array.isArray(value) && inner ? value.map((v) => this.convert(v, inner, depth + 1)) : value;
      case 'map':
        return isMapValue(value) && inner
          ? copyKeys(
              value,
              Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.convert(v, inner, depth + 1)])),
            )
          : value;
      case 'tuple':
        return Array.isArray(value) && inner?.k === 'tuple'
          ? (value as unknown[]).map((v, i) => (inner.items[i] ? this.convert(v, inner.items[i], depth + 1) : v))
          : value;
      case 'object': {
        if (!isMapValue(value) || inner?.k !== 'object') return value;
        const out: Record<string, unknown> = {};
        for (const elem of inner.elems) {
          const name = typeof elem.key === 'string' ? elem.key : String(this.constant(elem.key));
          let attributeType = elem.value;
          let fallback: unknown = undefined;
          let optional = false;
          if (attributeType.k === 'call' && attributeType.name === 'optional') {
            optional = true;
            fallback = attributeType.args[1] ? this.constant(attributeType.args[1]) : null;
            attributeType = attributeType.args[0] ?? attributeType;
          }
          if (
            Object.prototype.hasOwnProperty.call(value, name) &&
            !(optional && value[name] === null && fallback !== null)
          )
            setOwn(out, name, this.convert(value[name], attributeType, depth + 1));
          else if (optional) setOwn(out, name, this.convert(fallback, attributeType, depth + 1));
          else if (!unknownKeysOf(value)) throw new EvalError(`attribute ${JSON.stringify(name)} is required`);
        }
        const partial = unknownKeysOf(value);
        if (partial) withUnknownKeys(out, partial);
        return out;
      }
      default:
        return value;
    }
  }

  // --- resource bodies
  /** A block body: attributes (null ones are absent) and nested blocks as lists, `dynamic` blocks expanded. */
  private body(
    block: HclBlock,
    env: Env,
    location: ContainerLocation | undefined,
    depth: number,
  ): Record<string, unknown> {
    const object: Record<string, unknown> = {};
    const meta = depth === 0 ? RESOURCE_META : undefined;
    for (const attribute of block.attributes) {
      if (meta?.has(attribute.name)) continue;
      const reads: SpanOrigin[] = [];
      const value = this.settled(
        this.safe(attribute.x, { ...env, reads }, location ? { parent: location, token: attribute.name } : undefined),
      );
      if (value === null) continue; // null: the argument is absent, so the provider's default applies
      if (location) {
        location.addKey(attribute.name, attribute.s, attribute.nameEnd, attribute.x.s, attribute.x.e);
        if (reads.length) (location.keyOrigins ??= new Map()).set(attribute.name, reads.slice(0, MAX_ORIGINS));
      }
      setOwn(object, attribute.name, value);
    }
    const lists = new Map<string, { list: unknown[]; location: ContainerLocation | undefined }>();
    const listOf = (type: string, at: HclBlock) => {
      let entry = lists.get(type);
      if (!entry) {
        const listLocation = location ? new ContainerLocation(location, type, at.s) : undefined;
        entry = { list: [], location: listLocation };
        lists.set(type, entry);
        location?.addKey(type, at.s, at.headerEnd, at.s, at.e);
        if (listLocation) setLocation(entry.list, listLocation);
        setOwn(object, type, entry.list);
      }
      return entry;
    };
    for (const child of block.blocks) {
      if (depth === 0 && (child.type === 'lifecycle' || child.type === 'provisioner' || child.type === 'connection'))
        continue;
      if (child.type === 'dynamic' && child.labels[0] !== undefined) {
        this.dynamic(child, env, listOf, depth, object);
        continue;
      }
      const entry = listOf(child.type, child);
      const childLocation = entry.location
        ? new ContainerLocation(entry.location, entry.list.length, child.s)
        : undefined;
      if (childLocation) {
        childLocation.end = child.e;
        entry.location!.addItem(child.s, child.e);
        entry.location!.end = child.e;
      }
      entry.list.push(this.body(child, env, childLocation, depth + 1));
    }
    if (location) setLocation(object, location);
    return object;
  }

  private dynamic(
    block: HclBlock,
    env: Env,
    listOf: (type: string, at: HclBlock) => { list: unknown[]; location: ContainerLocation | undefined },
    depth: number,
    object: Record<string, unknown>,
  ): void {
    const type = block.labels[0];
    const forEach = block.attributes.find((a) => a.name === 'for_each');
    const iteratorAttribute = block.attributes.find((a) => a.name === 'iterator');
    const iterator = iteratorAttribute?.x.k === 'name' ? iteratorAttribute.x.name : type;
    const content = block.blocks.find((b) => b.type === 'content');
    if (!forEach || !content) return;
    const reads: SpanOrigin[] = [];
    const collection = this.settled(this.safe(forEach.x, { ...env, reads, located: false }));
    let pairs: Array<[string | number, unknown]> | Unknown;
    try {
      pairs = this.pairs(collection, 'dynamic for_each');
    } catch (error) {
      pairs = unknown((error as Error).message);
    }
    if (isUnknown(pairs)) {
      // The blocks cannot be known; static blocks of the same type stay as they are.
      if (!Object.prototype.hasOwnProperty.call(object, type))
        setOwn(object, type, unknown(`dynamic "${type}" for_each = ${snippetOf(env, forEach.x)}: ${pairs.reason}`));
      return;
    }
    const origins = reads.slice(0, MAX_ORIGINS);
    for (const [key, value] of pairs) {
      const entry = listOf(type, block);
      const bindings = new Map(env.bindings ?? []);
      bindings.set(iterator, { value: { key, value }, origins });
      const childLocation = entry.location
        ? new ContainerLocation(entry.location, entry.list.length, content.s)
        : undefined;
      if (childLocation) {
        childLocation.end = content.e;
        entry.location!.addItem(block.s, block.e);
        entry.location!.end = block.e;
      }
      entry.list.push(this.body(content, { ...env, bindings }, childLocation, depth + 1));
    }
  }
}

/** Resource arguments that are Terraform's, not the provider's. */
const RESOURCE_META = new Set(['count', 'for_each', 'provider', 'depends_on']);

/** Functions that look only at the outside of their arguments: unknown elements pass through. */
const SHALLOW = new Set([
  'concat',
  'coalesce',
  'coalescelist',
  'compact',
  'flatten',
  'element',
  'lookup',
  'slice',
  'reverse',
  'tolist',
  'toset',
  'tomap',
  'length',
  'keys',
  'one',
  'values',
  'try',
  'chunklist',
  'setunion',
]);

/** merge(a, b, …): later maps win; keys after the last unknown argument are known even so. */
function merge(args: unknown[], isFresh: (value: unknown) => boolean = () => false): unknown {
  if (args.some((value) => value !== null && !isUnknown(value) && !isMapValue(value)))
    throw new FunctionError('merge of a non-map');
  const lastUnknown = args.findLastIndex((value) => isUnknown(value));
  if (lastUnknown === args.length - 1 && args.length > 0) return args[lastUnknown];
  const merged: Record<string, unknown> = {};
  for (const value of args.slice(lastUnknown + 1)) if (value !== null) Object.assign(merged, value);
  const before = args.slice(0, lastUnknown + 1).find((v) => isMapValue(v) && unknownKeysOf(v));
  const partial = lastUnknown >= 0 ? (args[lastUnknown] as Unknown) : before ? unknownKeysOf(before) : undefined;
  // One literal map after the unknown part keeps its positions (findings land on its keys).
  const known = args.slice(lastUnknown + 1).filter((v) => v !== null);
  const result = known.length === 1 && (!partial || isFresh(known[0])) ? (known[0] as Record<string, unknown>) : merged;
  for (const value of args.slice(lastUnknown + 1))
    if (isMapValue(value) && unknownKeysOf(value)) withUnknownKeys(result, unknownKeysOf(value)!);
  if (partial) withUnknownKeys(result, partial);
  return result;
}

/** Length of a heredoc's text as written (its single literal part, before indentation is stripped). */
function rawLength(x: Extract<Expr, { k: 'template' }>): number {
  return x.parts.length === 1 && x.parts[0].t === 'text' && x.verbatimEnd !== undefined
    ? x.verbatimEnd - x.verbatimAt!
    : 0;
}

function isMapValue(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !isUnknown(value) &&
    !(value instanceof JsonText) &&
    !(value instanceof Namespace)
  );
}

function toNumberValue(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  throw new EvalError('an arithmetic operand is not a number');
}

function maybeJson(text: string, offset: number | undefined): unknown {
  const trimmed = text.trim();
  return trimmed.startsWith('{') && trimmed.endsWith('}') ? new JsonText(text, offset) : text;
}

function instanceKey(key: string | number | undefined): string {
  if (key === undefined) return '';
  return typeof key === 'number' ? `[${key}]` : `[${JSON.stringify(key)}]`;
}

function addOrigins(into: SpanOrigin[], origins: readonly SpanOrigin[]): void {
  for (const origin of origins) {
    if (into.length >= MAX_ORIGINS) return;
    if (!into.includes(origin)) into.push(origin);
  }
}

function copyLocation<T extends object>(from: object, to: T): T {
  const symbols = Object.getOwnPropertySymbols(from);
  for (const symbol of symbols) {
    const descriptor = Object.getOwnPropertyDescriptor(from, symbol)!;
    Object.defineProperty(to, symbol, descriptor);
  }
  return to;
}

function copyKeys<T extends object>(from: object, to: T): T {
  const partial = unknownKeysOf(from);
  return partial ? withUnknownKeys(to, partial) : to;
}

function snippet(file: HclFile, x: Expr): string {
  const text = file.text.slice(x.s, x.e).replace(/\s+/g, ' ');
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function snippetOf(env: Env, x: Expr): string {
  return env.file ? snippet(env.file, x) : 'an expression';
}

/** A module directory as shown in findings: relative to the root module's display directory. */
function displayOf(directory: string, root: ModuleSource, rootDisplay: string): string {
  const path = relative(root.directory, directory).split(sep).join('/');
  return posix.normalize(posix.join(rootDisplay, path));
}
