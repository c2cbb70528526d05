import * as jsonc from 'jsonc-parser';
import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, type Document, type Node as YamlNode } from 'yaml';
import { InputError } from '../errors.js';
import { LineIndex, escapePointerToken, type SourceSpan } from '../model/source.js';

/**
 * A parsed YAML or JSON document as plain JavaScript values, plus where every object, key and array
 * item came from. Adapters read the plain values and ask for spans by (container, key), so they stay
 * free of parser types and every format keeps exact positions.
 */
export interface TextRange {
  start: number;
  end: number;
}

interface ContainerLocation {
  pointer: string;
  range: TextRange;
  /** Object keys: the key's own range and the value's range. */
  keys?: Map<string, { key: TextRange; value: TextRange }>;
  /** Array items. */
  items?: TextRange[];
}

/** Deeper documents are refused: no real manifest nests this far, and recursion must stay bounded. */
export const MAX_DEPTH = 256;
/** Aliases may share a node, but the expanded document must stay this small (alias bombs). */
export const MAX_EXPANDED_NODES = 2_000_000;

export class LocatedDocument {
  constructor(
    readonly file: string,
    readonly text: string,
    readonly value: unknown,
    readonly lines: LineIndex,
    private readonly locations: WeakMap<object, ContainerLocation>,
  ) {}

  /** JSON pointer of a container (object or array) in this document. */
  pointerOf(container: object): string {
    return this.locations.get(container)?.pointer ?? '';
  }

  /** The span of a whole object or array, trimmed to where its text ends. */
  spanOf(container: object): SourceSpan {
    const where = this.locations.get(container);
    if (!where) return this.lines.span(this.file, 0, 0);
    return this.rangeSpan(where.range, where.pointer);
  }

  /**
   * The span of one property of an object: from the key to the end of the value when the value sits
   * on the key's line, else the key alone (a finding should cover one line, see SARIF.md §1.2).
   * For an array, the item at `key`. Falls back to the container when the key is absent.
   */
  spanOfKey(container: object, key: string | number): SourceSpan {
    const where = this.locations.get(container);
    if (!where) return this.lines.span(this.file, 0, 0);
    const pointer = `${where.pointer}/${escapePointerToken(key)}`;
    if (typeof key === 'number' && where.items) {
      const item = where.items[key];
      if (item) return this.rangeSpan(item, pointer, true);
    }
    const entry = where.keys?.get(String(key));
    if (!entry) return this.rangeSpan(where.range, where.pointer);
    const keyLine = this.lines.position(entry.key.start).line;
    const valueEnd = this.trimEnd(entry.value);
    const end = this.lines.position(valueEnd).line === keyLine ? valueEnd : entry.key.end;
    return this.lines.span(this.file, entry.key.start, end, pointer);
  }

  /** The span of a property's value only (e.g. a PCR hex string). */
  spanOfValue(container: object, key: string | number): SourceSpan {
    const where = this.locations.get(container);
    if (!where) return this.lines.span(this.file, 0, 0);
    const pointer = `${where.pointer}/${escapePointerToken(key)}`;
    const range = typeof key === 'number' ? where.items?.[key] : where.keys?.get(String(key))?.value;
    return range ? this.rangeSpan(range, pointer, true) : this.rangeSpan(where.range, where.pointer);
  }

  hasKey(container: object, key: string): boolean {
    return this.locations.get(container)?.keys?.has(key) ?? false;
  }

  private rangeSpan(range: TextRange, pointer: string, firstLineOnly = false): SourceSpan {
    let end = this.trimEnd(range);
    if (firstLineOnly) {
      const lineEnd = this.text.slice(range.start, end).search(/[\r\n]/);
      if (lineEnd >= 0) end = this.trimEnd({ start: range.start, end: range.start + lineEnd });
    }
    return this.lines.span(this.file, range.start, end, pointer);
  }

  /** Parser ranges include trailing blanks and newlines; a span should end at its last character. */
  private trimEnd(range: TextRange): number {
    let end = Math.min(range.end, this.text.length);
    while (end > range.start && /\s/.test(this.text[end - 1]!)) end--;
    return end;
  }
}

