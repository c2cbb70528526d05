/**
 * isolint's library API: what the CLI uses and what others embed. Inputs → adapters → graph → rules →
 * findings → reporters.
 */
export { builtinAdapters, check } from './check.js';
export { displayPath, findRepositoryRoot } from './engine/check.js';
export type { CheckOptions, CheckResult, CheckedFile, InputProblem } from './engine/check.js';
export { defaultConfig, loadConfig, resolveConfig } from './engine/config.js';
export type { FailOn, ResolvedConfig } from './engine/config.js';
export type { AppliedSuppression, Finding } from './engine/finding.js';
export { defineRule, renderMessage } from './engine/rule.js';
export type {
  RelatedLocation,
  ReportDescriptor,
  Rule,
  RuleContext,
  RuleDefinition,
  RuleMeta,
  Severity,
} from './engine/rule.js';
export { builtinRules } from '../rules/index.js';
// `adapters` is the name this list had first.
export { builtinAdapters as adapters } from './check.js';
export type { Adapter, AdapterInput } from './ingest/adapter.js';
export { Graph } from './model/graph.js';
export type * from './model/nodes.js';
export type { SourceSpan } from './model/source.js';
export { isKnown, isUnknown, unknown } from './model/unknown.js';
export type { Maybe, Unknown } from './model/unknown.js';
export { render, formatForPath, FORMATS } from './report/index.js';
export type { Format, RenderOptions } from './report/index.js';
export { toJson } from './report/json.js';
export { toMarkdown } from './report/markdown.js';
export { toSarif } from './report/sarif.js';
export type { SarifOptions } from './report/sarif.js';
export { toText } from './report/text.js';
export {
  verifyAttestation,
  keysForDocument,
  documentBytes,
  attestationToJson,
  AttestationFormatError,
  AttestationOptionError,
  AWS_NITRO_ROOT_PEM,
} from './attest/index.js';
export type {
  AttestationCheck,
  AttestationDocument,
  AttestationResult,
  AttestationVerdict,
  ChainCertificate,
  KeyVerdict,
  VerifyAttestationOptions,
} from './attest/index.js';
export { InputError, UsageError } from './errors.js';
export type { IsolintManifest } from './generated/manifest.js';
export type { IsolintConfig } from './generated/config.js';
export { VERSION } from './version.js';
