import { posix } from 'node:path';

/**
 * Host-side config files (nitro-cli run configs, allocator.yaml, vsock-proxy.yaml, Firecracker configs) sit
 * on the machine they configure but never name it. Their adapters refer to "the machine of this directory"
 * by a reserved id; after assembly src/ingest/link-host-configs.ts replaces it with the real parent (or a
 * stand-in whose capacity is unknown). Directories are the display paths of the files, as in SourceSpan.file.
 */
const PREFIX = 'host-directory:';

export function directoryMachineId(file: string): string {
  return `${PREFIX}${directoryOf(file)}`;
}

export function directoryOf(file: string): string {
  return posix.dirname(file.split('\\').join('/'));
}

/** The directory a reserved id stands for, or undefined for an ordinary id. */
export function directoryOfMachineId(id: string): string | undefined {
  return id.startsWith(PREFIX) ? id.slice(PREFIX.length) : undefined;
}
