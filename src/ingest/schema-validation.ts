import { existsSync, readFileSync } from 'node:fs';
import { closest } from '../suggest.js';
import { createRequire } from 'node:module';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { InputError } from '../errors.js';
import { packagePath } from '../paths.js';
import type { LocatedDocument } from './located.js';

/**
 * Validates a located document against one of our JSON Schemas and turns the first problem into a
 * one-line error at its line and column, in plain words (never a raw ajv dump).
 */
const compiled = new Map<string, ValidateFunction>();
let ajv: Ajv | undefined;

/** Running compiled (from dist/): the build precompiled the schemas (scripts/build-validators.mjs). */
const RUNNING_COMPILED = import.meta.url.includes('/dist/src/');

function validatorFor(name: string): ValidateFunction {
  let validate = compiled.get(name);
  if (!validate) {
    const precompiled = packagePath('dist', 'validators', name.replace('.schema.json', '.cjs'));
    if (RUNNING_COMPILED && existsSync(precompiled)) {
      const module = createRequire(import.meta.url)(precompiled) as { default?: ValidateFunction } & ValidateFunction;
      validate = module.default ?? module;
    } else {
      // Only sources run under a test runner compile schemas: the CLI never loads the compiler.
      ajv ??= new (createRequire(import.meta.url)('ajv') as typeof import('ajv')).Ajv({
        allErrors: true,
        verbose: true,
        strict: false,
      });
      validate = ajv.compile(JSON.parse(readFileSync(packagePath('schemas', name), 'utf8')) as object);
    }
    compiled.set(name, validate);
  }
  return validate;
}

/** At most this many problems of one file are listed; the rest are counted. */
const MAX_LISTED = 20;

/**
 * Validates a located document against one of our JSON Schemas. Every independent problem becomes a one-line
 * error at its own line, so three mistakes take one run to see, not three; alternatives of a `oneOf` that failed
 * together are one problem, explained by the error a person should fix first.
 */
export function validateAgainstSchema(document: LocatedDocument, schemaName: string, what: string): void {
  const validate = validatorFor(schemaName);
  if (validate(document.value)) return;
  const errors = validate.errors ?? [];
  const chosen = independentProblems(errors, document.value);
  if (chosen.length === 0) throw new InputError(`not a valid ${what}`, { file: document.file });
  const located = chosen
    .map((error) => {
      const { container, key } = locate(document.value, error.instancePath, error);
      const span = container
        ? key === undefined
          ? document.spanOf(container)
          : document.spanOfKey(container, key)
        : undefined;
      return { message: describe(error, document.value), line: span?.startLine, column: span?.startColumn };
    })
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  const listed = located
    .slice(0, MAX_LISTED)
    .map(
      (problem, index) =>
        new InputError(
          `invalid ${what}: ${problem.message}${index === MAX_LISTED - 1 && located.length > MAX_LISTED ? ` (and ${located.length - MAX_LISTED} more problems)` : ''}`,
          { file: document.file, line: problem.line, column: problem.column },
        ),
    );
  const [first, ...others] = listed;
  throw new InputError(first.message, first.place, others);
}

const COMPOSITE = ['oneOf', 'anyOf', 'if'];
const under = (path: string, ancestor: string) => path === ancestor || path.startsWith(`${ancestor}/`);

