import type { GraphFragment, InstanceNode } from '../model/nodes.js';
import { NO_SUPPRESSIONS } from '../model/nodes.js';
import { directoryMachineId, directoryOf } from '../model/host-placement.js';
import type { LineIndex, SourceSpan } from '../model/source.js';
import { isUnknown, unknown, type Maybe } from '../model/unknown.js';
import type { Adapter } from './adapter.js';
import { isRecord } from './aws/values.js';
import { parseYaml, type LocatedDocument } from './located.js';
import { LAUNCH_HINT, readLaunchSegments, type LaunchScriptResult, type LaunchSegment } from './shell/launches.js';
import { prepareShellParser, shellParserReady } from './shell/parser.js';
import { atSpan, offsetPlacement, verbatimPlacement, wholeFile, type Placement } from './shell/placement.js';

/**
 * Enclave launches where teams write them: shell scripts, systemd units, and (through the CloudFormation and
 * Terraform readers) instance user data, cloud-init and cfn-init. A script or unit file names no machine: it
 * belongs to the machine of its directory, as the host config files do (src/engine/link-host-configs.ts);
 * user data belongs to the machine that holds it.
 */

function scriptFragment(file: string, result: LaunchScriptResult): GraphFragment {
  const fragment: GraphFragment = { nodes: result.nodes, edges: result.edges };
  if (result.pool) {
    // The allocator the script writes is the pool of the directory's machine, merged into it after assembly.
    const placeholder: InstanceNode = {
      kind: 'instance',
      id: `${file}#pool`,
      vcpus: unknown('a launch script does not describe the machine'),
      memoryMiB: unknown('a launch script does not describe the machine'),
      enclavePool: result.pool,
      placement: { directory: directoryOf(file), placeholder: true },
      source: result.pool.source,
      at: {
        allocator: result.pool.cpuSource ?? result.pool.source,
        'allocator.memory': result.pool.memorySource ?? result.pool.source,
      },
      suppressions: NO_SUPPRESSIONS,
    };
    fragment.nodes.push(placeholder);
  }
  if (result.skipped.length) fragment.skipped = result.skipped;
  return fragment;
}

/** `.sh` files that launch enclaves or write their configs (https://docs.aws.amazon.com/enclaves/latest/user/cmd-nitro-run-enclave.html). */
export const shellScriptAdapter: Adapter = {
  format: 'shell-script',
  extensions: ['.sh', '.bash'],
  claims: ({ file, text }) => (/\.(sh|bash)$/i.test(file) || /^#!\S*(sh|bash)\b/.test(text)) && LAUNCH_HINT.test(text),
  prepare: prepareShellParser,
  load(input) {
    const result = readLaunchSegments(
      [{ kind: 'script', text: input.text, placement: wholeFile(input.file, input.text) }],
      {
        placement: wholeFile(input.file, input.text),
        absolutePath: input.absolutePath,
        parent: directoryMachineId(input.file),
        idPrefix: `${input.file}#script`,
      },
    );
    return scriptFragment(input.file, result);
  },
};

/**
 * systemd units (https://www.freedesktop.org/software/systemd/man/latest/systemd.service.html): the command
 * lines of `ExecStartPre=`, `ExecStart=` and `ExecStartPost=` (their `-`, `@`, `+`, `!` prefixes dropped) are
 * read as shell words, in place: every other character of the file is blanked, so offsets stay the file's.
 */
export const systemdUnitAdapter: Adapter = {
  format: 'systemd-unit',
  extensions: ['.service'],
  claims: ({ file, text }) => /\.service$/i.test(file) && /^\s*\[Service\]/m.test(text) && LAUNCH_HINT.test(text),
  prepare: prepareShellParser,
  load(input) {
    const text = input.text;
    let script = '';
    const pattern = /^([ \t]*ExecStart(?:Pre|Post)?[ \t]*=[ \t]*[-@+!:]*)(.*(?:\\\r?\n.*)*)$|^.*$/gm;
    let last = 0;
    for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
      script += text.slice(last, match.index).replace(/[^\n]/g, ' ');
      if (match[1] !== undefined) script += ' '.repeat(match[1].length) + match[2].replace(/;$/, ' ');
      else script += match[0].replace(/[^\n]/g, ' ');
      last = match.index + match[0].length;
      if (match[0].length === 0) pattern.lastIndex++;
    }
    script += text.slice(last).replace(/[^\n]/g, ' ');
    const placement = wholeFile(input.file, text);
    const result = readLaunchSegments([{ kind: 'script', text: script, placement }], {
      placement,
      absolutePath: input.absolutePath,
      parent: directoryMachineId(input.file),
      idPrefix: `${input.file}#unit`,
    });
    return scriptFragment(input.file, result);
  },
};

