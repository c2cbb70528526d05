import { ContainerLocation, MAX_DEPTH } from './located.js';

/**
 * Where the objects and arrays of a JSON text are, kept as a few integer arrays: large inputs have
 * millions of containers, and an object per container (with its keys and offsets) was most of the
 * memory and garbage-collection time of reading them. Values come from the native JSON.parse; this
 * structure says where each container sits, and the offsets of one container's keys and items are
 * worked out (and kept) only when a span inside it is asked for, which is rare: a finding, an error.
 */
export class JsonStructure {
  /** Containers with many members, kept: reading one again would cost a pass over all of them. */
  private readonly large = new Map<number, ContainerLocation>();
  /**
   * The others, the last few thousand asked for: a report of a million findings asks for a few containers
   * each, and keeping every one (its keys and offsets) was more memory than the findings themselves.
   */
  private readonly recent = new Map<number, ContainerLocation>();

  constructor(
    private readonly text: string,
    /** Containers in document order (pre-order): offset of the opening bracket… */
    readonly starts: Int32Array,
    /** …offset just after the closing bracket… */
    readonly ends: Int32Array,
    /** …enclosing container, -1 for the root… */
    readonly parents: Int32Array,
    /** …and, for a member of an object, the offset of its key's opening quote (else -1). */
    readonly keyStarts: Int32Array,
    readonly count: number,
  ) {}

  /** The keys and items of container `index` with their offsets, as the full parser would record them. */
  location(index: number): ContainerLocation {
    let location = this.large.get(index) ?? this.recent.get(index);
    if (location) return location;
    const parentIndex = this.parents[index];
    const parent = parentIndex < 0 ? undefined : this.location(parentIndex);
    location = new ContainerLocation(parent, parent ? this.tokenIn(parent, index) : undefined, this.starts[index]);
    location.end = this.ends[index]!;
    this.readMembers(index, location);
    if (location.offsets.length >= LARGE_CONTAINER_OFFSETS) this.large.set(index, location);
    else {
      if (this.recent.size >= RECENT_CONTAINERS) this.recent.delete(this.recent.keys().next().value!);
      this.recent.set(index, location);
    }
    return location;
  }

