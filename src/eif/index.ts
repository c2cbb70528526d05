/** The EIF (enclave image) library: structure, measurements, signature and metadata. */
export {
  measureEif,
  measureEifBytes,
  type EifDescription,
  type EifPcrs,
  type EifSignatureCheck,
  type MeasureOptions,
} from './measure.js';
export { toDescribeEifJson, HASH_ALGORITHM_TEXT } from './describe.js';
export {
  comparePcrs,
  extendFromZero,
  pcrOfBytes,
  pcrOfCertificate,
  pcrOfFile,
  pcrOfString,
  type PcrComparison,
  type PcrMismatch,
  type PcrName,
  type PcrValues,
} from './pcr.js';
export { loadExpectedPcrs, parseExpectedPcrs } from './expected.js';
export { createNobleSha384 } from './sha384-noble.js';
export {
  createNodeSha384,
  loadSha384Factory,
  type Sha384,
  type Sha384Factory,
  type Sha384Implementation,
} from './sha384.js';
export { readEifLayout, type EifLayout, type EifSection } from './reader.js';
export type { EifHeader, Arch, SectionType } from './format.js';
export type { EifMetadata, BuildInfo } from './metadata.js';
export type { CertificateInfo } from './certificate.js';
export type { SignatureInfo } from './signature.js';
export type { Parallelism, HashingOptions } from './run-jobs.js';
