import type { Adapter } from './adapter.js';
import { expectedPcrsAdapter } from './expected-pcrs.js';
import { firecrackerAdapter } from './firecracker.js';
import { kubernetesEnclaveAdapter } from './kubernetes-enclaves.js';
import { cloudConfigAdapter, shellScriptAdapter, systemdUnitAdapter } from './launch-scripts.js';
import { nitroAllocatorAdapter } from './nitro-allocator.js';
import { nitroRunConfigAdapter } from './nitro-run-config.js';
import { vsockProxyAdapter } from './vsock-proxy.js';

/** The enclave host config formats (https://docs.aws.amazon.com/enclaves/latest/user/cmd-nitro-run-enclave.html, https://github.com/aws/aws-nitro-enclaves-cli/blob/main/vsock_proxy/README.md, https://github.com/firecracker-microvm/firecracker/blob/main/docs/getting-started.md), linked to their machine by src/ingest/link-host-configs.ts. */
export const enclaveHostAdapters: readonly Adapter[] = [
  // Launch scripts and systemd units that start enclaves (src/ingest/launch-scripts.ts): first, as a script may
  // hold an allocator.yaml heredoc that the YAML formats would claim.
  shellScriptAdapter,
  systemdUnitAdapter,
  cloudConfigAdapter,
  // Kubernetes workloads requesting the Nitro Enclaves device (src/ingest/kubernetes-enclaves.ts).
  kubernetesEnclaveAdapter,
  nitroRunConfigAdapter,
  nitroAllocatorAdapter,
  vsockProxyAdapter,
  firecrackerAdapter,
  expectedPcrsAdapter,
];
