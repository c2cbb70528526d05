import type { Adapter } from './adapter.js';
import { manifestAdapter } from './manifest.js';

/** Every input format isolint reads, in the order they are asked to claim a file. */
export const adapters: readonly Adapter[] = [manifestAdapter];
