import { readdirSync, realpathSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { globToRegExp } from './glob.js';

/** Directories a scan never enters: dependencies and VCS internals are not the user's infrastructure. */
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git', '.hg', '.svn']);

export interface DiscoveredFile {
  absolutePath: string;
  /** Named on the command line: an unrecognised format is then an error, not a silent skip. */
  explicit: boolean;
  /** Standard input (`-`), read under the name given with --stdin-filename. */
  stdin?: boolean;
}

export interface DiscoveryProblem {
  path: string;
  message: string;
}

/**
 * Expands the command line's paths into files: directories are walked (symlink loops and skipped
 * directories avoided, excluded globs honoured), only files with an extension some adapter reads.
 */
export function discoverFiles(
  paths: string[],
  cwd: string,
  extensions: ReadonlySet<string>,
  exclude: { directory: string; globs: string[] },
): { files: DiscoveredFile[]; problems: DiscoveryProblem[] } {
  const files: DiscoveredFile[] = [];
  const problems: DiscoveryProblem[] = [];
  const seenFiles = new Set<string>();
  const excluded = exclude.globs.map(globToRegExp);
  const isExcluded = (absolute: string) => {
    const path = relative(exclude.directory, absolute).split(sep).join('/');
    return excluded.some((pattern) => pattern.test(path));
  };

  const addFile = (absolutePath: string, explicit: boolean) => {
    let real: string;
    try {
      real = realpathSync(absolutePath);
    } catch {
      real = absolutePath;
    }
    if (seenFiles.has(real)) return;
    seenFiles.add(real);
    files.push({ absolutePath, explicit });
  };

  const walk = (directory: string, visited: Set<string>) => {
    let real: string;
    try {
      real = realpathSync(directory);
    } catch {
      return;
    }
    if (visited.has(real)) return; // a symlink loop
    visited.add(real);
    let entries;
    try {
      entries = readdirSync(directory, { withFileTypes: true });
    } catch (error) {
      problems.push({ path: directory, message: `cannot read directory (${(error as NodeJS.ErrnoException).code})` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(directory, entry.name);
      if (isExcluded(path)) continue;
      let isDirectory = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const target = statSync(path);
          isDirectory = target.isDirectory();
          isFile = target.isFile();
        } catch {
          continue; // a dangling link is not an input
        }
      }
      if (isDirectory) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) walk(path, visited);
      } else if (isFile && hasExtension(entry.name, extensions)) {
        addFile(path, false);
      }
    }
  };

  for (const path of paths) {
    const absolute = resolve(cwd, path);
    let stats;
    try {
      stats = statSync(absolute);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      problems.push({
        path: absolute,
        message: code === 'ENOENT' ? 'no such file or directory' : `cannot read (${code})`,
      });
      continue;
    }
    if (stats.isDirectory()) walk(absolute, new Set());
    else if (stats.isFile()) addFile(absolute, true);
    else {
      // Reading a FIFO waits for a writer forever, a device never ends (/dev/zero): refused, not read.
      const kind = stats.isFIFO()
        ? 'a FIFO'
        : stats.isCharacterDevice()
          ? 'a character device'
          : stats.isBlockDevice()
            ? 'a block device'
            : stats.isSocket()
              ? 'a socket'
              : 'not a regular file';
      problems.push({ path: absolute, message: `is ${kind}, not a file isolint reads (use - to read standard input)` });
    }
  }
  return { files, problems };
}

function hasExtension(name: string, extensions: ReadonlySet<string>): boolean {
  const lower = name.toLowerCase();
  for (const extension of extensions) if (lower.endsWith(extension)) return true;
  return false;
}
