import { basename, dirname, resolve } from 'node:path';
import type { ImageNode } from '../model/nodes.js';
import { NO_SUPPRESSIONS } from '../model/nodes.js';
import { NOT_DECLARED } from '../model/unknown.js';
import type { Adapter } from './adapter.js';
import { parseJson } from './json.js';
import { validateAgainstSchema } from './schema-validation.js';
import { templated } from './typed-values.js';

/** The schema of expected-PCR files, here and for `isolint measure --expected` (src/eif/expected.ts). */
export const EXPECTED_PCRS_SCHEMA = 'expected-pcrs.schema.json';

/** Names that say which image a file describes: `signer.expected.json`, `signer.pcrs.json`, `signer-measurements.json`. */
const NAMED = /^(.+?)[.-](?:expected(?:[.-]pcrs)?|pcrs|measurements)\.json$/i;
/** Names that describe whichever image their directory uses: `expected-pcrs.json`, `pcrs.json`, `measurements.json`. */
const GENERIC = /^(?:expected[.-]?pcrs|pcrs|measurements|expected)\.json$/i;

/**
 * Expected-PCR files (schemas/expected-pcrs.schema.json, the format `isolint measure --expected` reads) found
 * in a scan: an image node with no file of its own, whose PCRs src/ingest/link-host-configs.ts merges into
 * the EIF the file describes — `<name>.eif` beside `<name>.expected.json`, or for a generic name
 * (`expected-pcrs.json`) the one image used in its directory.
 */
export const expectedPcrsAdapter: Adapter = {
  format: 'expected-pcrs',
  extensions: ['.json'],
  claims: ({ text }) =>
    /^\s*\{/.test(text) &&
    /"PCR\d+"\s*:\s*"[0-9a-fA-F]/.test(text) &&
    !/"(apiVersion|eif_path|AWSTemplateFormatVersion|Resources)"/.test(text),
  load(input) {
    const document = parseJson(input.file, input.text);
    // A templated PCR ("{{ pcr0 }}", filled in by the release pipeline) is unknown, not a bad file: it is left
    // out before validation, so the schema judges the other values and nothing is compared against it.
    const top = document.value as Record<string, unknown> | null;
    const measurements =
      top && typeof top === 'object' && typeof top.Measurements === 'object' && top.Measurements !== null
        ? (top.Measurements as Record<string, unknown>)
        : top;
    if (measurements && typeof measurements === 'object' && !Array.isArray(measurements)) {
      for (const [name, value] of Object.entries(measurements)) {
        if (/^PCR\d+$/.test(name) && templated(value)) delete measurements[name];
      }
    }
    validateAgainstSchema(document, EXPECTED_PCRS_SCHEMA, 'expected-PCR file');
    const root = document.value as Record<string, unknown>;
    const set = (
      typeof root.Measurements === 'object' && root.Measurements !== null ? root.Measurements : root
    ) as Record<string, unknown>;
    const expectedPcrs: ImageNode['expectedPcrs'] = {};
    for (const [name, value] of Object.entries(set)) {
      if (/^PCR\d+$/.test(name) && typeof value === 'string')
        expectedPcrs[name] = { value, source: document.spanOfValue(set, name) };
    }
    const named = GENERIC.test(basename(input.file)) ? null : NAMED.exec(basename(input.file));
    const directory = dirname(input.absolutePath);
    const image: ImageNode = {
      kind: 'image',
      id: `${input.file}#expected`,
      label: basename(input.file),
      path: NOT_DECLARED,
      expectedPcrs,
      expectedFor: { directory, ...(named ? { eifPath: resolve(directory, `${named[1]}.eif`) } : {}) },
      source: document.spanOf(set),
      at: {},
      suppressions: NO_SUPPRESSIONS,
    };
    return { nodes: [image], edges: [] };
  },
};
