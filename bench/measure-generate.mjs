#!/usr/bin/env node
// Writes a valid EIF of about SIZE MiB (default 512) for benchmarks, streaming, with bounded memory:
// header | kernel | cmdline | metadata | ramdisk[0] | ramdisk[1] (the order nitro-cli writes,
// NITRO-FACTS §1.6), a correct CRC32 in the header (§1.5).
//
//   node bench/measure-generate.mjs [--size MiB] [--shape nitro|balanced] [--out FILE] [--fresh]
//
// Shapes: "nitro" is what nitro-cli builds (an 8 MiB kernel, a 4 MiB bootstrap ramdisk and one large
// application ramdisk: PCR0 and PCR2 both hash nearly the whole file); "balanced" splits the ramdisk
// bytes into two equal ramdisks. Prints the path of the file.
import { closeSync, existsSync, openSync, statSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crc32 } from 'node:zlib';

const MIB = 1024 * 1024;
const HEADER_SIZE = 548;

/** Writes the image, or reuses one this generator already wrote at that path (unless `fresh`). */
export function generateEif({ sizeMiB = 512, shape = 'nitro', out, fresh = false } = {}) {
  const file = out ?? path.join(tmpdir(), `isolint-bench-${shape}-${sizeMiB}MiB.eif`);
  const kernelSize = 8 * MIB;
  const ramdiskBytes = Math.max(0, sizeMiB * MIB - kernelSize);
  const ramdisks = shape === 'balanced' ? [ramdiskBytes / 2, ramdiskBytes / 2] : [4 * MIB, ramdiskBytes - 4 * MIB];
  const cmdline = Buffer.from('reboot=k panic=30 pci=off nomodules console=ttyS0 random.trust_cpu=on');
  const metadata = Buffer.from(
    JSON.stringify({
      ImageName: 'bench',
      ImageVersion: '1',
      BuildMetadata: {
        BuildTime: new Date(0).toISOString(),
        BuildTool: 'isolint-bench',
        BuildToolVersion: '1',
        OperatingSystem: 'Linux',
        KernelVersion: 'bench',
      },
      DockerInfo: null,
    }),
  );
  const sections = [
    { type: 1, size: kernelSize },
    { type: 2, size: cmdline.length, data: cmdline },
    { type: 5, size: metadata.length, data: metadata },
    ...ramdisks.map((size) => ({ type: 3, size })),
  ];

  const expectedSize = HEADER_SIZE + sections.reduce((sum, section) => sum + 12 + section.size, 0);
  if (!fresh && existsSync(file) && statSync(file).size === expectedSize) return file;

  const header = Buffer.alloc(HEADER_SIZE);
  header.write('.eif', 0, 'latin1');
  header.writeUInt16BE(4, 4);
  header.writeBigUInt64BE(BigInt(1024 * MIB), 8);
  header.writeBigUInt64BE(2n, 16);
  header.writeUInt16BE(sections.length, 26);
  let offset = HEADER_SIZE;
  sections.forEach((section, i) => {
    header.writeBigUInt64BE(BigInt(offset), 28 + 8 * i);
    header.writeBigUInt64BE(BigInt(section.size), 284 + 8 * i);
    offset += 12 + section.size;
  });

  // Random-looking content, 4 MiB of random bytes varied per block so no two blocks are equal.
  const block = randomBytes(4 * MIB);
  const fd = openSync(file, 'w');
  let crc = crc32(header.subarray(0, 544));
  let position = HEADER_SIZE;
  const write = (bytes) => {
    writeSync(fd, bytes, 0, bytes.length, position);
    crc = crc32(bytes, crc);
    position += bytes.length;
  };
  let blockNumber = 0;
  for (const section of sections) {
    const sectionHeader = Buffer.alloc(12);
    sectionHeader.writeUInt16BE(section.type, 0);
    sectionHeader.writeBigUInt64BE(BigInt(section.size), 4);
    write(sectionHeader);
    if (section.data) {
      write(section.data);
      continue;
    }
    for (let remaining = section.size; remaining > 0;) {
      const length = Math.min(block.length, remaining);
      block.writeUInt32BE(blockNumber++, 0);
      write(block.subarray(0, length));
      remaining -= length;
    }
  }
  header.writeUInt32BE(crc >>> 0, 544);
  writeSync(fd, header, 0, HEADER_SIZE, 0);
  closeSync(fd);
  return file;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const option = (name, fallback) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : fallback;
  };
  console.log(
    generateEif({
      sizeMiB: Number(option('size', '512')),
      shape: option('shape', 'nitro'),
      out: option('out'),
      fresh: args.includes('--fresh'),
    }),
  );
}
