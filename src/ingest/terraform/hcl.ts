import { createRequire } from 'node:module';
import type { Node as TreeNode, Parser as TreeSitterParser, TreeCursor } from 'web-tree-sitter';
import { InputError } from '../../errors.js';
import { LineIndex } from '../../model/source.js';
import { LocatedDocument, MAX_DEPTH } from '../located.js';

/**
 * Terraform's HCL through tree-sitter (web-tree-sitter with the terraform grammar that
 * @tree-sitter-grammars/tree-sitter-hcl ships as WASM): exact positions, no native build. The WASM
 * is loaded once, lazily, when a scan has a .tf file (the adapter's `prepare`).
 *
 * A parse tree lives in the WASM heap, which does not grow without bound: each file's tree is turned
 * into the small syntax below (offsets only) and deleted at once, so a module of many files, or a child
 * module evaluated a thousand times, never holds more than one tree.
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

/** How often files were parsed and how many trees are still alive (tests count them). */
export const hclParseStats = { parses: 0, liveTrees: 0 };

// --- Syntax: expressions with character offsets (s: start, e: end) into their file's text.
export type Expr =
  | { k: 'lit'; v: string | number | boolean | null; s: number; e: number }
  | {
      k: 'template';
      parts: TemplatePart[];
      heredoc: boolean;
      verbatimAt?: number;
      verbatimEnd?: number;
      s: number;
      e: number;
    }
  | { k: 'tuple'; items: Expr[]; s: number; e: number }
  | { k: 'object'; elems: ObjectElem[]; s: number; e: number }
  | { k: 'name'; name: string; s: number; e: number }
  | { k: 'attr'; of: Expr; name: string; s: number; e: number }
  | { k: 'index'; of: Expr; key: Expr; s: number; e: number }
  /** `x[*].a.b` / `x.*.a`: `each` is applied to every element (with `{k:'name', name:'\0'}` as the element). */
  | { k: 'splat'; of: Expr; each: Expr; s: number; e: number }
  | { k: 'call'; name: string; args: Expr[]; expand: boolean; s: number; e: number }
  | { k: 'cond'; test: Expr; yes: Expr; no: Expr; s: number; e: number }
  | { k: 'unary'; op: string; x: Expr; s: number; e: number }
  | { k: 'binary'; op: string; a: Expr; b: Expr; s: number; e: number }
  | {
      k: 'for';
      object: boolean;
      key?: string;
      value: string;
      collection: Expr;
      keyExpr?: Expr;
      valueExpr: Expr;
      cond?: Expr;
      group: boolean;
      s: number;
      e: number;
    }
  | { k: 'bad'; reason: string; s: number; e: number };

export interface ObjectElem {
  /** A bare identifier key is its name; otherwise an expression. */
  key: string | Expr;
  ks: number;
  ke: number;
  value: Expr;
}

export type TemplatePart =
  | { t: 'text'; text: string }
  | { t: 'interp'; x: Expr }
  | { t: 'if'; test: Expr; yes: TemplatePart[]; no: TemplatePart[] }
  | { t: 'for'; key?: string; value: string; collection: Expr; body: TemplatePart[] };

export interface HclAttribute {
  name: string;
  /** Start of the attribute, end of its name. */
  s: number;
  nameEnd: number;
  x: Expr;
}

export interface HclBlock {
  /** `resource`, `variable`, `locals`, `ingress`… */
  type: string;
  labels: string[];
  s: number;
  e: number;
  /** End of the block's header (type and labels). */
  headerEnd: number;
  attributes: HclAttribute[];
  blocks: HclBlock[];
}

export interface HclFile {
  file: string;
  text: string;
  document: LocatedDocument;
  blocks: HclBlock[];
  /** Top-level attributes (a .tfvars file). */
  attributes: HclAttribute[];
}

