import type { Document, Node as YamlNode, Tags, YAMLMap, YAMLSeq } from 'yaml';
import { InputError } from '../errors.js';
import { LineIndex, escapePointerToken, type SourceSpan, type SpanOrigin } from '../model/source.js';
import type { ContainerIndex, JsonStructure } from './json-structure.js';
import { lazyModule } from './lazy-module.js';

/** The YAML parser, loaded when the first YAML text is parsed (JSON and HCL inputs never need it). */
export const yamlParser = lazyModule<typeof import('yaml')>('yaml');

/**
 * A parsed YAML or JSON document as plain JavaScript values, plus where every object, key and array
 * item came from. Adapters read the plain values and ask for spans by (container, key), so they stay
 * free of parser types and every format keeps exact positions.
 */

/** Deeper documents are refused: no real manifest nests this far, and recursion must stay bounded. */
export const MAX_DEPTH = 256;
/** Aliases may share a node, but the expanded document must stay this small (alias bombs). */
export const MAX_EXPANDED_NODES = 2_000_000;

/**
 * Where one object or array came from, as character offsets. Offsets sit in one flat array (four per
 * key: key start/end, value start/end; two per item) and the JSON pointer is derived from the parent
 * chain on demand: large inputs have millions of keys, and an object per key made garbage collection
 * the main cost of reading them.
 */
const SCAN_LIMIT = 16;

export class ContainerLocation {
  end: number;
  /** Object keys in document order; key i's four offsets start at offsets[4 * i]. */
  keys: string[] | undefined;
  readonly offsets: number[] = [];

  constructor(
    readonly parent: ContainerLocation | undefined,
    readonly token: string | number | undefined,
    readonly start: number,
  ) {
    this.end = start;
  }

  addKey(key: string, keyStart: number, keyEnd: number, valueStart: number, valueEnd: number): void {
    const keys = (this.keys ??= []);
    keys.push(key);
    this.offsets.push(keyStart, keyEnd, valueStart, valueEnd);
    if (this.index) this.index.set(key, keys.length - 1);
    else if (keys.length > SCAN_LIMIT) this.index = new Map(keys.map((k, i) => [k, i]));
  }

  /** Index of a key's offsets, or undefined. Most objects have a few keys: a scan beats a Map per object. */
  keyOffset(key: string): number | undefined {
    const keys = this.keys;
    if (!keys) return undefined;
    const index = this.index ? this.index.get(key) : keys.indexOf(key);
    return index === undefined || index < 0 ? undefined : index * 4;
  }

  /** Objects with many keys (hostile or generated) get an index, so lookups stay linear overall. */
  private index: Map<string, number> | undefined;

  addItem(start: number, end: number): void {
    this.offsets.push(start, end);
  }

  // --- values evaluated elsewhere (Terraform variables and modules; src/ingest/terraform/evaluate.ts)
  /** Where this whole container came from (the module call that made a resource). */
  origins: readonly SpanOrigin[] | undefined;
  /** Where the value of one key came from (the variable default an attribute used). */
  keyOrigins: Map<string | number, readonly SpanOrigin[]> | undefined;

  /** Origins of a key's value and of every container around it. */
  originsOf(key: string | number | undefined): SpanOrigin[] | undefined {
    let found: SpanOrigin[] | undefined;
    let token = key;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- a loop up the parents: deep hostile nesting must not recurse
    for (let at: ContainerLocation | undefined = this; at; token = at.token, at = at.parent) {
      const own = token === undefined ? undefined : at.keyOrigins?.get(token);
      for (const list of [own, at.origins])
        if (list) for (const origin of list) if (!(found ??= []).includes(origin)) found.push(origin);
    }
    return found;
  }

  get pointer(): string {
    const tokens: Array<string | number> = [];
    // A loop up the parents, not recursion: hostile nesting thousands deep cannot overflow the stack.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    for (let at: ContainerLocation | undefined = this; at?.parent; at = at.parent) tokens.push(at.token!);
    return tokens
      .reverse()
      .map((t) => `/${escapePointerToken(t)}`)
      .join('');
  }
}

/**
 * Kept on the container itself under a symbol: Object.keys, for…in, JSON.stringify and schema
 * validation never see it, and unlike a WeakMap it costs the garbage collector nothing extra.
 */
const LOCATION = Symbol('isolint.location');

export function setLocation(container: object, location: ContainerLocation): void {
  // Not enumerable: spreads, deep equality and serialisers see plain data.
  Object.defineProperty(container, LOCATION, { value: location, configurable: true });
}

