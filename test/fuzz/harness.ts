/**
 * The text-format fuzz harness: seed inputs (the fixtures, the examples, the shared corpus) are damaged
 * by seedable text mutators and run through the real adapters, the assembler and every built-in rule.
 * The property (the hostile-input issue): only an InputError with a one-line message may escape an
 * adapter, nothing may escape assembly or a rule, and no case may hang. test/fuzz/inputs.test.ts runs a
 * few hundred cases per format in CI; bench/fuzz-inputs.mjs runs many more through the same test.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { builtinRules } from '../../rules/index.js';
import { assembleGraph } from '../../src/engine/assemble.js';
import { linkers } from '../../src/ingest/index.js';
import { InputError } from '../../src/errors.js';
import type { Adapter } from '../../src/ingest/adapter.js';
import { builtinAdapters as adapters } from '../../src/check.js';
import { REPO_ROOT, SHARED } from '../helpers.js';
import { random } from './random.js';

export { random };

const pick = <T>(list: readonly T[], next: () => number): T => list[Math.floor(next() * list.length)];
const index = (length: number, next: () => number) => Math.floor(next() * Math.max(1, length));

/** Tokens that break or bend every format isolint reads: brackets, quotes, anchors, tags, entities, keys. */
const TOKENS = [
  '{',
  '}',
  '[',
  ']',
  '"',
  "'",
  ':',
  ',',
  '\n',
  '\r\n',
  '\t',
  ' ',
  '- ',
  '-',
  '#',
  '//',
  '/*',
  ';',
  '=',
  '\\',
  '&a ',
  '*a',
  '<<: *a\n',
  '!Ref ',
  '!GetAtt ',
  '!Sub ',
  '!If ',
  '!!binary ',
  '? ',
  '|',
  '>',
  '---\n',
  '...\n',
  '%YAML 1.1\n',
  '${',
  '${var.x}',
  '${local.x}',
  '%{',
  'var.',
  'local.',
  'aws_instance.a.id',
  '"Ref"',
  '"Fn::GetAtt"',
  '"Fn::If"',
  '<',
  '>',
  '</',
  '/>',
  '<!--',
  '-->',
  '<![CDATA[',
  ']]>',
  '<!DOCTYPE x [<!ENTITY e "ee">]>',
  '&e;',
  '&amp;',
  '&#0;',
  '&#x110000;',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '0',
  '-1',
  '1e999',
  '-0',
  '0x10',
  '9007199254740993',
  '99999999999999999999',
  'NaN',
  '.inf',
  'null',
  '~',
  'true',
  'yes',
  '\u0000',
  '\ufeff',
  '\ud800',
  '\u2028',
  '\u{1f600}',
  'é',
];

const INTERESTING_NUMBERS = [
  '0',
  '-1',
  '1',
  '3',
  '4',
  '65535',
  '4294967296',
  '9007199254740993',
  '1e308',
  '1e999',
  '-0',
  '0.5',
  '00',
  '1_000',
];

export type Mutator = (text: string, next: () => number) => string;

export const mutators: Record<string, Mutator> = {
  deleteRange: (t, next) => {
    const from = index(t.length, next);
    return t.slice(0, from) + t.slice(from + 1 + index(40, next));
  },
  insertToken: (t, next) => {
    const at = index(t.length + 1, next);
    return t.slice(0, at) + pick(TOKENS, next) + t.slice(at);
  },
  replaceChar: (t, next) => {
    const at = index(t.length, next);
    return t.slice(0, at) + pick(TOKENS, next) + t.slice(at + 1);
  },
  /** Copies a slice elsewhere: repeated keys, ids and references to things declared elsewhere. */
  duplicateRange: (t, next) => {
    const from = index(t.length, next);
    const slice = t.slice(from, from + 1 + index(200, next));
    const at = index(t.length + 1, next);
    return t.slice(0, at) + slice + t.slice(at);
  },
  truncate: (t, next) => t.slice(0, index(t.length, next)),
  swapLines: (t, next) => {
    const lines = t.split('\n');
    const a = index(lines.length, next);
    const b = index(lines.length, next);
    [lines[a], lines[b]] = [lines[b], lines[a]];
    return lines.join('\n');
  },
  repeatLine: (t, next) => {
    const lines = t.split('\n');
    const a = index(lines.length, next);
    lines.splice(a, 0, ...Array<string>(1 + index(20, next)).fill(lines[a]));
    return lines.join('\n');
  },
  /** Moves a line's indentation: YAML structure changes, other formats mostly shrug. */
  reindent: (t, next) => {
    const lines = t.split('\n');
    const a = index(lines.length, next);
    lines[a] = ' '.repeat(index(12, next)) + lines[a].trimStart();
    return lines.join('\n');
  },
  replaceNumber: (t, next) => {
    const numbers = [...t.matchAll(/\d+/g)];
    if (!numbers.length) return t;
    const match = pick(numbers, next);
    return t.slice(0, match.index) + pick(INTERESTING_NUMBERS, next) + t.slice(match.index + match[0].length);
  },
  /** Replaces a word with another word of the same file: references that point elsewhere, or at themselves. */
  swapWords: (t, next) => {
    const words = [...t.matchAll(/[A-Za-z_][\w.-]{2,}/g)];
    if (words.length < 2) return t;
    const target = pick(words, next);
    const replacement = pick(words, next)[0];
    return t.slice(0, target.index) + replacement + t.slice(target.index + target[0].length);
  },
  /** Wraps a slice in brackets many times: nesting that parsers must bound. */
  nest: (t, next) => {
    const at = index(t.length + 1, next);
    const depth = 1 + index(400, next);
    const [open, close] = pick(
      [
        ['[', ']'],
        ['{', '}'],
        ['<a>', '</a>'],
        ['(', ')'],
        ['- ', ''],
      ],
      next,
    );
    return t.slice(0, at) + open.repeat(depth) + close.repeat(depth) + t.slice(at);
  },
};

