/**
 * Expected-PCR files for `isolint measure --expected`: `{"PCR0": "..."}` or nitro-cli's own
 * `{"Measurements": {...}}` output saved as is, validated against schemas/expected-pcrs.schema.json
 * with the same located-JSON and schema error reporting as every other input (file:line:column).
 */
import { readFile, stat } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { parseJson } from '../ingest/json.js';
import { validateAgainstSchema } from '../ingest/schema-validation.js';
import { EXPECTED_PCRS_SCHEMA } from '../ingest/expected-pcrs.js';
import type { PcrName, PcrValues } from './pcr.js';

/** An expected-PCR file is a few hundred bytes; anything this large is not one. */
const MAX_FILE_SIZE = 1024 * 1024;

/** The PCRs of an already validated document (either shape). */
export function parseExpectedPcrs(value: unknown): PcrValues {
  const root = value as Record<string, unknown>;
  const set = (
    typeof root.Measurements === 'object' && root.Measurements !== null ? root.Measurements : root
  ) as Record<string, unknown>;
  const pcrs: PcrValues = {};
  for (const [key, pcrValue] of Object.entries(set)) {
    if (/^PCR\d+$/.test(key) && typeof pcrValue === 'string') pcrs[key as PcrName] = pcrValue.toLowerCase();
  }
  return pcrs;
}

export async function loadExpectedPcrs(file: string): Promise<PcrValues> {
  let text: string;
  try {
    if ((await stat(file)).size > MAX_FILE_SIZE)
      throw new InputError(`larger than ${MAX_FILE_SIZE} bytes: not an expected-PCR file`, { file });
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`cannot read: ${(error as Error).message}`, { file });
  }
  const document = parseJson(file, text);
  validateAgainstSchema(document, EXPECTED_PCRS_SCHEMA, 'expected-PCR file');
  const pcrs = parseExpectedPcrs(document.value);
  if (Object.keys(pcrs).length === 0) {
    throw new InputError('no PCR values (expected keys such as "PCR0", at the top level or under "Measurements")', {
      file,
    });
  }
  return pcrs;
}