  /** The key or item index under which container `index` sits in its parent. */
  private tokenIn(parent: ContainerLocation, index: number): string | number {
    const keyStart = this.keyStarts[index];
    if (keyStart >= 0) return this.decodeString(keyStart, this.stringEnd(keyStart));
    // Items' start offsets increase: binary search for the one this container starts at.
    const start = this.starts[index];
    const offsets = parent.offsets;
    let low = 0;
    let high = offsets.length / 2 - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (offsets[mid * 2] < start) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** One level of the container's text (already validated by JSON.parse): keys, items, their offsets. */
  private readMembers(index: number, location: ContainerLocation): void {
    const text = this.text;
    const isObject = text.charCodeAt(this.starts[index]) === LBRACE;
    const end = this.ends[index] - 1;
    let p = this.skipBlank(this.starts[index] + 1);
    while (p < end) {
      let keyStart = -1;
      let keyEnd = -1;
      if (isObject) {
        keyStart = p;
        keyEnd = this.stringEnd(p);
        p = this.skipBlank(keyEnd) + 1; // past ':'
        p = this.skipBlank(p);
      }
      const valueStart = p;
      p = this.valueEnd(p);
      if (isObject) location.addKey(this.decodeString(keyStart, keyEnd), keyStart, keyEnd, valueStart, p);
      else location.addItem(valueStart, p);
      p = this.skipBlank(p);
      if (text.charCodeAt(p) === COMMA) p = this.skipBlank(p + 1);
    }
  }

  private valueEnd(p: number): number {
    const text = this.text;
    const c = text.charCodeAt(p);
    if (c === QUOTE) return this.stringEnd(p);
    if (c === LBRACE || c === LBRACKET) return this.ends[this.containerAt(p)];
    while (p < text.length) {
      const d = text.charCodeAt(p);
      if (d === COMMA || d === RBRACE || d === RBRACKET || d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09) break;
      p++;
    }
    return p;
  }

  /** The container whose opening bracket is at `offset` (starts are in increasing order). */
  private containerAt(offset: number): number {
    let low = 0;
    let high = this.count - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.starts[mid] < offset) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Offset just after the closing quote of the string whose opening quote is at `start`. */
  private stringEnd(start: number): number {
    return closingQuote(this.text, start) + 1;
  }

  private decodeString(start: number, end: number): string {
    const raw = this.text.slice(start + 1, end - 1);
    return raw.includes('\\') ? (JSON.parse(this.text.slice(start, end)) as string) : raw;
  }

  private skipBlank(p: number): number {
    const text = this.text;
    for (;;) {
      const c = text.charCodeAt(p);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0xfeff) p++;
      else return p;
    }
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;

/** Offset of the quote that closes the string opened at `start`, or -1. */
function closingQuote(text: string, start: number): number {
  let at = text.indexOf('"', start + 1);
  while (at > 0) {
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
    at = text.indexOf('"', at + 1);
  }
  return -1;
}

/**
 * The container index of each object and array JSON.parse built. Adapters read a document mostly in
 * document order, so the container asked for is nearly always close to the one asked for before: a
 * look around that one finds it without hashing. A map (millions of entries on a large estate, the
 * slowest part of reading it when built up front) is made only on the first lookup that misses.
 */
export class ContainerIndex {
  private cursor = 0;
  private byObject: Map<object, number> | undefined;

  constructor(private readonly objects: readonly object[]) {}

  indexOf(container: object): number | undefined {
    const near = this.around(container, NEAR);
    if (near !== undefined) return near;
    // An adapter that reads out of document order (a plan's resources, then their changes) has the map
    // already: a wider look on every lookup would cost it more than hashing.
    if (!this.byObject) {
      const further = this.around(container, FURTHER);
      if (further !== undefined) return further;
      this.byObject = new Map();
      for (let i = 0; i < this.objects.length; i++) this.byObject.set(this.objects[i], i);
    }
    const found = this.byObject.get(container);
    if (found !== undefined) this.cursor = found;
    return found;
  }

  private around(container: object, distance: number): number | undefined {
    const objects = this.objects;
    const cursor = this.cursor;
    const high = Math.min(objects.length - 1, cursor + distance);
    for (let i = cursor; i <= high; i++) {
      if (objects[i] === container) return (this.cursor = i);
    }
    const low = Math.max(0, cursor - distance);
    for (let i = cursor - 1; i >= low; i--) {
      if (objects[i] === container) return (this.cursor = i);
    }
    return undefined;
  }
}

/** 32 keys (four offsets each) or 64 items (two each). */
const LARGE_CONTAINER_OFFSETS = 128;
const RECENT_CONTAINERS = 4096;

/** How far around the last container a lookup looks: always, and before the map is built. */
const NEAR = 12;
const FURTHER = 64;

/**
 * Reads `text` (JSON that JSON.parse accepted) into the positions of its containers, and gives every
 * object and array of `value` (JSON.parse's result for that text) its container index. Returns
 * undefined whenever the two may disagree — duplicate keys (JSON.parse keeps the last), integer-like
 * keys (enumerated out of document order), escaped keys, nesting past MAX_DEPTH — and the caller then
 * uses the full parser, which reports the exact error or records everything itself.
 */
export function indexJson(
  text: string,
  value: unknown,
): { structure: JsonStructure; containers: ContainerIndex } | undefined {
  const scanned = scan(text);
  if (!scanned) return undefined;
  const { structure, members } = scanned;
  const { parents, keyStarts, count } = structure;
  // In document order, which is the order of the structure's containers (checked as we go).
  const objects: object[] = [];
  let next = 0;
  const visit = (container: object, index: number): boolean => {
    objects.push(container);
    next = index + 1;
    if (Array.isArray(container)) {
      for (let k = 0; k < container.length; k++) {
        const item: unknown = container[k];
        if (item === null || typeof item !== 'object') continue;
        if (next >= count || parents[next] !== index || !visit(item, next)) return false;
      }
      return true;
    }
    let keys = 0;
    for (const key in container) {
      keys++;
      const item: unknown = (container as Record<string, unknown>)[key];
      if (item === null || typeof item !== 'object') continue;
      if (next >= count || parents[next] !== index || !keyAt(text, keyStarts[next], key) || !visit(item, next))
        return false;
    }
    return keys === members[index];
  };
  if (value !== null && typeof value === 'object') {
    if (count === 0 || !visit(value, 0) || next !== count) return undefined;
  } else if (count !== 0) {
    return undefined;
  }
  return { structure, containers: new ContainerIndex(objects) };
}

function keyAt(text: string, quote: number, key: string): boolean {
  return quote >= 0 && text.startsWith(key, quote + 1) && text.charCodeAt(quote + 1 + key.length) === QUOTE;
}

/** One pass over the text: containers' offsets, parents and keys, and each container's member count. */
function scan(text: string): { structure: JsonStructure; members: Int32Array } | undefined {
  // About one container per 64 characters in indented JSON: few inputs need the arrays to grow.
  let capacity = Math.max(1024, text.length >> 6);
  let starts = new Int32Array(capacity);
  let ends = new Int32Array(capacity);
  let parents = new Int32Array(capacity);
  let keyStarts = new Int32Array(capacity);
  let members = new Int32Array(capacity);
  const stack = new Int32Array(MAX_DEPTH + 1);
  let top = -1;
  let count = 0;
  let lastString = -1;
  let lastKey = -1;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    // Most characters are blanks, digits or letters: one table load tells them apart from the six that matter.
    if (c >= 0x80 || STRUCTURAL[c] === 0) continue;
    if (c === QUOTE) {
      const close = closingQuote(text, i);
      if (close < 0) return undefined;
      lastString = i;
      i = close;
    } else if (c === COLON) {
      if (top < 0) return undefined;
      lastKey = lastString;
      members[stack[top]]++;
    } else if (c === LBRACE || c === LBRACKET) {
      if (top + 1 >= MAX_DEPTH) return undefined;
      if (count === capacity) {
        capacity *= 2;
        starts = grow(starts, capacity);
        ends = grow(ends, capacity);
        parents = grow(parents, capacity);
        keyStarts = grow(keyStarts, capacity);
        members = grow(members, capacity);
      }
      const parent = top >= 0 ? stack[top] : -1;
      starts[count] = i;
      parents[count] = parent;
      keyStarts[count] = parent >= 0 && text.charCodeAt(starts[parent]) === LBRACE ? lastKey : -1;
      stack[++top] = count++;
    } else if (c === RBRACE || c === RBRACKET) {
      if (top < 0) return undefined;
      ends[stack[top--]] = i + 1;
    }
  }
  if (top !== -1) return undefined;
  const structure = new JsonStructure(
    text,
    starts.slice(0, count),
    ends.slice(0, count),
    parents.slice(0, count),
    keyStarts.slice(0, count),
    count,
  );
  return { structure, members };
}

const STRUCTURAL = new Uint8Array(0x80);
for (const c of [QUOTE, COLON, LBRACE, RBRACE, LBRACKET, RBRACKET]) STRUCTURAL[c] = 1;

function grow(array: Int32Array, capacity: number): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(capacity);
  grown.set(array);
  return grown;
}
