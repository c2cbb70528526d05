// Counts the modules a process loads, for start-up figures: `node --import ./bench/lib/count-modules.mjs
// PROGRAM`, with MODULES_OUT naming a file that gets one line per module (ES modules through a load hook,
// CommonJS ones from require.cache at exit), each a file URL or path. Node's own built-ins are not counted.
import { register } from 'node:module';
import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const out = process.env.MODULES_OUT;
if (out) {
  register(new URL('./count-modules-hooks.mjs', import.meta.url), { data: { out } });
  process.on('exit', () => {
    const require = createRequire(import.meta.url);
    const cjs = Object.keys(require.cache).map((path) => pathToFileURL(path).href);
    if (cjs.length) appendFileSync(out, `${cjs.join('\n')}\n`);
  });
}
