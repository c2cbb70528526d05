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
// --- enclave host configs (NITRO-FACTS §4, §8)
import enclaveLaunchConfig from './enclave-launch-config.js';
import microvmEnclaveGuest from './microvm-enclave-guest.js';
// --- AWS inputs (CloudFormation / Terraform)
import instanceMetadataV2 from './instance-metadata-v2.js';
import kmsEnclaveAttestation from './kms-enclave-attestation.js';

// --- layered hosts and guest-side practices (HYPERVISOR-FACTS §4; AWS hypervisor security)
import attestedTenantServices from './attested-tenant-services.js';
import containersInsideVm from './containers-inside-vm.js';
import minimalHypervisorCore from './minimal-hypervisor-core.js';
import nestedVirtScoped from './nested-virt-scoped.js';
import noPasswordOnlyLogin from './no-password-only-login.js';
import noProviderGuestAccess from './no-provider-guest-access.js';
import providerNoCoreControl from './provider-no-core-control.js';
import tenantOwnedVmm from './tenant-owned-vmm.js';

/** The built-in rules, in catalogue order (DESIGN.md "Rules"). */
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
  // --- enclave host configs (after DESIGN.md's catalogue)
  enclaveLaunchConfig,
  microvmEnclaveGuest,
  // --- AWS inputs (CloudFormation / Terraform; NITRO-FACTS §3, §7)
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
