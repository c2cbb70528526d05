/**
 * Reads an EIF's structure (header, section table, section headers) with a few small reads, never a
 * section's data: the hashing (`hash-job.ts`) streams the data later in bounded chunks.
 *
 * Two views of the sections exist and must agree (https://github.com/aws/aws-nitro-enclaves-image-format): the header's table of offsets
 * and sizes, and the chain of section headers that the reference reader walks from byte 548 to the
 * end of the file. Checking the table first (in bounds, increasing, not overlapping) and then that the
 * walk lands exactly on each table entry rules out loops, overlaps, gaps and sizes beyond the file,
 * so everything later can trust offsets and sizes to lie inside the file.
 */
import { InputError } from '../errors.js';
import {
  CURRENT_VERSION,
  EIF_HEADER_SIZE,
  HeaderField,
  SECTION_HEADER_SIZE,
  SIGNATURE_MAX_SIZE,
  parseEifHeader,
  parseSectionHeader,
  type EifHeader,
  type SectionType,
} from './format.js';
import { openFileSource, type ByteSource } from './source.js';

export interface EifSection {
  /** Position in file order, which is also the index into the header's section table. */
  index: number;
  type: SectionType;
  typeCode: number;
  flags: number;
  /** File offset of the 12-byte section header (what the header table stores). */
  headerOffset: number;
  /** File offset of the section's data: headerOffset + 12. */
  dataOffset: number;
  /** Data size in bytes. */
  size: number;
}

export interface EifLayout {
  file: string;
  fileSize: number;
  header: EifHeader;
  sections: EifSection[];
}

/** Reads exactly `length` bytes at `position`, or throws an InputError naming where the file ended. */
export async function readExactly(
  source: ByteSource,
  file: string,
  position: number,
  length: number,
  what: string,
): Promise<Uint8Array> {
  const buffer = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await source.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) {
      throw new InputError(`the file ends inside the ${what} (${filled} of ${length} bytes)`, {
        file,
        offset: position + filled,
      });
    }
    filled += bytesRead;
  }
  return buffer;
}

/** Opens `file`, reads and cross-checks its header and section headers. */
export async function readEifLayout(file: string): Promise<EifLayout> {
  const source = await openFileSource(file);
  try {
    return await readLayoutFrom(source, file);
  } finally {
    await source.close();
  }
}

export async function readLayoutFrom(source: ByteSource, file: string): Promise<EifLayout> {
  const fileSize = source.size;
  const headerBytes = await readPrefix(source, Math.min(EIF_HEADER_SIZE, fileSize));
  const header = parseEifHeader(headerBytes, file);
  checkSectionTable(header, fileSize, file);
  const sections = await walkSections(source, header, fileSize, file);
  checkSectionKinds(header, sections, fileSize, file);
  return { file, fileSize, header, sections };
}

async function readPrefix(source: ByteSource, length: number): Promise<Uint8Array> {
  const buffer = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await source.read(buffer, filled, length - filled, filled);
    if (bytesRead === 0) return buffer.subarray(0, filled);
    filled += bytesRead;
  }
  return buffer;
}

/** The table must describe sections inside the file, after the header, in increasing order without overlap. */
function checkSectionTable(header: EifHeader, fileSize: number, file: string): void {
  const size = BigInt(fileSize);
  let previousEnd = BigInt(EIF_HEADER_SIZE);
  for (let i = 0; i < header.numSections; i++) {
    const offset = header.sectionOffsets[i];
    const dataSize = header.sectionSizes[i];
    const offsetField = HeaderField.sectionOffsets + 8 * i;
    const sizeField = HeaderField.sectionSizes + 8 * i;
    if (offset < BigInt(EIF_HEADER_SIZE)) {
      throw new InputError(
        `section table entry ${i} points at byte ${offset}, inside the ${EIF_HEADER_SIZE}-byte header`,
        {
          file,
          offset: offsetField,
        },
      );
    }
    if (offset < previousEnd) {
      throw new InputError(
        `section table entry ${i} (byte ${offset}) overlaps or precedes section ${i - 1}, which ends at byte ${previousEnd}`,
        { file, offset: offsetField },
      );
    }
    const end = offset + BigInt(SECTION_HEADER_SIZE) + dataSize;
    if (end > size) {
      throw new InputError(
        `section table entry ${i}: a ${dataSize}-byte section at byte ${offset} ends at byte ${end}, beyond the end of the ${fileSize}-byte file`,
        { file, offset: sizeField },
      );
    }
    previousEnd = end;
  }
}

