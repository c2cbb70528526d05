import { createRequire } from 'node:module';
import type { Node as SyntaxNode, Parser as TreeSitterParser } from 'web-tree-sitter';
import { InputError } from '../../errors.js';
import { LineIndex } from '../../model/source.js';
import { isUnknown, unknown, type Unknown } from '../../model/unknown.js';
import { reference, JsonText, withUnknownKeys } from '../aws/values.js';
import { ContainerLocation, LocatedDocument, MAX_DEPTH, setLocation, setOwn } from '../located.js';

/**
 * Terraform's HCL through tree-sitter (web-tree-sitter with the terraform grammar that
 * @tree-sitter-grammars/tree-sitter-hcl ships as WASM): exact positions, no native build. The WASM
 * is loaded once, lazily, when a scan has a .tf file (the adapter's `prepare`).
 */

let parser: TreeSitterParser | undefined;
let loading: Promise<void> | undefined;

export function prepareHclParser(): Promise<void> {
  loading ??= (async () => {
    const { Parser, Language } = await import('web-tree-sitter');
    await Parser.init();
    const require = createRequire(import.meta.url);
    const wasm = require.resolve('@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-terraform.wasm');
    const language = await Language.load(wasm);
    const instance = new Parser();
    instance.setLanguage(language);
    parser = instance;
  })();
  return loading;
}

export interface HclBlock {
  /** `resource`, `variable`, `locals`, `ingress`… */
  type: string;
  labels: string[];
  node: SyntaxNode;
  body: SyntaxNode | undefined;
}

export interface HclFile {
  file: string;
  text: string;
  document: LocatedDocument;
  blocks: HclBlock[];
}

/** Parses one file; a syntax error is an InputError at its line. */
export function parseHcl(file: string, text: string): HclFile {
  if (!parser) throw new Error('the HCL parser is not loaded (prepareHclParser)');
  const tree = parser.parse(text);
  if (!tree) throw new InputError('could not parse as HCL', { file });
  const lines = new LineIndex(text);
  const root = tree.rootNode;
  if (root.hasError) {
    const bad = firstError(root);
    const { line, column } = lines.position(bad?.startIndex ?? 0);
    throw new InputError(
      `invalid HCL: unexpected ${bad?.isMissing ? `end of input, expected ${bad.type}` : `"${(bad?.text ?? '').slice(0, 20)}"`}`,
      { file, line, column },
    );
  }
  const body = root.namedChildren.find((n) => n?.type === 'body');
  const blocks = body ? blocksOf(body) : [];
  return { file, text, document: new LocatedDocument(file, text, undefined, lines), blocks };
}

function firstError(node: SyntaxNode): SyntaxNode | undefined {
  if (node.isError || node.isMissing) return node;
  for (const child of node.children) {
    if (child && (child.hasError || child.isMissing || child.isError)) return firstError(child) ?? child;
  }
  return undefined;
}

export function blocksOf(body: SyntaxNode): HclBlock[] {
  const blocks: HclBlock[] = [];
  for (const child of body.namedChildren) {
    if (child?.type !== 'block') continue;
    const named = child.namedChildren.filter((n): n is SyntaxNode => n !== null);
    const type = named[0]?.text ?? '';
    const labels = named
      .slice(1)
      .filter((n) => n.type === 'string_lit' || n.type === 'identifier')
      .map((n) => stringLiteral(n));
    blocks.push({ type, labels, node: child, body: named.find((n) => n.type === 'body') });
  }
  return blocks;
}

export function attributesOf(
  body: SyntaxNode | undefined,
): Array<{ name: string; node: SyntaxNode; expression: SyntaxNode }> {
  if (!body) return [];
  const found = [];
  for (const child of body.namedChildren) {
    if (child?.type !== 'attribute') continue;
    const name = child.namedChildren[0];
    const expression = child.namedChildren.find((n) => n?.type === 'expression');
    if (name && expression) found.push({ name: name.text, node: child, expression });
  }
  return found;
}

