// When the launcher (isolint.js) starts Node again for a large run, and with which flag; the benches
// (bench/) use the same settings so their figures are what the CLI gives.
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

// Reading a large estate allocates millions of small objects that all live to the end of the run. With
// V8's default 16 MiB young generation each is copied twice before it settles, and garbage collection
// was a third of the time: a larger young generation makes a 1M-node run about a quarter faster
// (bench/scale-phases.mjs). The flag only works at start-up, so a run over large inputs starts Node
// again with it; small runs (nearly all) do not pay the extra start.
export const LARGE_INPUT_BYTES = 8 * 1024 * 1024;
export const YOUNG_GENERATION_FLAG = '--max-semi-space-size=64';

/** Whether this is a `check` or `graph` run over more than LARGE_INPUT_BYTES, not yet started with the flag. */
export function needsLargeHeapSettings(args, env = process.env, execArgv = process.execArgv) {
  if (env.ISOLINT_LAUNCHED || execArgv.some((flag) => flag.startsWith('--max-semi-space-size'))) return false;
  if ((env.NODE_OPTIONS ?? '').includes('--max-semi-space-size')) return false;
  const command = args.find((arg) => !arg.startsWith('-'));
  if (command !== 'check' && command !== 'graph') return false;
  const paths = args.slice(args.indexOf(command) + 1).filter((arg) => !arg.startsWith('-'));
  return inputBytes(paths.length ? paths : ['.'], LARGE_INPUT_BYTES) > LARGE_INPUT_BYTES;
}

/** Bytes of the files under `paths`, looked at only until `enough` (options' values count as paths too: harmless). */
export function inputBytes(paths, enough = Number.POSITIVE_INFINITY) {
  let bytes = 0;
  let entries = 0;
  const visit = (path) => {
    if (bytes > enough || ++entries > 20000) return;
    let stat;
    try {
      stat = lstatSync(path);
    } catch {
      return;
    }
    if (stat.isFile()) {
      bytes += stat.size;
    } else if (stat.isDirectory()) {
      let names = [];
      try {
        names = readdirSync(path);
      } catch {
        return;
      }
      for (const name of names) if (name !== 'node_modules' && name !== '.git') visit(join(path, name));
    }
  };
  for (const path of paths) visit(path);
  return bytes;
}
