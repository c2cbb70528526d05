/**
 * One small SHA-384 interface with two implementations: node:crypto (OpenSSL, native speed; used for
 * the bulk hashing in Node) and @noble/hashes (`sha384-noble.ts`; pure JavaScript, works where
 * node:crypto does not, e.g. in a browser). Tests check both against each other and the vectors.
 */
import { createHash, type Hash } from 'node:crypto';

export const SHA384_SIZE = 48;

export interface Sha384 {
  update(data: Uint8Array): void;
  /** Finishes the hash; the object must not be used afterwards. */
  digest(): Uint8Array;
  /** An independent copy of the current state, so a prefix can be hashed once for two PCRs. */
  clone(): Sha384;
}

export type Sha384Implementation = 'node' | 'noble';
export type Sha384Factory = () => Sha384;

class NodeSha384 implements Sha384 {
  constructor(private readonly hash: Hash = createHash('sha384')) {}
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  digest(): Uint8Array {
    return new Uint8Array(this.hash.digest());
  }
  clone(): Sha384 {
    return new NodeSha384(this.hash.copy());
  }
}

export const createNodeSha384: Sha384Factory = () => new NodeSha384();

/**
 * The factory for an implementation. @noble/hashes is loaded only when asked for, so the CLI's
 * start-up (a visible share of measuring a large image) does not pay for a module it does not use.
 */
export async function loadSha384Factory(implementation: Sha384Implementation = 'node'): Promise<Sha384Factory> {
  return implementation === 'noble' ? (await import('./sha384-noble.js')).createNobleSha384 : createNodeSha384;
}

export function sha384(data: Uint8Array, factory: Sha384Factory = createNodeSha384): Uint8Array {
  const hash = factory();
  hash.update(data);
  return hash.digest();
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
