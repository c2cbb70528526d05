import { readdirSync, readFileSync, statSync } from 'node:fs';
import type { AdapterInput, CheckSession, InputFiles } from './adapter.js';

/**
 * How adapters reach files besides their input: always through the scan's `InputFiles` (size cap,
 * excludes, scan root; the engine makes it, src/engine/input-files.ts) and a `CheckSession` for caches, so
 * nothing read survives the check() that read it. An adapter called on its own, as tests do, gets the
 * file system unbounded and a session of its own.
 */
export function filesOf(input: Pick<AdapterInput, 'files'>): InputFiles {
  return input.files ?? UNBOUNDED_FILES;
}

export function sessionOf(input: Pick<AdapterInput, 'session'>): CheckSession {
  return input.session ?? newSession();
}

/** A session: one map per purpose, created on first use. */
export function newSession(): CheckSession {
  const maps = new Map<string, Map<string, unknown>>();
  return {
    cache<V>(name: string): Map<string, V> {
      let map = maps.get(name);
      if (!map) maps.set(name, (map = new Map<string, unknown>()));
      return map as Map<string, V>;
    },
  };
}

/** Reads the file system with no bounds: only for an adapter called outside a check. */
const UNBOUNDED_FILES: InputFiles = {
  read: (path) => readFileSync(path, 'utf8').replace(/^\uFEFF/, ''),
  exists: (path) => statOf(path)?.isFile() ?? false,
  isDirectory: (path) => statOf(path)?.isDirectory() ?? false,
  list: (directory) => {
    try {
      return readdirSync(directory).sort();
    } catch {
      return [];
    }
  },
  stamp: (path) => {
    const stats = statOf(path);
    return stats?.isFile() ? `${stats.size}:${stats.mtimeMs}` : undefined;
  },
};

function statOf(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