function locationOf(container: object): ContainerLocation | undefined {
  return (container as { [LOCATION]?: ContainerLocation })[LOCATION];
}

/** Where a container's positions are: recorded with it, or an index into a JSON text's structure. */
type LocationRef = ContainerLocation | number | undefined;

/** How a text's JSON structure is attached to a document read by the native JSON parser (json.ts). */
export interface JsonIndex {
  structure: JsonStructure;
  containers: ContainerIndex;
}

export class LocatedDocument {
  /** Spans are made from the text alone, so what holds spans never keeps the parsed values alive. */
  private readonly spans: TextSpans;
  private readonly containers: ContainerIndex | undefined;

  constructor(
    readonly file: string,
    readonly text: string,
    readonly value: unknown,
    readonly lines: LineIndex,
    json?: JsonIndex,
  ) {
    this.spans = new TextSpans(file, text, lines, json?.structure);
    this.containers = json?.containers;
  }

  private ref(container: object | undefined): LocationRef {
    if (!container) return undefined;
    // A document read by JSON.parse has no recorded locations: no symbol lookup up the prototype chain.
    return this.containers ? this.containers.indexOf(container) : locationOf(container);
  }

  /**
   * Spans of objects' properties by name, computed when first asked for (most elements never get a
   * finding). With a nested container too (a host's rootOfTrust), its keys win, as when spreading them. Holds
   * only the containers' locations, not the containers: a large input's parsed values can be freed
   * once its graph nodes are built.
   */
  lazySpans(container: object | undefined, nested?: object): Record<string, SourceSpan> {
    const spans = new LazySpans(this.spans, this.ref(container), nested ? this.ref(nested) : undefined);
    return new Proxy(spans, LAZY_SPANS_HANDLER) as unknown as Record<string, SourceSpan>;
  }

  /** JSON pointer of a container (object or array) in this document. */
  pointerOf(container: object): string {
    return this.spans.resolve(this.ref(container))?.pointer ?? '';
  }

  /** The span of a whole object or array, trimmed to where its text ends. */
  spanOf(container: object): SourceSpan {
    return new DeferredSpan(this.spans, this.ref(container), WHOLE, undefined);
  }

  /**
   * The span of one property of an object: from the key to the end of the value when the value sits
   * on the key's line, else the key alone (a finding should cover one line: GitHub shows a multi-line region as one block).
   * For an array, the first line of the item at `key`. Falls back to the container when the key is absent.
   */
  spanOfKey(container: object, key: string | number): SourceSpan {
    return new DeferredSpan(this.spans, this.ref(container), KEY, key);
  }

  /** The span of a property's value only (e.g. a PCR hex string), its first line. */
  spanOfValue(container: object, key: string | number): SourceSpan {
    return new DeferredSpan(this.spans, this.ref(container), VALUE, key);
  }

  /** Whether a container came from this document's text (values computed by an adapter have no location). */
  locates(container: object): boolean {
    return this.ref(container) !== undefined;
  }

  hasKey(container: object, key: string): boolean {
    const ref = this.ref(container);
    // A container JSON.parse built has exactly the keys of its text (duplicates send the text to the full
    // parser), as long as adapters do not add or delete keys of parsed values. An array has no keys here.
    if (typeof ref === 'number')
      return !Array.isArray(container) && Object.prototype.hasOwnProperty.call(container, key);
    return ref?.keyOffset(key) !== undefined;
  }
}

const WHOLE = 0;
const KEY = 1;
const VALUE = 2;

/**
 * A span worked out only when first read: every graph element has a few, few are ever shown, and
 * offsets, lines and pointers computed up front were a measurable share of reading a large estate.
 * (Its getters repeat OffsetSpan's in src/model/source.ts on purpose: with a shared base class, building
 * a million of these as derived instances made a 100k-node check 15 % slower.)
 */
class DeferredSpan implements SourceSpan {
  private resolved: SourceSpan | undefined;

  constructor(
    private readonly spans: TextSpans,
    private readonly ref: LocationRef,
    private readonly part: typeof WHOLE | typeof KEY | typeof VALUE,
    private readonly key: string | number | undefined,
  ) {}

  get file(): string {
    return this.spans.file;
  }

  private get span(): SourceSpan {
    if (!this.resolved) {
      const where = this.spans.resolve(this.ref);
      this.resolved =
        this.part === WHOLE
          ? this.spans.whole(where)
          : this.part === KEY
            ? this.spans.key(where, this.key!)
            : this.spans.value(where, this.key!);
    }
    return this.resolved;
  }