/**
 * A cloud-init `#cloud-config` file of its own (the user data a launch template or a Terraform `templatefile`
 * renders, kept beside the infrastructure code): `bootcmd`, `write_files` and `runcmd` as in user data, for the
 * machine of its directory. A Terraform file's `user_data` target is read through that instance instead
 * (src/ingest/terraform/adapter.ts owns it).
 */
export const cloudConfigAdapter: Adapter = {
  format: 'cloud-config',
  extensions: ['.yaml', '.yml', '.cfg', '.tpl'],
  claims: ({ text }) => /^#cloud-config[ \t]*\r?\n/.test(text) && LAUNCH_HINT.test(text),
  prepare: prepareShellParser,
  load(input) {
    const placement = wholeFile(input.file, input.text);
    const result = readLaunchSegments(cloudConfigSegments(input.text, placement) ?? [], {
      placement,
      absolutePath: input.absolutePath,
      parent: directoryMachineId(input.file),
      idPrefix: `${input.file}#cloud-config`,
    });
    return scriptFragment(input.file, result);
  },
};

export { prepareShellParser };

/** What a machine's user data (or cfn-init) launches, for the CloudFormation and Terraform readers. */
export interface UserDataContext {
  /** The template and the user data property's span. */
  template: { file: string; lines: LineIndex };
  property: SourceSpan;
  absolutePath: string;
  parent: string;
  variables?: ReadonlyMap<string, Maybe<string>>;
  suppressions: InstanceNode['suppressions'];
}

/**
 * The launch path in a machine's user data: a shell script (`#!/bin/bash`, or any text that runs nitro-cli) or a
 * `#cloud-config` (`bootcmd`, then `write_files`, then `runcmd`, the order cloud-init runs them in:
 * https://cloudinit.readthedocs.io/en/latest/reference/modules.html). Findings land on the line inside the
 * user data when its text sits verbatim in the template (a YAML block scalar, an HCL heredoc), else on the
 * property. Empty when the user data launches nothing (or the shell parser is not loaded).
 */
export function userDataSegments(value: unknown, context: UserDataContext): LaunchSegment[] {
  if (typeof value !== 'string' || !shellParserReady()) return [];
  if (!LAUNCH_HINT.test(value)) return [];
  const placement =
    verbatimPlacement(value, context.template.file, context.template.lines, context.property.startLine) ??
    atSpan(context.property);
  if (value.startsWith('#cloud-config')) return cloudConfigSegments(value, placement) ?? [];
  return [{ kind: 'script', text: value, placement }];
}

/** What a machine's launch path (cfn-init, then its user data) does, or undefined when it launches nothing. */
export function machineLaunches(
  segments: readonly LaunchSegment[],
  context: Omit<UserDataContext, 'property' | 'template'>,
): LaunchScriptResult | undefined {
  if (segments.length === 0 || !shellParserReady()) return undefined;
  return readLaunchSegments(segments, {
    placement: segments[0].placement,
    absolutePath: context.absolutePath,
    parent: context.parent,
    idPrefix: `${context.parent}/launch`,
    variables: context.variables,
    suppressions: context.suppressions,
  });
}

