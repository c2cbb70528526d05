/**
 * The portable SHA-384: @noble/hashes, pure JavaScript (no node:crypto), behind the same `Sha384`
 * interface as the node:crypto implementation in `sha384.ts`.
 */
import { sha384 as nobleSha384 } from '@noble/hashes/sha2.js';
import type { Sha384, Sha384Factory } from './sha384.js';

type NobleHash = ReturnType<typeof nobleSha384.create>;

class NobleSha384 implements Sha384 {
  constructor(private readonly hash: NobleHash = nobleSha384.create()) {}
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  digest(): Uint8Array {
    return this.hash.digest();
  }
  clone(): Sha384 {
    return new NobleSha384(this.hash.clone());
  }
}

export const createNobleSha384: Sha384Factory = () => new NobleSha384();
