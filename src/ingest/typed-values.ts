import { InputError } from '../errors.js';
import type { Maybe, Unknown } from '../model/unknown.js';
import { placeholderIn, placeholderUnknown } from './hypervisor/common.js';
import type { LocatedDocument } from './located.js';

/**
 * A value left to templating (Jinja/Helm `{{ port }}`, `@PORT@`, `${PORT}`), which none of these formats
 * gives a meaning of its own: unknown, with the placeholder in the reason, as libvirt's adapter does — rules
 * note it, and the rest of the file is still checked. Only a value that is wholly one placeholder counts
 * ("{{ port }}"), not one with text around it ("80{{ x }}"), which stays a wrong value.
 */
export function templated(value: unknown): Unknown | undefined {
  if (typeof value !== 'string') return undefined;
  const placeholder = placeholderIn(value);
  return placeholder !== undefined && placeholder === value.trim() ? placeholderUnknown(placeholder) : undefined;
}

/**
 * Type checks for small tool-defined formats (nitro-cli run configs, allocator.yaml, vsock-proxy.yaml,
 * Firecracker configs) that have no schema of ours: each failure is one line at the key at fault. A
 * templated value (`templated`) is unknown, not a failure.
 */
export class TypedReader {
  constructor(
    readonly document: LocatedDocument,
    readonly what: string,
  ) {}

  fail(message: string, container?: object, key?: string | number): InputError {
    const span = container
      ? key === undefined
        ? this.document.spanOf(container)
        : this.document.spanOfKey(container, key)
      : undefined;
    return new InputError(`invalid ${this.what}: ${message}`, {
      file: this.document.file,
      line: span?.startLine,
      column: span?.startColumn,
    });
  }

  object(value: unknown, where: string, container?: object, key?: string | number): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw this.fail(`${where} must be an object`, container, key);
    }
    return value as Record<string, unknown>;
  }

  array(container: Record<string, unknown>, key: string): unknown[] | undefined {
    const value = container[key];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) throw this.fail(`"${key}" must be a list`, container, key);
    return value as unknown[];
  }

  /** A non-negative integer, or undefined when absent (null counts as absent, as serde's Option does). */
  integer(container: Record<string, unknown>, key: string, required = false): Maybe<number> | undefined {
    const value = container[key];
    if (value === undefined || value === null) {
      if (required) throw this.fail(`"${key}" is required`, container);
      return undefined;
    }
    const left = templated(value);
    if (left) return left;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw this.fail(`"${key}" must be a whole number, not ${JSON.stringify(value)}`, container, key);
    }
    return value;
  }

  boolean(container: Record<string, unknown>, key: string): Maybe<boolean> | undefined {
    const value = container[key];
    if (value === undefined || value === null) return undefined;
    const left = templated(value);
    if (left) return left;
    if (typeof value !== 'boolean')
      throw this.fail(`"${key}" must be true or false, not ${JSON.stringify(value)}`, container, key);
    return value;
  }

  string(container: Record<string, unknown>, key: string, required = false): string | undefined {
    const value = container[key];
    if (value === undefined || value === null) {
      if (required) throw this.fail(`"${key}" is required`, container);
      return undefined;
    }
    if (typeof value !== 'string')
      throw this.fail(`"${key}" must be a string, not ${JSON.stringify(value)}`, container, key);
    return value;
  }
}