  get startLine(): number {
    return this.span.startLine;
  }

  get startColumn(): number {
    return this.span.startColumn;
  }

  get endLine(): number {
    return this.span.endLine;
  }

  get endColumn(): number {
    return this.span.endColumn;
  }

  get pointer(): string | undefined {
    return this.span.pointer;
  }

  get origins(): readonly SpanOrigin[] | undefined {
    const where = typeof this.ref === 'number' ? undefined : this.ref;
    return where?.originsOf(this.part === WHOLE ? undefined : this.key);
  }

  toJSON(): SourceSpan {
    const { file, startLine, startColumn, endLine, endColumn, pointer } = this.span;
    return pointer === undefined
      ? { file, startLine, startColumn, endLine, endColumn }
      : { file, startLine, startColumn, endLine, endColumn, pointer };
  }
}

/** Spans of one text, from container locations. */
class TextSpans {
  constructor(
    readonly file: string,
    readonly text: string,
    readonly lines: LineIndex,
    private readonly structure: JsonStructure | undefined,
  ) {}

  resolve(ref: LocationRef): ContainerLocation | undefined {
    return typeof ref === 'number' ? this.structure!.location(ref) : ref;
  }

  // Pointers are worked out as a span is resolved, not kept as closures over the container: a resolved
  // span then holds no container locations, and those of a JSON text can be let go (json-structure.ts).
  whole(where: ContainerLocation | undefined): SourceSpan {
    if (!where) return this.lines.span(this.file, 0, 0);
    return this.rangeSpan(where.start, where.end, where.pointer);
  }

  key(where: ContainerLocation | undefined, key: string | number): SourceSpan {
    if (!where) return this.lines.span(this.file, 0, 0);
    if (typeof key === 'number' && !where.keys) {
      const at = key * 2;
      if (at + 1 < where.offsets.length)
        return this.rangeSpan(where.offsets[at], where.offsets[at + 1], `${where.pointer}/${key}`, true);
      return this.rangeSpan(where.start, where.end, where.pointer);
    }
    const at = where.keyOffset(String(key));
    if (at === undefined) return this.rangeSpan(where.start, where.end, where.pointer);
    const pointer = `${where.pointer}/${escapePointerToken(key)}`;
    const offsets = where.offsets;
    const keyStart = offsets[at];
    const end = this.trimEnd(offsets[at + 2], offsets[at + 3]);
    const sameLine = !/[\r\n]/.test(this.text.slice(keyStart, end));
    return this.lines.span(this.file, keyStart, sameLine ? end : offsets[at + 1], pointer);
  }

  value(where: ContainerLocation | undefined, key: string | number): SourceSpan {
    if (!where) return this.lines.span(this.file, 0, 0);
    if (typeof key === 'number' && !where.keys) return this.key(where, key);
    const at = where.keyOffset(String(key));
    if (at === undefined) return this.rangeSpan(where.start, where.end, where.pointer);
    return this.rangeSpan(
      where.offsets[at + 2],
      where.offsets[at + 3],
      `${where.pointer}/${escapePointerToken(key)}`,
      true,
    );
  }

  private rangeSpan(start: number, end: number, pointer: string, firstLineOnly = false): SourceSpan {
    let last = this.trimEnd(start, end);
    if (firstLineOnly) {
      const lineEnd = this.text.slice(start, last).search(/[\r\n]/);
      if (lineEnd >= 0) last = this.trimEnd(start, start + lineEnd);
    }
    return this.lines.span(this.file, start, last, pointer);
  }

  /** Parser ranges include trailing blanks and newlines; a span should end at its last character. */
  private trimEnd(start: number, end: number): number {
    let last = Math.min(end, this.text.length);
    while (last > start && /\s/.test(this.text[last - 1])) last--;
    return last;
  }
}

/** The state behind `lazySpans`: one small object per element, one shared Proxy handler for all. */
class LazySpans {
  cache: Map<string, SourceSpan | undefined> | undefined;

  constructor(
    readonly spans: TextSpans,
    readonly outer: LocationRef,
    readonly nested: LocationRef,
  ) {}

  owner(key: string): ContainerLocation | undefined {
    for (const ref of [this.nested, this.outer]) {
      const location = this.spans.resolve(ref);
      if (location && location.keyOffset(key) !== undefined) return location;
    }
    return undefined;
  }

