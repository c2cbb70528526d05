import { defineRule } from '../src/engine/rule.js';
import { isUnknown } from '../src/model/unknown.js';
import { nameOf } from '../src/model/queries.js';
import { attestationPins } from '../src/model/attestation.js';
import type { EnclaveNode } from '../src/model/nodes.js';

/** Environments where a debug-mode enclave is tolerated. */
const NON_PRODUCTION = new Set(['development', 'test']);

export default defineRule({
  id: 'enclave-no-debug-mode',
  name: 'EnclaveNoDebugMode',
  title: 'No enclave runs in debug mode in production',
  severity: 'error',
  securitySeverity: 9.1,
  precision: 'very-high',
  tags: ['security', 'nitro-enclaves', 'attestation'],
  since: '0.1.0',
  sources: [
    'AWS Nitro Enclaves user guide: enclaves booted in debug mode produce attestation documents whose PCRs are all zeros',
    'NE_ENCLAVE_DEBUG_MODE; console readable over vsock: https://docs.aws.amazon.com/enclaves/latest/user/cmd-nitro-run-enclave.html, https://docs.kernel.org/virt/ne_overview.html',
    'libvirt launchSecurity policy (SEV bit 0 = no debugging): https://libvirt.org/formatdomain.html#launch-security',
    'Kata enable_debug: https://github.com/kata-containers/kata-containers/blob/main/src/runtime/config/configuration-qemu.toml.in',
  ],
  appliesTo: ['enclave', 'instance', 'key'],
  rationale:
    "In debug mode the enclave's console is readable from the parent and its attestation documents carry all-zero PCRs, so no KMS policy can tell it from any other debug enclave. Whatever secret a debug enclave receives is exposed to the parent instance.",
  fix: 'Run the enclave without --debug-mode / debug_mode: true (and without --attach-console, which implies it). Keep debug mode for development manifests (metadata.environment: development).',
  messages: {
    debug:
      "Enclave '{{enclave}}' runs in debug mode in a {{environment}} environment: its console is readable and its attestation PCRs are zeros.",
    debugUndeclared:
      "Enclave '{{enclave}}' runs in debug mode and no environment is declared (taken as production): its console is readable and its attestation PCRs are zeros.",
    // Confidential guests (SEV, SEV-SNP, TDX, Kata confidential sandboxes; https://libvirt.org/formatdomain.html#launch-security, https://github.com/kata-containers/kata-containers/blob/main/src/runtime/config/configuration-qemu.toml.in)
    confidentialDebug:
      "Confidential guest '{{guest}}' ({{technology}}) allows debugging: the host can read and change its memory, so its attestation proves nothing.",
    undecidedConfidential:
      "Cannot tell whether confidential guest '{{guest}}' ({{technology}}) allows debugging: {{reason}}.",
    undecided: "Cannot tell whether enclave '{{enclave}}' runs in debug mode: {{reason}}.",
    // --- the key's attestation condition (https://docs.aws.amazon.com/enclaves/latest/user/kms.html): a debug enclave's PCRs are all zeros
    debugKeyRefuses:
      "Enclave '{{enclave}}' runs in debug mode, so its attestation reports all-zero PCRs: key '{{key}}' pins {{pcr}} to its measurement and will never decrypt for it.",
    debugKeyZeros:
      "Key '{{key}}' pins {{pcr}} to zeros, the value every debug-mode enclave reports: any debug enclave on a parent with this role can decrypt with it.",
  },
  check(graph, context) {
    for (const enclave of graph.nodes('enclave')) {
      const environment = isUnknown(enclave.environment) ? 'production' : enclave.environment;
      if (NON_PRODUCTION.has(environment)) continue;
      if (isUnknown(enclave.debug)) {
        context.report({
          messageId: 'undecided',
          data: { enclave: nameOf(enclave), reason: enclave.debug.reason },
          subject: enclave,
          severity: 'note',
        });
      } else if (enclave.debug && isUnknown(enclave.environment)) {
        context.report({
          messageId: 'debugUndeclared',
          data: { enclave: nameOf(enclave) },
          subject: enclave,
          property: 'debug',
        });
      } else if (enclave.debug) {
        context.report({
          messageId: 'debug',
          data: { enclave: nameOf(enclave), environment },
          subject: enclave,
          property: 'debug',
        });
      }
      if (enclave.debug === true) checkKeys(enclave);
    }

    /** What a debug enclave's all-zero PCRs mean for the keys that pin its measurement. */
    function checkKeys(enclave: EnclaveNode): void {
      const seen = new Set<string>();
      for (const pin of attestationPins(graph, enclave, false)) {
        if (isUnknown(pin.value) || seen.has(pin.key.id)) continue;
        seen.add(pin.key.id);
        const zeros = /^0+$/.test(pin.value);
        context.report({
          messageId: zeros ? 'debugKeyZeros' : 'debugKeyRefuses',
          data: { enclave: nameOf(enclave), key: nameOf(pin.key), pcr: pin.pcr },
          subject: enclave,
          property: 'debug',
          severity: zeros ? 'error' : 'warning',
          related: [{ span: pin.source, label: `${pin.pcr} pinned by key '${nameOf(pin.key)}' (${pin.link})` }],
        });
      }
    }
    // --- confidential guests: a debug policy bit undoes memory encryption against the host
    for (const guest of graph.nodes('instance')) {
      const confidential = guest.confidential;
      if (!confidential) continue;
      const data = { guest: nameOf(guest), technology: confidential.technology };
      if (isUnknown(confidential.debug)) {
        context.report({
          messageId: 'undecidedConfidential',
          data: { ...data, reason: confidential.debug.reason },
          subject: guest,
          at: confidential.source,
          severity: 'note',
        });
      } else if (confidential.debug) {
        context.report({
          messageId: 'confidentialDebug',
          data,
          subject: guest,
          property: 'confidential',
          at: confidential.source,
        });
      }
    }
  },
});
