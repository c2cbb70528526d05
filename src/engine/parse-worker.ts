/**
 * A worker thread that reads inputs for a check running on the main thread (parse-workers.ts): it is
 * given a file's text and the format that claimed it, runs that built-in adapter, and answers with the
 * fragment as plain data, or the problems the file gave, or `local` when the fragment cannot cross
 * threads (the main thread then reads the file itself).
 */
import { parentPort } from 'node:worker_threads';
import { adapters } from '../ingest/index.js';
import type { AdapterInput } from '../ingest/adapter.js';
import { readInput, toProblems } from './check.js';
import { NotTransferable, toTransferable } from './transferable.js';

export interface ParseRequest {
  id: number;
  format: string;
  input: Pick<AdapterInput, 'file' | 'absolutePath' | 'text' | 'terraformVariables'>;
  maxInputBytes: number;
  root: string;
}

export type ParseAnswer =
  | { id: number; fragment: unknown }
  | { id: number; problems: ReturnType<typeof toProblems> }
  | { id: number; local: true };

const byFormat = new Map(adapters.map((adapter) => [adapter.format, adapter]));

parentPort?.on('message', (request: ParseRequest) => {
  void answer(request).then((reply) => parentPort!.postMessage(reply));
});

async function answer({ id, format, input, maxInputBytes, root }: ParseRequest): Promise<ParseAnswer> {
  const adapter = byFormat.get(format);
  if (!adapter) return { id, local: true };
  try {
    if (adapter.prepare) await adapter.prepare();
    const fragment = adapter.load({ ...input, readFile: (path) => readInput(path, maxInputBytes, root) });
    return { id, fragment: toTransferable(fragment) };
  } catch (error) {
    if (error instanceof NotTransferable) return { id, local: true };
    return { id, problems: toProblems(error, input.file) };
  }
}
