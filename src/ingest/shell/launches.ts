import { basename } from 'node:path';
import { InputError } from '../../errors.js';
import type {
  ChannelEdge,
  EnclaveNode,
  GraphEdge,
  GraphNode,
  ImageNode,
  InstanceNode,
  VolumeNode,
} from '../../model/nodes.js';
import { NO_SPANS, NO_SUPPRESSIONS } from '../../model/nodes.js';
import { directoryMachineId } from '../../model/host-placement.js';
import type { SourceSpan } from '../../model/source.js';
import { NOT_DECLARED, isUnknown, unknown, type Maybe } from '../../model/unknown.js';
import { nitroAllocatorAdapter, parseCpuList } from '../nitro-allocator.js';
import { localImagePath } from '../nitro-run-config.js';
import { vsockProxyAdapter } from '../vsock-proxy.js';
import { parseShell, type Heredoc, type ShellCommand, type ShellWord } from './parser.js';
import { spanIn, type Placement } from './placement.js';

/**
 * What a script that launches enclaves does, as graph elements: each `nitro-cli run-enclave` is an enclave
 * on the script's machine (flags at their lines), each heredoc or `sed -i` that writes
 * /etc/nitro_enclaves/allocator.yaml is that machine's enclave pool, each heredoc written to
 * vsock-proxy.yaml its allowlist, and the egress tools started beside the enclaves (vsock-proxy, socat
 * forwarders, nbdkit over vsock) are channels and volumes. Scripts come from shell files, systemd units,
 * instance user data, cloud-init and cfn-init (src/ingest/launch-scripts.ts).
 *
 * Sources: nitro-cli run-enclave options (https://docs.aws.amazon.com/enclaves/latest/user/cmd-nitro-run-enclave.html);
 * the allocator and proxy configs and their stock contents
 * (https://github.com/aws/aws-nitro-enclaves-cli/blob/main/bootstrap/allocator.yaml,
 * https://github.com/aws/aws-nitro-enclaves-cli/blob/main/vsock_proxy/README.md); socat address types
 * (http://www.dest-unreach.org/socat/doc/socat.html); nbdkit --vsock (https://libguestfs.org/nbdkit-service.1.html).
 */
export interface LaunchScriptContext {
  /** Where the script's characters are in the file people read. */
  placement: Placement;
  /** The file's absolute path, for EIF paths relative to it. */
  absolutePath: string;
  /** The machine the script runs on: a node id, or the machine of the file's directory (host-placement.ts). */
  parent: string;
  /** Prefix for the ids of the elements the script makes (unique in the scan). */
  idPrefix: string;
  variables?: ReadonlyMap<string, Maybe<string>>;
  /** The element the script belongs to, for its suppressions. */
  suppressions?: InlineSuppression[] | readonly InlineSuppression[];
}

type InlineSuppression = EnclaveNode['suppressions'][number];

export interface LaunchScriptResult {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** The allocator as the script leaves it, for the parent (undefined when the script does not touch it). */
  pool?: NonNullable<InstanceNode['enclavePool']>;
  /** What could not be read, at its line (a heredoc allocator.yaml the allocator would refuse). */
  skipped: Array<{ source: SourceSpan; message: string }>;
}

export const ALLOCATOR_PATH = /(^|\/)allocator\.ya?ml$/;
export const PROXY_CONFIG_PATH = /(^|\/)vsock-proxy\.ya?ml$/;

/** The allocator.yaml the aws-nitro-enclaves-cli package installs (bootstrap/allocator.yaml): 512 MiB, 2 CPUs. */
const STOCK_ALLOCATOR = { memory_mib: 512, cpu_count: 2 } as const;

