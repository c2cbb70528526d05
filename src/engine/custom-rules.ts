import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { UsageError } from '../errors.js';
import { packagePath } from '../paths.js';
import type { Rule, Severity } from './rule.js';

/**
 * Rules a team writes for itself (`--rules-dir`), with the same contract as the built-in ones: a module
 * whose default export (or `rules` export, an array) is what `defineRule` returns. TypeScript files are
 * transpiled with the `typescript` package (the user's, or ours in development). Imports of `isolint`
 * resolve to this installation, so a rule works whether isolint is installed in the project or run by npx.
 */
const RULE_FILE = /\.(m?js|m?ts)$/;
const ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const SEVERITIES: Severity[] = ['error', 'warning', 'note'];

export async function loadCustomRules(
  directories: string[],
  cwd: string,
  reserved: ReadonlySet<string>,
): Promise<Rule[]> {
  const rules: Rule[] = [];
  const seen = new Set(reserved);
  const work = mkdtempSync(join(tmpdir(), 'isolint-rules-'));
  try {
    for (const directory of directories) {
      const absolute = resolve(cwd, directory);
      let names: string[];
      try {
        if (!statSync(absolute).isDirectory()) throw new Error('not a directory');
        names = readdirSync(absolute)
          .filter((name) => RULE_FILE.test(name) && !name.endsWith('.d.ts') && !/\.test\./.test(name))
          .sort();
      } catch {
        throw new UsageError(`--rules-dir ${directory}: not a readable directory`);
      }
      for (const name of names) {
        const file = join(absolute, name);
        for (const rule of await importRules(file, work)) {
          const problem = validate(rule, seen);
          if (problem) throw new UsageError(`${join(directory, name)}: ${problem}`);
          const valid = rule as Rule;
          seen.add(valid.id);
          rules.push({ ...normalise(valid), loadedFrom: join(directory, name) });
        }
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return rules;
}

async function importRules(file: string, work: string): Promise<unknown[]> {
  let source = readFileSync(file, 'utf8');
  if (/\.m?ts$/.test(file)) source = await transpile(source, file);
  const isolint = pathToFileURL(libraryEntry()).href;
  // Bare `isolint` imports go to this installation; relative imports keep pointing beside the rule file.
  source = source.replace(
    /(from\s+|import\s*\(\s*)(['"])([^'"]+)\2/g,
    (whole, prefix: string, quote: string, specifier: string) => {
      if (specifier === 'isolint') return `${prefix}${quote}${isolint}${quote}`;
      if (specifier.startsWith('./') || specifier.startsWith('../')) {
        return `${prefix}${quote}${pathToFileURL(resolve(dirname(file), specifier)).href}${quote}`;
      }
      return whole;
    },
  );
  const target = join(work, `${Buffer.from(file).toString('hex').slice(-40)}-${extname(file).replace('.', '')}.mjs`);
  writeFileSync(target, source);
  let module: { default?: unknown; rules?: unknown };
  try {
    module = (await import(pathToFileURL(target).href)) as typeof module;
  } catch (error) {
    throw new UsageError(
      `${file}: cannot load the rule module: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
    );
  }
  const exported = module.rules ?? module.default;
  const list: unknown[] = Array.isArray(exported) ? exported : exported === undefined ? [] : [exported];
  if (list.length === 0)
    throw new UsageError(`${file}: exports no rule (export default defineRule({...}) or export const rules = [...])`);
  return list;
}

/**
 * The compiled library the rule's `isolint` import should get: this installation's dist/ (under vitest the
 * sources are TypeScript, which a plain import cannot load; the package is built by npm ci's prepare).
 */
function libraryEntry(): string {
  const compiled = packagePath('dist', 'src', 'index.js');
  return existsSync(compiled) ? compiled : resolve(dirname(fileURLToPath(import.meta.url)), '..', 'index.js');
}

async function transpile(source: string, file: string): Promise<string> {
  let ts: typeof import('typescript');
  try {
    ts = (await import('typescript')).default;
  } catch {
    throw new UsageError(
      `${file}: TypeScript rules need the typescript package (npm install --save-dev typescript), or write the rule in JavaScript`,
    );
  }
  return ts.transpileModule(source, {
    fileName: file,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
}

function validate(candidate: unknown, seen: ReadonlySet<string>): string | undefined {
  if (typeof candidate !== 'object' || candidate === null)
    return 'a rule must be an object made with defineRule({...})';
  const rule = candidate as Partial<Rule>;
  if (typeof rule.id !== 'string' || !ID.test(rule.id))
    return `rule id ${JSON.stringify(rule.id)} must be kebab-case (e.g. "require-tenant")`;
  if (seen.has(rule.id)) return `rule id "${rule.id}" is already taken`;
  if (typeof rule.title !== 'string' || !rule.title) return `rule ${rule.id}: a title is required`;
  if (!rule.severity || !SEVERITIES.includes(rule.severity))
    return `rule ${rule.id}: severity must be error, warning or note`;
  if (typeof rule.rationale !== 'string' || typeof rule.fix !== 'string')
    return `rule ${rule.id}: rationale and fix are required`;
  if (typeof rule.messages !== 'object' || rule.messages === null) return `rule ${rule.id}: messages are required`;
  if (typeof rule.check !== 'function') return `rule ${rule.id}: check(graph, context) must be a function`;
  if (rule.securitySeverity !== undefined && !(rule.securitySeverity > 0 && rule.securitySeverity <= 10)) {
    return `rule ${rule.id}: securitySeverity must be in (0, 10]`;
  }
  return undefined;
}

/** Optional metadata gets defaults, so a short custom rule still makes valid SARIF. */
function normalise(rule: Rule): Rule {
  const name = rule.name ?? rule.id.replace(/(^|-)(\w)/g, (_m, _dash, letter: string) => letter.toUpperCase());
  return {
    ...rule,
    name,
    securitySeverity: rule.securitySeverity ?? 5.0,
    precision: rule.precision ?? 'medium',
    tags: rule.tags?.length ? rule.tags : ['security', 'custom'],
    since: rule.since ?? '0.0.0',
    sources: rule.sources ?? [],
    appliesTo: rule.appliesTo ?? [],
  };
}