  span(key: string): SourceSpan | undefined {
    this.cache ??= new Map();
    if (!this.cache.has(key)) {
      const location = this.owner(key);
      this.cache.set(key, location ? this.spans.key(location, key) : undefined);
    }
    return this.cache.get(key);
  }

  keys(): string[] {
    return [...new Set([this.outer, this.nested].flatMap((ref) => this.spans.resolve(ref)?.keys ?? []))];
  }
}

const LAZY_SPANS_HANDLER: ProxyHandler<LazySpans> = {
  get: (target, key) => (typeof key === 'string' ? target.span(key) : undefined),
  has: (target, key) => typeof key === 'string' && target.owner(key) !== undefined,
  ownKeys: (target) => target.keys(),
  getOwnPropertyDescriptor: (target, key) =>
    typeof key === 'string' && target.owner(key)
      ? { enumerable: true, configurable: true, value: target.span(key) }
      : undefined,
};

/** Sets a key without ever touching a prototype: `__proto__` and friends are plain data. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

export function tooDeep(file: string, lines: LineIndex, offset: number): InputError {
  const { line, column } = lines.position(offset);
  return new InputError(`nesting deeper than ${MAX_DEPTH} levels`, { file, line, column });
}

// ---------------------------------------------------------------------------------------------
// YAML (1.2 core schema: `yes`/`no` stay strings; local tags such as CloudFormation's !Ref are handed
// to the caller's `tagged` so other adapters can reuse this walker)

export interface YamlOptions {
  /** Builds a value for a tagged node (e.g. `!Ref x` → `{Ref: "x"}`); undefined leaves it as is. */
  tagged?: (tag: string, value: unknown) => unknown;
  /**
   * Local tags the caller handles in `tagged` (`!Ref`, `!Sub`…). Registered with the parser as tags that keep
   * the node as written, so it does not build a warning, stack trace included, for every one it meets.
   */
  knownTags?: readonly string[];
}

const identityTags = new Map<readonly string[], Tags>();

/** For each tag, a scalar, a sequence and a mapping form that resolve to what an untagged node would. */
export function identityYamlTags(names: readonly string[]): Tags {
  let tags = identityTags.get(names);
  if (!tags) {
    const { YAMLMap, YAMLSeq } = yamlParser();
    tags = names.flatMap((tag) => [
      { tag, resolve: (value: string) => value },
      { tag, collection: 'seq' as const, nodeClass: YAMLSeq, resolve: (seq: YAMLSeq) => seq },
      { tag, collection: 'map' as const, nodeClass: YAMLMap, resolve: (map: YAMLMap) => map },
    ]) as unknown as Tags;
    identityTags.set(names, tags);
  }
  return tags;
}

export function parseYaml(file: string, text: string, options: YamlOptions = {}): LocatedDocument[] {
  const lines = new LineIndex(text);
  const { Composer } = yamlParser();
  const composer = new Composer({
    version: '1.2',
    schema: 'core',
    uniqueKeys: true,
    prettyErrors: false,
    keepSourceTokens: false,
    ...(options.knownTags ? { customTags: identityYamlTags(options.knownTags) } : {}),
  });
  // What parseAllDocuments does, with the parser's depth watched: the composer recurses once per level,
  // so 10^5 nested block sequences (`- - - … 1`) would overflow the stack before any limit of ours ran.
  const documents = Array.from(composer.compose(depthLimitedTokens(file, text, lines)));
  return documents.map((document) => buildYamlDocument(file, text, lines, document, options));
}

/**
 * The YAML CST tokens of `text`, refused past MAX_DEPTH with the message JSON gives. The parser keeps its
 * open collections on a stack (plus the document and the token being read): its length is the nesting.
 */
function* depthLimitedTokens(file: string, text: string, lines: LineIndex) {
  const { Lexer, Parser } = yamlParser();
  const parser = new Parser();
  for (const lexeme of new Lexer().lex(text)) {
    yield* parser.next(lexeme);
    if (parser.stack.length > MAX_DEPTH + 2) throw tooDeep(file, lines, parser.offset);
  }
  yield* parser.end();
}

