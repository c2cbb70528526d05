import type { Adapter } from './adapter.js';
import { manifestAdapter } from './manifest.js';
// --- self-run hypervisors (libvirt, Nova, Xen, Kata)
import { hypervisorAdapters } from './hypervisor/index.js';
// --- enclave host configs (nitro-cli run config, allocator.yaml, vsock-proxy allowlist, expected PCRs, Firecracker; https://docs.aws.amazon.com/enclaves/latest/user/cmd-nitro-run-enclave.html, https://github.com/aws/aws-nitro-enclaves-cli/blob/main/vsock_proxy/README.md, https://github.com/firecracker-microvm/firecracker/blob/main/docs/getting-started.md)
import { enclaveHostAdapters } from './enclave-host.js';
// --- AWS infrastructure as code (CloudFormation, Terraform .tf and plan JSON; https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-instance.html, https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/instance)
import { awsAdapters } from './aws/index.js';
// --- guest OS configuration (OpenSSH sshd_config)
import { sshdConfigAdapter } from './sshd-config.js';
import type { Linker } from './linker.js';
import { hostConfigLinker } from './link-host-configs.js';
import { instanceTypeLinker } from './link-instance-types.js';
import { keyPolicyLinker } from './link-key-policies.js';
import { runtimeClassLinker } from './hypervisor/link-runtime-classes.js';

/**
 * The input formats of this folder, in the order they are asked to claim a file. The CDK cloud assembly
 * (src/cdk/adapter.ts) builds on the CloudFormation reader and is added in front of these by src/check.ts.
 */
export const adapters: readonly Adapter[] = [
  manifestAdapter,
  // Before the key = value formats: a .tf file can look like an xl config (name = "…", type = "…").
  ...awsAdapters,
  ...hypervisorAdapters,
  ...enclaveHostAdapters,
  sshdConfigAdapter,
];

/**
 * The formats' linkers (src/ingest/linker.ts), in the order they run: instances get their type's facts,
 * then host-side config files find their machine (their edges name it only by directory), then standalone key policies their key, then
 * Kata RuntimeClasses their sandbox.
 */
export const linkers: readonly Linker[] = [instanceTypeLinker, hostConfigLinker, keyPolicyLinker, runtimeClassLinker];
