/**
 * Where an image's bytes come from: an open file (the normal case) or bytes in memory (for callers
 * that already hold a small image, and for the fuzz tests, which measure thousands of mutants).
 * The reader and the hashing only ever ask for a byte range at a position, never for everything.
 */
import { open } from 'node:fs/promises';
import { InputError } from '../errors.js';

export interface ByteSource {
  /** The path for worker threads, which open the file themselves; absent for bytes in memory. */
  readonly path?: string;
  readonly size: number;
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  close(): Promise<void>;
}

export async function openFileSource(file: string): Promise<ByteSource> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`cannot open: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`, { file });
  }
  const stats = await handle.stat();
  if (!stats.isFile()) {
    await handle.close();
    throw new InputError('not a regular file', { file });
  }
  return {
    path: file,
    size: stats.size,
    read: (buffer, offset, length, position) => handle.read(buffer, offset, length, position),
    close: () => handle.close(),
  };
}

export function memorySource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: (buffer, offset, length, position) => {
      const available = Math.max(0, Math.min(length, bytes.length - position));
      buffer.set(bytes.subarray(position, position + available), offset);
      return Promise.resolve({ bytesRead: available });
    },
    close: () => Promise.resolve(),
  };
}
