import { InputError } from '../../errors.js';
import {
  NO_SPANS,
  NO_SUPPRESSIONS,
  type AccessEdge,
  type AccessMethod,
  type PrincipalNode,
} from '../../model/nodes.js';
import type { LineIndex, SourceSpan } from '../../model/source.js';
import { unknown, type Maybe } from '../../model/unknown.js';

/**
 * What the self-run hypervisor adapters (libvirt, Nova, Xen, Kata) share: the `network` principal that
 * stands for anyone reaching a listener bound beyond loopback, loopback tests, placeholders and sizes.
 */

/** Built-in principal: whoever can reach the host's network. Every input that needs it declares it (shared). */
export const NETWORK_PRINCIPAL = 'network';
/** Built-in principal: an operator with a shell on the host (Kata debug console, QEMU monitor sockets). */
export const HOST_OPERATOR = 'host-operator';

export function networkPrincipal(source: SourceSpan): PrincipalNode {
  return {
    kind: 'principal',
    id: NETWORK_PRINCIPAL,
    principalKind: 'network',
    mfa: false,
    shared: true,
    source,
    at: NO_SPANS,
    suppressions: NO_SUPPRESSIONS,
  };
}

export function hostOperatorPrincipal(source: SourceSpan): PrincipalNode {
  return {
    kind: 'principal',
    id: HOST_OPERATOR,
    principalKind: 'operator',
    mfa: unknown('a shell on the host'),
    shared: true,
    source,
    at: NO_SPANS,
    suppressions: NO_SUPPRESSIONS,
  };
}

/** An access edge from a built-in principal to a guest or host: a listener or console path. */
export function accessEdge(
  from: string,
  to: string,
  method: AccessMethod,
  source: SourceSpan,
  authenticated: Maybe<boolean>,
  address?: string,
): AccessEdge {
  return {
    kind: 'access',
    from,
    to,
    method,
    authenticated,
    audited: unknown('consoles and framebuffers keep no audit trail of their own'),
    mfa: false,
    address,
    source,
    at: NO_SPANS,
    suppressions: NO_SUPPRESSIONS,
  };
}

/**
 * Whether an address only reaches the host itself: 127.0.0.0/8, ::1, localhost. Anything else (0.0.0.0,
 * ::, a routable address, a hostname, a libvirt network) reaches beyond the host.
 */
export function isLoopback(address: string): boolean {
  const a = address
    .trim()
    .replace(/^\[|\]$/g, '')
    .toLowerCase();
  return (
    /^127\.\d+\.\d+\.\d+$/.test(a) ||
    a === '::1' ||
    a === 'localhost' ||
    a === '0:0:0:0:0:0:0:1' ||
    a === '::ffff:127.0.0.1'
  );
}

/** Templating that leaves a value to be filled in later: Kata's `@VAR@`, Jinja/Helm `{{ }}`, `${VAR}`. */
export function placeholderIn(text: string): string | undefined {
  const match = /@[A-Z][A-Z0-9_]*@|\{\{.*?\}\}|\{%.*?%\}|\$\{[^}]+\}/.exec(text);
  return match?.[0];
}

/** Unknown for a templated value, with the placeholder in the reason. */
export function placeholderUnknown(placeholder: string) {
  return unknown(`templated value ${placeholder} is filled in at build or deploy time`);
}

/** libvirt's size units (https://libvirt.org/formatdomain.html#memory-allocation: unit defaults to KiB; KB/MB/GB are powers of 10). */
const BYTES_PER_UNIT: Record<string, number> = {
  b: 1,
  bytes: 1,
  kb: 1e3,
  k: 1024,
  kib: 1024,
  mb: 1e6,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  gb: 1e9,
  g: 1024 ** 3,
  gib: 1024 ** 3,
  tb: 1e12,
  t: 1024 ** 4,
  tib: 1024 ** 4,
};

/** A libvirt `<memory unit=…>` value in MiB, or undefined for an unknown unit. */
export function libvirtSizeInMiB(value: number, unit: string | null | undefined): number | undefined {
  const factor = BYTES_PER_UNIT[(unit || 'KiB').toLowerCase()];
  return factor === undefined ? undefined : (value * factor) / 1024 ** 2;
}

/** A span of one whole line (1-based), for line-oriented inputs. */
export function lineSpan(file: string, lines: LineIndex, text: string, line: number): SourceSpan {
  let start = 0;
  for (let n = 1; n < line; n++) start = text.indexOf('\n', start) + 1;
  const end = text.indexOf('\n', start);
  return lines.span(file, start, end < 0 ? text.length : end);
}

export function inputError(message: string, file: string, line?: number, column?: number): InputError {
  return new InputError(message, { file, line, column });
}
