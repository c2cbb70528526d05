/**
 * Chooses how to run the hashing: on two threads (the main thread and one worker, each hashing
 * about half of the cost, https://docs.aws.amazon.com/enclaves/latest/user/set-up-attestation.html#where streams split by `planParallelJobs`) or all in the main
 * thread. The worker script exists only in the compiled dist/ (`hash-worker.js`); when running from
 * the TypeScript sources (vitest) it is absent and `auto` hashes in-thread.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { InputError } from '../errors.js';
import {
  jobBytes,
  joinResults,
  planParallelJobs,
  planSingleJob,
  runHashJobAsync,
  type HashJob,
  type HashJobResult,
} from './hash-job.js';
import type { HashWorkerInput, HashWorkerMessage } from './hash-worker.js';
import type { EifLayout } from './reader.js';
import { loadSha384Factory, type Sha384Implementation } from './sha384.js';
import type { ByteSource } from './source.js';

/** `threads`: always a worker (fails without the compiled worker); `in-thread`: never; `auto`: when it pays. */
export type Parallelism = 'auto' | 'threads' | 'in-thread';

export interface HashingOptions {
  parallelism?: Parallelism;
  implementation?: Sha384Implementation;
  /** Called as bytes are hashed, with the bytes done so far and the total. */
  onProgress?: (done: number, total: number) => void;
  /** Where the worker script is; defaults to hash-worker.js beside this module. */
  workerUrl?: URL;
}

/** Below this, starting a worker costs more than it saves. */
const PARALLEL_THRESHOLD_BYTES = 32 * 1024 * 1024;

export function defaultWorkerUrl(): URL {
  return new URL('./hash-worker.js', import.meta.url);
}

export function workerAvailable(url: URL = defaultWorkerUrl()): boolean {
  return url.protocol === 'file:' && existsSync(fileURLToPath(url));
}

export interface HashingOutcome extends HashJobResult {
  threads: 1 | 2;
}

export async function hashImage(
  layout: EifLayout,
  source: ByteSource,
  options: HashingOptions = {},
): Promise<HashingOutcome> {
  const parallelism = options.parallelism ?? 'auto';
  const implementation = options.implementation ?? 'node';
  const workerUrl = options.workerUrl ?? defaultWorkerUrl();
  // Workers open the file themselves, so bytes in memory are always hashed in-thread.
  const useThreads =
    source.path !== undefined &&
    (parallelism === 'threads' ||
      (parallelism === 'auto' &&
        layout.fileSize >= PARALLEL_THRESHOLD_BYTES &&
        availableParallelism() > 1 &&
        workerAvailable(workerUrl)));
  if (useThreads && !workerAvailable(workerUrl)) {
    throw new Error(`the hashing worker ${workerUrl.href} is missing (threads need the compiled dist/)`);
  }

  const jobs: HashJob[] = useThreads ? planParallelJobs(layout) : [planSingleJob(layout)];
  const total = jobs.reduce((sum, job) => sum + jobBytes(job), 0);
  let done = 0;
  const progress = (bytes: number): void => {
    done += bytes;
    options.onProgress?.(done, total);
  };
  const createHash = await loadSha384Factory(implementation);
  if (!useThreads) {
    return { ...(await runHashJobAsync(jobs[0], source, createHash, progress)), threads: 1 };
  }
  const [imageJob, appJob] = jobs as [HashJob, HashJob];
  const worker = startWorker(workerUrl, { job: appJob, implementation }, progress, layout.file);
  try {
    const [imageResult, appResult] = await Promise.all([
      runHashJobAsync(imageJob, source, createHash, progress),
      worker.result,
    ]);
    return { ...joinResults([imageResult, appResult]), threads: 2 };
  } finally {
    worker.stop();
  }
}

function startWorker(
  url: URL,
  input: HashWorkerInput,
  onProgress: (bytes: number) => void,
  file: string,
): { result: Promise<HashJobResult>; stop: () => void } {
  const worker = new Worker(url, { workerData: input });
  let settled = false;
  const result = new Promise<HashJobResult>((resolve, reject) => {
    worker.on('message', (message: HashWorkerMessage) => {
      switch (message.kind) {
        case 'progress':
          onProgress(message.bytes);
          break;
        case 'done':
          settled = true;
          resolve(message.result);
          break;
        case 'input-error':
          settled = true;
          reject(new InputError(message.message, { file, offset: message.offset }));
          break;
        case 'error':
          settled = true;
          reject(new Error(`hashing worker: ${message.message}`));
          break;
      }
    });
    worker.on('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`hashing worker exited with code ${code} before finishing`));
    });
  });
  // The main thread's own job may fail first; the worker's outcome is then irrelevant.
  result.catch(() => undefined);
  return {
    result,
    stop: () => {
      if (!settled) void worker.terminate();
    },
  };
}