/** An AWS::CloudFormation::Init config's `files` and `commands` (cfn-init runs files before commands). */
export function cfnInitSegments(
  config: unknown,
  document: LocatedDocument,
  resolveText: (value: unknown) => unknown,
): LaunchSegment[] {
  const segments: LaunchSegment[] = [];
  if (!isRecord(config)) return segments;
  const spanPlacement = (container: object, key: string) => atSpan(document.spanOfKey(container, key));
  const placeText = (text: string, container: object, key: string): Placement =>
    verbatimPlacement(text, document.file, document.lines, document.spanOfKey(container, key).startLine) ??
    (() => {
      const value = document.spanOfValue(container, key);
      const line = document.lines.line(value.startLine) ?? '';
      const quoted = /^["']/.test(line.slice(value.startColumn - 1));
      return text.includes('\n') ? spanPlacement(container, key) : singleLine(document.file, value, quoted);
    })();
  const files = config.files;
  if (isRecord(files)) {
    for (const [path, spec] of Object.entries(files)) {
      if (!isRecord(spec) || !document.locates(spec)) continue;
      const content = resolveText(spec.content);
      if (typeof content !== 'string') continue;
      segments.push({ kind: 'file', path, text: content, placement: placeText(content, spec, 'content') });
    }
  }
  const commands = config.commands;
  if (isRecord(commands)) {
    for (const name of Object.keys(commands).sort()) {
      const spec = commands[name];
      if (!isRecord(spec) || !document.locates(spec)) continue;
      const command = resolveText(spec.command);
      if (typeof command !== 'string') continue;
      segments.push({ kind: 'script', text: command, placement: placeText(command, spec, 'command') });
    }
  }
  return segments;
}

/** A one-line value at its span (after its opening quote). */
function singleLine(file: string, value: SourceSpan, quoted: boolean): Placement {
  return offsetPlacement(
    { file, position: (offset) => ({ line: value.startLine, column: value.startColumn + offset }) },
    quoted ? 1 : 0,
  );
}

function cloudConfigSegments(text: string, placement: Placement): LaunchSegment[] | undefined {
  let document: LocatedDocument;
  try {
    document = parseYaml(placement.file, text)[0];
  } catch {
    return undefined;
  }
  const config = document?.value;
  if (!isRecord(config)) return undefined;
  // Offsets of the cloud-config text map through its own lines to the template's.
  const inner = (span: SourceSpan): Placement => ({
    file: placement.file,
    position: (offset) => placement.position(offsetOf(document.lines, span.startLine, span.startColumn) + offset),
  });
  const segments: LaunchSegment[] = [];
  const commands = (key: string) => {
    const list = config[key];
    if (!Array.isArray(list)) return;
    list.forEach((item, index) => {
      if (typeof item === 'string') {
        const value = document.spanOfValue(list, index);
        const line = document.lines.line(value.startLine) ?? '';
        const head = line.slice(value.startColumn - 1);
        if (item.includes('\n')) {
          const local = verbatimPlacement(item, placement.file, document.lines, value.startLine);
          segments.push({
            kind: 'script',
            text: item,
            placement: local
              ? {
                  file: placement.file,
                  position: (offset) => placement.position(offsetOfPosition(document.lines, local.position(offset))),
                }
              : inner(value),
          });
        } else {
          const quoted = /^["']/.test(head) ? 1 : 0;
          segments.push({ kind: 'script', text: item, placement: offsetPlacement(inner(value), quoted) });
        }
      } else if (Array.isArray(item) && item.every((word) => typeof word === 'string' || typeof word === 'number')) {
        // An argv list: each word quoted for the shell, all at the item's line.
        const words = item.map((word) => `'${String(word).replace(/'/g, `'\\''`)}'`).join(' ');
        segments.push({
          kind: 'script',
          text: words,
          placement: atPosition(
            placement,
            offsetOf(
              document.lines,
              document.spanOfKey(list, index).startLine,
              document.spanOfKey(list, index).startColumn,
            ),
          ),
        });
      }
    });
  };
  commands('bootcmd');
  const files = config.write_files;
  if (Array.isArray(files)) {
    for (const entry of files) {
      if (!isRecord(entry) || typeof entry.path !== 'string' || typeof entry.content !== 'string') continue;
      if (
        entry.encoding !== undefined &&
        !(typeof entry.encoding === 'string' && /^text\/plain$/i.test(entry.encoding))
      )
        continue;
      const content = entry.content;
      const value = document.spanOfValue(entry, 'content');
      const local = verbatimPlacement(content, placement.file, document.lines, value.startLine);
      segments.push({
        kind: 'file',
        path: entry.path,
        text: content,
        placement: local
          ? {
              file: placement.file,
              position: (offset) => placement.position(offsetOfPosition(document.lines, local.position(offset))),
            }
          : inner(value),
      });
    }
  }
  commands('runcmd');
  return segments;
}

function atPosition(placement: Placement, offset: number): Placement {
  return { file: placement.file, position: () => placement.position(offset) };
}

/** The offset of a 1-based line and column of a text. */
function offsetOf(lines: LineIndex, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) offset += (lines.line(l) ?? '').length + 1;
  return offset + column - 1;
}

function offsetOfPosition(lines: LineIndex, position: { line: number; column: number }): number {
  return offsetOf(lines, position.line, position.column);
}

export function isLaunchText(value: Maybe<unknown>): boolean {
  return !isUnknown(value) && typeof value === 'string' && LAUNCH_HINT.test(value);
}
