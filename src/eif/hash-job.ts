/**
 * The hashing work of a measurement, as plain data that can be posted to a worker thread, and the
 * code that carries it out by reading the file in fixed-size chunks (bounded memory whatever the
 * image size).
 *
 * The streams (https://docs.aws.amazon.com/enclaves/latest/user/set-up-attestation.html#where), over section data only, in file order:
 *   PCR0 = kernel ‖ cmdline ‖ every ramdisk,  PCR1 = kernel ‖ cmdline ‖ first ramdisk,
 *   PCR2 = ramdisks after the first,          CRC  = file[0, 544) ‖ file[548, end) .
 * When PCR1's stream is a prefix of PCR0's (always so for images the builder writes), PCR1 is a
 * copy of the PCR0 state taken at the end of the first ramdisk, so those bytes are hashed once.
 *
 * Work is split in two jobs so two threads take about the same time: one hashes PCR0 (and PCR1),
 * the other PCR2; the CRC, about a fifth of the cost of SHA-384 per byte, is split at a byte
 * offset between them and the two parts are joined with crc32Combine.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { InputError } from '../errors.js';
import { crc32, crc32Combine } from './crc32.js';
import { HEADER_CRC_COVERED, EIF_HEADER_SIZE } from './format.js';
import type { EifLayout } from './reader.js';
import type { Sha384, Sha384Factory } from './sha384.js';
import type { ByteSource } from './source.js';

export type StreamName = 'PCR0' | 'PCR1' | 'PCR2';

export interface HashPiece {
  /** Byte range [start, end) of the file. */
  start: number;
  end: number;
  /** The digests these bytes feed. */
  streams: StreamName[];
  /** Whether these bytes feed this job's part of the CRC. */
  crc: boolean;
}

export interface HashJob {
  file: string;
  /** Non-overlapping, in file order. */
  pieces: HashPiece[];
  /** Digests this job produces. */
  streams: StreamName[];
  /** After piece `afterPiece`, `to` starts as a copy of the state of `from`. */
  forks: Array<{ afterPiece: number; from: StreamName; to: StreamName }>;
}

export interface HashJobResult {
  /** Plain SHA-384 of each stream's content (not yet extended into a PCR). */
  digests: Partial<Record<StreamName, Uint8Array>>;
  crc: number;
  crcLength: number;
}

/** Chunk size of every read: large enough that syscalls cost nothing, small enough to stay in cache and bound memory. */
export const CHUNK_SIZE = 1024 * 1024;

/**
 * CRC-32 (zlib) costs about 0.2 of SHA-384 per byte (measured on x86_64 with Node 20's zlib and
 * OpenSSL); only the balance between the two threads depends on it.
 */
const CRC_COST_RELATIVE_TO_SHA384 = 0.2;

interface Segment {
  start: number;
  end: number;
  streams: StreamName[];
  crc: boolean;
}

/** Every byte range the measurement reads, in file order, with what it feeds. */
function segmentsOf(layout: EifLayout): Segment[] {
  const segments: Segment[] = [{ start: 0, end: HEADER_CRC_COVERED, streams: [], crc: true }];
  let ramdisksSeen = 0;
  for (const section of layout.sections) {
    segments.push({ start: section.headerOffset, end: section.dataOffset, streams: [], crc: true });
    const streams: StreamName[] = [];
    if (section.type === 'kernel' || section.type === 'cmdline') streams.push('PCR0', 'PCR1');
    if (section.type === 'ramdisk') {
      streams.push('PCR0', ramdisksSeen === 0 ? 'PCR1' : 'PCR2');
      ramdisksSeen++;
    }
    segments.push({ start: section.dataOffset, end: section.dataOffset + section.size, streams, crc: true });
  }
  return segments.filter((segment) => segment.end > segment.start || segment.streams.length > 0);
}

function bytesOf(segments: Segment[], stream: StreamName): number {
  return segments.reduce((sum, s) => sum + (s.streams.includes(stream) ? s.end - s.start : 0), 0);
}

/** Splits segments at `offset` so that no segment straddles it. */
function splitAt(segments: Segment[], offset: number): Segment[] {
  return segments.flatMap((s) =>
    s.start < offset && offset < s.end
      ? [
          { ...s, end: offset },
          { ...s, start: offset },
        ]
      : [s],
  );
}

