import { isUnknown, type Unknown } from '../../model/unknown.js';
import { JsonText, unknownKeysOf } from '../aws/values.js';
import { yamlParser } from '../located.js';

/**
 * Terraform's built-in functions, as https://developer.hashicorp.com/terraform/language/functions
 * documents them, over plain values (lists and sets are arrays, maps and objects are objects). An
 * argument that is unknown makes the result unknown with the argument's reason; an impure or
 * unimplemented function is unknown with a reason naming it. `try`, `can` and the file functions need the
 * evaluator and live there.
 */

export class FunctionError extends Error {}

type Fn = (args: unknown[]) => unknown;

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !isUnknown(v) && !(v instanceof JsonText);

function text(v: unknown, name: string): string {
  if (v instanceof JsonText) return v.text;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new FunctionError(`${name}: expected a string`);
}

function num(v: unknown, name: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  throw new FunctionError(`${name}: expected a number`);
}

function list(v: unknown, name: string): unknown[] {
  if (Array.isArray(v)) return v;
  throw new FunctionError(`${name}: expected a list`);
}

function map(v: unknown, name: string): Record<string, unknown> {
  if (isMap(v)) return v;
  throw new FunctionError(`${name}: expected a map`);
}

/** Terraform compares values structurally (contains, index, distinct, ==). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof JsonText) a = a.text;
  if (b instanceof JsonText) b = b.text;
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && sameValue(a[k], b[k]));
  }
  return false;
}

/** The first unknown inside a value (deeply), which makes a function's result unknown. */
export function firstUnknown(value: unknown, depth = 0): Unknown | undefined {
  if (isUnknown(value)) return value;
  if (depth > 32) return undefined;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = firstUnknown(item, depth + 1);
      if (found) return found;
    }
  } else if (isMap(value)) {
    const partial = unknownKeysOf(value);
    if (partial) return partial;
    for (const item of Object.values(value)) {
      const found = firstUnknown(item, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

function plainJson(value: unknown): unknown {
  if (value instanceof JsonText) return value.text;
  if (Array.isArray(value)) return value.map(plainJson);
  if (isMap(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainJson(v)]));
  return value;
}

function sortedKeys(m: Record<string, unknown>): string[] {
  return Object.keys(m).sort();
}

function fromJson(value: unknown): unknown {
  return value;
}

/** Go's fmt verbs as Terraform's format() documents them (%s %d %f %q %v %t %%, width and precision). */
function format(spec: string, args: unknown[]): string {
  let next = 0;
  return spec.replace(
    /%(\[(\d+)\])?([-+# 0]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])/g,
    (whole: string, _b: string, position: string, flags: string, width: string, precision: string, verb: string) => {
      if (verb === '%') return '%';
      if (position) next = Number(position) - 1;
      if (next >= args.length) throw new FunctionError('format: too few arguments');
      const arg = args[next++];
      let out: string;
      switch (verb) {
        case 's':
          out = text(arg, 'format');
          break;
        case 'q':
          out = JSON.stringify(text(arg, 'format'));
          break;
        case 'd':
          out = String(Math.trunc(num(arg, 'format')));
          break;
        case 'f':
          out = num(arg, 'format').toFixed(precision ? Number(precision) : 6);
          break;
        case 'e':
          out = num(arg, 'format').toExponential(precision ? Number(precision) : 6);
          break;
        case 'g':
          out = String(num(arg, 'format'));
          break;
        case 't':
          if (typeof arg !== 'boolean') throw new FunctionError('format: %t needs a bool');
          out = String(arg);
          break;
        case 'v':
          out = typeof arg === 'string' ? arg : JSON.stringify(plainJson(arg));
          break;
        case 'x':
        case 'X':
          out = typeof arg === 'number' ? arg.toString(16) : Buffer.from(text(arg, 'format')).toString('hex');
          if (verb === 'X') out = out.toUpperCase();
          break;
        case 'o':
          out = Math.trunc(num(arg, 'format')).toString(8);
          break;
        case 'b':
          out = Math.trunc(num(arg, 'format')).toString(2);
          break;
        default:
          throw new FunctionError(`format: unsupported verb %${verb}`);
      }
      if (flags.includes('+') && (verb === 'd' || verb === 'f') && !out.startsWith('-')) out = `+${out}`;
      if (precision && verb === 's') out = out.slice(0, Number(precision));
      if (width && out.length < Number(width)) {
        const pad = flags.includes('0') && !flags.includes('-') ? '0' : ' ';
        out = flags.includes('-') ? out.padEnd(Number(width)) : out.padStart(Number(width), pad);
      }
      return whole ? out : out;
    },
  );
}

// --- IPv4 and IPv6 addresses as bigints (cidrsubnet, cidrhost, cidrnetmask).
function parseCidr(prefix: string, name: string): { address: bigint; bits: number; length: number } {
  const [ip, lengthText] = prefix.split('/');
  if (ip === undefined || lengthText === undefined || !/^\d+$/.test(lengthText))
    throw new FunctionError(`${name}: invalid CIDR prefix "${prefix}"`);
  const length = Number(lengthText);
  if (ip.includes(':')) {
    const [head, tail] = ip.split('::');
    const groups = (s: string | undefined) => (s ? s.split(':') : []);
    const h = groups(head);
    const t = groups(tail);
    const all: string[] = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
    if (all.length !== 8) throw new FunctionError(`${name}: invalid IPv6 address "${ip}"`);
    let address = 0n;
    for (const group of all) address = (address << 16n) + BigInt(parseInt(group || '0', 16));
    if (length > 128) throw new FunctionError(`${name}: invalid prefix length`);
    return { address, bits: 128, length };
  }
  const octets = ip.split('.');
  if (octets.length !== 4 || octets.some((o) => !/^\d{1,3}$/.test(o) || Number(o) > 255))
    throw new FunctionError(`${name}: invalid IPv4 address "${ip}"`);
  if (length > 32) throw new FunctionError(`${name}: invalid prefix length`);
  return { address: octets.reduce((a, o) => (a << 8n) + BigInt(Number(o)), 0n), bits: 32, length };
}

function formatAddress(address: bigint, bits: number): string {
  if (bits === 32) return [24n, 16n, 8n, 0n].map((shift) => String((address >> shift) & 255n)).join('.');
  const groups: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(((address >> shift) & 0xffffn).toString(16));
  // The longest run of zero groups becomes "::" (RFC 5952).
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLength) {
      best = i;
      bestLength = j - i;
    }
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLength).join(':')}`;
}

function network(address: bigint, bits: number, length: number): bigint {
  const hostBits = BigInt(bits - length);
  return (address >> hostBits) << hostBits;
}

function flattenDeep(value: unknown[], depth = 0): unknown[] {
  if (depth > 64) throw new FunctionError('flatten: nested too deeply');
  return value.flatMap((item) => (Array.isArray(item) ? flattenDeep(item, depth + 1) : [item]));
}

function toYamlFriendly(value: unknown): unknown {
  return plainJson(value);
}

export const FUNCTIONS: Record<string, Fn> = {
  // --- collections
  length: ([v]) => {
    if (typeof v === 'string') return [...v].length;
    if (Array.isArray(v)) return v.length;
    if (isMap(v)) return Object.keys(v).length;
    throw new FunctionError('length: expected a string, list or map');
  },
  concat: (args) => args.flatMap((a) => list(a, 'concat')),
  merge: (args) => {
    const out: Record<string, unknown> = {};
    for (const a of args) {
      if (a === null) continue;
      Object.assign(out, map(a, 'merge'));
    }
    return out;
  },
  lookup: ([m, key, fallback]) => {
    const k = text(key, 'lookup');
    const record = map(m, 'lookup');
    if (Object.prototype.hasOwnProperty.call(record, k)) return record[k];
    if (fallback === undefined) throw new FunctionError(`lookup: no key "${k}" and no default`);
    return fallback;
  },
  coalesce: (args) => {
    for (const a of args) if (a !== null && a !== '') return a;
    throw new FunctionError('coalesce: no non-null, non-empty argument');
  },
  coalescelist: (args) => {
    for (const a of args) if (list(a, 'coalescelist').length > 0) return a;
    throw new FunctionError('coalescelist: no non-empty list');
  },
  compact: ([l]) => list(l, 'compact').filter((s) => s !== null && s !== ''),
  flatten: ([l]) => flattenDeep(list(l, 'flatten')),
  element: ([l, i]) => {
    const items = list(l, 'element');
    if (items.length === 0) throw new FunctionError('element: empty list');
    const n = Math.trunc(num(i, 'element'));
    if (n < 0) throw new FunctionError('element: negative index');
    return items[n % items.length];
  },
  index: ([l, v]) => {
    const at = list(l, 'index').findIndex((item) => sameValue(item, v));
    if (at < 0) throw new FunctionError('index: value not in the list');
    return at;
  },
  keys: ([m]) => sortedKeys(map(m, 'keys')),
  values: ([m]) => {
    const record = map(m, 'values');
    return sortedKeys(record).map((k) => record[k]);
  },
  contains: ([l, v]) => list(l, 'contains').some((item) => sameValue(item, v)),
  distinct: ([l]) => {
    const out: unknown[] = [];
    for (const item of list(l, 'distinct')) if (!out.some((o) => sameValue(o, item))) out.push(item);
    return out;
  },
  one: ([l]) => {
    const items = list(l, 'one');
    if (items.length > 1) throw new FunctionError('one: more than one element');
    return items.length ? items[0] : null;
  },
  range: (args) => {
    const n = args.map((a) => num(a, 'range'));
    const [start, limit, step] = n.length === 1 ? [0, n[0], 1] : [n[0], n[1], n[2] ?? (n[0] <= n[1] ? 1 : -1)];
    if (step === 0) throw new FunctionError('range: step is zero');
    const out: number[] = [];
    for (let i = start; step > 0 ? i < limit : i > limit; i += step) {
      out.push(i);
      if (out.length > 1024) throw new FunctionError('range: more than 1024 elements');
    }
    return out;
  },
  zipmap: ([k, v]) => {
    const ks = list(k, 'zipmap');
    const vs = list(v, 'zipmap');
    if (ks.length !== vs.length) throw new FunctionError('zipmap: lists of different lengths');
    return Object.fromEntries(ks.map((key, i) => [text(key, 'zipmap'), vs[i]]));
  },
  slice: ([l, from, to]) => {
    const items = list(l, 'slice');
    const a = num(from, 'slice');
    const b = num(to, 'slice');
    if (a < 0 || b > items.length || a > b) throw new FunctionError('slice: index out of range');
    return items.slice(a, b);
  },
  sort: ([l]) =>
    list(l, 'sort')
      .map((s) => text(s, 'sort'))
      .sort(),
  reverse: ([l]) => [...list(l, 'reverse')].reverse(),
  setunion: (args) => FUNCTIONS.distinct([args.flatMap((a) => list(a, 'setunion'))]),
  setintersection: (args) => {
    const [first = [], ...rest] = args.map((a) => list(a, 'setintersection'));
    return FUNCTIONS.distinct([first.filter((x) => rest.every((r) => r.some((y) => sameValue(x, y))))]);
  },
  setsubtract: ([a, b]) => list(a, 'setsubtract').filter((x) => !list(b, 'setsubtract').some((y) => sameValue(x, y))),
  chunklist: ([l, size]) => {
    const items = list(l, 'chunklist');
    const n = num(size, 'chunklist');
    if (n <= 0) return [items];
    const out: unknown[][] = [];
    for (let i = 0; i < items.length; i += n) out.push(items.slice(i, i + n));
    return out;
  },
  transpose: ([m]) => {
    const out: Record<string, string[]> = {};
    for (const [k, vs] of Object.entries(map(m, 'transpose')))
      for (const v of list(vs, 'transpose')) (out[text(v, 'transpose')] ??= []).push(k);
    return out;
  },
  sum: ([l]) => list(l, 'sum').reduce((a: number, b) => a + num(b, 'sum'), 0),
  alltrue: ([l]) => list(l, 'alltrue').every((b) => b === true || b === 'true'),
  anytrue: ([l]) => list(l, 'anytrue').some((b) => b === true || b === 'true'),
  // --- type conversion
  tostring: ([v]) => (v === null ? null : text(v, 'tostring')),
  tonumber: ([v]) => (v === null ? null : num(v, 'tonumber')),
  tobool: ([v]) => {
    if (v === null || typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    throw new FunctionError('tobool: expected a bool');
  },
  tolist: ([v]) => (v === null ? null : list(v, 'tolist')),
  toset: ([v]) => (v === null ? null : FUNCTIONS.distinct([list(v, 'toset')])),
  tomap: ([v]) => (v === null ? null : map(v, 'tomap')),
  // --- strings
  format: ([spec, ...args]) => format(text(spec, 'format'), args),
  formatlist: ([spec, ...args]) => {
    const lengths = args.filter(Array.isArray).map((a) => a.length);
    if (lengths.length === 0) return [format(text(spec, 'formatlist'), args)];
    if (new Set(lengths).size > 1) throw new FunctionError('formatlist: lists of different lengths');
    return Array.from({ length: lengths[0] }, (_, i) =>
      format(
        text(spec, 'formatlist'),
        args.map((a): unknown => (Array.isArray(a) ? (a as unknown[])[i] : a)),
      ),
    );
  },
  join: ([sep, ...lists]) =>
    lists
      .flatMap((l) => list(l, 'join'))
      .map((s) => text(s, 'join'))
      .join(text(sep, 'join')),
  split: ([sep, s]) => {
    const value = text(s, 'split');
    return value === '' ? [''] : value.split(text(sep, 'split'));
  },
  replace: ([s, search, replacement]) => {
    const value = text(s, 'replace');
    const pattern = text(search, 'replace');
    const by = text(replacement, 'replace');
    const regex = /^\/(.*)\/$/s.exec(pattern);
    if (regex) return value.replace(new RegExp(goRegex(regex[1]), 'g'), by.replace(/\$\{?(\d+)\}?/g, '$$$1'));
    return value.split(pattern).join(by);
  },
  regex: ([pattern, s]) => {
    const match = new RegExp(goRegex(text(pattern, 'regex'))).exec(text(s, 'regex'));
    if (!match) throw new FunctionError('regex: no match');
    return captures(match);
  },
  regexall: ([pattern, s]) =>
    [...text(s, 'regexall').matchAll(new RegExp(goRegex(text(pattern, 'regexall')), 'g'))].map(captures),
  lower: ([s]) => text(s, 'lower').toLowerCase(),
  upper: ([s]) => text(s, 'upper').toUpperCase(),
  title: ([s]) => text(s, 'title').replace(/\b\p{L}/gu, (c) => c.toUpperCase()),
  trim: ([s, chars]) => {
    const set = new Set(text(chars, 'trim'));
    const value = [...text(s, 'trim')];
    let a = 0;
    let b = value.length;
    while (a < b && set.has(value[a])) a++;
    while (b > a && set.has(value[b - 1])) b--;
    return value.slice(a, b).join('');
  },
  trimspace: ([s]) => text(s, 'trimspace').trim(),
  trimprefix: ([s, p]) => {
    const value = text(s, 'trimprefix');
    const prefix = text(p, 'trimprefix');
    return value.startsWith(prefix) ? value.slice(prefix.length) : value;
  },
  trimsuffix: ([s, p]) => {
    const value = text(s, 'trimsuffix');
    const suffix = text(p, 'trimsuffix');
    return suffix && value.endsWith(suffix) ? value.slice(0, -suffix.length) : value;
  },
  substr: ([s, offset, length]) => {
    const chars = [...text(s, 'substr')];
    let from = num(offset, 'substr');
    if (from < 0) from = chars.length + from;
    const n = num(length, 'substr');
    return chars.slice(from, n < 0 ? undefined : from + n).join('');
  },
  startswith: ([s, p]) => text(s, 'startswith').startsWith(text(p, 'startswith')),
  endswith: ([s, p]) => text(s, 'endswith').endsWith(text(p, 'endswith')),
  strcontains: ([s, p]) => text(s, 'strcontains').includes(text(p, 'strcontains')),
  strrev: ([s]) => [...text(s, 'strrev')].reverse().join(''),
  indent: ([n, s]) => text(s, 'indent').replace(/\n/g, `\n${' '.repeat(num(n, 'indent'))}`),
  chomp: ([s]) => text(s, 'chomp').replace(/(\r?\n)+$/, ''),
  // --- numbers
  max: (args) => Math.max(...args.map((a) => num(a, 'max'))),
  min: (args) => Math.min(...args.map((a) => num(a, 'min'))),
  abs: ([n]) => Math.abs(num(n, 'abs')),
  ceil: ([n]) => Math.ceil(num(n, 'ceil')),
  floor: ([n]) => Math.floor(num(n, 'floor')),
  parseint: ([s, base]) => {
    const value = parseInt(text(s, 'parseint'), num(base, 'parseint'));
    if (Number.isNaN(value)) throw new FunctionError('parseint: not a number');
    return value;
  },
  // --- encoding
  jsonencode: ([v]) => JSON.stringify(plainJson(v)),
  jsondecode: ([s]) => {
    try {
      return fromJson(JSON.parse(text(s, 'jsondecode')));
    } catch {
      throw new FunctionError('jsondecode: not valid JSON');
    }
  },
  yamlencode: ([v]) => yamlParser().stringify(toYamlFriendly(v)),
  yamldecode: ([s]) => {
    try {
      return (yamlParser().parse(text(s, 'yamldecode'), { version: '1.2', schema: 'core' }) as unknown) ?? null;
    } catch {
      throw new FunctionError('yamldecode: not valid YAML');
    }
  },
  base64encode: ([s]) => Buffer.from(text(s, 'base64encode'), 'utf8').toString('base64'),
  base64decode: ([s]) => {
    const value = text(s, 'base64decode');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0)
      throw new FunctionError('base64decode: not valid base64');
    return Buffer.from(value, 'base64').toString('utf8');
  },
  urlencode: ([s]) => encodeURIComponent(text(s, 'urlencode')),
  // --- network
  cidrsubnet: ([prefix, newbits, netnum]) => {
    const { address, bits, length } = parseCidr(text(prefix, 'cidrsubnet'), 'cidrsubnet');
    const extra = num(newbits, 'cidrsubnet');
    const n = BigInt(num(netnum, 'cidrsubnet'));
    const newLength = length + extra;
    if (newLength > bits) throw new FunctionError('cidrsubnet: not enough bits');
    if (n < 0n || n >= 1n << BigInt(extra)) throw new FunctionError('cidrsubnet: netnum out of range');
    const base = network(address, bits, length);
    return `${formatAddress(base | (n << BigInt(bits - newLength)), bits)}/${newLength}`;
  },
  cidrhost: ([prefix, hostnum]) => {
    const { address, bits, length } = parseCidr(text(prefix, 'cidrhost'), 'cidrhost');
    let n = BigInt(num(hostnum, 'cidrhost'));
    const size = 1n << BigInt(bits - length);
    if (n < 0n) n += size;
    if (n < 0n || n >= size) throw new FunctionError('cidrhost: host number out of range');
    return formatAddress(network(address, bits, length) | n, bits);
  },
  cidrnetmask: ([prefix]) => {
    const { bits, length } = parseCidr(text(prefix, 'cidrnetmask'), 'cidrnetmask');
    if (bits !== 32) throw new FunctionError('cidrnetmask: only IPv4 prefixes have a netmask');
    const mask = ((1n << 32n) - 1n) ^ ((1n << BigInt(32 - length)) - 1n);
    return formatAddress(mask, 32);
  },
  cidrsubnets: ([prefix, ...newbits]) => {
    const { address, bits, length } = parseCidr(text(prefix, 'cidrsubnets'), 'cidrsubnets');
    let next = network(address, bits, length);
    return newbits.map((b) => {
      const newLength = length + num(b, 'cidrsubnets');
      if (newLength > bits) throw new FunctionError('cidrsubnets: not enough bits');
      const step = 1n << BigInt(bits - newLength);
      next = ((next + step - 1n) / step) * step;
      const out = `${formatAddress(next, bits)}/${newLength}`;
      next += step;
      return out;
    });
  },
};

/** Go's RE2 syntax is close to JavaScript's; named groups `(?P<n>…)` are spelled `(?<n>…)` here. */
function goRegex(pattern: string): string {
  return pattern.replace(/\(\?P</g, '(?<');
}

function captures(match: RegExpExecArray | RegExpMatchArray): unknown {
  if (match.groups && Object.keys(match.groups).length) return { ...match.groups };
  if (match.length > 1) return match.slice(1).map((m) => m ?? '');
  return match[0];
}

/** Functions whose result changes between runs or is known only when Terraform runs. */
export const IMPURE = new Set([
  'timestamp',
  'uuid',
  'bcrypt',
  'plantimestamp',
  'filebase64sha256',
  'filebase64sha512',
  'filemd5',
  'filesha1',
  'filesha256',
  'filesha512',
  'shuffle',
]);
