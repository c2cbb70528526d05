import { defineRule } from '../src/engine/rule.js';
import { isUnknown } from '../src/model/unknown.js';
import { nameOf } from '../src/model/queries.js';

export default defineRule({
  id: 'nested-virt-scoped',
  name: 'NestedVirtScoped',
  title: 'Nested virtualization only for guests declared as platforms',
  severity: 'warning',
  securitySeverity: 5.0,
  precision: 'high',
  tags: ['security', 'isolation', 'layered-host', 'attack-surface'],
  since: '0.1.0',
  sources: [
    'Nested guests on KVM (kvm_intel nested=1): https://docs.kernel.org/virt/kvm/x86/running-nested-guests.html',
    'libvirt CPU features (vmx/svm): https://libvirt.org/formatdomain.html#cpu-model-and-topology',
    'Xen nestedhvm: https://xenbits.xen.org/docs/unstable/man/xl.cfg.5.html',
  ],
  appliesTo: ['instance', 'component'],
  rationale:
    "Exposing VMX/SVM to a guest hands it the hypervisor's most complex interface: nested VM exits, shadow page tables and their bugs. Platforms that run guests of their own need it; any other guest gets a larger attack surface on the host for nothing.",
  fix: "Turn nested virtualization off for the guest (no vmx/svm feature, a CPU mode other than host-passthrough, nestedhvm=0), or declare it a platform if it really runs guests: platform: true in the manifest, <isolint:platform xmlns:isolint=\"https://isolint.dev/xmlns/domain/1\">true</isolint:platform> in a libvirt domain's <metadata>, a '# platform: true' comment in an xl.cfg. On hosts that run no platforms, leave KVM's nested module option off (options kvm_intel nested=0).",
  messages: {
    guest: "Guest '{{guest}}' has nested virtualization but is not declared a platform.",
    undecided: "Cannot tell whether guest '{{guest}}' gets nested virtualization: {{reason}}.",
    component: "{{layer}} '{{component}}' has nested virtualization; only upper-layer platforms and VMMs run guests.",
  },
  check(graph, context) {
    for (const instance of graph.nodes('instance')) {
      const nested = instance.nestedVirtualization;
      if (nested === undefined || nested === false || instance.platform) continue;
      // A guest others run on is a platform in fact, whatever it declares.
      if (graph.runningOn(instance.id).some((node) => node.kind === 'instance')) continue;
      if (isUnknown(nested)) {
        context.report({
          messageId: 'undecided',
          data: { guest: nameOf(instance), reason: nested.reason },
          subject: instance,
          property: 'nestedVirtualization',
          severity: 'note',
        });
        continue;
      }
      context.report({
        messageId: 'guest',
        data: { guest: nameOf(instance) },
        subject: instance,
        property: 'nestedVirtualization',
      });
    }
    for (const component of graph.nodes('component')) {
      if (component.nestedVirtualization !== true || component.layer === 'upper-platform' || component.layer === 'vmm')
        continue;
      context.report({
        messageId: 'component',
        data: { layer: component.layer, component: nameOf(component) },
        subject: component,
        property: 'nestedVirtualization',
      });
    }
  },
});
