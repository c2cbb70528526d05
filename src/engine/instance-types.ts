import { InputError } from '../errors.js';
import type { InstanceTypeSpec } from '../model/ec2-instance-types.js';
import { parseJson } from '../ingest/json.js';

/**
 * `aws ec2 describe-instance-types` output (https://docs.aws.amazon.com/cli/latest/reference/ec2/describe-instance-types.html:
 * `InstanceTypes[]` with `InstanceType`, `VCpuInfo.DefaultVCpus/DefaultCores/DefaultThreadsPerCore`,
 * `MemoryInfo.SizeInMiB`, `NitroEnclavesSupport`, `BareMetal`), given with `--instance-types FILE`: facts that
 * extend or correct the built-in table (src/model/ec2-instance-types.ts). A type the file lists replaces the
 * table's row; the sibling layout is not in the API output, so it is kept from the table for a known type.
 */
export function readInstanceTypes(
  file: string,
  text: string,
  builtIn: (type: string) => InstanceTypeSpec | undefined,
): Map<string, InstanceTypeSpec> {
  const document = parseJson(file, text);
  const root = document.value;
  const fail = (message: string, value?: object) => {
    const line = value && document.locates(value) ? document.spanOf(value).startLine : 1;
    return new InputError(message, { file, line });
  };
  const list = isObject(root) ? root.InstanceTypes : undefined;
  if (!Array.isArray(list))
    throw fail('expected the JSON of aws ec2 describe-instance-types: {"InstanceTypes": [...]}');
  const table = new Map<string, InstanceTypeSpec>();
  for (const entry of list) {
    if (!isObject(entry) || typeof entry.InstanceType !== 'string')
      throw fail('each InstanceTypes entry needs an InstanceType', isObject(entry) ? entry : undefined);
    const vcpu = isObject(entry.VCpuInfo) ? entry.VCpuInfo : {};
    const memory = isObject(entry.MemoryInfo) ? entry.MemoryInfo : {};
    const vcpus = vcpu.DefaultVCpus;
    const memoryMiB = memory.SizeInMiB;
    if (typeof vcpus !== 'number' || typeof memoryMiB !== 'number')
      throw fail(`${entry.InstanceType}: VCpuInfo.DefaultVCpus and MemoryInfo.SizeInMiB must be numbers`, entry);
    const threads = typeof vcpu.DefaultThreadsPerCore === 'number' ? vcpu.DefaultThreadsPerCore : 1;
    const cores = typeof vcpu.DefaultCores === 'number' ? vcpu.DefaultCores : vcpus / threads;
    const name = entry.InstanceType.trim().toLowerCase();
    const known = builtIn(name);
    table.set(name, {
      vcpus,
      memoryMiB,
      threadsPerCore: threads,
      cores,
      enclaves: entry.NitroEnclavesSupport === 'supported',
      ...(threads === 1 ? { siblings: 'none' as const } : known?.siblings ? { siblings: known.siblings } : {}),
      from: 'the --instance-types file',
    });
  }
  return table;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
