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