function jobFor(file: string, segments: Segment[], streams: StreamName[], crcFrom: number, crcTo: number): HashJob {
  const pieces: HashPiece[] = [];
  for (const segment of segments) {
    const mine = segment.streams.filter((s) => streams.includes(s));
    const crc = segment.crc && segment.start >= crcFrom && segment.end <= crcTo && segment.end > segment.start;
    if (mine.length > 0 || crc) pieces.push({ start: segment.start, end: segment.end, streams: mine, crc });
  }
  return withPcr1AsFork({ file, pieces, streams, forks: [] });
}

/**
 * If every piece that feeds PCR1 also feeds PCR0 and they form the start of PCR0's stream, PCR1
 * is PCR0's state at the end of the last of them: take a copy there instead of hashing twice.
 */
function withPcr1AsFork(job: HashJob): HashJob {
  if (!job.streams.includes('PCR1') || !job.streams.includes('PCR0')) return job;
  const pcr0Pieces = job.pieces.map((p, i) => ({ p, i })).filter(({ p }) => p.streams.includes('PCR0'));
  const pcr1Count = job.pieces.filter((p) => p.streams.includes('PCR1')).length;
  const isPrefix =
    pcr1Count > 0 &&
    pcr0Pieces.slice(0, pcr1Count).every(({ p }) => p.streams.includes('PCR1')) &&
    job.pieces.every((p) => !p.streams.includes('PCR1') || p.streams.includes('PCR0'));
  if (!isPrefix) return job;
  const afterPiece = pcr0Pieces[pcr1Count - 1].i;
  return {
    ...job,
    pieces: job.pieces.map((p) => ({ ...p, streams: p.streams.filter((s) => s !== 'PCR1') })),
    forks: [{ afterPiece, from: 'PCR0', to: 'PCR1' }],
  };
}

/** One job doing everything: for one thread. */
export function planSingleJob(layout: EifLayout): HashJob {
  return jobFor(layout.file, segmentsOf(layout), ['PCR0', 'PCR1', 'PCR2'], 0, layout.fileSize);
}

/**
 * Two jobs of about equal cost: [PCR0 + PCR1 + CRC of the start of the file, PCR2 + CRC of the rest].
 * The CRC part of the second job ends at the end of the file; the results are joined in this order.
 */
export function planParallelJobs(layout: EifLayout): [HashJob, HashJob] {
  const segments = segmentsOf(layout);
  const imageBytes = bytesOf(segments, 'PCR0');
  const appBytes = bytesOf(segments, 'PCR2');
  const crcBytes = layout.fileSize - (EIF_HEADER_SIZE - HEADER_CRC_COVERED);
  const c = CRC_COST_RELATIVE_TO_SHA384;
  // Balance imageBytes + c·(crcBytes − x) = appBytes + c·x for x, the CRC bytes of the second job.
  const secondCrcBytes = Math.min(crcBytes, Math.max(0, Math.round((imageBytes - appBytes + c * crcBytes) / (2 * c))));
  const split = layout.fileSize - secondCrcBytes;
  const splitSegments = splitAt(segments, split);
  return [
    jobFor(layout.file, splitSegments, ['PCR0', 'PCR1'], 0, split),
    jobFor(layout.file, splitSegments, ['PCR2'], split, layout.fileSize),
  ];
}

/** Joins the results of jobs that were planned in file order of their CRC parts. */
export function joinResults(results: HashJobResult[]): HashJobResult {
  const joined: HashJobResult = { digests: {}, crc: 0, crcLength: 0 };
  for (const result of results) {
    Object.assign(joined.digests, result.digests);
    joined.crc = joined.crcLength === 0 ? result.crc : crc32Combine(joined.crc, result.crc, result.crcLength);
    joined.crcLength += result.crcLength;
  }
  return joined;
}

/** Total bytes a job reads: for progress. */
export function jobBytes(job: HashJob): number {
  return job.pieces.reduce((sum, p) => sum + (p.end - p.start), 0);
}

interface ReadRequest {
  piece: number;
  position: number;
  length: number;
}