function buildYamlDocument(
  file: string,
  text: string,
  lines: LineIndex,
  document: Document.Parsed,
  options: YamlOptions,
): LocatedDocument {
  const { isAlias, isMap, isScalar, isSeq } = yamlParser();
  const error = document.errors[0];
  if (error) {
    const { line, column } = lines.position(error.pos[0]);
    throw new InputError(`invalid YAML: ${firstSentence(error.message)}`, { file, line, column });
  }
  const built = new Map<YamlNode, unknown>();
  /** Collections being built: an alias to one of them is a cycle. */
  const open = new Set<YamlNode>();
  const expandedSize = new Map<YamlNode, number>();
  let expanded = 0;
  const fail = (message: string, offset: number) => {
    const { line, column } = lines.position(offset);
    return new InputError(message, { file, line, column });
  };

  const build = (
    node: YamlNode | null,
    parent: ContainerLocation | undefined,
    token: string | number | undefined,
    depth: number,
  ): unknown => {
    if (node === null) return null;
    if (depth > MAX_DEPTH) throw tooDeep(file, lines, node.range?.[0] ?? 0);
    if (isAlias(node)) {
      const target = node.resolve(document);
      if (!target) throw fail(`alias *${node.source} has no anchor`, node.range?.[0] ?? 0);
      // `&a [1, *a]`: the value would contain itself, and every walker after this one would loop.
      if (open.has(target))
        throw fail(`alias *${node.source} is inside its own anchor (a cycle)`, node.range?.[0] ?? 0);
      // An alias shares the anchored value; count what it would expand to so alias bombs stay refused.
      expanded += sizeOf(target);
      if (expanded > MAX_EXPANDED_NODES)
        throw fail(`aliases expand to more than ${MAX_EXPANDED_NODES} nodes`, node.range?.[0] ?? 0);
      return built.has(target) ? built.get(target) : build(target, parent, token, depth + 1);
    }
    const start = node.range?.[0] ?? 0;
    const end = node.range?.[1] ?? start;
    let value: unknown;
    if (isMap(node)) {
      const object: Record<string, unknown> = {};
      const location = new ContainerLocation(parent, token, start);
      location.end = end;
      built.set(node, object);
      open.add(node);
      for (const pair of node.items) {
        const keyNode = pair.key as YamlNode | null;
        if (!isScalar(keyNode))
          throw fail('only plain keys are supported (not lists or maps as keys)', keyNode?.range?.[0] ?? start);
        const key = String(keyNode.value);
        const valueNode = pair.value as YamlNode | null;
        const keyStart = keyNode.range?.[0] ?? start;
        const keyEnd = keyNode.range?.[1] ?? keyStart;
        location.addKey(key, keyStart, keyEnd, valueNode?.range?.[0] ?? keyStart, valueNode?.range?.[1] ?? keyEnd);
        setOwn(object, key, build(valueNode, location, key, depth + 1));
      }
      open.delete(node);
      setLocation(object, location);
      value = object;
    } else if (isSeq(node)) {
      const array: unknown[] = [];
      const location = new ContainerLocation(parent, token, start);
      location.end = end;
      built.set(node, array);
      open.add(node);
      node.items.forEach((item, i) => {
        const itemNode = item as YamlNode | null;
        location.addItem(itemNode?.range?.[0] ?? start, itemNode?.range?.[1] ?? end);
        array.push(build(itemNode, location, i, depth + 1));
      });
      open.delete(node);
      setLocation(array, location);
      value = array;
    } else if (isScalar(node)) {
      value = node.value;
    } else {
      value = null;
    }
    const tag = (node as { tag?: string }).tag;
    if (tag && tag.startsWith('!') && !tag.startsWith('!!') && options.tagged) {
      const replaced = options.tagged(tag, value);
      if (replaced !== undefined) {
        if (typeof replaced === 'object' && replaced !== null) {
          const location = new ContainerLocation(parent, token, start);
          location.end = end;
          setLocation(replaced, location);
        }
        value = replaced;
      }
    }
    built.set(node, value);
    return value;
  };

  const sizeOf = (node: YamlNode): number => {
    const known = expandedSize.get(node);
    if (known !== undefined) return known;
    expandedSize.set(node, 1); // cycles count once
    let size = 1;
    if (isAlias(node)) {
      const target = node.resolve(document);
      size = target ? sizeOf(target) : 1;
    } else if (isMap(node)) {
      for (const pair of node.items) size += 1 + (pair.value ? sizeOf(pair.value as YamlNode) : 0);
    } else if (isSeq(node)) {
      for (const item of node.items) size += item ? sizeOf(item as YamlNode) : 1;
    }
    size = Math.min(size, MAX_EXPANDED_NODES + 1);
    expandedSize.set(node, size);
    return size;
  };

  const value = build(document.contents, undefined, undefined, 0);
  return new LocatedDocument(file, text, value, lines);
}

function firstSentence(message: string): string {
  return message
    .split(/\n/)[0]
    .replace(/\s+at line \d+, column \d+:?$/, '')
    .trim();
}
