import type { Adapter } from './adapter.js';
import { expectedPcrsAdapter } from './expected-pcrs.js';
import { firecrackerAdapter } from './firecracker.js';
import { nitroAllocatorAdapter } from './nitro-allocator.js';
import { nitroRunConfigAdapter } from './nitro-run-config.js';
import { vsockProxyAdapter } from './vsock-proxy.js';

/** The enclave host config formats (NITRO-FACTS §4, §5, §8), linked to their machine by src/engine/link-host-configs.ts. */
export const enclaveHostAdapters: readonly Adapter[] = [
  nitroRunConfigAdapter,
  nitroAllocatorAdapter,
  vsockProxyAdapter,
  firecrackerAdapter,
  expectedPcrsAdapter,
];
