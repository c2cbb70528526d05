import { basename, dirname, resolve } from 'node:path';
import type { EnclaveNode, GraphFragment, ImageNode } from '../model/nodes.js';
import { NO_SUPPRESSIONS } from '../model/nodes.js';
import { directoryMachineId } from '../model/host-placement.js';
import type { SourceSpan } from '../model/source.js';
import { isUnknown, unknown } from '../model/unknown.js';
import type { Adapter, InputFiles } from './adapter.js';
import { parseJson } from './json.js';
import { TypedReader, templated } from './typed-values.js';
import { filesOf } from './input-files.js';

/**
 * The JSON given to `nitro-cli run-enclave --config` (https://docs.aws.amazon.com/enclaves/latest/user/cmd-nitro-run-enclave.html: serde, snake_case keys, unknown keys
 * ignored): one enclave, its image and resources. The parent is the machine of the file's directory
 * (src/ingest/link-host-configs.ts). What nitro-cli or the driver would refuse (CID, memory units, CPU choice)
 * is left to the rules, with the values as written.
 */
export const nitroRunConfigAdapter: Adapter = {
  format: 'nitro-cli-run-config',
  extensions: ['.json'],
  claims: ({ text }) => /^\s*\{/.test(text) && /"eif_path"\s*:/.test(text) && /"memory_mib"\s*:/.test(text),
  load(input) {
    const document = parseJson(input.file, input.text);
    const read = new TypedReader(document, 'nitro-cli run config');
    const config = read.object(document.value, 'the run config');
    const eifPath = read.string(config, 'eif_path', true)!;
    const eifTemplated = templated(eifPath);
    const memoryMiB = read.integer(config, 'memory_mib', true)!;
    const cpuCount = read.integer(config, 'cpu_count');
    const cpuIdList = read.array(config, 'cpu_ids');
    // A templated CPU number leaves which CPUs unknown, but not how many.
    const cpuIdsTemplated = cpuIdList?.some((id) => templated(id) !== undefined) ?? false;
    const cpuIds = cpuIdsTemplated
      ? undefined
      : cpuIdList?.map((id, i) => {
          if (typeof id !== 'number' || !Number.isInteger(id) || id < 0)
            throw read.fail(`"cpu_ids" must list CPU numbers, not ${JSON.stringify(id)}`, cpuIdList, i);
          return id;
        });
    const launchCount = cpuCount ?? (cpuIdsTemplated ? cpuIdList!.length : undefined);
    const cid = read.integer(config, 'enclave_cid');
    const debugMode = read.boolean(config, 'debug_mode') ?? false;
    const attachConsole = read.boolean(config, 'attach_console') ?? false;
    // Either one on is debug mode; otherwise a templated one leaves it unknown.
    const debug =
      debugMode === true || attachConsole === true ? true : isUnknown(debugMode) ? debugMode : attachConsole;
    // nitro-cli's default name: the EIF file name without .eif (https://docs.aws.amazon.com/enclaves/latest/user/cmd-nitro-run-enclave.html).
    const name = read.string(config, 'enclave_name') ?? basename(eifPath).replace(/\.eif$/i, '');

    const span = (key: string): SourceSpan | undefined => (key in config ? document.spanOfKey(config, key) : undefined);
    const at: Record<string, SourceSpan> = {};
    const put = (property: string, ...keys: string[]) => {
      for (const key of keys) {
        const found = span(key);
        if (found) {
          at[property] = found;
          return;
        }
      }
    };
    put('vcpus', 'cpu_ids', 'cpu_count');
    put('cpu_count', 'cpu_count');
    put('cpu_ids', 'cpu_ids');
    put('memory', 'memory_mib');
    put('cid', 'enclave_cid');
    // attach_console implies debug mode: the finding lands on whichever of the two turns it on.
    put(
      'debug',
      ...(debugMode === true
        ? ['debug_mode']
        : attachConsole === true || isUnknown(attachConsole)
          ? ['attach_console']
          : ['debug_mode']),
    );
    put('image', 'eif_path');

    const id = `${input.file}#${name}`;
    const source = document.spanOf(config);
    const enclave: EnclaveNode = {
      kind: 'enclave',
      id,
      label: name,
      vcpus:
        cpuIdList && (cpuIds || cpuCount === undefined)
          ? cpuIdList.length
          : (cpuCount ?? unknown('the run config sets neither cpu_count nor cpu_ids')),
      memoryMiB,
      // 0 (or no CID) lets the driver pick one (https://docs.kernel.org/virt/ne_overview.html).
      cid: cid === undefined || cid === 0 ? unknown('assigned by nitro-cli at launch') : cid,
      debug,
      environment: unknown('a nitro-cli run config does not say'),
      // Templated cpu_ids still say how many CPUs (the CPU ids themselves are left unknown).
      launch: {
        ...(launchCount !== undefined ? { cpuCount: launchCount } : {}),
        ...(cpuIds ? { cpuIds } : {}),
        attachConsole: attachConsole === true,
      },
      source,
      at,
      suppressions: NO_SUPPRESSIONS,
    };
    const imageSpan = at.image;
    const image: ImageNode = {
      kind: 'image',
      id: `${id}/image`,
      label: basename(eifPath),
      path: eifTemplated ?? localImagePath(input.absolutePath, eifPath, filesOf(input)),
      expectedPcrs: {},
      source: imageSpan,
      at: {},
      suppressions: NO_SUPPRESSIONS,
    };
    return {
      nodes: [enclave, image],
      edges: [
        { kind: 'runsOn', from: id, to: directoryMachineId(input.file), source, at: {}, suppressions: NO_SUPPRESSIONS },
        { kind: 'uses', from: id, to: image.id, source: imageSpan, at: {}, suppressions: NO_SUPPRESSIONS },
      ],
    } satisfies GraphFragment;
  },
};

/**
 * The EIF as found in the repository: eif_path relative to the config, or, for the absolute path it has on
 * the parent (/opt/app/signer.eif), a file of that name beside the config.
 */
export function localImagePath(configPath: string, eifPath: string, files: InputFiles = filesOf({})): string {
  const directory = dirname(configPath);
  const direct = resolve(directory, eifPath);
  if (files.exists(direct)) return direct;
  const beside = resolve(directory, basename(eifPath));
  return files.exists(beside) ? beside : direct;
}
