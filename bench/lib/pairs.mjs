// Shared by the benches: runs two commands in turn (A B A B …) after a warm-up of each, as whole
// processes, and returns each one's wall seconds and peak RSS, and the A/B ratio pair by pair, so a
// comparison holds while a shared machine's speed drifts. Figures only, no verdicts.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/**
 * One run of a command: wall seconds, peak RSS in MiB (from /usr/bin/time -f %M when present) and
 * its exit status. `command` is [program, ...args]; `options.cwd`, `options.env`, `options.ok` (exit
 * statuses accepted, default 0 and 1: a check with findings exits 1).
 */
export function runOnce(command, options = {}) {
  const [program, ...args] = command;
  const full = TIME ? [TIME, ['-f', '\n%U %S %M', program, ...args]] : [program, args];
  const started = process.hrtime.bigint();
  const result = spawnSync(full[0], full[1], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const stderr = result.stderr ?? '';
  const lines = stderr.trimEnd().split('\n');
  const [user, system, peak] = TIME ? lines.at(-1).split(' ').map(Number) : [NaN, NaN, NaN];
  const peakMiB = peak / 1024;
  const cpu = user + system;
  const status = TIME && /Command exited with non-zero status (\d+)/.exec(stderr)?.[1];
  const exit = TIME ? (status ? Number(status) : result.status) : result.status;
  const ok = options.ok ?? [0, 1];
  if (result.error || !ok.includes(exit))
    throw new Error(`${command.join(' ')} exited ${exit}: ${stderr.slice(0, 2000)}`);
  return { wall, cpu, peakMiB };
}

export function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { min: sorted[0], median, max: sorted.at(-1) };
}

/** A and B in turn, `runs` pairs after one warm-up each: per-command wall and peak, and A/B per pair. */
export function pairs(a, b, { runs = 5, warmup = 1, ...options } = {}) {
  for (let i = 0; i < warmup; i++) {
    runOnce(a, options.a ?? options);
    runOnce(b, options.b ?? options);
  }
  const runsA = [];
  const runsB = [];
  for (let i = 0; i < runs; i++) {
    runsA.push(runOnce(a, options.a ?? options));
    runsB.push(runOnce(b, options.b ?? options));
  }
  return {
    a: stats(runsA.map((r) => r.wall)),
    b: stats(runsB.map((r) => r.wall)),
    ratio: stats(runsA.map((r, i) => r.wall / runsB[i].wall)),
    // CPU seconds (user + system) of each process: steadier than wall time on a machine others load.
    cpuA: stats(runsA.map((r) => r.cpu)),
    cpuB: stats(runsB.map((r) => r.cpu)),
    cpuRatio: stats(runsA.map((r, i) => r.cpu / runsB[i].cpu)),
    peakA: Math.max(...runsA.map((r) => r.peakMiB)),
    peakB: Math.max(...runsB.map((r) => r.peakMiB)),
    runs,
  };
}

export const seconds = (value) => `${value.toFixed(3)} s`;
export const ratio = (value) => `${value.toFixed(2)}×`;
export const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
