import type { Rule } from '../src/engine/rule.js';
import auditedAdminApi from './audited-admin-api.js';
import enclaveImagePcrs from './enclave-image-pcrs.js';
import enclaveNoDebugMode from './enclave-no-debug-mode.js';
import enclaveNoNetwork from './enclave-no-network.js';
import enclaveNoPersistentStorage from './enclave-no-persistent-storage.js';
import enclaveVsockParentOnly from './enclave-vsock-parent-only.js';
import encryptedBlockStorage from './encrypted-block-storage.js';
import hardwareRootOfTrust from './hardware-root-of-trust.js';
import hypervisorFirewall from './hypervisor-firewall.js';
import noInteractiveAccess from './no-interactive-access.js';
import noMemoryAccessApi from './no-memory-access-api.js';
import noOversubscription from './no-oversubscription.js';
import oneWayControllerTrust from './one-way-controller-trust.js';
import scrubbedMemory from './scrubbed-memory.js';
import storageWipedBeforeReuse from './storage-wiped-before-reuse.js';
import tenantIsolation from './tenant-isolation.js';
// --- enclave host configs (https://docs.aws.amazon.com/enclaves/latest/user/cmd-nitro-run-enclave.html, https://github.com/firecracker-microvm/firecracker/blob/main/docs/getting-started.md)
import enclaveLaunchConfig from './enclave-launch-config.js';
import microvmEnclaveGuest from './microvm-enclave-guest.js';
// --- AWS inputs (CloudFormation / Terraform)
import instanceMetadataV2 from './instance-metadata-v2.js';
import kmsEnclaveAttestation from './kms-enclave-attestation.js';

// --- layered hosts and guest-side practices (the layered host model in docs/architecture.md; AWS hypervisor security)
import attestedTenantServices from './attested-tenant-services.js';
import containersInsideVm from './containers-inside-vm.js';
import minimalHypervisorCore from './minimal-hypervisor-core.js';
import nestedVirtScoped from './nested-virt-scoped.js';
import noPasswordOnlyLogin from './no-password-only-login.js';
import noProviderGuestAccess from './no-provider-guest-access.js';
import providerNoCoreControl from './provider-no-core-control.js';
import tenantOwnedVmm from './tenant-owned-vmm.js';

/** The built-in rules, in catalogue order. */
export const builtinRules: readonly Rule[] = [
  noInteractiveAccess,
  auditedAdminApi,
  oneWayControllerTrust,
  noMemoryAccessApi,
  encryptedBlockStorage,
  storageWipedBeforeReuse,
  scrubbedMemory,
  enclaveNoNetwork,
  enclaveNoPersistentStorage,
  enclaveVsockParentOnly,
  enclaveNoDebugMode,
  enclaveImagePcrs,
  noOversubscription,
  hardwareRootOfTrust,
  tenantIsolation,
  hypervisorFirewall,
  // --- enclave host configs (after the original sixteen)
  enclaveLaunchConfig,
  microvmEnclaveGuest,
  // --- AWS inputs (CloudFormation / Terraform; https://docs.aws.amazon.com/kms/latest/developerguide/conditions-nitro-enclave.html, https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-instance.html, https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/instance)
  instanceMetadataV2,
  kmsEnclaveAttestation,
  // --- layered hosts and guest-side practices
  minimalHypervisorCore,
  providerNoCoreControl,
  tenantOwnedVmm,
  attestedTenantServices,
  containersInsideVm,
  nestedVirtScoped,
  noPasswordOnlyLogin,
  noProviderGuestAccess,
];
