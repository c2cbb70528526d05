/**
 * A value an input leaves undecided: an unresolved Ref, a Terraform unknown, a templating placeholder,
 * or a property the input simply does not declare. Rules must treat it as "cannot tell": at most a note,
 * never a finding or a pass by accident.
 */
export interface Unknown {
  readonly unknown: true;
  /** Why the value is unknown, in words fit for a note ("not declared", "unresolved !Ref DiskParam"). */
  readonly reason: string;
}

export type Maybe<T> = T | Unknown;

export function unknown(reason: string): Unknown {
  return { unknown: true, reason };
}

export function isUnknown(value: unknown): value is Unknown {
  return typeof value === 'object' && value !== null && (value as { unknown?: unknown }).unknown === true;
}

export function isKnown<T>(value: Maybe<T>): value is T {
  return !isUnknown(value);
}

export const NOT_DECLARED: Unknown = unknown('not declared');