/**
 * Walks section headers from the end of the EIF header to the end of the file, as the reference
 * reader does, and checks that each lands where the table says. Each step advances at least
 * 12 bytes and at most `numSections` (≤ 32) steps are allowed, so the walk is short and finite.
 */
async function walkSections(
  source: ByteSource,
  header: EifHeader,
  fileSize: number,
  file: string,
): Promise<EifSection[]> {
  const sections: EifSection[] = [];
  let position = EIF_HEADER_SIZE;
  while (position < fileSize) {
    const index = sections.length;
    if (index >= header.numSections) {
      throw new InputError(
        `${fileSize - position} bytes follow the last of the ${header.numSections} sections the header declares`,
        { file, offset: position },
      );
    }
    const tableOffset = Number(header.sectionOffsets[index]);
    if (tableOffset !== position) {
      throw new InputError(
        `section ${index} starts at byte ${position}, but the header's section table says byte ${tableOffset}`,
        { file, offset: HeaderField.sectionOffsets + 8 * index },
      );
    }
    // The table check guarantees 12 + size bytes exist from here, so these reads cannot run off the end.
    const sectionHeader = parseSectionHeader(
      await readExactly(source, file, position, SECTION_HEADER_SIZE, `header of section ${index}`),
      position,
      file,
    );
    const tableSize = header.sectionSizes[index];
    if (sectionHeader.size !== tableSize) {
      throw new InputError(
        `section ${index} (${sectionHeader.type}) says it holds ${sectionHeader.size} bytes, but the header's section table says ${tableSize}`,
        { file, offset: position + 4 },
      );
    }
    const size = Number(sectionHeader.size);
    sections.push({
      index,
      type: sectionHeader.type,
      typeCode: sectionHeader.typeCode,
      flags: sectionHeader.flags,
      headerOffset: position,
      dataOffset: position + SECTION_HEADER_SIZE,
      size,
    });
    position += SECTION_HEADER_SIZE + size;
  }
  if (sections.length < header.numSections) {
    throw new InputError(
      `the header declares ${header.numSections} sections but the file ends after ${sections.length}`,
      { file, offset: fileSize },
    );
  }
  return sections;
}

/** Cardinality rules of the format: one kernel, one cmdline, at most one signature and metadata. */
function checkSectionKinds(header: EifHeader, sections: EifSection[], fileSize: number, file: string): void {
  const seen = new Map<SectionType, EifSection>();
  let kernelSeen = false;
  for (const section of sections) {
    if (section.type === 'ramdisk' && !kernelSeen) {
      throw new InputError(`ramdisk section ${section.index} comes before the kernel; ramdisks must follow it`, {
        file,
        offset: section.headerOffset,
      });
    }
    if (section.type === 'kernel') kernelSeen = true;
    if (section.type !== 'ramdisk') {
      const first = seen.get(section.type);
      if (first) {
        throw new InputError(
          `a second ${section.type} section (section ${section.index}); an EIF has at most one, the first is section ${first.index}`,
          { file, offset: section.headerOffset },
        );
      }
      seen.set(section.type, section);
    }
    if (section.type === 'signature' && section.size > SIGNATURE_MAX_SIZE) {
      throw new InputError(
        `signature section of ${section.size} bytes exceeds the format's limit of ${SIGNATURE_MAX_SIZE}`,
        { file, offset: section.headerOffset + 4 },
      );
    }
  }
  for (const required of ['kernel', 'cmdline'] as const) {
    if (!seen.has(required)) {
      throw new InputError(`no ${required} section; an EIF has exactly one`, { file, offset: fileSize });
    }
  }
  if (header.version >= CURRENT_VERSION && !seen.has('metadata')) {
    throw new InputError(`no metadata section, which EIF version ${header.version} requires`, {
      file,
      offset: fileSize,
    });
  }
}