function stringLiteral(node: SyntaxNode): string {
  if (node.type !== 'string_lit') return node.text;
  return unescape(
    node.namedChildren
      .filter((n) => n?.type === 'template_literal')
      .map((n) => n.text)
      .join(''),
  );
}

function unescape(text: string): string {
  if (!text.includes('\\') && !text.includes('$${') && !text.includes('%%{')) return text;
  return text
    .replace(/\\(["\\nrt]|u[0-9a-fA-F]{4})/g, (_, c: string) =>
      c === 'n'
        ? '\n'
        : c === 'r'
          ? '\r'
          : c === 't'
            ? '\t'
            : c.startsWith('u')
              ? String.fromCharCode(parseInt(c.slice(1), 16))
              : c,
    )
    .replace(/\$\$\{/g, '${')
    .replace(/%%\{/g, '%{');
}

/** What names in expressions stand for: variables, locals, resources of the module. */
export interface Scope {
  variable(name: string): unknown;
  local(name: string): unknown;
  isResource(address: string): boolean;
}

const MAX_EXPRESSION_DEPTH = 128;

/**
 * Evaluates HCL into plain values shaped like `terraform show -json` values (nested blocks are lists
 * of objects), with positions on every object and list. What cannot be decided is Unknown; a resource
 * attribute is a Reference (an edge).
 */
export class Evaluator {
  constructor(
    private readonly text: string,
    private readonly scope: Scope,
  ) {}

  /** A block body: attributes and nested blocks (as lists), with key positions. */
  body(
    block: SyntaxNode,
    body: SyntaxNode | undefined,
    parent: ContainerLocation | undefined,
    token: string | number | undefined,
    depth = 0,
  ): Record<string, unknown> {
    // Nested blocks recurse: bound them like the other parsers (located.ts MAX_DEPTH; hostile-input issue).
    if (depth > MAX_DEPTH) {
      const { line, column } = new LineIndex(this.text).position(block.startIndex);
      throw new InputError(`blocks nested deeper than ${MAX_DEPTH} levels`, { line, column });
    }
    const object: Record<string, unknown> = {};
    const location = new ContainerLocation(parent, token, block.startIndex);
    location.end = block.endIndex;
    if (body) {
      for (const attribute of attributesOf(body)) {
        location.addKey(
          attribute.name,
          attribute.node.startIndex,
          attribute.node.namedChildren[0].endIndex,
          attribute.expression.startIndex,
          attribute.expression.endIndex,
        );
        setOwn(object, attribute.name, this.expression(attribute.expression, location, attribute.name, depth + 1));
      }
      const nested = new Map<string, { list: unknown[]; location: ContainerLocation }>();
      for (const child of blocksOf(body)) {
        let entry = nested.get(child.type);
        if (!entry) {
          const listLocation = new ContainerLocation(location, child.type, child.node.startIndex);
          entry = { list: [], location: listLocation };
          nested.set(child.type, entry);
          const header = child.node.namedChildren[0];
          location.addKey(
            child.type,
            child.node.startIndex,
            header.endIndex,
            child.node.startIndex,
            child.node.endIndex,
          );
          setLocation(entry.list, listLocation);
          setOwn(object, child.type, entry.list);
        }
        entry.location.addItem(child.node.startIndex, child.node.endIndex);
        entry.location.end = child.node.endIndex;
        entry.list.push(this.body(child.node, child.body, entry.location, entry.list.length, depth + 1));
      }
    }
    setLocation(object, location);
    return object;
  }

  expression(
    node: SyntaxNode,
    parent: ContainerLocation | undefined,
    token: string | number | undefined,
    depth = 0,
  ): unknown {
    if (depth > MAX_EXPRESSION_DEPTH) return unknown('expression nested too deeply');
    switch (node.type) {
      case 'expression': {
        const parts = node.namedChildren.filter((n): n is SyntaxNode => n !== null && n.type !== 'comment');
        if (parts.length === 0) return unknown('empty expression');
        if (parts[0].type === 'variable_expr') return this.traversal(parts, depth);
        if (parts.length > 1) {
          // An index or attribute of a computed value: decide only what is simple.
          return unknown(`${node.text.slice(0, 40)} is not evaluated`);
        }
        return this.expression(parts[0], parent, token, depth + 1);
      }
      case 'literal_value':
        return this.expression(node.namedChildren[0], parent, token, depth + 1);
      case 'string_lit':
        return this.maybeJson(stringLiteral(node), node, false);
      case 'numeric_lit':
        return Number(node.text);
      case 'bool_lit':
        return node.text === 'true';
      case 'null_lit':
        return null;
      case 'template_expr':
        return this.expression(node.namedChildren[0], parent, token, depth + 1);
      case 'quoted_template':
      case 'heredoc_template':
        return this.template(node, depth);
      case 'collection_value':
        return this.expression(node.namedChildren[0], parent, token, depth + 1);
      case 'tuple': {
        const list: unknown[] = [];
        const location = new ContainerLocation(parent, token, node.startIndex);
        location.end = node.endIndex;
        for (const item of node.namedChildren) {
          if (item?.type !== 'expression') continue;
          location.addItem(item.startIndex, item.endIndex);
          list.push(this.expression(item, location, list.length, depth + 1));
        }
        setLocation(list, location);
        return list;
      }
      case 'object': {
        const object: Record<string, unknown> = {};
        const location = new ContainerLocation(parent, token, node.startIndex);
        location.end = node.endIndex;
        for (const element of node.namedChildren) {
          if (element?.type !== 'object_elem') continue;
          const keyNode = element.childForFieldName('key');
          const valueNode = element.childForFieldName('val');
          if (!keyNode || !valueNode) continue;
          const key = this.objectKey(keyNode, depth);
          if (key === undefined) continue;
          location.addKey(key, keyNode.startIndex, keyNode.endIndex, valueNode.startIndex, valueNode.endIndex);
          setOwn(object, key, this.expression(valueNode, location, key, depth + 1));
        }
        setLocation(object, location);
        return object;
      }
      case 'function_call':
        return this.call(node, parent, token, depth);
      case 'conditional': {
        const [condition, whenTrue, whenFalse] = node.namedChildren.filter(
          (n): n is SyntaxNode => n?.type === 'expression',
        );
        if (!condition || !whenTrue || !whenFalse) return unknown('malformed conditional');
        const test = this.expression(condition, undefined, undefined, depth + 1);
        if (typeof test === 'boolean') return this.expression(test ? whenTrue : whenFalse, parent, token, depth + 1);
        const a = this.expression(whenTrue, undefined, undefined, depth + 1);
        const b = this.expression(whenFalse, undefined, undefined, depth + 1);
        const simple = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);
        if (simple(a) && simple(b) && a === b) return a;
        return unknown(`depends on ${condition.text.slice(0, 60)}${isUnknown(test) ? ` (${test.reason})` : ''}`);
      }
      case 'operation':
        return this.operation(node, depth);
      default:
        return unknown(`${node.type.replace(/_/g, ' ')} is not evaluated`);
    }
  }

  private objectKey(keyNode: SyntaxNode, depth: number): string | undefined {
    const inner = keyNode.namedChildren[0];
    // A bare identifier key is its name; `(var.x)` or a string is evaluated.
    if (inner?.type === 'variable_expr' && keyNode.namedChildren.length === 1) return inner.text;
    const value = this.expression(keyNode, undefined, undefined, depth + 1);
    return typeof value === 'string' ? value : undefined;
  }

  private maybeJson(text: string, node: SyntaxNode, verbatim: boolean): unknown {
    const trimmed = text.trim();
    if (trimmed.startsWith('{') && trimmed.endsWith('}'))
      return new JsonText(text, verbatim ? node.startIndex : undefined);
    return text;
  }

  private template(node: SyntaxNode, depth: number): unknown {
    let text = '';
    let literalStart: number | undefined;
    let undecided: Unknown | undefined;
    let interpolated = false;
    const heredoc = node.type === 'heredoc_template';
    for (const part of node.namedChildren) {
      if (!part) continue;
      if (part.type === 'template_literal') {
        literalStart ??= part.startIndex;
        text += heredoc ? part.text : unescape(part.text);
      } else if (part.type === 'template_interpolation') {
        interpolated = true;
        const inner = part.namedChildren.find((n) => n?.type === 'expression');
        const value = inner ? this.expression(inner, undefined, undefined, depth + 1) : unknown('empty interpolation');
        if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') text += String(value);
        else undecided ??= isUnknown(value) ? value : unknown('interpolates a structured value');
      } else if (part.type === 'template_directive') {
        undecided ??= unknown('template directives are not evaluated');
      }
    }
    if (undecided) return unknown(`template: ${undecided.reason}`);
    if (heredoc && !interpolated && literalStart !== undefined) {
      const trimmed = text.trim();
      if (trimmed.startsWith('{') && trimmed.endsWith('}')) return new JsonText(text, literalStart);
    }
    return text;
  }

  /** `var.x`, `local.y`, `aws_instance.web.id`, `data.…`, `each.value`… */
  private traversal(parts: SyntaxNode[], depth: number): unknown {
    const root = parts[0].text;
    const steps: Array<string | number | undefined> = parts.slice(1).map((step) => {
      if (step.type === 'get_attr') return step.namedChildren[0]?.text;
      if (step.type === 'index') {
        const inner = step.namedChildren.find((n) => n?.type === 'expression');
        const value = inner ? this.expression(inner, undefined, undefined, depth + 1) : undefined;
        return typeof value === 'number' || typeof value === 'string' ? value : undefined;
      }
      return undefined; // splat and the like
    });
    const follow = (value: unknown, from: number): unknown => {
      let current = value;
      for (let i = from; i < steps.length; i++) {
        if (isUnknown(current)) return current;
        const step = steps[i];
        if (step === undefined) return unknown(`${parts.map((p) => p.text).join('')} is not evaluated`);
        if (Array.isArray(current) && typeof step === 'number') current = current[step];
        else if (current && typeof current === 'object' && typeof step === 'string')
          current = (current as Record<string, unknown>)[step];
        else return unknown(`${parts.map((p) => p.text).join('')} cannot be resolved`);
        if (current === undefined) return unknown(`${parts.map((p) => p.text).join('')} is not declared`);
      }
      return current;
    };
    const first = typeof steps[0] === 'string' ? steps[0] : undefined;
    switch (root) {
      case 'var':
        return first === undefined ? unknown('var without a name') : follow(this.scope.variable(first), 1);
      case 'local':
        return first === undefined ? unknown('local without a name') : follow(this.scope.local(first), 1);
      case 'data':
        return unknown(`read from a data source at plan time (data.${steps[0] ?? ''}.${steps[1] ?? ''})`);
      case 'module':
        return unknown(`output of module ${first ?? ''}`);
      case 'each':
      case 'count':
      case 'self':
      case 'path':
      case 'terraform':
        return unknown(`${root}.${first ?? ''} depends on the evaluation context`);
      default: {
        if (first === undefined) return unknown(`${root} cannot be resolved`);
        const address = `${root}.${first}`;
        // The attribute after an optional index: aws_security_group.web[0].id → id.
        const attribute = steps.slice(1).find((s): s is string => typeof s === 'string');
        return reference(address, attribute);
      }
    }
  }

  private call(
    node: SyntaxNode,
    parent: ContainerLocation | undefined,
    token: string | number | undefined,
    depth: number,
  ): unknown {
    const name = node.namedChildren[0]?.text ?? '';
    const argumentsNode = node.namedChildren.find((n) => n?.type === 'function_arguments');
    const args = (argumentsNode?.namedChildren ?? []).filter((n): n is SyntaxNode => n?.type === 'expression');
    // jsonencode(object): the object itself, with its positions, is what policy readers want.
    if ((name === 'jsonencode' || name === 'tolist' || name === 'toset') && args.length === 1) {
      return this.expression(args[0], parent, token, depth + 1);
    }
    if (name === 'concat') {
      const lists = args.map((arg) => this.expression(arg, undefined, undefined, depth + 1));
      const undecided = lists.find((list) => !Array.isArray(list));
      return undecided === undefined
        ? lists.flat()
        : isUnknown(undecided)
          ? undecided
          : unknown('concat of a non-list');
    }
    // --- merge(a, b, …): later maps win, so the keys of literal maps after the last unknown argument are
    // known even when an earlier argument (a local of another file) is not (OpenStack flavor extra_specs).
    if (name === 'merge' && args.length > 0) return this.merge(args, parent, token, depth);
    return unknown(`${name}(…) is not evaluated`);
  }

  private merge(
    args: SyntaxNode[],
    parent: ContainerLocation | undefined,
    token: string | number | undefined,
    depth: number,
  ): unknown {
    const values = args.map((arg) => this.expression(arg, undefined, undefined, depth + 1));
    if (
      values.some((value) => value !== null && !isUnknown(value) && (typeof value !== 'object' || Array.isArray(value)))
    )
      return unknown('merge of a non-map');
    const lastUnknown = values.findLastIndex((value) => isUnknown(value));
    if (lastUnknown === values.length - 1) return values[lastUnknown];
    const known = args.slice(lastUnknown + 1).filter((_, i) => values[lastUnknown + 1 + i] !== null);
    // One literal map keeps its positions; several are merged without them (findings land on the attribute).
    const merged: Record<string, unknown> =
      known.length === 1
        ? (this.expression(known[0], parent, token, depth + 1) as Record<string, unknown>)
        : (Object.assign({}, ...values.slice(lastUnknown + 1).filter((v) => v !== null)) as Record<string, unknown>);
    if (lastUnknown >= 0) withUnknownKeys(merged, values[lastUnknown] as Unknown);
    return merged;
  }

  /** Operands are not wrapped in `expression`: `var.a == "x"` is variable_expr, get_attr, "==", literal_value. */
  private operand(parts: SyntaxNode[], depth: number): unknown {
    const named = parts.filter((n) => n.isNamed && n.type !== 'comment');
    if (named.length === 0) return unknown('missing operand');
    if (named[0].type === 'variable_expr') return this.traversal(named, depth);
    if (named.length > 1) return unknown('operand is not evaluated');
    return this.expression(named[0], undefined, undefined, depth + 1);
  }

  private operation(node: SyntaxNode, depth: number): unknown {
    const inner = node.namedChildren[0];
    if (!inner) return unknown('malformed operation');
    const children = inner.children.filter((n): n is SyntaxNode => n !== null);
    const operatorIndex = children.findIndex((n) => !n.isNamed);
    if (operatorIndex < 0) return unknown('malformed operation');
    const operator = children[operatorIndex].text;
    if (inner.type === 'unary_operation') {
      const value = this.operand(children.slice(operatorIndex + 1), depth);
      if (operator === '!' && typeof value === 'boolean') return !value;
      if (operator === '-' && typeof value === 'number') return -value;
      return isUnknown(value) ? value : unknown('operation is not evaluated');
    }
    const a = this.operand(children.slice(0, operatorIndex), depth);
    const b = this.operand(children.slice(operatorIndex + 1), depth);
    if (isUnknown(a)) return a;
    if (isUnknown(b)) return b;
    switch (operator) {
      case '==':
        return a === b;
      case '!=':
        return a !== b;
      case '&&':
        return a === true && b === true;
      case '||':
        return a === true || b === true;
      default:
        return unknown(`operator ${operator} is not evaluated`);
    }
  }
}
