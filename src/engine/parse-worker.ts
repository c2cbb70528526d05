/**
 * A worker thread that reads inputs for a check running on the main thread (parse-workers.ts): it is
 * given a file's text and the format that claimed it, runs that built-in adapter, and answers with the
 * fragment as plain data, or the problems the file gave, or `local` when the fragment cannot cross
 * threads (the main thread then reads the file itself).
 */
import { parentPort } from 'node:worker_threads';
import { adapters } from '../ingest/index.js';
import type { AdapterInput } from '../ingest/adapter.js';
import { newSession } from '../ingest/input-files.js';
import { displayPath, toProblems } from './check.js';
import { createInputFiles } from './input-files.js';
import { NotTransferable, toTransferable } from './transferable.js';

export interface ParseRequest {
  id: number;
  format: string;
  input: Pick<AdapterInput, 'file' | 'absolutePath' | 'text' | 'terraformVariables'>;
  bounds: FileBounds;
}

/** What the engine's read service is made from (createInputFiles), without its display function. */
export type FileBounds = Omit<Parameters<typeof createInputFiles>[0], 'display'>;

export type ParseAnswer =
  | { id: number; fragment: unknown }
  | { id: number; problems: ReturnType<typeof toProblems> }
  | { id: number; local: true };

const byFormat = new Map(adapters.map((adapter) => [adapter.format, adapter]));

parentPort?.on('message', (request: ParseRequest) => {
  void answer(request).then((reply) => parentPort!.postMessage(reply));
});

// A worker's files keep the check's bounds; its session is its own (no worker format keeps a cache in it).
let files: ReturnType<typeof createInputFiles> | undefined;
const session = newSession();

async function answer({ id, format, input, bounds }: ParseRequest): Promise<ParseAnswer> {
  const adapter = byFormat.get(format);
  if (!adapter) return { id, local: true };
  try {
    if (adapter.prepare) await adapter.prepare();
    files ??= createInputFiles({ ...bounds, display: (path) => displayPath(path, bounds.root) });
    const fragment = adapter.load({ ...input, files, session });
    return { id, fragment: toTransferable(fragment) };
  } catch (error) {
    if (error instanceof NotTransferable) return { id, local: true };
    return { id, problems: toProblems(error, input.file) };
  }
}
