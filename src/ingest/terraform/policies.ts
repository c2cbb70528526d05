import type { SourceSpan } from '../../model/source.js';
import { isUnknown, unknown, type Maybe } from '../../model/unknown.js';
import { Spans } from '../aws/fragment.js';
import { isRecord, isReference, JsonText, toList, toText } from '../aws/values.js';
import type { LocatedDocument } from '../located.js';
import { parseJson } from '../json.js';
import type { TfResource, TfScope } from './resources.js';

/**
 * Policy documents of Terraform (hashicorp/aws) in the JSON shape the shared policy reader takes, with
 * their lines: JSON strings (literal or heredoc), `jsonencode({…})`, and `data "aws_iam_policy_document"`
 * (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/iam_policy_document):
 * `statement` blocks with `principals`/`not_principals` and `condition` blocks, merged with
 * `source_policy_documents` and `override_policy_documents` by `sid` as the provider does.
 */

/** Spans of documents rebuilt from HCL blocks: rebuilt containers point back at the lines they came from. */
export class MappedSpans extends Spans {
  private readonly keys = new WeakMap<object, Map<string, SourceSpan>>();
  private readonly owners = new WeakMap<object, Spans>();

  map(container: object, key: string | number, span: SourceSpan): void {
    let keys = this.keys.get(container);
    if (!keys) this.keys.set(container, (keys = new Map<string, SourceSpan>()));
    keys.set(String(key), span);
  }

  /** A container of another file's document (a data source in a sibling file): its own spans answer. */
  own(container: unknown, spans: Spans): void {
    if (container && typeof container === 'object' && !this.owners.has(container)) this.owners.set(container, spans);
  }

  override key(container: unknown, key: string | number, fallback: SourceSpan): SourceSpan {
    if (container && typeof container === 'object') {
      const mapped = this.keys.get(container);
      if (mapped) return mapped.get(String(key)) ?? fallback;
      const owner = this.owners.get(container);
      if (owner) return owner.key(container, key, fallback);
    }
    return super.key(container, key, fallback);
  }

  override value(container: unknown, key: string | number, fallback: SourceSpan): SourceSpan {
    if (container && typeof container === 'object') {
      const mapped = this.keys.get(container);
      if (mapped) return mapped.get(String(key)) ?? fallback;
      const owner = this.owners.get(container);
      if (owner) return owner.value(container, key, fallback);
    }
    return super.value(container, key, fallback);
  }
}

/** A policy attribute's value as a document, and the spans to read it with. */
export interface TfPolicy {
  document: unknown;
  spans: Spans;
}

const MAX_DOCUMENT_DEPTH = 8;

/**
 * The document a policy attribute holds: a JSON string (parsed in place when verbatim in the file), an
 * object (`jsonencode`), or a reference to a `data "aws_iam_policy_document"` of the module.
 */
export function policyDocument(value: unknown, resource: TfResource, scope: TfScope, depth = 0): TfPolicy {
  const spans = new MappedSpans(resource.document);
  return { document: documentOf(value, resource.document, scope, spans, depth), spans };
}

function documentOf(value: unknown, document: LocatedDocument, scope: TfScope, spans: MappedSpans, depth: number) {
  if (depth > MAX_DOCUMENT_DEPTH) return unknown('policy documents nested too deeply');
  if (isReference(value) && value.target.startsWith('data.aws_iam_policy_document.')) {
    const data = scope.resource(value.target);
    if (!data) return unknown(`${value.target} is not declared`);
    if (value.attribute !== undefined && value.attribute !== 'json' && value.attribute !== 'minified_json')
      return unknown(`${value.target}.${value.attribute} is not a policy document`);
    return fromPolicyDocumentData(data, scope, spans, depth + 1);
  }
  const parsed = parsePolicy(value, document);
  if (parsed && typeof parsed === 'object' && !isUnknown(parsed)) spans.own(parsed, new Spans(document));
  return parsed;
}