/** Sets a key without ever touching a prototype: `__proto__` and friends are plain data. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

function tooDeep(file: string, lines: LineIndex, offset: number): InputError {
  const { line, column } = lines.position(offset);
  return new InputError(`nesting deeper than ${MAX_DEPTH} levels`, { file, line, column });
}

// ---------------------------------------------------------------------------------------------
// JSON (with comments and trailing commas tolerated, as editors write them)

export function parseJson(file: string, text: string): LocatedDocument {
  const errors: jsonc.ParseError[] = [];
  const root = jsonc.parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  const lines = new LineIndex(text);
  const first = errors[0];
  if (first || !root) {
    const offset = first?.offset ?? 0;
    const { line, column } = lines.position(offset);
    const what = first ? describeJsonError(first.error) : 'empty document';
    throw new InputError(`invalid JSON: ${what}`, { file, line, column });
  }
  const locations = new WeakMap<object, ContainerLocation>();

  const build = (node: jsonc.Node, pointer: string, depth: number): unknown => {
    if (depth > MAX_DEPTH) throw tooDeep(file, lines, node.offset);
    const range = { start: node.offset, end: node.offset + node.length };
    if (node.type === 'object') {
      const value: Record<string, unknown> = {};
      const keys = new Map<string, { key: TextRange; value: TextRange }>();
      for (const property of node.children ?? []) {
        const [keyNode, valueNode] = property.children ?? [];
        if (!keyNode || !valueNode) continue;
        const key = String(keyNode.value);
        if (keys.has(key)) {
          const { line, column } = lines.position(keyNode.offset);
          throw new InputError(`duplicate key "${key}"`, { file, line, column });
        }
        keys.set(key, {
          key: { start: keyNode.offset, end: keyNode.offset + keyNode.length },
          value: { start: valueNode.offset, end: valueNode.offset + valueNode.length },
        });
        setOwn(value, key, build(valueNode, `${pointer}/${escapePointerToken(key)}`, depth + 1));
      }
      locations.set(value, { pointer, range, keys });
      return value;
    }
    if (node.type === 'array') {
      const children = node.children ?? [];
      const value = children.map((child, i) => build(child, `${pointer}/${i}`, depth + 1));
      locations.set(value, { pointer, range, items: children.map((c) => ({ start: c.offset, end: c.offset + c.length })) });
      return value;
    }
    return node.value;
  };

  return new LocatedDocument(file, text, build(root, '', 0), lines, locations);
}

function describeJsonError(code: jsonc.ParseErrorCode): string {
  const names: Record<number, string> = {
    [jsonc.ParseErrorCode.InvalidSymbol]: 'unexpected character',
    [jsonc.ParseErrorCode.InvalidNumberFormat]: 'invalid number',
    [jsonc.ParseErrorCode.PropertyNameExpected]: 'expected a property name in double quotes',
    [jsonc.ParseErrorCode.ValueExpected]: 'expected a value',
    [jsonc.ParseErrorCode.ColonExpected]: 'expected ":"',
    [jsonc.ParseErrorCode.CommaExpected]: 'expected "," between items',
    [jsonc.ParseErrorCode.CloseBraceExpected]: 'expected "}"',
    [jsonc.ParseErrorCode.CloseBracketExpected]: 'expected "]"',
    [jsonc.ParseErrorCode.EndOfFileExpected]: 'unexpected text after the end of the document',
    [jsonc.ParseErrorCode.InvalidCommentToken]: 'invalid comment',
    [jsonc.ParseErrorCode.UnexpectedEndOfComment]: 'unterminated comment',
    [jsonc.ParseErrorCode.UnexpectedEndOfString]: 'unterminated string',
    [jsonc.ParseErrorCode.UnexpectedEndOfNumber]: 'unterminated number',
    [jsonc.ParseErrorCode.InvalidUnicode]: 'invalid unicode escape',
    [jsonc.ParseErrorCode.InvalidEscapeCharacter]: 'invalid escape character',
    [jsonc.ParseErrorCode.InvalidCharacter]: 'invalid character in string',
  };
  return names[code] ?? jsonc.printParseErrorCode(code);
}

// ---------------------------------------------------------------------------------------------
// YAML (1.2 core schema: `yes`/`no` stay strings; custom tags such as CloudFormation's !Ref are
// handed to the caller's `customTags` so other adapters can reuse this walker)

export interface YamlOptions {
  /** Builds a value for a tagged node (e.g. `!Ref x` → `{Ref: "x"}`); undefined leaves it as is. */
  tagged?: (tag: string, value: unknown) => unknown;
}

