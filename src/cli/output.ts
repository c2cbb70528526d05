import { randomBytes } from 'node:crypto';
import {
  closeSync,
  lstatSync,
  openSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import type { Stats } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import type { CliContext } from './context.js';

/**
 * Writes an output whole or not at all. `-` or no path writes to stdout. A regular file (or a name not
 * there yet) is written to a temporary file beside it and renamed over it, so a killed run never leaves
 * half a report; a symbolic link is followed, so the file it points at gets the report and the link stays.
 * Anything else (a character device such as /dev/null, a FIFO, /dev/stdout) is opened and written,
 * never replaced: replacing /dev/null with a regular file would break every later user of it.
 */
export function writeOutput(ctx: CliContext, path: string | undefined, report: string | Iterable<string>): void {
  // A report in pieces (renderChunks) is written as it is made, in batches: never whole in memory.
  const text = typeof report === 'string' ? [report] : batched(report);
  if (path === undefined || path === '-') {
    for (const chunk of text) ctx.stdout.write(chunk);
    return;
  }
  const target = resolve(ctx.cwd, path);
  // The process's own standard output by name: written there, whatever it is (a pipe, a socket, a
  // terminal); opening /dev/stdout anew fails on sockets (ENXIO), which is what CI runners often give.
  if (/^\/(dev\/stdout|dev\/fd\/1|proc\/self\/fd\/1)$/.test(target)) {
    for (const chunk of text) ctx.stdout.write(chunk);
    return;
  }
  const fail = (error: unknown): never => {
    throw new UsageError(`cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  };
  const existing = statOrUndefined(target);
  if (existing?.isDirectory()) throw new UsageError(`cannot write ${path}: it is a directory`);
  if ((existing && !existing.isFile()) || isSpecialFileSystem(target)) {
    writeInPlace(target, text, fail);
    return;
  }
  const destination = followLinks(target);
  const temporary = join(
    dirname(destination),
    `.${basename(destination)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  pending.add(temporary);
  watchSignals();
  try {
    writeInPlace(temporary, text, fail, 'wx');
    renameSync(temporary, destination);
  } catch (error) {
    rmSync(temporary, { force: true });
    if (error instanceof UsageError || !(error as NodeJS.ErrnoException)?.code) throw error;
    fail(error);
  } finally {
    pending.delete(temporary);
  }
}

/** /dev and /proc hold devices and views of open files (/dev/stdout, /dev/fd/N): written where they are. */
function isSpecialFileSystem(path: string): boolean {
  return /^\/(dev|proc)\//.test(path);
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** The file a path names once symbolic links are followed; for a dangling link, where it points. */
function followLinks(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    let current = path;
    for (let hops = 0; hops < 40; hops++) {
      let link: string;
      try {
        if (!lstatSync(current).isSymbolicLink()) return current;
        link = readlinkSync(current);
      } catch {
        return current;
      }
      current = isAbsolute(link) ? link : resolve(dirname(current), link);
    }
    return current;
  }
}

function writeInPlace(path: string, text: Iterable<string>, fail: (error: unknown) => never, flags = 'w'): void {
  let descriptor: number;
  try {
    descriptor = openSync(path, flags, 0o666);
  } catch (error) {
    return fail(error);
  }
  try {
    // Only the writes fail as `cannot write`: an error making the report is the run's own.
    for (const chunk of text) {
      const bytes = Buffer.from(chunk);
      try {
        for (let offset = 0; offset < bytes.length;) offset += writeSync(descriptor, bytes, offset);
      } catch (error) {
        fail(error);
      }
    }
  } finally {
    closeSync(descriptor);
  }
}

// --- temporary files and signals: a run stopped with Ctrl-C or `kill` while a report is being written
// leaves neither half a report nor a full-size temporary file. Once a report has been written to a file the
// handlers stay (removing them could drop a signal that arrived during a synchronous write); each removes
// what is pending and ends the process as the signal itself would have.
const pending = new Set<string>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let watching = false;

function onSignal(signal: NodeJS.Signals): void {
  removePending();
  for (const each of SIGNALS) process.off(each, onSignal);
  process.kill(process.pid, signal);
}

function removePending(): void {
  for (const temporary of pending) rmSync(temporary, { force: true });
  pending.clear();
}

function watchSignals(): void {
  if (watching) return;
  watching = true;
  for (const signal of SIGNALS) process.on(signal, onSignal);
  process.on('exit', removePending);
}

/**
 * Refuses, before anything is written, an output that would overwrite a file the run reads: one of its
 * inputs, its config or the baseline it compares with (`-o hosts.yaml` must not replace the manifest).
 * Files are compared as the file system sees them (device and inode), so another name or a link to the
 * same file is caught too. Non-regular targets (/dev/null, /dev/stdout) are written in place and skipped.
 */
export function refuseOutputsOverInputs(
  outputs: Array<{ option: string; path: string | undefined }>,
  read: Array<{ role: string; path: string }>,
  cwd: string,
): void {
  const identity = (path: string) => {
    const stats = statOrUndefined(resolve(cwd, path));
    return stats?.isFile() ? `${stats.dev}:${stats.ino}` : undefined;
  };
  const readByIdentity = new Map<string, { role: string; path: string }>();
  for (const entry of read) {
    const key = identity(entry.path);
    if (key !== undefined && !readByIdentity.has(key)) readByIdentity.set(key, entry);
  }
  for (const { option, path } of outputs) {
    if (path === undefined || path === '-') continue;
    const key = identity(path);
    const clash = key === undefined ? undefined : readByIdentity.get(key);
    if (clash) {
      throw new UsageError(
        `${option} ${path} is ${clash.role} ${clash.path}: refusing to overwrite it; write the report elsewhere`,
      );
    }
  }
}

/** Chunks joined into pieces of about `size` characters: fewer, larger writes. */
function* batched(chunks: Iterable<string>, size = 1 << 16): Generator<string> {
  let pending: string[] = [];
  let length = 0;
  for (const chunk of chunks) {
    pending.push(chunk);
    length += chunk.length;
    if (length >= size) {
      yield pending.join('');
      pending = [];
      length = 0;
    }
  }
  if (pending.length) yield pending.join('');
}