/** A `data "aws_iam_policy_document"` as an IAM JSON document whose containers map to the block lines. */
function fromPolicyDocumentData(data: TfResource, scope: TfScope, spans: MappedSpans, depth: number): unknown {
  const v = data.values;
  const own = new Spans(data.document);
  if (v.dynamic !== undefined) return unknown(`${data.address}: dynamic blocks are not evaluated`);
  const statements: Array<{ statement: Record<string, unknown>; span: SourceSpan }> = [];
  // A statement with the Sid of an earlier one replaces it; others are appended (source documents first,
  // then this document's statements, then the override documents').
  const merge = (incoming: typeof statements) => {
    for (const item of incoming) {
      const sid = item.statement.Sid;
      const index = typeof sid === 'string' && sid ? statements.findIndex((s) => s.statement.Sid === sid) : -1;
      if (index >= 0) statements[index] = item;
      else statements.push(item);
    }
  };
  const fromList = (value: unknown, key: string): typeof statements | ReturnType<typeof unknown> => {
    const found: typeof statements = [];
    for (const entry of toList(value)) {
      const document = documentOf(entry, data.document, scope, spans, depth);
      if (isUnknown(document)) return unknown(`${data.address} ${key}: ${document.reason}`);
      if (!isRecord(document)) return unknown(`${data.address} ${key}: not a policy document`);
      const list = toList(document.Statement);
      list.forEach((statement, index) => {
        if (isRecord(statement))
          found.push({
            statement,
            span: spans.key(document.Statement, Array.isArray(document.Statement) ? index : 'Statement', data.typeSpan),
          });
      });
    }
    return found;
  };
  for (const key of ['source_policy_documents', 'source_json'] as const) {
    if (v[key] === undefined || v[key] === null) continue;
    const found = fromList(v[key], key);
    if (isUnknown(found)) return found;
    merge(found);
  }
  const blocks = toList(v.statement);
  blocks.forEach((block, index) => {
    if (!isRecord(block)) return;
    const span = own.key(v.statement, index, data.typeSpan);
    merge([{ statement: statementOf(block, own, spans, span), span }]);
  });
  for (const key of ['override_policy_documents', 'override_json'] as const) {
    if (v[key] === undefined || v[key] === null) continue;
    const found = fromList(v[key], key);
    if (isUnknown(found)) return found;
    merge(found);
  }
  const list = statements.map((s) => s.statement);
  statements.forEach((s, index) => spans.map(list, index, s.span));
  const document = { Version: toText(v.version) ?? '2012-10-17', Statement: list };
  spans.map(document, 'Statement', own.key(v, 'statement', data.typeSpan));
  return document;
}

/** One `statement` block as an IAM statement. */
function statementOf(
  block: Record<string, unknown>,
  own: Spans,
  spans: MappedSpans,
  span: SourceSpan,
): Record<string, unknown> {
  const statement: Record<string, unknown> = {};
  const put = (name: string, from: string) => {
    if (block[from] === undefined || block[from] === null) return;
    statement[name] = block[from];
    spans.own(block[from], own);
    spans.map(statement, name, own.key(block, from, span));
  };
  put('Sid', 'sid');
  statement.Effect = block.effect ?? 'Allow';
  spans.map(statement, 'Effect', own.key(block, 'effect', span));
  put('Action', 'actions');
  put('NotAction', 'not_actions');
  put('Resource', 'resources');
  put('NotResource', 'not_resources');
  for (const [name, from] of [
    ['Principal', 'principals'],
    ['NotPrincipal', 'not_principals'],
  ] as const) {
    const principalBlocks = toList(block[from]);
    if (principalBlocks.length === 0) continue;
    const principal: Record<string, unknown> = {};
    let everyone = false;
    principalBlocks.forEach((p, index) => {
      if (!isRecord(p)) return;
      const type = toText(p.type);
      if (typeof type !== 'string') return;
      const identifiers = p.identifiers;
      if (type === '*') everyone = true;
      const known = principal[type];
      principal[type] = known === undefined ? identifiers : [...toList(known), ...toList(identifiers)];
      spans.own(identifiers, own);
      spans.map(principal, type, own.key(block[from], index, span));
    });
    statement[name] = everyone && Object.keys(principal).length === 1 ? '*' : principal;
    spans.map(statement, name, own.key(block, from, span));
  }
  const conditionBlocks = toList(block.condition);
  if (conditionBlocks.length > 0) {
    const condition: Record<string, Record<string, unknown>> = {};
    conditionBlocks.forEach((c, index) => {
      if (!isRecord(c)) return;
      const test = toText(c.test);
      const variable = toText(c.variable);
      const at = own.key(block.condition, index, span);
      if (typeof test !== 'string' || typeof variable !== 'string') {
        condition[typeof test === 'string' ? test : '?'] = unknown('condition cannot be read') as never;
        spans.map(condition, typeof test === 'string' ? test : '?', at);
        return;
      }
      let keys = condition[test];
      if (!keys) {
        condition[test] = keys = {};
        spans.map(condition, test, own.key(c, 'test', at));
      }
      keys[variable] = c.values;
      spans.own(c.values, own);
      spans.map(keys, variable, own.key(c, 'variable', at));
    });
    statement.Condition = condition;
    spans.map(statement, 'Condition', own.key(block, 'condition', span));
  }
  return statement;
}

/**
 * A policy given as JSON text: parsed in place when the text is verbatim in the file (a heredoc), so
 * statements keep their lines; otherwise parsed without positions (findings land on `policy`).
 */
export function parsePolicy(value: unknown, document: LocatedDocument): unknown {
  if (value instanceof JsonText) {
    if (value.offset !== undefined) {
      const text = document.text;
      const blank = (s: string) => s.replace(/[^\r\n]/g, ' ');
      const padded =
        blank(text.slice(0, value.offset)) + value.text + blank(text.slice(value.offset + value.text.length));
      try {
        return parseJson(document.file, padded).value;
      } catch {
        return unknown('the policy is not valid JSON');
      }
    }
    return parseLoose(value.text);
  }
  if (typeof value === 'string') return parseLoose(value);
  return value;
}

function parseLoose(text: string): Maybe<unknown> {
  try {
    return JSON.parse(text);
  } catch {
    return unknown('the policy is not valid JSON');
  }
}
