import type { Adapter } from './adapter.js';
import { expectedPcrsAdapter } from './expected-pcrs.js';
import { firecrackerAdapter } from './firecracker.js';
import { nitroAllocatorAdapter } from './nitro-allocator.js';
import { nitroRunConfigAdapter } from './nitro-run-config.js';
import { vsockProxyAdapter } from './vsock-proxy.js';

/** The enclave host config formats (https://docs.aws.amazon.com/enclaves/latest/user/cmd-nitro-run-enclave.html, https://github.com/aws/aws-nitro-enclaves-cli/blob/main/vsock_proxy/README.md, https://github.com/firecracker-microvm/firecracker/blob/main/docs/getting-started.md), linked to their machine by src/ingest/link-host-configs.ts. */
export const enclaveHostAdapters: readonly Adapter[] = [
  nitroRunConfigAdapter,
  nitroAllocatorAdapter,
  vsockProxyAdapter,
  firecrackerAdapter,
  expectedPcrsAdapter,
];
