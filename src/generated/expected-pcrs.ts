/* Generated from schemas/ by scripts/generate-types.mjs. Do not edit; run `npm run generate`. */

/**
 * A SHA-384 PCR value: 96 hexadecimal digits.
 *
 * This interface was referenced by `ExpectedPcrs`'s JSON-Schema
 * via the `definition` "pcrValue".
 *
 * This interface was referenced by `undefined`'s JSON-Schema definition
 * via the `patternProperty` "^PCR([0-9]|[12][0-9]|3[01])$".
 */
export type PcrValue = string;
/**
 * PCR0 ... PCR31 by name. Other keys (HashAlgorithm as nitro-cli prints it, a tool's own fields such as crc_ok or arch) are ignored.
 *
 * This interface was referenced by `ExpectedPcrs`'s JSON-Schema
 * via the `definition` "pcrSet".
 */
export type PcrSet = PcrSet1 & {
  HashAlgorithm?: string;
  /**
   * Hash of the whole image: kernel, cmdline and every ramdisk.
   */
  PCR0?: string;
  /**
   * Kernel, cmdline and the first (bootstrap) ramdisk.
   */
  PCR1?: string;
  /**
   * The application ramdisks.
   */
  PCR2?: string;
  /**
   * The parent instance's IAM role ARN (set at run time; not checked against an image).
   */
  PCR3?: string;
  /**
   * The parent instance id (set at run time; not checked against an image).
   */
  PCR4?: string;
  /**
   * The signing certificate of a signed image.
   */
  PCR8?: string;
  [k: string]: unknown;
};
export type PcrSet1 = {
  [k: string]: unknown;
};

/**
 * Expected PCR values of an enclave image, for `isolint measure --expected`. Either the PCRs at the top level ({"PCR0": "..."}), or the output of `nitro-cli build-enclave` / `describe-eif` saved as it is ({"Measurements": {...}}, other keys ignored). Values are SHA-384 in hex (96 digits, any case).
 */
export interface ExpectedPcrs {}
