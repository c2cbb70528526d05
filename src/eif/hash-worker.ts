/**
 * Worker-thread entry: runs one HashJob (`hash-job.ts`) with its own file descriptor and posts the
 * result. Each worker reads its own byte ranges, so no data is copied between threads.
 * Loaded from the compiled dist/ by `run-jobs.ts`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { InputError } from '../errors.js';
import { runHashJobSync, type HashJob } from './hash-job.js';
import { loadSha384Factory, type Sha384Implementation } from './sha384.js';

export interface HashWorkerInput {
  job: HashJob;
  implementation: Sha384Implementation;
}

export type HashWorkerMessage =
  | { kind: 'progress'; bytes: number }
  | { kind: 'done'; result: ReturnType<typeof runHashJobSync> }
  | { kind: 'input-error'; message: string; offset?: number }
  | { kind: 'error'; message: string };

/** Progress messages are batched: one per this many bytes is plenty for a progress bar. */
const PROGRESS_STEP = 32 * 1024 * 1024;

function post(message: HashWorkerMessage): void {
  parentPort!.postMessage(message);
}

const { job, implementation } = workerData as HashWorkerInput;
let unreported = 0;
try {
  const result = runHashJobSync(job, await loadSha384Factory(implementation), (bytes) => {
    unreported += bytes;
    if (unreported >= PROGRESS_STEP) {
      post({ kind: 'progress', bytes: unreported });
      unreported = 0;
    }
  });
  if (unreported > 0) post({ kind: 'progress', bytes: unreported });
  post({ kind: 'done', result });
} catch (error) {
  if (error instanceof InputError) post({ kind: 'input-error', message: error.message, offset: error.place.offset });
  else post({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
}