/** The state of one job: which chunk to read next, and what to do with it. */
class JobRunner {
  private readonly hashes = new Map<StreamName, Sha384>();
  private crc = 0;
  private crcLength = 0;

  constructor(
    private readonly job: HashJob,
    private readonly createHash: Sha384Factory,
  ) {
    const forked = new Set(job.forks.map((f) => f.to));
    for (const stream of job.streams) if (!forked.has(stream)) this.hashes.set(stream, createHash());
  }

  *requests(): Generator<ReadRequest> {
    for (const [index, piece] of this.job.pieces.entries()) {
      for (let position = piece.start; position < piece.end; position += CHUNK_SIZE) {
        yield { piece: index, position, length: Math.min(CHUNK_SIZE, piece.end - position) };
      }
      if (piece.end === piece.start) yield { piece: index, position: piece.start, length: 0 };
    }
  }

  consume(request: ReadRequest, bytes: Uint8Array): void {
    const piece = this.job.pieces[request.piece];
    for (const stream of piece.streams) this.hashes.get(stream)!.update(bytes);
    if (piece.crc) {
      this.crc = crc32(bytes, this.crc);
      this.crcLength += bytes.length;
    }
    if (request.position + request.length >= piece.end) {
      for (const fork of this.job.forks) {
        if (fork.afterPiece === request.piece) this.hashes.set(fork.to, this.hashes.get(fork.from)!.clone());
      }
    }
  }

  result(): HashJobResult {
    const digests: HashJobResult['digests'] = {};
    for (const [stream, hash] of this.hashes) digests[stream] = hash.digest();
    return { digests, crc: this.crc, crcLength: this.crcLength };
  }
}

function changedWhileReading(file: string, position: number): InputError {
  return new InputError('the file ended early: it changed while it was being measured', { file, offset: position });
}

/** Runs a job with synchronous reads: for worker threads, where blocking is free. */
export function runHashJobSync(
  job: HashJob,
  createHash: Sha384Factory,
  onProgress?: (bytes: number) => void,
): HashJobResult {
  const runner = new JobRunner(job, createHash);
  const buffer = new Uint8Array(CHUNK_SIZE);
  const fd = openSync(job.file, 'r');
  try {
    for (const request of runner.requests()) {
      let filled = 0;
      while (filled < request.length) {
        const read = readSync(fd, buffer, filled, request.length - filled, request.position + filled);
        if (read === 0) throw changedWhileReading(job.file, request.position + filled);
        filled += read;
      }
      runner.consume(request, buffer.subarray(0, request.length));
      onProgress?.(request.length);
    }
  } finally {
    closeSync(fd);
  }
  return runner.result();
}

/**
 * Runs a job with asynchronous reads from a source: for the main thread, which must not block.
 * Two buffers: the next chunk is read (on libuv's pool) while the current one is hashed.
 */
export async function runHashJobAsync(
  job: HashJob,
  source: ByteSource,
  createHash: Sha384Factory,
  onProgress?: (bytes: number) => void,
): Promise<HashJobResult> {
  const runner = new JobRunner(job, createHash);
  const buffers = [new Uint8Array(CHUNK_SIZE), new Uint8Array(CHUNK_SIZE)];
  const readChunk = async (request: ReadRequest, buffer: Uint8Array): Promise<Uint8Array> => {
    let filled = 0;
    while (filled < request.length) {
      const { bytesRead } = await source.read(buffer, filled, request.length - filled, request.position + filled);
      if (bytesRead === 0) throw changedWhileReading(job.file, request.position + filled);
      filled += bytesRead;
    }
    return buffer.subarray(0, request.length);
  };
  const requests = runner.requests();
  let current = requests.next();
  let pending = current.done ? undefined : readChunk(current.value, buffers[0]);
  for (let turn = 1; !current.done; turn++) {
    const bytes = await pending!;
    const next = requests.next();
    // Start the next read before hashing this chunk; a failed read surfaces when it is awaited.
    pending = next.done ? undefined : readChunk(next.value, buffers[turn % 2]);
    pending?.catch(() => undefined);
    runner.consume(current.value, bytes);
    onProgress?.(current.value.length);
    current = next;
  }
  return runner.result();
}