/** The stock vsock-proxy.yaml lists the regional KMS endpoints on 443 (bootstrap/vsock-proxy.yaml). */
const STOCK_ALLOWLIST = /^kms(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;

/** Pieces of cheap text that a script must contain to be worth parsing for launches. */
export const LAUNCH_HINT = /nitro-cli|allocator\.ya?ml|vsock-proxy|VSOCK-|nbdkit/;

interface AllocatorKey {
  value: Maybe<string>;
  source: SourceSpan;
}

/**
 * What a machine's launch path runs, in order: scripts, and files written without a shell (cloud-init
 * `write_files`, cfn-init `files`), each with where its characters sit.
 */
export type LaunchSegment =
  | { kind: 'script'; text: string; placement: Placement }
  | { kind: 'file'; path: string; text: string; placement: Placement };

export function readLaunchScript(text: string, context: LaunchScriptContext): LaunchScriptResult {
  return readLaunchSegments([{ kind: 'script', text, placement: context.placement }], context);
}

export function readLaunchSegments(
  segments: readonly LaunchSegment[],
  context: LaunchScriptContext,
): LaunchScriptResult {
  const result: LaunchScriptResult = { nodes: [], edges: [], skipped: [] };
  if (
    !segments.some(
      (segment) =>
        LAUNCH_HINT.test(segment.text) ||
        (segment.kind === 'file' && (ALLOCATOR_PATH.test(segment.path) || PROXY_CONFIG_PATH.test(segment.path))),
    )
  )
    return result;
  const suppressions = context.suppressions ?? NO_SUPPRESSIONS;
  const ids = new Set<string>();
  const unique = (id: string) => {
    let candidate = id;
    for (let n = 2; ids.has(candidate); n++) candidate = `${id}@${n}`;
    ids.add(candidate);
    return candidate;
  };

  // --- the allocator as the script leaves it: written by heredoc (replacing the file), then edited by sed.
  let allocator: Map<string, AllocatorKey> | undefined;
  let allocatorSource: SourceSpan | undefined;
  let allowlist: Array<{ address: string; port: Maybe<number> }> | undefined;
  const enclaves: EnclaveNode[] = [];
  const storage: Array<{ command: ShellCommand; source: SourceSpan }> = [];

  const writeFile = (path: string, file: WrittenFile, source: SourceSpan): boolean => {
    if (ALLOCATOR_PATH.test(path)) {
      const read = writtenAllocator(file, result);
      if (read) {
        allocator = read;
        allocatorSource = source;
      }
      return true;
    }
    if (PROXY_CONFIG_PATH.test(path)) {
      allowlist = writtenAllowlist(file, context, result, unique) ?? allowlist;
      return true;
    }
    return false;
  };
  for (const segment of segments) {
    if (segment.kind === 'file') {
      writeFile(segment.path, segment, spanIn(segment.placement, 0, 0));
      continue;
    }
    const placement = segment.placement;
    const span = (word: { start: number; end: number }) => spanIn(placement, word.start, word.end);
    const local = { ...context, placement };
    const script = parseShell(segment.text, context.variables);
    // tree-sitter reads on past a syntax error; what follows it may be misread, and bash would not run it.
    if (script.syntaxError)
      result.skipped.push({
        source: span(script.syntaxError),
        message: 'shell syntax error from here on (bash would refuse the script): what follows may be misread',
      });
    for (const command of script.commands) {
      const target = writtenFile(command);
      if (target && command.heredoc && writeFile(target, heredocFile(command.heredoc, placement), span(command)))
        continue;
      readCommand(command, local, span, segment.text);
    }
  }
  function readCommand(
    command: ShellCommand,
    context: LaunchScriptContext,
    span: (word: { start: number; end: number }) => SourceSpan,
    text: string,
  ): void {
    switch (command.name) {
      case 'nitro-cli':
        if (command.args[0]?.value === 'run-enclave') {
          const enclave = runEnclave(command, context, result, unique, suppressions);
          if (enclave) enclaves.push(enclave);
        }
        break;
      case 'sed': {
        const edit = sedEdit(command, text);
        if (!edit) break;
        if (!allocator) {
          // Editing the file the package installed.
          allocator = new Map(
            Object.entries(STOCK_ALLOCATOR).map(([key, value]) => [
              key,
              { value: String(value), source: span(command) },
            ]),
          );
          allocatorSource = span(command);
        }
        for (const change of edit) {
          if (change.from) allocator.delete(change.from);
          allocator.set(change.key, { value: change.value, source: span(change.word) });
        }
        break;
      }
      case 'vsock-proxy':
        vsockProxy(command, context, result, unique, allowlist, suppressions);
        break;
      case 'socat':
        socat(command, context, result, unique, suppressions);
        break;
      case 'nbdkit':
        if (command.args.some((arg) => arg.value === '--vsock')) storage.push({ command, source: span(command) });
        break;
    }
  }
  for (const { source } of storage) {
    const id = unique(`${context.idPrefix}/nbdkit`);
    const volume: VolumeNode = {
      kind: 'volume',
      id,
      label: 'nbdkit block device over vsock',
      volumeKind: 'nbd over vsock',
      encrypted: NOT_DECLARED,
      wipe: NOT_DECLARED,
      source,
      at: NO_SPANS,
      suppressions,
    };
    result.nodes.push(volume);
    for (const enclave of enclaves) result.edges.push(edge('attaches', id, enclave.id, source));
  }
  if (allocator && allocatorSource) result.pool = poolOf(allocator, allocatorSource, result);
  return result;
}

function edge(kind: 'runsOn' | 'uses' | 'attaches', from: string, to: string, source: SourceSpan): GraphEdge {
  return { kind, from, to, source, at: NO_SPANS, suppressions: NO_SUPPRESSIONS };
}

/** The file a command writes its input to: `cat > F`, `cat >> F`, `tee [-a] F`. */
function writtenFile(command: ShellCommand): string | undefined {
  if (command.writesTo && typeof command.writesTo.value === 'string') return command.writesTo.value;
  if (command.name === 'tee') {
    const file = command.args.find((arg) => typeof arg.value === 'string' && !arg.value.startsWith('-'));
    return typeof file?.value === 'string' ? file.value : undefined;
  }
  return undefined;
}

/** A file a launch path writes: its text, and where each of its characters sits. */
interface WrittenFile {
  text: string;
  placement: Placement;
}

/** A heredoc's text as a written file: its offsets map through the lines of the heredoc in the script. */
function heredocFile(heredoc: Heredoc, script: Placement): WrittenFile {
  const starts = lineStarts(heredoc.text);
  return {
    text: heredoc.text,
    placement: {
      file: script.file,
      position(offset) {
        let line = 0;
        while (line + 1 < starts.length && starts[line + 1] <= offset) line++;
        return script.position((heredoc.lines[line]?.offset ?? 0) + offset - starts[line]);
      },
    },
  };
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** A span of a written file's own YAML (its line and column) as a span of the file people read. */
function placedSpan(file: WrittenFile, inner: SourceSpan): SourceSpan {
  const starts = lineStarts(file.text);
  const offset = (line: number, column: number) =>
    (starts[Math.min(starts.length, Math.max(1, line)) - 1] ?? 0) + column - 1;
  const start = offset(inner.startLine, inner.startColumn);
  const end = inner.endLine === inner.startLine ? offset(inner.endLine, inner.endColumn) : start + 1;
  return spanIn(file.placement, start, end);
}

function notRead(error: unknown, file: WrittenFile, what: string, result: LaunchScriptResult): undefined {
  if (!(error instanceof InputError)) throw error;
  const line = error.place.line ?? 1;
  const column = error.place.column ?? 1;
  const source = placedSpan(file, {
    file: '',
    startLine: line,
    startColumn: column,
    endLine: line,
    endColumn: column + 1,
  });
  result.skipped.push({ source, message: `the ${what} written here is not read: ${error.message}` });
  return undefined;
}

function writtenAllocator(file: WrittenFile, result: LaunchScriptResult): Map<string, AllocatorKey> | undefined {
  try {
    const fragment = nitroAllocatorAdapter.load({
      file: file.placement.file,
      absolutePath: file.placement.file,
      text: file.text,
    });
    const pool = (fragment.nodes[0] as InstanceNode).enclavePool!;
    const keys = new Map<string, AllocatorKey>();
    keys.set('memory_mib', {
      value: isUnknown(pool.memoryMiB) ? pool.memoryMiB : String(pool.memoryMiB),
      source: placedSpan(file, pool.memorySource!),
    });
    const cpuKey = pool.cpuIds ? 'cpu_pool' : 'cpu_count';
    const cpuValue = pool.cpuIds
      ? pool.cpuIds.join(',')
      : isUnknown(pool.cpuCount)
        ? pool.cpuCount
        : String(pool.cpuCount);
    keys.set(cpuKey, { value: cpuValue, source: placedSpan(file, pool.cpuSource!) });
    return keys;
  } catch (error) {
    return notRead(error, file, 'allocator.yaml', result);
  }
}

function writtenAllowlist(
  file: WrittenFile,
  context: LaunchScriptContext,
  result: LaunchScriptResult,
  unique: (id: string) => string,
): Array<{ address: string; port: Maybe<number> }> | undefined {
  try {
    const fragment = vsockProxyAdapter.load({
      file: file.placement.file,
      absolutePath: file.placement.file,
      text: file.text,
    });
    const placed = (inner: SourceSpan) => placedSpan(file, inner);
    const renamed = new Map<string, string>();
    for (const node of fragment.nodes) {
      const id = unique(`${context.idPrefix}/allowlist`);
      renamed.set(node.id, id);
      result.nodes.push({
        ...node,
        id,
        source: placed(node.source),
        at: Object.fromEntries(Object.entries(node.at).map(([key, value]) => [key, placed(value)])),
      });
    }
    const entries: Array<{ address: string; port: Maybe<number> }> = [];
    for (const raw of fragment.edges) {
      const channel = raw as ChannelEdge;
      const endpoint = fragment.nodes.find((node) => node.id === channel.to) as { address: string } | undefined;
      entries.push({ address: (endpoint?.address ?? '').replace(/:[^:]*$/, '').toLowerCase(), port: channel.port });
      result.edges.push({
        ...channel,
        id: `${renamed.get(channel.to)}/channel`,
        from: context.parent,
        initiator: context.parent,
        to: renamed.get(channel.to)!,
        source: placed(channel.source),
        at: Object.fromEntries(Object.entries(channel.at).map(([key, value]) => [key, placed(value)])),
      });
    }
    return entries;
  } catch (error) {
    return notRead(error, file, 'vsock-proxy.yaml', result);
  }
}

/** `sed -i 's/^memory_mib:…/memory_mib: 6144/' …/allocator.yaml`: the keys it sets. */
function sedEdit(
  command: ShellCommand,
  text: string,
): Array<{ from?: string; key: string; value: Maybe<string>; word: ShellWord }> | undefined {
  const args = command.args;
  if (!args.some((arg) => typeof arg.value === 'string' && /^(-i|--in-place)/.test(arg.value))) return undefined;
  const scripts: ShellWord[] = [];
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const value = args[i].value;
    if (typeof value !== 'string') {
      // An unknown word is the script when no script came yet (`sed -i "s/…/${MEM}/" file`), else a file.
      if (scripts.length === 0 && !args.slice(0, i).some((a) => a.value === '-e')) scripts.push(args[i]);
      continue;
    }
    if (value === '-e' || value === '--expression') {
      if (args[i + 1]) scripts.push(args[++i]);
    } else if (value.startsWith('-')) continue;
    else if (scripts.length === 0 && !args.slice(0, i).some((a) => a.value === '-e')) scripts.push(args[i]);
    else files.push(value);
  }
  if (!files.some((file) => ALLOCATOR_PATH.test(file))) return undefined;
  const changes: Array<{ from?: string; key: string; value: Maybe<string>; word: ShellWord }> = [];
  for (const word of scripts) {
    // A script with an unknown part (`s/^memory_mib:.*/memory_mib: ${MEM}/`, MEM set elsewhere) still says
    // which key it sets: read the key from the words as written, and the value stays unknown.
    const written = typeof word.value === 'string' ? word.value : unquote(text.slice(word.start, word.end));
    for (const part of written.split(/;\s*/)) {
      const match = /^s(.)(.*?)\1(.*?)\1[gI0-9]*$/.exec(part.trim());
      if (!match) continue;
      const from = /(memory_mib|cpu_count|cpu_pool)/.exec(match[2])?.[1];
      const to = /^\s*(memory_mib|cpu_count|cpu_pool)\s*:\s*(.*?)\s*$/.exec(match[3].replace(/\\(.)/g, '$1'));
      if (!from || !to) continue;
      const value = isUnknown(word.value)
        ? word.value
        : /[&\\]/.test(match[3]) && /\\\d|&/.test(match[3])
          ? unknown('the sed replacement uses what it matched')
          : to[2];
      changes.push({ from, key: to[1], value, word });
    }
  }
  return changes.length ? changes : undefined;
}

/** A shell word as written, its outer quotes taken off (`"s/a/$B/"` → `s/a/$B/`). */
function unquote(word: string): string {
  return word.replace(/^(["'])([\s\S]*)\1$/, '$2');
}

function poolOf(
  keys: Map<string, AllocatorKey>,
  source: SourceSpan,
  result: LaunchScriptResult,
): NonNullable<InstanceNode['enclavePool']> {
  const memory = keys.get('memory_mib');
  const count = keys.get('cpu_count');
  const pool = keys.get('cpu_pool');
  const number = (key: AllocatorKey | undefined): Maybe<number> => {
    if (!key) return unknown('not set');
    if (isUnknown(key.value)) return key.value;
    const n = Number(key.value);
    return Number.isInteger(n) && n >= 0 ? n : unknown(`${JSON.stringify(key.value)} is not a number`);
  };
  let cpuIds: number[] | undefined;
  if (pool && typeof pool.value === 'string') {
    try {
      cpuIds = parseCpuList(pool.value, () => new Error('bad list'));
    } catch {
      result.skipped.push({
        source: pool.source,
        message: `cpu_pool must list CPUs as in "2,3,6-9", not ${JSON.stringify(pool.value)}`,
      });
    }
  }
  const cpuSource = (pool ?? count)?.source ?? source;
  return {
    cpuCount: cpuIds
      ? cpuIds.length
      : pool
        ? isUnknown(pool.value)
          ? pool.value
          : unknown('cpu_pool cannot be read')
        : number(count),
    memoryMiB: number(memory),
    source: cpuSource,
    ...(cpuIds ? { cpuIds } : {}),
    cpuSource,
    memorySource: memory?.source ?? source,
  };
}

/** The value of `--flag V` or `--flag=V`, with the span of the flag. */
function flag(
  command: ShellCommand,
  names: string[],
): { value: Maybe<string> | true; word: ShellWord; values: ShellWord[] } | undefined {
  const args = command.args;
  for (let i = 0; i < args.length; i++) {
    const value = args[i].value;
    if (typeof value !== 'string') continue;
    for (const name of names) {
      if (value === name) {
        const values: ShellWord[] = [];
        for (let j = i + 1; j < args.length; j++) {
          const next = args[j].value;
          if (typeof next === 'string' && next.startsWith('--')) break;
          values.push(args[j]);
        }
        return { value: values[0]?.value ?? true, word: args[i], values };
      }
      if (value.startsWith(`${name}=`))
        return { value: value.slice(name.length + 1), word: args[i], values: [args[i]] };
    }
  }
  return undefined;
}

function toInteger(value: Maybe<string> | true | undefined, what: string): Maybe<number> | undefined {
  if (value === undefined) return undefined;
  if (value === true) return unknown(`${what} has no value`);
  if (isUnknown(value)) return value;
  const n = Number(value);
  return Number.isInteger(n) ? n : unknown(`${what} is ${JSON.stringify(value)}`);
}

function runEnclave(
  command: ShellCommand,
  context: LaunchScriptContext,
  result: LaunchScriptResult,
  unique: (id: string) => string,
  suppressions: readonly InlineSuppression[],
): EnclaveNode | undefined {
  // A run with --config reads a JSON file (read by its own adapter when it is in the scan).
  if (flag(command, ['--config'])) return undefined;
  const span = (word: { start: number; end: number }) => spanIn(context.placement, word.start, word.end);
  const at: Record<string, SourceSpan> = {};
  const eif = flag(command, ['--eif-path']);
  const memory = flag(command, ['--memory']);
  const cpuCount = flag(command, ['--cpu-count']);
  const cpuIdsFlag = flag(command, ['--cpu-ids']);
  const cid = flag(command, ['--enclave-cid']);
  const debugMode = flag(command, ['--debug-mode']);
  const attachConsole = flag(command, ['--attach-console']);
  const nameFlag = flag(command, ['--enclave-name']);
  const eifPath = eif && eif.value !== true ? eif.value : unknown('--eif-path is not given');
  const name =
    nameFlag && typeof nameFlag.value === 'string'
      ? nameFlag.value
      : typeof eifPath === 'string'
        ? basename(eifPath).replace(/\.eif$/i, '')
        : 'enclave';
  if (memory) at.memory = span(memory.word);
  if (cpuCount) at.cpu_count = span(cpuCount.word);
  if (cpuIdsFlag) at.cpu_ids = span(cpuIdsFlag.word);
  at.vcpus = at.cpu_ids ?? at.cpu_count ?? span(command.nameWord);
  if (cid) at.cid = span(cid.word);
  const debugWord = debugMode ?? attachConsole;
  if (debugWord) at.debug = span(debugWord.word);
  if (eif) at.image = span(eif.word);
  let cpuIds: number[] | undefined;
  let cpuIdsUnknown = false;
  if (cpuIdsFlag) {
    const parsed = cpuIdsFlag.values.flatMap((word) =>
      typeof word.value === 'string' ? word.value.split(',') : ['?'],
    );
    cpuIds = parsed.map(Number).filter((n) => Number.isInteger(n) && n >= 0);
    if (cpuIds.length !== parsed.length) {
      cpuIds = undefined;
      cpuIdsUnknown = true;
    }
  }
  const count = toInteger(cpuCount?.value, '--cpu-count');
  const id = unique(`${context.idPrefix}/${name}`);
  const source = span(command);
  const enclave: EnclaveNode = {
    kind: 'enclave',
    id,
    label: name,
    vcpus: cpuIds
      ? cpuIds.length
      : (count ?? unknown(cpuIdsUnknown ? '--cpu-ids is computed' : 'neither --cpu-count nor --cpu-ids is given')),
    memoryMiB: toInteger(memory?.value, '--memory') ?? unknown('--memory is not given'),
    cid: (() => {
      const value = toInteger(cid?.value, '--enclave-cid');
      return value === undefined || value === 0 ? unknown('assigned by nitro-cli at launch') : value;
    })(),
    // Either flag turns debug mode on (--attach-console needs it); without them the enclave runs in production mode.
    debug: debugWord !== undefined,
    environment: unknown('a launch script does not say'),
    launch: {
      ...(count !== undefined ? { cpuCount: count } : cpuIdsUnknown ? { cpuCount: cpuIdsFlag!.values.length } : {}),
      ...(cpuIds ? { cpuIds } : {}),
      attachConsole: attachConsole !== undefined,
    },
    source,
    at,
    suppressions,
  };
  const image: ImageNode = {
    kind: 'image',
    id: `${id}/image`,
    label: typeof eifPath === 'string' ? basename(eifPath) : 'the enclave image',
    path: typeof eifPath === 'string' ? localImagePath(context.absolutePath, eifPath) : eifPath,
    expectedPcrs: {},
    source: at.image ?? source,
    at: {},
    suppressions: NO_SUPPRESSIONS,
  };
  result.nodes.push(enclave, image);
  result.edges.push(edge('runsOn', id, context.parent, source), edge('uses', id, image.id, image.source));
  return enclave;
}

function vsockProxy(
  command: ShellCommand,
  context: LaunchScriptContext,
  result: LaunchScriptResult,
  unique: (id: string) => string,
  allowlist: Array<{ address: string; port: Maybe<number> }> | undefined,
  suppressions: readonly InlineSuppression[],
): void {
  // vsock-proxy [options] <local_port> <remote_addr> <remote_port> (vsock_proxy/README.md).
  const positional: ShellWord[] = [];
  const args = command.args;
  for (let i = 0; i < args.length; i++) {
    const value = args[i].value;
    if (typeof value === 'string' && value.startsWith('-')) {
      if (/^(--config|-w|--num_workers|--config-file)$/.test(value)) i++;
      continue;
    }
    positional.push(args[i]);
  }
  if (positional.length < 3) return;
  const [, remote, remotePort] = positional;
  const port = toInteger(remotePort.value, 'the remote port') ?? NOT_DECLARED;
  const address = isUnknown(remote.value) ? remote.value : remote.value.toLowerCase();
  let allowlisted: Maybe<boolean>;
  if (isUnknown(address)) allowlisted = address;
  else if (allowlist) allowlisted = allowlist.some((entry) => entry.address === address && entry.port === port);
  else
    allowlisted =
      STOCK_ALLOWLIST.test(address) && port === 443 ? true : unknown('the allowlist on the machine is not in the scan');
  addForwarder(command, context, result, unique, suppressions, {
    tool: 'vsock-proxy',
    address,
    port,
    at: {
      address: spanIn(context.placement, remote.start, remote.end),
      port: spanIn(context.placement, remotePort.start, remotePort.end),
    },
    allowlisted,
  });
}

function socat(
  command: ShellCommand,
  context: LaunchScriptContext,
  result: LaunchScriptResult,
  unique: (id: string) => string,
  suppressions: readonly InlineSuppression[],
): void {
  // socat VSOCK-LISTEN:<port>[,opts] TCP:<host>:<port>: what enclaves send to the parent's port goes on to host:port.
  const addresses = command.args.filter(
    (arg) => !(typeof arg.value === 'string' && arg.value.startsWith('-') && !arg.value.includes(':')),
  );
  if (addresses.length < 2) return;
  const [listen, connect] = addresses;
  if (typeof listen.value !== 'string' || !/^VSOCK-L(ISTEN)?:/i.test(listen.value)) return;
  if (isUnknown(connect.value)) {
    addForwarder(command, context, result, unique, suppressions, {
      tool: 'socat',
      address: connect.value,
      port: connect.value,
      at: { address: spanIn(context.placement, connect.start, connect.end) },
    });
    return;
  }
  const match = /^(?:TCP[46]?|TCP[46]?-CONNECT|UDP[46]?|UDP[46]?-SENDTO|OPENSSL|SSL):(\[[^\]]+\]|[^:,]+):(\d+)/i.exec(
    connect.value,
  );
  if (!match) return;
  addForwarder(command, context, result, unique, suppressions, {
    tool: 'socat',
    address: match[1].replace(/^\[|\]$/g, '').toLowerCase(),
    port: Number(match[2]),
    at: {
      address: spanIn(context.placement, connect.start, connect.end),
      port: spanIn(context.placement, connect.start, connect.end),
    },
  });
}

function addForwarder(
  command: ShellCommand,
  context: LaunchScriptContext,
  result: LaunchScriptResult,
  unique: (id: string) => string,
  suppressions: readonly InlineSuppression[],
  forward: {
    tool: 'vsock-proxy' | 'socat';
    address: Maybe<string>;
    port: Maybe<number>;
    at: Record<string, SourceSpan>;
    allowlisted?: Maybe<boolean>;
  },
): void {
  const source = spanIn(context.placement, command.start, command.end);
  const shown = `${isUnknown(forward.address) ? '?' : forward.address}:${isUnknown(forward.port) ? '?' : forward.port}`;
  const id = unique(`${context.idPrefix}/${forward.tool}`);
  result.nodes.push({
    kind: 'endpoint',
    id,
    label: shown,
    address: shown,
    source,
    at: forward.at,
    suppressions,
  });
  const channel: ChannelEdge = {
    kind: 'channel',
    id: `${id}/channel`,
    from: context.parent,
    to: id,
    initiator: context.parent,
    protocol: 'tcp',
    port: forward.port,
    relays: 'vsock-proxy',
    forwarder: {
      tool: forward.tool,
      ...(isUnknown(forward.address) ? { undecided: forward.address.reason } : {}),
      ...(forward.allowlisted !== undefined ? { allowlisted: forward.allowlisted } : {}),
    },
    authenticated: NOT_DECLARED,
    encrypted: NOT_DECLARED,
    audited: NOT_DECLARED,
    memoryAccess: false,
    source,
    at: forward.at,
    suppressions,
  };
  result.edges.push(channel);
}

/** The parent of a script in a file that names no machine: the machine of the file's directory. */
export function scriptDirectoryParent(file: string): string {
  return directoryMachineId(file);
}