/** Parses one file into syntax and frees its tree; a syntax error is an InputError at its line. */
export function parseHcl(file: string, text: string): HclFile {
  if (!parser) throw new Error('the HCL parser is not loaded (prepareHclParser)');
  hclParseStats.parses++;
  const tree = parser.parse(text);
  if (!tree) throw new InputError('could not parse as HCL', { file });
  hclParseStats.liveTrees++;
  try {
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
    const converter = new Converter(text, file, lines);
    const body = plainTree(tree.walk(), text).namedChildren.find((n) => n.type === 'body');
    const { attributes, blocks } = body ? converter.body(body, 0) : { attributes: [], blocks: [] };
    return { file, text, document: new LocatedDocument(file, text, undefined, lines), blocks, attributes };
  } finally {
    tree.delete();
    hclParseStats.liveTrees--;
  }
}

/** The deepest first error of a tree, found by walking down (not recursing: a hostile file nests without bound). */
function firstError(root: TreeNode): TreeNode | undefined {
  let node = root;
  for (;;) {
    if (node.isError || node.isMissing) return node;
    const next = node.children.find((child) => child && (child.hasError || child.isMissing || child.isError));
    if (!next) return node === root ? undefined : node;
    node = next;
  }
}

function unescape(text: string): string {
  if (!text.includes('\\') && !text.includes('$${') && !text.includes('%%{')) return text;
  return text
    .replace(/\\(["\\nrt]|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})/g, (_, c: string) =>
      c === 'n'
        ? '\n'
        : c === 'r'
          ? '\r'
          : c === 't'
            ? '\t'
            : c.startsWith('u') || c.startsWith('U')
              ? String.fromCodePoint(parseInt(c.slice(1), 16))
              : c,
    )
    .replace(/\$\$\{/g, '${')
    .replace(/%%\{/g, '%{');
}

/**
 * The tree as plain objects, read in one cursor walk: reading a tree-sitter node's children from WASM
 * allocates a wrapper per child on every call, which cost as much as parsing itself on large modules.
 */
class PlainNode {
  readonly children: PlainNode[] = [];
  private named: PlainNode[] | undefined;

  constructor(
    private readonly source: string,
    readonly type: string,
    readonly isNamed: boolean,
    readonly startIndex: number,
    readonly endIndex: number,
    readonly field: string | null,
  ) {}

  get text(): string {
    return this.source.slice(this.startIndex, this.endIndex);
  }

  get namedChildren(): PlainNode[] {
    return (this.named ??= this.children.filter((c) => c.isNamed));
  }

  childForFieldName(name: string): PlainNode | null {
    return this.children.find((c) => c.field === name) ?? null;
  }
}

function plainTree(cursor: TreeCursor, text: string): PlainNode {
  // Each cursor read crosses into WASM: read the type id and offsets only, the rest once per type.
  const types = new Map<number, { type: string; named: boolean }>();
  const make = (parent: PlainNode | undefined) => {
    const id = cursor.nodeTypeId;
    let kind = types.get(id);
    if (kind === undefined) types.set(id, (kind = { type: cursor.nodeType, named: cursor.nodeIsNamed }));
    // Fields are read only where the conversion asks for them (an object element's key and value).
    const field = parent?.type === 'object_elem' ? cursor.currentFieldName : null;
    return new PlainNode(text, kind.type, kind.named, cursor.startIndex, cursor.endIndex, field);
  };
  const root = make(undefined);
  const stack: PlainNode[] = [];
  let parent = root;
  if (cursor.gotoFirstChild()) {
    walk: for (;;) {
      const node = make(parent);
      parent.children.push(node);
      if (cursor.gotoFirstChild()) {
        stack.push(parent);
        parent = node;
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        const up = stack.pop();
        if (!up || !cursor.gotoParent()) break walk;
        parent = up;
      }
    }
  }
  cursor.delete();
  return root;
}

type SyntaxNode = PlainNode;

const named = (node: SyntaxNode): SyntaxNode[] => node.namedChildren.filter((n) => n.type !== 'comment');
const all = (node: SyntaxNode): SyntaxNode[] => node.children.filter((n) => n.type !== 'comment');

/** Deeper expressions are refused like deep documents (hostile-input issue). */
const MAX_EXPRESSION_DEPTH = 200;

class Converter {
  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly lines: LineIndex,
  ) {}

  private tooDeep(node: SyntaxNode): InputError {
    const { line, column } = this.lines.position(node.startIndex);
    return new InputError(`blocks or expressions nested deeper than ${MAX_DEPTH} levels`, {
      file: this.file,
      line,
      column,
    });
  }

  body(body: SyntaxNode, depth: number): { attributes: HclAttribute[]; blocks: HclBlock[] } {
    if (depth > MAX_DEPTH) throw this.tooDeep(body);
    const attributes: HclAttribute[] = [];
    const blocks: HclBlock[] = [];
    for (const child of named(body)) {
      if (child.type === 'attribute') {
        const name = child.namedChildren[0];
        const expression = child.namedChildren.find((n) => n?.type === 'expression');
        if (name && expression)
          attributes.push({
            name: name.text,
            s: child.startIndex,
            nameEnd: name.endIndex,
            x: this.expr(expression, 0),
          });
      } else if (child.type === 'block') {
        const parts = named(child);
        const type = parts[0]?.text ?? '';
        const labels = parts
          .slice(1)
          .filter((n) => n.type === 'string_lit' || n.type === 'identifier')
          .map((n) => this.stringLiteral(n));
        const inner = parts.find((n) => n.type === 'body');
        const header = parts.find((n) => n.type === 'block_start');
        const content = inner ? this.body(inner, depth + 1) : { attributes: [], blocks: [] };
        blocks.push({
          type,
          labels,
          s: child.startIndex,
          e: child.endIndex,
          headerEnd: header?.endIndex ?? child.endIndex,
          ...content,
        });
      }
    }
    return { attributes, blocks };
  }

  private stringLiteral(node: SyntaxNode): string {
    if (node.type !== 'string_lit') return node.text;
    return unescape(
      named(node)
        .filter((n) => n.type === 'template_literal')
        .map((n) => n.text)
        .join(''),
    );
  }

  private bad(node: SyntaxNode, reason: string): Expr {
    return { k: 'bad', reason, s: node.startIndex, e: node.endIndex };
  }

  /** An `expression` node, or any node that stands for one. */
  expr(node: SyntaxNode, depth: number): Expr {
    if (depth > MAX_EXPRESSION_DEPTH) throw this.tooDeep(node);
    switch (node.type) {
      case 'expression':
        return this.sequence(all(node), node, depth);
      case 'literal_value':
        return this.expr(named(node)[0], depth + 1);
      case 'string_lit':
        return { k: 'lit', v: this.stringLiteral(node), s: node.startIndex, e: node.endIndex };
      case 'numeric_lit':
        return { k: 'lit', v: Number(node.text), s: node.startIndex, e: node.endIndex };
      case 'bool_lit':
        return { k: 'lit', v: node.text === 'true', s: node.startIndex, e: node.endIndex };
      case 'null_lit':
        return { k: 'lit', v: null, s: node.startIndex, e: node.endIndex };
      case 'template_expr':
      case 'collection_value':
      case 'for_expr':
      case 'operation':
        return this.expr(named(node)[0], depth + 1);
      case 'quoted_template':
      case 'heredoc_template':
        return this.template(node, depth);
      case 'tuple':
        return {
          k: 'tuple',
          items: named(node)
            .filter((n) => n.type === 'expression')
            .map((n) => this.expr(n, depth + 1)),
          s: node.startIndex,
          e: node.endIndex,
        };
      case 'object': {
        const elems: ObjectElem[] = [];
        for (const element of named(node)) {
          if (element.type !== 'object_elem') continue;
          const keyNode = element.childForFieldName('key');
          const valueNode = element.childForFieldName('val');
          if (!keyNode || !valueNode) continue;
          const inner = named(keyNode);
          const key =
            inner.length === 1 && inner[0].type === 'variable_expr' && all(keyNode).length === 1
              ? inner[0].text
              : this.expr(keyNode, depth + 1);
          elems.push({ key, ks: keyNode.startIndex, ke: keyNode.endIndex, value: this.expr(valueNode, depth + 1) });
        }
        return { k: 'object', elems, s: node.startIndex, e: node.endIndex };
      }
      case 'function_call': {
        const args = named(node).find((n) => n.type === 'function_arguments');
        const list = args ? named(args).filter((n) => n.type === 'expression') : [];
        return {
          k: 'call',
          name: named(node)[0]?.text ?? '',
          args: list.map((n) => this.expr(n, depth + 1)),
          expand: args ? named(args).some((n) => n.type === 'ellipsis') : false,
          s: node.startIndex,
          e: node.endIndex,
        };
      }
      case 'conditional': {
        const [test, yes, no] = named(node).filter((n) => n.type === 'expression');
        if (!test || !yes || !no) return this.bad(node, 'malformed conditional');
        return {
          k: 'cond',
          test: this.expr(test, depth + 1),
          yes: this.expr(yes, depth + 1),
          no: this.expr(no, depth + 1),
          s: node.startIndex,
          e: node.endIndex,
        };
      }
      case 'unary_operation': {
        const children = all(node);
        const op = children.find((n) => !n.isNamed);
        const rest = children.slice(children.indexOf(op!) + 1);
        return {
          k: 'unary',
          op: op?.text ?? '',
          x: this.sequence(rest, node, depth + 1),
          s: node.startIndex,
          e: node.endIndex,
        };
      }
      case 'binary_operation': {
        const children = all(node);
        // The operator is the first unnamed child that is not inside a parenthesised operand.
        let at = -1;
        let open = 0;
        for (let i = 0; i < children.length; i++) {
          const child = children[i];
          if (child.isNamed) continue;
          if (child.type === '(') open++;
          else if (child.type === ')') open--;
          else if (open === 0 && i > 0) {
            at = i;
            break;
          }
        }
        if (at < 0) return this.bad(node, 'malformed operation');
        return {
          k: 'binary',
          op: children[at].text,
          a: this.sequence(children.slice(0, at), node, depth + 1),
          b: this.sequence(children.slice(at + 1), node, depth + 1),
          s: node.startIndex,
          e: node.endIndex,
        };
      }
      case 'for_tuple_expr':
      case 'for_object_expr': {
        const parts = named(node);
        const intro = parts.find((n) => n.type === 'for_intro');
        if (!intro) return this.bad(node, 'malformed for expression');
        const names = named(intro).filter((n) => n.type === 'identifier');
        const collection = named(intro).find((n) => n.type === 'expression');
        const bodies = parts.filter((n) => n.type === 'expression');
        const cond = parts.find((n) => n.type === 'for_cond');
        const condExpr = cond ? named(cond).find((n) => n.type === 'expression') : undefined;
        const object = node.type === 'for_object_expr';
        if (!collection || names.length === 0 || bodies.length < (object ? 2 : 1))
          return this.bad(node, 'malformed for expression');
        return {
          k: 'for',
          object,
          key: names.length > 1 ? names[0].text : undefined,
          value: names[names.length - 1].text,
          collection: this.expr(collection, depth + 1),
          keyExpr: object ? this.expr(bodies[0], depth + 1) : undefined,
          valueExpr: this.expr(bodies[object ? 1 : 0], depth + 1),
          cond: condExpr ? this.expr(condExpr, depth + 1) : undefined,
          group: parts.some((n) => n.type === 'ellipsis'),
          s: node.startIndex,
          e: node.endIndex,
        };
      }
      case 'variable_expr':
        return { k: 'name', name: node.text, s: node.startIndex, e: node.endIndex };
      default:
        return this.bad(node, `${node.type.replace(/_/g, ' ')} is not evaluated`);
    }
  }

  /** A head (`(x)`, a name, a literal, a call…) followed by attribute, index and splat steps. */
  private sequence(children: SyntaxNode[], whole: SyntaxNode, depth: number): Expr {
    if (children.length === 0) return this.bad(whole, 'empty expression');
    let i: number;
    let head: Expr;
    if (children[0].type === '(') {
      const close = children.findIndex((n) => n.type === ')');
      const inner = children.slice(1, close < 0 ? children.length : close).find((n) => n.isNamed);
      head = inner ? this.expr(inner, depth + 1) : this.bad(whole, 'empty parentheses');
      i = close < 0 ? children.length : close + 1;
    } else {
      head = this.expr(children[0], depth + 1);
      i = 1;
    }
    return this.steps(head, children.slice(i), depth);
  }

  private steps(head: Expr, steps: SyntaxNode[], depth: number): Expr {
    let current = head;
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i];
      const s = current.s;
      if (step.type === 'get_attr') {
        current = { k: 'attr', of: current, name: named(step)[0]?.text ?? '', s, e: step.endIndex };
      } else if (step.type === 'index') {
        const inner = named(step)[0];
        if (inner?.type === 'legacy_index') {
          const key = Number(inner.text.replace(/^\./, ''));
          current = {
            k: 'index',
            of: current,
            key: { k: 'lit', v: key, s: inner.startIndex, e: inner.endIndex },
            s,
            e: step.endIndex,
          };
        } else {
          const keyNode = inner ? named(inner).find((n) => n.type === 'expression') : undefined;
          current = {
            k: 'index',
            of: current,
            key: keyNode ? this.expr(keyNode, depth + 1) : this.bad(step, 'empty index'),
            s,
            e: step.endIndex,
          };
        }
      } else if (step.type === 'splat') {
        const kind = named(step)[0];
        const element: Expr = { k: 'name', name: '\0', s: step.startIndex, e: step.startIndex };
        // Steps inside the splat node apply to each element; steps after it apply to the whole list.
        const each = kind ? this.steps(element, named(kind), depth + 1) : element;
        current = { k: 'splat', of: current, each, s, e: step.endIndex };
      } else {
        return this.bad(step, `${step.type.replace(/_/g, ' ')} is not evaluated`);
      }
    }
    return current;
  }

  private template(node: SyntaxNode, depth: number): Expr {
    const heredoc = node.type === 'heredoc_template';
    let parts: TemplatePart[];
    let verbatimAt: number | undefined;
    let verbatimEnd: number | undefined;
    if (heredoc) {
      const identifiers = named(node).filter((n) => n.type === 'heredoc_identifier');
      const open = identifiers[0];
      const close = identifiers[identifiers.length - 1];
      const indent = all(node).some((n) => n.type === '<<-' || n.text === '<<-');
      let start = open ? open.endIndex : node.startIndex;
      if (this.text[start] === '\r') start++;
      if (this.text[start] === '\n') start++;
      let end = close && close !== open ? close.startIndex : node.endIndex;
      while (end > start && (this.text[end - 1] === ' ' || this.text[end - 1] === '\t')) end--;
      const inner = named(node).filter((n) => n.type !== 'heredoc_identifier' && n.type !== 'heredoc_start');
      const pieces = inner.filter((n) => n.type !== 'template_literal');
      parts = [];
      let at = start;
      for (const piece of pieces) {
        if (piece.startIndex > at) parts.push({ t: 'text', text: this.text.slice(at, piece.startIndex) });
        parts.push(...this.templateParts([piece], depth));
        at = piece.endIndex;
      }
      if (end > at) parts.push({ t: 'text', text: this.text.slice(at, end) });
      if (indent) parts = stripIndent(parts);
      // Without interpolations the text is in the file as written (indentation aside): a JSON policy in it
      // is parsed in place, with its lines.
      if (pieces.length === 0) {
        verbatimAt = start;
        verbatimEnd = end;
      }
    } else {
      parts = this.templateParts(named(node), depth);
    }
    return { k: 'template', parts, heredoc, verbatimAt, verbatimEnd, s: node.startIndex, e: node.endIndex };
  }

  private templateParts(nodes: SyntaxNode[], depth: number): TemplatePart[] {
    const parts: TemplatePart[] = [];
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i];
      if (node.type === 'template_literal') {
        const text = unescape(node.text);
        parts.push({ t: 'text', text: this.stripNext ? text.replace(/^\s+/, '') : text });
        this.stripNext = false;
      } else if (node.type === 'template_interpolation') {
        const inner = named(node).find((n) => n.type === 'expression');
        parts.push({ t: 'interp', x: inner ? this.expr(inner, depth + 1) : this.bad(node, 'empty interpolation') });
        this.strip(node, parts);
      } else if (node.type === 'template_directive') {
        const directive = named(node)[0];
        if (directive?.type === 'template_if') {
          const children = named(directive);
          const intro = children.find((n) => n.type === 'template_if_intro');
          const elseAt = children.findIndex((n) => n.type === 'template_else_intro');
          const endAt = children.findIndex((n) => n.type === 'template_if_end');
          const test = intro ? named(intro).find((n) => n.type === 'expression') : undefined;
          const from = children.indexOf(intro!) + 1;
          const yes = children.slice(from, elseAt >= 0 ? elseAt : endAt >= 0 ? endAt : children.length);
          const no = elseAt >= 0 ? children.slice(elseAt + 1, endAt >= 0 ? endAt : children.length) : [];
          parts.push({
            t: 'if',
            test: test ? this.expr(test, depth + 1) : this.bad(directive, 'if without a condition'),
            yes: this.templateParts(yes, depth + 1),
            no: this.templateParts(no, depth + 1),
          });
        } else if (directive?.type === 'template_for') {
          const children = named(directive);
          const start = children.find((n) => n.type === 'template_for_start');
          const endAt = children.findIndex((n) => n.type === 'template_for_end');
          const names = start ? named(start).filter((n) => n.type === 'identifier') : [];
          const collection = start ? named(start).find((n) => n.type === 'expression') : undefined;
          const body = children.slice(children.indexOf(start!) + 1, endAt >= 0 ? endAt : children.length);
          if (!collection || names.length === 0) parts.push({ t: 'interp', x: this.bad(directive, 'malformed for') });
          else
            parts.push({
              t: 'for',
              key: names.length > 1 ? names[0].text : undefined,
              value: names[names.length - 1].text,
              collection: this.expr(collection, depth + 1),
              body: this.templateParts(body, depth + 1),
            });
        } else parts.push({ t: 'interp', x: this.bad(node, 'template directive is not evaluated') });
        this.strip(node, parts);
      }
    }
    return parts;
  }

  /** `~` strip markers: whitespace next to the marked side of an interpolation or directive is dropped. */
  private strip(node: SyntaxNode, parts: TemplatePart[]): void {
    const text = node.text;
    if (/^[$%]\{~/.test(text)) {
      const before = parts[parts.length - 2];
      if (before?.t === 'text') before.text = before.text.replace(/\s+$/, '');
    }
    this.stripNext = /~\}$/.test(text);
  }

  private stripNext = false;
}

function stripIndent(parts: TemplatePart[]): TemplatePart[] {
  const text = parts.map((p) => (p.t === 'text' ? p.text : 'x')).join('');
  const indents = text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => /^[ \t]*/.exec(line)![0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  if (cut === 0) return parts;
  let lineStart = true;
  return parts.map((part) => {
    if (part.t !== 'text') {
      lineStart = false;
      return part;
    }
    const lines = part.text.split('\n');
    const out = lines.map((line, index) => {
      const atStart = index > 0 || lineStart;
      return atStart ? line.slice(Math.min(cut, /^[ \t]*/.exec(line)![0].length)) : line;
    });
    lineStart = part.text.endsWith('\n');
    return { t: 'text', text: out.join('\n') };
  });
}
