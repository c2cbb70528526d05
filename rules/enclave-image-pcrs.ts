import { defineRule } from '../src/engine/rule.js';
import { isUnknown } from '../src/model/unknown.js';
import { attestationPins } from '../src/model/attestation.js';
import { nameOf } from '../src/model/queries.js';

/** PCRs an image file determines; PCR3/PCR4 are set at run time from the parent (https://docs.aws.amazon.com/enclaves/latest/user/set-up-attestation.html#where). */
const IMAGE_PCRS = new Set(['PCR0', 'PCR1', 'PCR2', 'PCR8']);

/** SHA-384 PCR values are 48 bytes: 96 hex digits (https://docs.aws.amazon.com/enclaves/latest/user/set-up-attestation.html#where). */
const PCR_HEX = /^[0-9a-fA-F]{96}$/;
const ALL_ZEROS = /^0+$/;

export default defineRule({
  id: 'enclave-image-pcrs',
  name: 'EnclaveImagePcrs',
  title: 'Each enclave image measures to its expected PCRs',
  severity: 'error',
  securitySeverity: 8.8,
  precision: 'very-high',
  tags: ['security', 'nitro-enclaves', 'attestation', 'supply-chain'],
  since: '0.1.0',
  sources: [
    'AWS Nitro Enclaves user guide: PCR0/1/2 measure the image, PCR8 its signing certificate',
    'EIF measurement; KMS kms:RecipientAttestation condition keys: https://github.com/aws/aws-nitro-enclaves-image-format, https://docs.aws.amazon.com/enclaves/latest/user/set-up-attestation.html#where, https://docs.aws.amazon.com/kms/latest/developerguide/conditions-nitro-enclave.html',
  ],
  appliesTo: ['enclave', 'image'],
  rationale:
    'Attestation is only as good as the values it is compared with. The PCRs a deployment expects (and the ones KMS key policies pin) must be exactly what the enclave image measures to; a stale or mistyped value either locks the enclave out of its keys or, worse, admits a different image. An all-zero PCR matches any debug-mode enclave.',
  fix: 'Rebuild or re-measure the image (isolint measure IMAGE.eif, or nitro-cli describe-eif) and write its PCRs as the expected values; never pin all-zero PCRs.',
  messages: {
    mismatch: "{{pcr}} of image '{{image}}' is {{actual}}, but {{expected}} is expected.",
    malformed: "Expected {{pcr}} of image '{{image}}' is not a SHA-384 value (96 hex digits).",
    zeros: "Expected {{pcr}} of image '{{image}}' is all zeros: it matches any debug-mode enclave.",
    noExpected: "Enclave '{{enclave}}' declares no expected PCRs for its image, so its measurement is never checked.",
    notMeasured: "Image '{{image}}' could not be measured, so its expected PCRs are not checked: {{reason}}.",
    notInImage:
      "{{pcr}} is expected for image '{{image}}', but the image does not have it (PCR8 exists only for signed images).",
    kmsMismatch: "KMS key '{{key}}' pins {{pcr}} = {{pinned}}, but image '{{image}}' measures {{actual}} ({{link}}).",
    kmsExpectedMismatch:
      "KMS key '{{key}}' pins {{pcr}} = {{pinned}}, but the expected PCRs of image '{{image}}' give {{expected}} ({{link}}).",
    kmsSignerMismatch:
      "KMS key '{{key}}' pins PCR8 = {{pinned}}, but the signing certificate of image '{{image}}' gives {{actual}} (isolint pcr --signing-certificate; {{link}}).",
    kmsUnsigned:
      "KMS key '{{key}}' pins PCR8 (the signing certificate), but image '{{image}}' is not signed, so no enclave started from it matches ({{link}}).",
    kmsUndecided: "Cannot compare {{pcr}} pinned by KMS key '{{key}}' with image '{{image}}': {{reason}}.",
    unlinkedExpected:
      "Expected PCRs in '{{file}}' describe no enclave image in the scan (name the file <image>.expected.json beside <image>.eif).",
    badCrc: "Image '{{image}}' fails its CRC32 check: the file is damaged or was altered after it was built.",
  },
  check(graph, context) {
    const measuredPaths = new Set(
      graph
        .nodes('image')
        .filter((i) => i.measurement && !isUnknown(i.measurement) && !isUnknown(i.path))
        .map((i) => i.path as string),
    );
    for (const image of graph.nodes('image')) {
      if (image.expectedFor) {
        context.report({
          messageId: 'unlinkedExpected',
          data: { file: image.source.file },
          subject: image,
          severity: 'note',
        });
      }
    }
    for (const enclave of graph.nodes('enclave')) {
      const pins = attestationPins(graph, enclave, measuredPaths.size === 1);
      for (const use of graph.out(enclave.id, 'uses')) {
        const image = graph.node(use.to);
        if (image?.kind !== 'image') continue;
        const expected = Object.entries(image.expectedPcrs);
        if (expected.length === 0 && pins.length === 0) {
          context.report({
            messageId: 'noExpected',
            data: { enclave: nameOf(enclave) },
            subject: image,
            severity: 'warning',
          });
          continue;
        }
        const name = isUnknown(image.path) ? image.id : (image.path.split(/[\\/]/).pop() ?? image.id);
        const comparable: typeof expected = [];
        for (const entry of expected) {
          const [pcr, { value, source }] = entry;
          if (!PCR_HEX.test(value)) {
            context.report({
              messageId: 'malformed',
              data: { pcr, image: name },
              subject: image,
              property: pcr,
              at: source,
            });
          } else if (ALL_ZEROS.test(value)) {
            context.report({
              messageId: 'zeros',
              data: { pcr, image: name },
              subject: image,
              property: pcr,
              at: source,
            });
          } else {
            comparable.push(entry);
          }
        }
        const measurement = image.measurement;
        if (measurement === undefined || isUnknown(measurement)) {
          // The image is not measured here (a build artefact outside the scan): the PCRs its expected-PCR file
          // lists are what the build produced, so a KMS pin that differs from them cannot match either.
          for (const pin of pins) {
            const expectedPcr = image.expectedPcrs[pin.pcr];
            if (!IMAGE_PCRS.has(pin.pcr) || !expectedPcr || isUnknown(pin.value)) continue;
            if (!PCR_HEX.test(expectedPcr.value) || ALL_ZEROS.test(expectedPcr.value)) continue;
            if (expectedPcr.value.toLowerCase() === pin.value.toLowerCase()) continue;
            context.report({
              messageId: 'kmsExpectedMismatch',
              data: {
                key: pin.key.label ?? pin.key.id,
                pcr: pin.pcr,
                pinned: abbreviate(pin.value),
                image: name,
                expected: abbreviate(expectedPcr.value),
                link: pin.link,
              },
              subject: pin.key,
              at: pin.source,
              property: `pin:${pin.pcr}`,
              related: [
                { span: expectedPcr.source, label: `expected ${pin.pcr} of image '${name}'` },
                { span: enclave.source, label: `enclave '${nameOf(enclave)}'` },
              ],
            });
          }
        }
        if (measurement === undefined) continue;
        // Fails closed: PCRs are expected (or pinned by KMS) but the image cannot be read or measured, so
        // nothing vouches for what will run; a missing build artefact must not pass the gate.
        if (isUnknown(measurement)) {
          context.report({
            messageId: 'notMeasured',
            data: { image: name, reason: measurement.reason },
            subject: image,
          });
          continue;
        }
        if (!measurement.crcOk) {
          context.report({ messageId: 'badCrc', data: { image: name }, subject: image, severity: 'warning' });
        }
        for (const pin of pins) {
          if (!IMAGE_PCRS.has(pin.pcr)) continue;
          const actual = measurement.pcrs[pin.pcr];
          const keyName = pin.key.label ?? pin.key.id;
          if (isUnknown(pin.value)) {
            context.report({
              messageId: 'kmsUndecided',
              data: { pcr: pin.pcr, key: keyName, image: name, reason: pin.value.reason },
              subject: pin.key,
              at: pin.source,
              property: `pin:${pin.pcr}`,
              severity: 'note',
            });
          } else if (actual === undefined && pin.pcr === 'PCR8') {
            context.report({
              messageId: 'kmsUnsigned',
              data: { key: keyName, image: name, link: pin.link },
              subject: pin.key,
              at: pin.source,
              property: `pin:${pin.pcr}`,
              related: [
                { span: image.source, label: `image '${name}'` },
                { span: enclave.source, label: `enclave '${nameOf(enclave)}'` },
              ],
            });
          } else if (actual !== undefined && actual.toLowerCase() !== pin.value.toLowerCase()) {
            context.report({
              // PCR8 is the extend of the SHA-384 of the signing certificate's DER form: the value isolint pcr
              // --signing-certificate prints for the certificate the signed image carries.
              messageId: pin.pcr === 'PCR8' ? 'kmsSignerMismatch' : 'kmsMismatch',
              data: {
                key: keyName,
                pcr: pin.pcr,
                pinned: abbreviate(pin.value),
                image: name,
                actual: abbreviate(actual),
                link: pin.link,
              },
              subject: pin.key,
              at: pin.source,
              property: `pin:${pin.pcr}`,
              related: [
                { span: image.source, label: `image '${name}'` },
                { span: enclave.source, label: `enclave '${nameOf(enclave)}'` },
              ],
            });
          }
        }
        for (const [pcr, { value, source }] of comparable) {
          const actual = measurement.pcrs[pcr];
          if (actual === undefined) {
            context.report({
              messageId: 'notInImage',
              data: { pcr, image: name },
              subject: image,
              property: pcr,
              at: source,
            });
          } else if (actual.toLowerCase() !== value.toLowerCase()) {
            context.report({
              messageId: 'mismatch',
              data: { pcr, image: name, actual: abbreviate(actual), expected: abbreviate(value) },
              subject: image,
              property: pcr,
              at: source,
              related: [{ span: image.source, label: `image '${name}'` }],
            });
          }
        }
      }
    }
  },
});

/** First and last eight hex digits: enough to tell values apart in a message. */
function abbreviate(hex: string): string {
  return hex.length > 20 ? `${hex.slice(0, 8)}…${hex.slice(-8)}` : hex;
}
