import type { Adapter } from '../adapter.js';
import { libvirtDomainAdapter } from './libvirt-domain.js';
import { libvirtHostAdapter } from './libvirt-host.js';
import { kataConfigAdapter } from './kata.js';
import { novaConfAdapter } from './nova.js';
// OpenStack flavors: Heat templates here; Terraform's openstack_compute_flavor_v2 registers itself with the Terraform mapper.
import { heatTemplateAdapter } from './heat.js';
import { xenGrubAdapter, xlConfigAdapter } from './xen.js';
// KVM's nested option in /etc/modprobe.d (https://docs.kernel.org/virt/kvm/x86/running-nested-guests.html)
import { modprobeAdapter } from './modprobe.js';
// Kubernetes RuntimeClass selecting a Kata configuration (https://kubernetes.io/docs/concepts/containers/runtime-class/)
import { runtimeClassAdapter } from './runtime-class.js';

/** Self-run hypervisor formats, in the order they claim files. */
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
