import type { Adapter } from './adapter.js';
import { manifestAdapter } from './manifest.js';
// --- self-run hypervisors (libvirt, Nova, Xen, Kata; HYPERVISOR-FACTS.md)
import { hypervisorAdapters } from './hypervisor/index.js';
// --- enclave host configs (nitro-cli run config, allocator.yaml, vsock-proxy allowlist, expected PCRs, Firecracker; NITRO-FACTS §4, §5, §8)
import { enclaveHostAdapters } from './enclave-host.js';
// --- AWS infrastructure as code (CloudFormation, Terraform .tf and plan JSON; NITRO-FACTS §7)
import { awsAdapters } from './aws/index.js';
// --- guest OS configuration (OpenSSH sshd_config)
import { sshdConfigAdapter } from './sshd-config.js';
// --- AWS CDK apps: the cloud assembly (cdk.out, or cdk.json naming it), findings at the TypeScript line (src/cdk/)
import { cloudAssemblyAdapter } from '../cdk/adapter.js';

/** Every input format isolint reads, in the order they are asked to claim a file. */
export const adapters: readonly Adapter[] = [
  manifestAdapter,
  cloudAssemblyAdapter, // claims only a cloud assembly's manifest.json and cdk.json
  // Before the key = value formats: a .tf file can look like an xl config (name = "…", type = "…").
  ...awsAdapters,
  ...hypervisorAdapters,
  ...enclaveHostAdapters,
  sshdConfigAdapter,
];