export interface Seed {
  /** Where the seed came from, for failure messages. */
  origin: string;
  /** The file name adapters see (some formats are claimed by name: sshd_config, grub). */
  name: string;
  text: string;
  adapter: Adapter;
}

function filesUnder(path: string): string[] {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    return [];
  }
  if (!stats.isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => filesUnder(join(path, name)));
}

/** Every text input the adapters claim, from the fixtures, the examples and the shared corpus. */
export function loadSeeds(): Seed[] {
  // The shared corpus adds seeds when it is present; the fixtures alone cover every format.
  const roots = [join(REPO_ROOT, 'fixtures'), join(REPO_ROOT, 'examples'), ...(SHARED ? [join(SHARED, 'corpus')] : [])];
  const seeds: Seed[] = [];
  for (const path of roots.flatMap(filesUnder)) {
    if (/\.(eif|pem|der|bin|md)$/i.test(path)) continue;
    const text = readFileSync(path, 'utf8');
    if (text.includes('\u0000')) continue;
    const name = basename(path);
    const adapter = adapters.find((candidate) => candidate.claims({ file: name, absolutePath: `/fuzz/${name}`, text }));
    if (adapter) seeds.push({ origin: relative(REPO_ROOT, path), name, text, adapter });
  }
  return seeds;
}

export interface CaseOutcome {
  outcome: 'loaded' | 'rejected' | 'unclaimed';
  format?: string;
  message?: string;
  milliseconds: number;
}

const noReport = { report: () => undefined };

/**
 * Runs one input through claims → load → assemble → every rule. Returns how it went, or throws an
 * Error describing the broken property (anything but an InputError escaping, a multi-line message).
 * `directory` must differ per case: the Terraform adapter reads a module (a directory) once per scan.
 */
export async function runCase(name: string, text: string, directory: string): Promise<CaseOutcome> {
  const started = performance.now();
  const input = { file: name, absolutePath: join(directory, name), text };
  const adapter = adapters.find((candidate) => candidate.claims(input));
  if (!adapter) return { outcome: 'unclaimed', milliseconds: performance.now() - started };
  if (adapter.prepare) await adapter.prepare();
  let fragment;
  try {
    fragment = adapter.load(input);
  } catch (error) {
    if (!(error instanceof InputError))
      throw new Error(`${adapter.format} adapter threw ${String(error)}`, { cause: error });
    const formatted = error.format();
    if (/[\r\n]/.test(formatted))
      throw new Error(`${adapter.format}: message is not one line: ${JSON.stringify(formatted)}`, { cause: error });
    if (!error.message.trim()) throw new Error(`${adapter.format}: empty error message`, { cause: error });
    return {
      outcome: 'rejected',
      format: adapter.format,
      message: error.message,
      milliseconds: performance.now() - started,
    };
  }
  for (const node of fragment.nodes) {
    if (typeof node.id !== 'string' || !node.source)
      throw new Error(`${adapter.format}: node without id or source: ${String(node.id)}`);
  }
  const { graph } = assembleGraph([fragment], { linkers });
  for (const rule of builtinRules) {
    try {
      await rule.check(graph, noReport as never);
    } catch (error) {
      throw new Error(`rule ${rule.id} threw on ${adapter.format} input: ${String(error)}`, { cause: error });
    }
  }
  return { outcome: 'loaded', format: adapter.format, milliseconds: performance.now() - started };
}

/** A mutant of a seed: one to three mutators in a row. */
export function mutate(seed: Seed, next: () => number): { text: string; applied: string[] } {
  const names = Object.keys(mutators);
  let text = seed.text;
  const applied: string[] = [];
  const rounds = 1 + index(3, next);
  for (let r = 0; r < rounds; r++) {
    const name = pick(names, next);
    applied.push(name);
    text = mutators[name](text, next);
  }
  return { text, applied };
}
