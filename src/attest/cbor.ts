/**
 * Bounded CBOR decoding for attestation documents. A structural pass of our own runs first, without
 * recursion: it rejects truncation, lengths that run past the end, reserved encodings, stray breaks,
 * trailing bytes and nesting deeper than any attestation document needs, with the byte offset. Only
 * input that passes it reaches cborg (which recurses, and trusts declared lengths more than we want to),
 * so hostile input costs at most one linear walk and never a stack overflow or a large allocation.
 * CBOR is RFC 8949; an attestation document nests four levels at most (COSE array, payload map, pcrs map).
 */
import { decode as cborgDecode, encode as cborgEncode } from 'cborg';

/** Deep enough for any COSE_Sign1 header or NSM payload, shallow enough that nothing recurses far. */
export const MAX_CBOR_DEPTH = 16;

/** A document that is not what it claims; `where` names the field or byte ("payload.pcrs[3]", "at byte 104"). */
export class AttestationFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AttestationFormatError';
  }
}

/** The value cborg gives for tag 18 (COSE_Sign1, RFC 9052 §4.2) at the top of a document. */
export class CoseSign1Tag {
  constructor(readonly content: unknown) {}
}

interface Frame {
  /** Items left in a definite-length container; unused when indefinite. */
  remaining: number;
  indefinite: boolean;
  map: boolean;
  /** Items seen (a map counts keys and values). */
  seen: number;
  /** For an indefinite-length string: the major type its chunks must have. */
  chunkMajor?: number;
}

/** Checks that `bytes` hold exactly one well-formed CBOR item within the limits; throws AttestationFormatError. */
export function scanCbor(bytes: Uint8Array, what: string): void {
  const length = bytes.length;
  const fail = (message: string): never => {
    throw new AttestationFormatError(`${what}: ${message}`);
  };
  if (length === 0) fail('empty');
  const stack: Frame[] = [];
  let position = 0;
  for (;;) {
    if (position >= length) fail(`truncated: ends at byte ${length} inside an item`);
    const start = position;
    const initial = bytes[position++];
    const major = initial >> 5;
    const info = initial & 31;
    const top = stack[stack.length - 1];
    if (initial === 0xff) {
      if (!top || !top.indefinite) fail(`unexpected break byte at byte ${start}`);
      if (top.map && top.seen % 2 === 1) fail(`map ends after a key without its value at byte ${start}`);
      stack.pop();
    } else {
      if (top?.chunkMajor !== undefined && (major !== top.chunkMajor || info === 31)) {
        fail(`chunk of an indefinite-length string at byte ${start} is not a definite string of the same type`);
      }
      let argument = info;
      if (info >= 24 && info <= 27) {
        const size = 1 << (info - 24);
        if (position + size > length) fail(`truncated: the head at byte ${start} needs ${size} more bytes`);
        argument = 0;
        for (let i = 0; i < size; i++) argument = argument * 256 + bytes[position + i];
        position += size;
      } else if (info >= 28 && info <= 30) {
        fail(`reserved additional information ${info} at byte ${start}`);
      } else if (info === 31 && (major < 2 || major > 5)) {
        fail(`indefinite length is not allowed for major type ${major} at byte ${start}`);
      }
      const indefinite = info === 31;
      const left = length - position;
      if (major === 2 || major === 3) {
        if (indefinite) stack.push({ remaining: 0, indefinite, map: false, seen: 0, chunkMajor: major });
        else if (argument > left) fail(`string at byte ${start} declares ${argument} bytes but ${left} are left`);
        else position += argument;
      } else if (major === 4 || major === 5 || major === 6) {
        if (stack.length >= MAX_CBOR_DEPTH) fail(`nested deeper than ${MAX_CBOR_DEPTH} levels at byte ${start}`);
        const items = major === 5 ? argument * 2 : major === 6 ? 1 : argument;
        // Every item takes at least one byte: a count beyond the bytes left is a lie, refused before any allocation.
        if (!indefinite && items > left) {
          fail(
            `${major === 5 ? 'map' : 'array'} at byte ${start} declares ${argument} entries but ${left} bytes are left`,
          );
        }
        if (indefinite || items > 0) {
          stack.push({ remaining: items, indefinite, map: major === 5, seen: 0 });
          continue;
        }
      }
    }
    // One item finished: count it in its container, closing every definite container it completes.
    for (;;) {
      const frame = stack[stack.length - 1];
      if (!frame) {
        if (position !== length) fail(`${length - position} bytes after the end of the item`);
        return;
      }
      frame.seen++;
      if (frame.indefinite || --frame.remaining > 0) break;
      stack.pop();
    }
  }
}

/** Scans, then decodes with cborg: maps as Map (integer PCR keys), duplicate keys refused, tag 18 only at the top. */
export function decodeCbor(bytes: Uint8Array, what: string, allowCoseTag = false): unknown {
  scanCbor(bytes, what);
  try {
    const tags: Array<(decode: () => unknown) => unknown> = [];
    if (allowCoseTag) tags[18] = (decode) => new CoseSign1Tag(decode());
    return cborgDecode(bytes, { useMaps: true, rejectDuplicateMapKeys: true, allowUndefined: false, tags });
  } catch (error) {
    throw new AttestationFormatError(
      `${what}: ${String((error as Error).message).replace(/^CBOR decode error: /, '')}`,
    );
  }
}

export function encodeCbor(value: unknown): Uint8Array {
  return cborgEncode(value);
}
