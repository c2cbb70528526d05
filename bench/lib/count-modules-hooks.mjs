// Load hook for count-modules.mjs: appends every file module's URL as it is loaded.
import { appendFileSync } from 'node:fs';

let out;
export function initialize(data) {
  out = data.out;
}

export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(out, `${url}\n`);
  return next(url, context);
}
