import type { Adapter } from '../adapter.js';
import { libvirtDomainAdapter } from './libvirt-domain.js';
import { libvirtHostAdapter } from './libvirt-host.js';
import { kataConfigAdapter } from './kata.js';
import { novaConfAdapter } from './nova.js';
import { xenGrubAdapter, xlConfigAdapter } from './xen.js';

/** Self-run hypervisor formats (HYPERVISOR-FACTS.md), in the order they claim files. */
export const hypervisorAdapters: readonly Adapter[] = [libvirtDomainAdapter, libvirtHostAdapter, xlConfigAdapter, xenGrubAdapter, novaConfAdapter, kataConfigAdapter];
