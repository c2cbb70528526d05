import type { ChannelEdge, GraphEdge, GraphFragment, GraphNode, InstanceNode } from '../../model/nodes.js';
import { NO_SUPPRESSIONS } from '../../model/nodes.js';
import { LineIndex, type SourceSpan } from '../../model/source.js';
import { NOT_DECLARED, unknown, type Maybe } from '../../model/unknown.js';
import type { Adapter, AdapterInput } from '../adapter.js';
import {
  accessEdge,
  HOST_OPERATOR,
  hostOperatorPrincipal,
  inputError,
  placeholderIn,
  placeholderUnknown,
} from './common.js';

/**
 * Kata Containers' `configuration.toml` (https://github.com/kata-containers/kata-containers/blob/main/src/runtime/config/configuration-qemu.toml.in): the VM every pod of a runtime class gets.
 * The files people keep are often the `.toml.in` templates, where `@VAR@` placeholders stand for values
 * (some unquoted, which no TOML parser accepts), so this reader takes TOML's line structure itself and
 * keeps each key's line; a placeholder is an unknown value.
 */

interface TomlValue {
  /** Scalar text (strings unquoted), or undefined for arrays and inline tables. */
  text: string | undefined;
  quoted: boolean;
  span: SourceSpan;
}

function readToml(file: string, text: string): Map<string, TomlValue> {
  const values = new Map<string, TomlValue>();
  const lines = new LineIndex(text);
  let table = '';
  let offset = 0;
  const rows = text.split('\n');
  for (let index = 0; index < rows.length; index++) {
    const start = offset;
    const raw = rows[index];
    offset += raw.length + 1;
    const line = raw.replace(/\r$/, '');
    if (/^\s*(#|$)/.test(line)) continue;
    const header = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/.exec(line);
    if (header) {
      table = header[1].replace(/\s+/g, '');
      continue;
    }
    const pair = /^\s*([A-Za-z0-9_\-."@]+)\s*=\s*(.*)$/.exec(line);
    if (!pair)
      throw inputError(`expected "[table]" or "key = value", found "${line.trim().slice(0, 40)}"`, file, index + 1, 1);
    const key = `${table ? `${table}.` : ''}${pair[1].replace(/"/g, '')}`;
    let body = pair[2];
    const span = lines.span(file, start, start + line.length);
    let value: TomlValue;
    if (body.startsWith('"""') || body.startsWith("'''")) {
      // A multi-line string: skip to its end; isolint reads none of these keys.
      const fence = body.slice(0, 3);
      while (!body.slice(3).includes(fence) && index + 1 < rows.length) {
        body = rows[++index]!;
        offset += body.length + 1;
      }
      value = { text: undefined, quoted: true, span };
    } else if (body.startsWith('"') || body.startsWith("'")) {
      const quote = body[0];
      const end = body.indexOf(quote, 1);
      if (end < 0) throw inputError('string is not closed on its line', file, index + 1, line.indexOf(body) + 1);
      value = { text: body.slice(1, end), quoted: true, span };
    } else if (body.startsWith('[') || body.startsWith('{')) {
      // Arrays may span lines: follow brackets outside strings to the closing one.
      let depth = 0;
      for (;;) {
        for (const c of body.replace(/"(?:[^"\\]|\\.)*"|'[^']*'|#.*$/g, '')) {
          if (c === '[' || c === '{') depth++;
          else if (c === ']' || c === '}') depth--;
        }
        if (depth <= 0 || index + 1 >= rows.length) break;
        body = rows[++index]!;
        offset += body.length + 1;
      }
      value = { text: undefined, quoted: false, span };
    } else {
      value = { text: body.replace(/\s*#.*$/, '').trim(), quoted: false, span };
    }
    values.set(key, value);
  }
  return values;
}

export const kataConfigAdapter: Adapter = {
  format: 'kata-configuration',
  extensions: ['.toml', '.toml.in'],
  claims: ({ text }) => /^\s*\[hypervisor\.[A-Za-z@_]+\]/m.test(text),
  load: (input) => new KataReader(input).read(),
};

class KataReader {
  private readonly values: Map<string, TomlValue>;
  private readonly hypervisor: string;
  private readonly nodes: GraphNode[] = [];
  private readonly edges: GraphEdge[] = [];

  constructor(private readonly input: AdapterInput) {
    this.values = readToml(input.file, input.text);
    const first = /^\s*\[hypervisor\.([A-Za-z@_]+)\]/m.exec(input.text)!;
    this.hypervisor = first[1]!;
  }

  private find(suffix: string, table: 'hypervisor' | 'agent' | 'runtime'): TomlValue | undefined {
    for (const [key, value] of this.values) {
      if (
        key.startsWith(`${table}.`) &&
        key.endsWith(`.${suffix}`) &&
        key.split('.').length === (table === 'runtime' ? 2 : 3)
      )
        return value;
      if (table === 'runtime' && key === `runtime.${suffix}`) return value;
    }
    return undefined;
  }

  private boolean(value: TomlValue | undefined, fallback: boolean): Maybe<boolean> {
    if (!value || value.text === undefined) return fallback;
    const placeholder = placeholderIn(value.text);
    if (placeholder) return placeholderUnknown(placeholder);
    if (value.text === 'true') return true;
    if (value.text === 'false') return false;
    return unknown(`"${value.text}" is not a boolean`);
  }

  private number(value: TomlValue | undefined, fallback: number | undefined): Maybe<number> {
    if (!value || value.text === undefined) return fallback ?? NOT_DECLARED;
    const placeholder = placeholderIn(value.text);
    if (placeholder) return placeholderUnknown(placeholder);
    const n = Number(value.text);
    return Number.isFinite(n) ? n : unknown(`"${value.text}" is not a number`);
  }

  read(): GraphFragment {
    const header = new RegExp(`^\\s*\\[hypervisor\\.${this.hypervisor}\\]`, 'm').exec(this.input.text)!;
    const lines = new LineIndex(this.input.text);
    const source = lines.span(this.input.file, header.index, header.index + header[0].length);
    const vcpus = this.find('default_vcpus', 'hypervisor');
    const memory = this.find('default_memory', 'hypervisor');
    const at: Record<string, SourceSpan> = {};
    if (vcpus) at.vcpus = vcpus.span;
    if (memory) at.memory = memory.span;
    // Defaults from src/runtime/Makefile: 1 vCPU, 2048 MiB.
    const instance: InstanceNode = {
      kind: 'instance',
      id: `${this.input.file}#sandbox`,
      label: `Kata sandbox VM (${this.hypervisor})`,
      vcpus: this.number(vcpus, 1),
      memoryMiB: this.number(memory, 2048),
      // RuntimeClasses that select this file are added after assembly (src/ingest/hypervisor/link-runtime-classes.ts).
      kataSandbox: { selectedBy: [] },
      source,
      at,
      suppressions: NO_SUPPRESSIONS,
    };
    const confidentialValue = this.find('confidential_guest', 'hypervisor');
    const confidential = this.boolean(confidentialValue, false);
    const debugValue = this.find('enable_debug', 'hypervisor');
    if (confidential === true) {
      const snp = this.boolean(this.find('sev_snp_guest', 'hypervisor'), false) === true;
      instance.confidential = {
        technology: snp ? 'sev-snp (Kata)' : 'Kata confidential guest',
        debug: this.boolean(debugValue, false),
        source: debugValue?.span ?? confidentialValue!.span,
      };
    }
    this.nodes.push(instance);

    const debugConsole = this.find('debug_console_enabled', 'agent');
    if (this.boolean(debugConsole, false) === true) {
      this.edges.push(accessEdge(HOST_OPERATOR, instance.id, 'console', debugConsole!.span, false));
    }
    const monitor = this.find('extra_monitor_socket', 'hypervisor');
    if (monitor?.text && !placeholderIn(monitor.text)) {
      // An extra QMP/HMP socket gives "full control of Qemu", guest memory included.
      const channel: ChannelEdge = {
        kind: 'channel',
        from: HOST_OPERATOR,
        to: instance.id,
        initiator: HOST_OPERATOR,
        protocol: monitor.text,
        port: unknown('a unix socket'),
        authenticated: false,
        encrypted: false,
        audited: false,
        memoryAccess: true,
        source: monitor.span,
        at: { memoryAccess: monitor.span },
        suppressions: NO_SUPPRESSIONS,
      };
      this.edges.push(channel);
    }
    if (this.edges.length > 0) this.nodes.push(hostOperatorPrincipal(source));
    return { nodes: this.nodes, edges: this.edges };
  }
}