/** One error per problem: each failed alternative set is one, each error outside them is one. */
function independentProblems(errors: ErrorObject[], root: unknown): ErrorObject[] {
  const composites = [...new Set(errors.filter((e) => COMPOSITE.includes(e.keyword)).map((e) => e.instancePath))];
  const outermost = composites.filter((path) => !composites.some((other) => other !== path && under(path, other)));
  const problems: ErrorObject[] = [];
  for (const path of outermost) {
    const chosen = chooseError(
      errors.filter((e) => under(e.instancePath, path)),
      root,
    );
    if (chosen) problems.push(chosen);
  }
  const seen = new Set<string>();
  for (const error of errors) {
    if (outermost.some((path) => under(error.instancePath, path))) continue;
    const key = `${error.instancePath}\0${error.keyword}\0${JSON.stringify(error.params)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(error);
  }
  return problems;
}

const KEYWORD_PREFERENCE = [
  'additionalProperties',
  'required',
  'const',
  'enum',
  'type',
  'pattern',
  'minimum',
  'maximum',
];

/** The deepest, most concrete error: what a person should fix first. */
function chooseError(errors: ErrorObject[], root: unknown): ErrorObject | undefined {
  const depth = (e: ErrorObject) =>
    e.instancePath.split('/').length + (e.keyword === 'additionalProperties' || e.keyword === 'required' ? 1 : 0);
  const deepest = Math.max(...errors.map(depth));
  const candidates = errors.filter((e) => depth(e) === deepest);
  const path = candidates[0]?.instancePath ?? '';
  const value = valueAt(root, path);
  const composite = errors.find((e) => e.keyword === 'oneOf' && e.instancePath === path);
  // A scalar that matches none of the alternatives is best explained by the alternatives' description.
  if (composite && (typeof value !== 'object' || value === null)) return composite;
  const concrete = candidates.filter((e) => !['oneOf', 'anyOf', 'if'].includes(e.keyword));
  const pool = concrete.length > 0 ? concrete : candidates;
  return [...pool].sort((a, b) => rank(a.keyword) - rank(b.keyword))[0];
}

function rank(keyword: string): number {
  const index = KEYWORD_PREFERENCE.indexOf(keyword);
  return index < 0 ? KEYWORD_PREFERENCE.length : index;
}

function pointerTokens(pointer: string): string[] {
  return pointer === ''
    ? []
    : pointer
        .slice(1)
        .split('/')
        .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function valueAt(root: unknown, pointer: string): unknown {
  let current = root;
  for (const token of pointerTokens(pointer)) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = Array.isArray(current) ? current[Number(token)] : (current as Record<string, unknown>)[token];
  }
  return current;
}

/** The container holding the value at fault and the key inside it, for a span. */
function locate(root: unknown, pointer: string, error: ErrorObject): { container?: object; key?: string | number } {
  const tokens = pointerTokens(pointer);
  if (error.keyword === 'additionalProperties') {
    const container = valueAt(root, pointer);
    return { container: container as object, key: String(error.params.additionalProperty) };
  }
  if (error.keyword === 'required') return { container: valueAt(root, pointer) as object };
  if (tokens.length === 0) return { container: root as object };
  const parent = valueAt(
    root,
    `/${tokens
      .slice(0, -1)
      .map((t) => t.replace(/~/g, '~0').replace(/\//g, '~1'))
      .join('/')}`.replace(/^\/$/, ''),
  );
  const last = tokens[tokens.length - 1];
  return { container: parent as object, key: Array.isArray(parent) ? Number(last) : last };
}

function nameOf(pointer: string): string {
  const tokens = pointerTokens(pointer);
  const last = tokens[tokens.length - 1];
  if (last === undefined) return 'the document';
  if (/^\d+$/.test(last)) return `item ${Number(last) + 1} of "${tokens[tokens.length - 2] ?? ''}"`;
  return `"${last}"`;
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function describe(error: ErrorObject, root: unknown): string {
  // An error inside `propertyNames` is about a key itself (a misspelt PCR name, say), not its value.
  if (error.propertyName !== undefined) return `unknown property "${error.propertyName}"`;
  const where = nameOf(error.instancePath);
  const value = valueAt(root, error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys((error.parentSchema as { properties?: object })?.properties ?? {});
      const suggestion = closest(key, allowed);
      return `unknown property "${key}"${suggestion ? ` (did you mean "${suggestion}"?)` : allowed.length ? ` (expected one of: ${allowed.join(', ')})` : ''}`;
    }
    case 'required':
      return `missing required property "${String(params.missingProperty)}"${error.instancePath ? ` in ${where}` : ''}`;
    case 'const':
      return `${where} must be ${show(params.allowedValue)}, not ${show(value)}`;
    case 'enum':
      return `${where} must be one of ${(params.allowedValues as unknown[]).map(show).join(', ')}, not ${show(value)}`;
    case 'type':
      return `${where} must be ${article(String(params.type))}, not ${typeName(value)}`;
    case 'pattern':
    case 'oneOf':
    case 'anyOf': {
      const description = (error.parentSchema as { description?: string })?.description;
      return `${where} is not valid (${show(value)})${description ? `: expected ${lowerFirst(description).replace(/\.$/, '')}` : ''}`;
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `${where} ${error.message ?? 'is out of range'}, not ${show(value)}`;
    case 'minLength':
      return `${where} must not be empty`;
    case 'maxLength':
      return `${where} is too long`;
    case 'propertyNames':
      return `${where} has an invalid key: ${String((params.propertyName as string | undefined) ?? '')}`;
    default:
      return `${where} ${error.message ?? 'is not valid'}`;
  }
}

function article(type: string): string {
  const names = type
    .split(',')
    .map((t) =>
      t === 'integer' ? 'a whole number' : t === 'array' ? 'a list' : t === 'object' ? 'a mapping' : `a ${t}`,
    );
  return names.join(' or ');
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'number') return Number.isInteger(value) ? `the number ${value}` : `the number ${value}`;
  return `${typeof value === 'string' ? 'the string' : `the ${typeof value}`} ${show(value)}`;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
