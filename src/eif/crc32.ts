/**
 * CRC-32 as zlib computes it (CRC_32_ISO_HDLC, https://github.com/aws/aws-nitro-enclaves-image-format): zlib.crc32 (native, Node ≥ 20.15)
 * when present, a table-driven fallback otherwise, and `crc32Combine` so two threads can each take
 * part of the file and the main thread joins their CRCs (the algorithm of zlib's crc32_combine:
 * multiply the first CRC by x^(8·len2) modulo the CRC polynomial, then add the second).
 */
import * as zlib from 'node:zlib';

/** The reflected CRC-32 polynomial. */
const POLYNOMIAL = 0xedb88320;

const nativeCrc32: ((data: Uint8Array, value?: number) => number) | undefined = (
  zlib as { crc32?: (data: Uint8Array, value?: number) => number }
).crc32;

let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLYNOMIAL : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  return table;
}

/** Portable CRC-32, continuing from `value` (the CRC of what came before). */
export function crc32Portable(data: Uint8Array, value = 0): number {
  const t = crcTable();
  let c = ~value >>> 0;
  for (let i = 0; i < data.length; i++) c = t[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/** CRC-32 of `data`, continuing from `value`. */
export function crc32(data: Uint8Array, value = 0): number {
  return nativeCrc32 ? nativeCrc32(data, value) >>> 0 : crc32Portable(data, value);
}

/** a(x)·b(x) modulo the CRC polynomial, in the reflected bit order CRC-32 uses. */
function multiplyModP(a: number, b: number): number {
  let product = 0;
  for (let bit = 0x80000000; bit !== 0; bit >>>= 1) {
    if (a & bit) product ^= b;
    b = b & 1 ? (b >>> 1) ^ POLYNOMIAL : b >>> 1;
  }
  return product >>> 0;
}

/** x^(2^k) modulo the polynomial, for k = 0..31 (x^1 is 0x40000000 in reflected order). */
const powersOfX: number[] = (() => {
  const powers: number[] = [];
  let p = 0x40000000;
  for (let k = 0; k < 32; k++) {
    powers.push(p);
    p = multiplyModP(p, p);
  }
  return powers;
})();

/** x^(8·length) modulo the polynomial: the factor that shifts a CRC past `length` bytes. */
function shiftFactor(length: number): number {
  let factor = 0x80000000; // x^0
  let k = 3; // 8 = 2^3 bits per byte
  let remaining = length;
  while (remaining > 0) {
    if (remaining % 2 === 1) factor = multiplyModP(powersOfX[k % 32], factor);
    remaining = Math.floor(remaining / 2);
    k++;
  }
  return factor;
}

/** CRC of A‖B from crc(A), crc(B) and B's length (which may exceed 2^32). */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  return (multiplyModP(shiftFactor(lengthB), crcA) ^ crcB) >>> 0;
}