export function parseYaml(file: string, text: string, options: YamlOptions = {}): LocatedDocument[] {
  const lines = new LineIndex(text);
  const documents = parseAllDocuments(text, {
    version: '1.2',
    schema: 'core',
    uniqueKeys: true,
    prettyErrors: false,
    keepSourceTokens: false,
    // Unknown tags (!Ref …) must not be errors: the walker below hands them to `options.tagged`.
    customTags: [],
  });
  const list = Array.isArray(documents) ? documents : [documents];
  return list.map((document) => buildYamlDocument(file, text, lines, document as Document.Parsed, options));
}

function buildYamlDocument(
  file: string,
  text: string,
  lines: LineIndex,
  document: Document.Parsed,
  options: YamlOptions,
): LocatedDocument {
  const error = document.errors[0];
  if (error) {
    const offset = error.pos[0];
    const { line, column } = lines.position(offset);
    throw new InputError(`invalid YAML: ${firstSentence(error.message)}`, { file, line, column });
  }
  const locations = new WeakMap<object, ContainerLocation>();
  const built = new Map<YamlNode, unknown>();
  const expandedSize = new Map<YamlNode, number>();
  let expanded = 0;

  const build = (node: YamlNode | null, pointer: string, depth: number): unknown => {
    if (node === null) return null;
    if (depth > MAX_DEPTH) throw tooDeep(file, lines, node.range?.[0] ?? 0);
    if (isAlias(node)) {
      const target = node.resolve(document);
      if (!target) {
        const { line, column } = lines.position(node.range?.[0] ?? 0);
        throw new InputError(`alias *${node.source} has no anchor`, { file, line, column });
      }
      // An alias shares the anchored value; count what it would expand to so alias bombs stay refused.
      expanded += sizeOf(target);
      if (expanded > MAX_EXPANDED_NODES) {
        const { line, column } = lines.position(node.range?.[0] ?? 0);
        throw new InputError(`aliases expand to more than ${MAX_EXPANDED_NODES} nodes`, { file, line, column });
      }
      return built.has(target) ? built.get(target) : build(target, pointer, depth + 1);
    }
    const range = { start: node.range?.[0] ?? 0, end: node.range?.[1] ?? 0 };
    let value: unknown;
    if (isMap(node)) {
      const object: Record<string, unknown> = {};
      const keys = new Map<string, { key: TextRange; value: TextRange }>();
      built.set(node, object);
      for (const pair of node.items) {
        const keyNode = pair.key as YamlNode | null;
        if (!isScalar(keyNode)) {
          const { line, column } = lines.position(keyNode?.range?.[0] ?? range.start);
          throw new InputError('only plain keys are supported (not lists or maps as keys)', { file, line, column });
        }
        const key = String(keyNode.value);
        const valueNode = pair.value as YamlNode | null;
        const keyRange = { start: keyNode.range?.[0] ?? 0, end: keyNode.range?.[1] ?? 0 };
        const valueRange = valueNode?.range ? { start: valueNode.range[0], end: valueNode.range[1] } : keyRange;
        keys.set(key, { key: keyRange, value: valueRange });
        setOwn(object, key, build(valueNode, `${pointer}/${escapePointerToken(key)}`, depth + 1));
      }
      locations.set(object, { pointer, range, keys });
      value = object;
    } else if (isSeq(node)) {
      const array: unknown[] = [];
      built.set(node, array);
      const items: TextRange[] = [];
      node.items.forEach((item, i) => {
        const itemNode = item as YamlNode | null;
        items.push(itemNode?.range ? { start: itemNode.range[0], end: itemNode.range[1] } : range);
        array.push(build(itemNode, `${pointer}/${i}`, depth + 1));
      });
      locations.set(array, { pointer, range, items });
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
        if (typeof replaced === 'object' && replaced !== null) locations.set(replaced, { pointer, range });
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

  const value = build(document.contents as YamlNode | null, '', 0);
  return new LocatedDocument(file, text, value, lines, locations);
}

function firstSentence(message: string): string {
  return message.split(/\n/)[0]!.replace(/\s+at line \d+, column \d+:?$/, '').trim();
}
