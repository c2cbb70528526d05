/**
 * The metadata section (type 5, https://github.com/aws/aws-nitro-enclaves-image-format): JSON `{ImageName, ImageVersion, BuildMetadata:
 * {BuildTime, BuildTool, BuildToolVersion, OperatingSystem, KernelVersion}, DockerInfo,
 * CustomMetadata}`. It is not measured; it names the image. The reference reader aborts on JSON
 * it cannot read, and so do we; fields of the wrong type are left out rather than guessed.
 */
import { InputError } from '../errors.js';

/** Larger metadata is refused: the builder caps custom metadata at 4 KiB and docker inspect output is tens of KiB. */
export const METADATA_MAX_SIZE = 1024 * 1024;

export interface BuildInfo {
  BuildTime?: string;
  BuildTool?: string;
  BuildToolVersion?: string;
  OperatingSystem?: string;
  KernelVersion?: string;
}

export interface EifMetadata {
  imageName?: string;
  imageVersion?: string;
  buildInfo: BuildInfo;
  dockerInfo: unknown;
  customMetadata: unknown;
}

const BUILD_FIELDS = ['BuildTime', 'BuildTool', 'BuildToolVersion', 'OperatingSystem', 'KernelVersion'] as const;

export function parseMetadataSection(bytes: Uint8Array, file: string, dataOffset: number): EifMetadata {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw new InputError(`metadata section is not JSON (${(error as Error).message})`, { file, offset: dataOffset });
  }
  if (!isObject(value)) throw new InputError('metadata section is not a JSON object', { file, offset: dataOffset });
  const build = isObject(value.BuildMetadata) ? value.BuildMetadata : {};
  const buildInfo: BuildInfo = {};
  for (const field of BUILD_FIELDS) {
    const fieldValue = build[field];
    if (typeof fieldValue === 'string') buildInfo[field] = fieldValue;
  }
  return {
    imageName: typeof value.ImageName === 'string' ? value.ImageName : undefined,
    imageVersion: typeof value.ImageVersion === 'string' ? value.ImageVersion : undefined,
    buildInfo,
    dockerInfo: value.DockerInfo ?? null,
    customMetadata: value.CustomMetadata ?? null,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
