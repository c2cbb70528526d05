import { closeSync, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { InputError } from '../errors.js';
import type { InputFiles } from '../ingest/adapter.js';
import { globToRegExp } from './glob.js';

/**
 * The one way adapters read files besides their input (AdapterInput.files): with the scan's size cap
 * (counted as read), its excludes, and only inside the scan: the repository root, the scanned paths
 * and the files named on the command line (--var-file). A file outside is refused with one line, so an
 * input cannot make isolint read /etc/shadow or a file the user excluded.
 */
export function createInputFiles(options: {
  maxInputBytes: number;
  /** Absolute root that finding paths are relative to. */
  root: string;
  /** Absolute paths the scan was given, and files named on the command line. */
  scanned: readonly string[];
  exclude: { directory: string; globs: readonly string[] };
  /** How a path is shown in messages. */
  display: (absolutePath: string) => string;
}): InputFiles {
  const within = [options.root, ...options.scanned.map((path) => resolve(path))];
  const excluded = options.exclude.globs.map(globToRegExp);
  const named = new Set(options.scanned.map((path) => resolve(path)));
  const inside = (path: string) =>
    named.has(path) ||
    within.some((top) => {
      const rest = relative(top, path);
      return rest === '' || (!rest.startsWith('..') && !isAbsolute(rest));
    });
  const isExcluded = (path: string) => {
    if (named.has(path) || excluded.length === 0) return false;
    const relativePath = relative(options.exclude.directory, path).split(sep).join('/');
    return excluded.some((pattern) => pattern.test(relativePath));
  };
  /** Why a path may not be read, or undefined when it may. */
  const refusal = (path: string): string | undefined =>
    !inside(path)
      ? 'is outside the scan (the repository and the paths given)'
      : isExcluded(path)
        ? 'is excluded (exclude in .isolint.yaml)'
        : undefined;
  const statOf = (path: string) => {
    try {
      return statSync(path);
    } catch {
      return undefined;
    }
  };
  return {
    read(absolutePath) {
      const path = resolve(absolutePath);
      const refused = refusal(path);
      if (refused)
        throw new InputError(`${options.display(path)} ${refused}: not read`, { file: options.display(path) });
      return stripBom(readBounded(path, options.maxInputBytes, options.display(path)));
    },
    exists(absolutePath) {
      const path = resolve(absolutePath);
      return refusal(path) === undefined && (statOf(path)?.isFile() ?? false);
    },
    isDirectory(absolutePath) {
      const path = resolve(absolutePath);
      return refusal(path) === undefined && (statOf(path)?.isDirectory() ?? false);
    },
    list(directory) {
      const path = resolve(directory);
      if (refusal(path) !== undefined) return [];
      try {
        return readdirSync(path)
          .filter((name) => !isExcluded(resolve(path, name)))
          .sort();
      } catch {
        return [];
      }
    },
    stamp(absolutePath) {
      const path = resolve(absolutePath);
      if (refusal(path) !== undefined) return undefined;
      const stats = statOf(path);
      return stats?.isFile() ? `${stats.size}:${stats.mtimeMs}` : undefined;
    },
  };
}

/** The directory a scanned path stands for: itself, or a file's directory. */
export function scannedDirectory(path: string): string {
  const stats = (() => {
    try {
      return statSync(path);
    } catch {
      return undefined;
    }
  })();
  return stats?.isDirectory() ? path : dirname(path);
}

const CAP_HINT = '(raise it with --max-file-size or maxFileSizeMiB in .isolint.yaml)';

/**
 * A file's text, counting bytes as they are read: `stat` is only a first answer (a sparse file says its
 * size, a device or a file that grows while read does not), so the cap holds for what really arrives.
 */
export function readBounded(source: string | number, maxBytes: number, file: string): string {
  const limit = `${Math.round(maxBytes / 1048576)} MiB limit for inputs ${CAP_HINT}`;
  const descriptor = typeof source === 'number' ? source : openSync(source, 'r');
  try {
    const stats = fstatSync(descriptor);
    if (stats.isFile() && stats.size > maxBytes)
      throw new InputError(`file is ${Math.round(stats.size / 1048576)} MiB, over the ${limit}`, { file });
    const chunks: Buffer[] = [];
    let total = 0;
    const chunkSize = stats.isFile() ? Math.min(Math.max(stats.size + 1, 65536), maxBytes + 1) : 1048576;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(chunkSize, maxBytes + 1 - total));
      let read: number;
      try {
        read = readSync(descriptor, chunk, 0, chunk.length, null);
      } catch (error) {
        // Standard input set non-blocking by whoever started us: wait for it rather than fail.
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
          continue;
        }
        throw error;
      }
      if (read === 0) break;
      total += read;
      if (total > maxBytes) throw new InputError(`input is over the ${limit}`, { file });
      chunks.push(read === chunk.length ? chunk : chunk.subarray(0, read));
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } finally {
    if (typeof source !== 'number') closeSync(descriptor);
  }
}

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
