import { existsSync, statSync } from 'node:fs';
import { InputError } from '../errors.js';
import type { ImageMeasurement, ImageNode } from '../model/nodes.js';
import { isUnknown, unknown, type Maybe } from '../model/unknown.js';
import type { LinkDraft, Linker } from '../ingest/linker.js';

/**
 * Measures every enclave image the inputs name as a local file, before rules run, so
 * `enclave-image-pcrs` compares expected PCRs with what the image really measures to (https://docs.aws.amazon.com/enclaves/latest/user/set-up-attestation.html#where).
 * Each file is measured once however many enclaves use it. A missing or damaged image is not an input
 * error (images are often build artefacts outside the repository): its measurement is unknown, with why.
 */
export const imageMeasurementLinker: Linker = {
  name: 'image-measurements',
  link: (draft, options) => (options.measureImages ? measureImages(draft) : undefined),
};

async function measureImages(draft: LinkDraft): Promise<void> {
  const byPath = new Map<string, ImageNode[]>();
  for (const image of draft.nodes.values()) {
    if (image.kind !== 'image' || isUnknown(image.path)) continue;
    const list = byPath.get(image.path) ?? [];
    list.push(image);
    byPath.set(image.path, list);
  }
  if (byPath.size === 0) return;
  // Loaded only when there is an image to measure: runs without images never pay for the EIF code.
  const { measureEif } = await import('./index.js');
  for (const [path, images] of byPath) {
    let measurement: Maybe<ImageMeasurement>;
    if (!existsSync(path)) {
      measurement = unknown(`the image file ${path} does not exist`);
    } else {
      try {
        const description = await measureEif(path);
        measurement = {
          pcrs: { ...description.pcrs },
          crcOk: description.crc.ok,
          ...(description.signature ? { signatureValid: description.signature.ok } : {}),
          // nitro-cli wants enclave memory of at least 4 × the EIF size (https://docs.kernel.org/virt/ne_overview.html).
          fileBytes: statSync(path).size,
        };
      } catch (error) {
        const reason =
          error instanceof InputError ? error.format() : error instanceof Error ? error.message : String(error);
        measurement = unknown(`the image is not a readable EIF (${reason})`);
      }
    }
    for (const image of images) image.measurement = measurement;
  }
}
