import type { Adapter } from '../adapter.js';
import { libvirtDomainAdapter } from './libvirt-domain.js';
import { libvirtHostAdapter } from './libvirt-host.js';
import { kataConfigAdapter } from './kata.js';
import { novaConfAdapter } from './nova.js';
// OpenStack flavors: Heat templates here; Terraform's openstack_compute_flavor_v2 registers itself with the Terraform mapper.
import { heatTemplateAdapter } from './heat.js';
import { xenGrubAdapter, xlConfigAdapter } from './xen.js';
// KVM's nested option in /etc/modprobe.d (HYPERVISOR-FACTS §4.3)
import { modprobeAdapter } from './modprobe.js';
// Kubernetes RuntimeClass selecting a Kata configuration (HYPERVISOR-FACTS §5.3)
import { runtimeClassAdapter } from './runtime-class.js';

/** Self-run hypervisor formats (HYPERVISOR-FACTS.md), in the order they claim files. */
export const hypervisorAdapters: readonly Adapter[] = [
  libvirtDomainAdapter,
  libvirtHostAdapter,
  xlConfigAdapter,
  xenGrubAdapter,
  novaConfAdapter,
  heatTemplateAdapter,
  kataConfigAdapter,
  modprobeAdapter,
  runtimeClassAdapter,
];
