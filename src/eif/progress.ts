/**
 * A one-line progress bar for long measurements. Drawn only on a TTY (never into logs or pipes),
 * redrawn at most ten times a second, and erased when done so the summary that follows is clean.
 */
import type { Writable } from 'node:stream';

export interface ProgressBar {
  update(done: number, total: number): void;
  finish(): void;
}

const NO_PROGRESS: ProgressBar = { update: () => undefined, finish: () => undefined };
const WIDTH = 30;
const REDRAW_INTERVAL_MS = 100;
const MIB = 1024 * 1024;

export function progressBar(stream: Writable & { isTTY?: boolean }, label: string, enabled: boolean): ProgressBar {
  if (!enabled || stream.isTTY !== true) return NO_PROGRESS;
  let lastDraw = 0;
  let drawn = false;
  return {
    update(done, total) {
      const now = Date.now();
      if (now - lastDraw < REDRAW_INTERVAL_MS && done < total) return;
      lastDraw = now;
      const fraction = total > 0 ? Math.min(1, done / total) : 1;
      const filled = Math.round(fraction * WIDTH);
      stream.write(
        `\r${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}% ` +
          `${(done / MIB).toFixed(0)}/${(total / MIB).toFixed(0)} MiB`,
      );
      drawn = true;
    },
    finish() {
      if (drawn) stream.write('\r\x1b[2K');
    },
  };
}
