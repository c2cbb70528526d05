import { availableParallelism, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Adapter, AdapterInput } from '../ingest/adapter.js';
import { adapters as ingestAdapters } from '../ingest/index.js';
import type { GraphFragment } from '../model/nodes.js';
import type { InputProblem } from './check.js';
import type { FileBounds, ParseAnswer, ParseRequest } from './parse-worker.js';

/**
 * Reading many independent files across cores: each file a built-in adapter of a self-contained
 * format claims (one file makes one fragment, reading no sibling by position in a scan) is read on a
 * worker thread, the rest on the main thread, and the engine takes the answers in the scan's order, so
 * the result is the sequential one (test/engine/parallel.test.ts compares them). One huge file gains
 * nothing (its fragment must be copied back), so this starts only for scans of many files.
 */

/** Formats a worker may read: a text in, a fragment out. */
const WORKER_FORMATS = new Set([
  'cloudformation',
  'isolint-manifest',
  'terraform-plan',
  'heat',
  'k8s-runtimeclass',
  'nitro-enclaves-allocator',
  'vsock-proxy-allowlist',
  'firecracker-config',
  'nitro-cli-run-config',
  'expected-pcrs',
  'kms-policy',
]);

/**
 * Below this many such files one thread is faster: starting a worker, loading the adapters in it and
 * copying fragments back cost about a third more CPU than reading the files on one thread
 * (bench/speed.mjs, rows estate and threshold), which only idle cores can repay.
 */
export const PARALLEL_MIN_FILES = 128;

export type WorkerAnswer = { fragment: GraphFragment } | { problems: InputProblem[] } | { local: true };

/** How many workers a scan of `count` eligible files gets (ISOLINT_WORKERS: 0 never, N always N). */
export function workerCount(count: number, env: NodeJS.ProcessEnv = process.env): number {
  const asked = env.ISOLINT_WORKERS;
  // The compiled engine only: sources run by a test runner have no worker file to start.
  if (!import.meta.url.endsWith('.js')) return 0;
  if (asked !== undefined && asked !== '') {
    const n = Number(asked);
    return Number.isInteger(n) && n > 0 ? Math.min(n, count) : 0;
  }
  if (count < PARALLEL_MIN_FILES) return 0;
  // Workers pay only on cores nobody else is using: on a busy machine they add their copying to a
  // queue of runnable work and the scan takes longer (measured with the load average above the cores).
  const idle = Math.floor(availableParallelism() - loadavg()[0]);
  return idle >= 2 ? Math.min(idle, Math.ceil(count / 32)) : 0;
}

/** Whether a worker may read this file: a built-in adapter (never an embedder's) of a worker format. */
export function readableInWorker(adapter: Adapter): boolean {
  return WORKER_FORMATS.has(adapter.format) && ingestAdapters.includes(adapter);
}

export class ParsePool {
  private readonly workers: Worker[] = [];
  private readonly inFlight = new Map<Worker, number>();
  private readonly queue: ParseRequest[] = [];
  private readonly waiting = new Map<number, (answer: WorkerAnswer) => void>();
  private next = 0;

  constructor(
    size: number,
    private readonly bounds: FileBounds,
  ) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(new URL('./parse-worker.js', import.meta.url));
      worker.on('message', (answer: ParseAnswer) => {
        this.inFlight.set(worker, (this.inFlight.get(worker) ?? 1) - 1);
        const resolve = this.waiting.get(answer.id);
        this.waiting.delete(answer.id);
        resolve?.(answer as WorkerAnswer);
        this.feed(worker);
      });
      // A worker that dies leaves its files (and any still queued) to the main thread.
      const fail = () => this.failAll();
      worker.on('error', fail);
      worker.on('exit', fail);
      this.inFlight.set(worker, 0);
      this.workers.push(worker);
    }
  }

  private failAll(): void {
    this.queue.length = 0;
    for (const [id, resolve] of this.waiting) {
      this.waiting.delete(id);
      resolve({ local: true });
    }
  }

  /** Two files in hand per worker: one being read, the next already there when it is done. */
  private feed(worker: Worker): void {
    while ((this.inFlight.get(worker) ?? 0) < 2 && this.queue.length) {
      worker.postMessage(this.queue.shift());
      this.inFlight.set(worker, (this.inFlight.get(worker) ?? 0) + 1);
    }
  }

  /** Queues a file for the next free worker; the answer comes in its own time. */
  read(adapter: Adapter, input: AdapterInput): Promise<WorkerAnswer> {
    const id = this.next++;
    this.queue.push({
      id,
      format: adapter.format,
      input: {
        file: input.file,
        absolutePath: input.absolutePath,
        text: input.text,
        ...(input.terraformVariables ? { terraformVariables: input.terraformVariables } : {}),
      },
      bounds: this.bounds,
    });
    const answer = new Promise<WorkerAnswer>((resolve) => this.waiting.set(id, resolve));
    for (const worker of this.workers) this.feed(worker);
    return answer;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
