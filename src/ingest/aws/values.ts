import { unknown, isUnknown, type Unknown } from '../../model/unknown.js';

/**
 * Values of CloudFormation and Terraform inputs after their references and intrinsics are worked out
 * as far as the scan allows. Whatever cannot be decided is `Unknown` (never a
 * guess). A reference to another resource is an Unknown too — its value (an id,
 * an ARN) is decided at deploy time — but it remembers its target, so adapters turn it into an edge.
 */
export interface Reference extends Unknown {
  readonly target: string;
  readonly attribute?: string;
}

export function reference(target: string, attribute?: string): Reference {
  const shown = attribute ? `${target}.${attribute}` : target;
  return { ...unknown(`decided at deploy time (reference to ${shown})`), target, attribute };
}

export function isReference(value: unknown): value is Reference {
  return isUnknown(value) && typeof (value as { target?: unknown }).target === 'string';
}

/** Every reference inside a value (a list of security groups, a policy principal…). */
export function referencesIn(value: unknown, found: Reference[] = [], depth = 0): Reference[] {
  if (depth > 64) return found;
  if (isReference(value)) found.push(value);
  else if (Array.isArray(value)) for (const item of value) referencesIn(item, found, depth + 1);
  else if (value && typeof value === 'object' && !isUnknown(value)) {
    for (const item of Object.values(value)) referencesIn(item, found, depth + 1);
  }
  return found;
}

/**
 * A string built from parts some of which are unknown (`!Sub 'arn:aws:iam::${AWS::AccountId}:role/x'`,
 * `"arn:aws:iam::${data.aws_caller_identity.me.account_id}:root"`). It is unknown to every reader, but it
 * keeps its parts, so a policy reader can still tell an ARN whose unknown parts it can name (the deploying
 * account, a role of the scan).
 */
export interface Interpolation extends Unknown {
  readonly parts: readonly unknown[];
}

export function interpolation(parts: readonly unknown[], reason: string): Interpolation {
  return { ...unknown(reason), parts };
}

export function isInterpolation(value: unknown): value is Interpolation {
  return isUnknown(value) && Array.isArray((value as { parts?: unknown }).parts);
}

/**
 * A value of the deployment itself, decided at deploy time but the same for every resource of a template or
 * module: `AccountId` (`AWS::AccountId`, `data.aws_caller_identity.X.account_id`), `Partition`, `Region`.
 */
export interface PseudoValue extends Unknown {
  readonly pseudo: 'AccountId' | 'Partition' | 'Region' | 'URLSuffix';
}

export function pseudoValue(pseudo: PseudoValue['pseudo'], reason: string): PseudoValue {
  return { ...unknown(reason), pseudo };
}

export function isPseudoValue(value: unknown): value is PseudoValue {
  return isUnknown(value) && typeof (value as { pseudo?: unknown }).pseudo === 'string';
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isUnknown(value);
}

/** A boolean property: CloudFormation accepts "true"/"false" strings as well. */
export function toBoolean(value: unknown): boolean | Unknown | undefined {
  if (value === undefined || value === null) return undefined;
  if (isUnknown(value)) return value;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  return unknown(`not a boolean (${JSON.stringify(value)})`);
}

/**
 * A string literal that holds JSON (a Terraform heredoc policy), with the offset of its first character
 * in the file when its text is verbatim there, so the JSON inside keeps exact positions.
 */
export class JsonText {
  constructor(
    readonly text: string,
    readonly offset: number | undefined,
  ) {}
}

export function toText(value: unknown): string | Unknown | undefined {
  if (value === undefined || value === null) return undefined;
  if (value instanceof JsonText) return value.text;
  if (isUnknown(value)) return value;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return unknown('not a string');
}

export function toNumber(value: unknown): number | Unknown | undefined {
  if (value === undefined || value === null) return undefined;
  if (isUnknown(value)) return value;
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value);
  return unknown(`not a number (${JSON.stringify(value)})`);
}

/** A value as a list: one item stays one item (CloudFormation and IAM accept both). */
export function toList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

// --- Partly known maps (Terraform `merge(local.x, { … })`, used for OpenStack flavor extra specs): the
// literal keys are known, any other key may come from the part the scan cannot read.
const UNKNOWN_KEYS = Symbol.for('isolint.unknownKeys');

/** Marks a map whose keys beyond those present are undecided, with the reason. */
export function withUnknownKeys<T extends object>(value: T, reason: Unknown): T {
  Object.defineProperty(value, UNKNOWN_KEYS, { value: reason, enumerable: false, configurable: true });
  return value;
}

/** Why keys absent from a map may still exist, when it was merged with something unknown. */
export function unknownKeysOf(value: object): Unknown | undefined {
  return (value as { [UNKNOWN_KEYS]?: Unknown })[UNKNOWN_KEYS];
}
