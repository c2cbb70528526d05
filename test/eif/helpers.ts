import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EIF_VECTORS } from '../helpers.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const vectorsDir = EIF_VECTORS;

export interface VectorExpectation {
  PCR0: string;
  PCR1: string;
  PCR2: string;
  PCR8?: string;
  crc_ok: boolean;
  arch: 'x86_64' | 'aarch64';
}

export const VECTORS = ['tiny-unsigned', 'tiny-signed'] as const;

export function vectorPath(name: string): string {
  return path.join(vectorsDir, `${name}.eif`);
}

export function vectorBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(vectorPath(name)));
}

export function expectationOf(name: string): VectorExpectation {
  return JSON.parse(readFileSync(path.join(vectorsDir, `${name}.expected.json`), 'utf8')) as VectorExpectation;
}

/** A temporary directory removed by the returned cleanup. */
export function tempDir(prefix = 'isolint-eif-'): {
  dir: string;
  write: (name: string, bytes: Uint8Array | string) => string;
  cleanup: () => void;
} {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return {
    dir,
    write: (name, bytes) => {
      const file = path.join(dir, name);
      writeFileSync(file, bytes);
      return file;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
