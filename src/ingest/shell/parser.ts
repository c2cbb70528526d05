import { createRequire } from 'node:module';
import type { Node as TreeNode, Parser as TreeSitterParser } from 'web-tree-sitter';
import { isUnknown, unknown, type Maybe } from '../../model/unknown.js';

/**
 * Shell scripts through tree-sitter (web-tree-sitter, already loaded for Terraform, with the grammar
 * tree-sitter-bash ships as WASM): exact offsets, no native build. The WASM is loaded once, lazily,
 * by the `prepare` of the adapters that read scripts (shell files, systemd units, instance user data).
 *
 * What the readers need is small: the commands of the script (wherever they sit: lists, pipelines,
 * conditionals, functions), each word's value where it is literal or built from literal variables, and
 * the heredocs written to files. Each tree is turned into that and deleted at once.
 */

let parser: TreeSitterParser | undefined;
let loading: Promise<void> | undefined;

export function prepareShellParser(): Promise<void> {
  loading ??= (async () => {
    const { Parser, Language } = await import('web-tree-sitter');
    await Parser.init();
    const require = createRequire(import.meta.url);
    const language = await Language.load(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm'));
    const instance = new Parser();
    instance.setLanguage(language);
    parser = instance;
  })();
  return loading;
}

/** Whether scripts can be read now (the parser is loaded once a scan has a file that may hold one). */
export function shellParserReady(): boolean {
  return parser !== undefined;
}

/** One word of a command line: its value (unknown when it depends on what runs), with offsets into the script. */
export interface ShellWord {
  value: Maybe<string>;
  start: number;
  end: number;
}

/** A heredoc fed to a command: its text as the command reads it and where each of its lines starts. */
export interface Heredoc {
  text: string;
  /** Offset of each line of `text` in the script, and how many leading tabs `<<-` took off it. */
  lines: Array<{ offset: number; stripped: number }>;
}

export interface ShellCommand {
  /** The program, without its directory (`/usr/bin/nitro-cli` → `nitro-cli`), after sudo, exec, nohup, env. */
  name: string;
  nameWord: ShellWord;
  args: ShellWord[];
  start: number;
  end: number;
  /** `> file` / `>> file` of this command. */
  writesTo?: ShellWord;
  heredoc?: Heredoc;
}

export interface ShellScript {
  commands: ShellCommand[];
  /** Where the first syntax error is (bash would refuse the script), when there is one. */
  syntaxError?: { start: number; end: number };
}

const WRAPPERS = new Set(['sudo', 'exec', 'nohup', 'env', 'time', 'command', 'setsid', 'stdbuf']);
/** Deep enough for any real script; a hostile one cannot exhaust the stack. */
const MAX_DEPTH = 200;

/**
 * The commands of a script. `variables` are values known from outside (CloudFormation `!Sub` variables,
 * templatefile's); assignments in the script (`CPUS=2`, `export MEM=4096`) with literal values are applied
 * in order of appearance (control flow is not followed: a variable assigned twice takes the later value
 * from there on). Anything computed (`$(…)`, an unset variable) is unknown with its reason.
 */
export function parseShell(text: string, variables: ReadonlyMap<string, Maybe<string>> = new Map()): ShellScript {
  if (!parser) throw new Error('the shell parser is not loaded (prepareShellParser)');
  const tree = parser.parse(text);
  if (!tree) return { commands: [] };
  try {
    const reader = new ScriptReader(text, variables);
    reader.walk(tree.rootNode, 0);
    const syntaxError = tree.rootNode.hasError ? firstError(tree.rootNode) : undefined;
    return { commands: reader.commands, ...(syntaxError ? { syntaxError } : {}) };
  } finally {
    tree.delete();
  }
}

/** The first ERROR or missing node, walking down iteratively (a hostile script cannot exhaust the stack). */
function firstError(root: TreeNode): { start: number; end: number } | undefined {
  let node: TreeNode | null = root;
  while (node) {
    if (node.isError || node.isMissing)
      return { start: node.startIndex, end: Math.max(node.endIndex, node.startIndex + 1) };
    node =
      node.children.find((child) => child !== null && (child.hasError || child.isError || child.isMissing)) ?? null;
  }
  return undefined;
}

class ScriptReader {
  readonly commands: ShellCommand[] = [];
  private readonly variables: Map<string, Maybe<string>>;

  constructor(
    private readonly text: string,
    outside: ReadonlyMap<string, Maybe<string>>,
  ) {
    this.variables = new Map(outside);
  }

  walk(node: TreeNode, depth: number): void {
    if (depth > MAX_DEPTH) return;
    switch (node.type) {
      case 'variable_assignment':
        this.assign(node);
        return;
      case 'redirected_statement':
        this.redirected(node, depth);
        return;
      case 'command':
        this.command(node, undefined, undefined);
        for (const child of node.namedChildren)
          if (child && child.type === 'command_substitution') this.walk(child, depth + 1);
        return;
      default:
        for (const child of node.namedChildren) if (child) this.walk(child, depth + 1);
    }
  }

  private assign(node: TreeNode): void {
    const name = node.childForFieldName('name')?.text;
    const value = node.childForFieldName('value');
    if (!name) return;
    this.variables.set(name, value ? this.word(value).value : '');
  }

  private redirected(node: TreeNode, depth: number): void {
    let writesTo: ShellWord | undefined;
    let heredoc: Heredoc | undefined;
    const inner: TreeNode[] = [];
    const visit = (child: TreeNode) => {
      if (child.type === 'file_redirect') {
        const operator = child.text.replace(/^\d+/, '');
        const destination = child.childForFieldName('destination') ?? child.namedChildren.at(-1);
        if (destination && /^(>|>>|>\|)/.test(operator) && !/^&/.test(operator.replace(/^>+\|?/, '')))
          writesTo = this.word(destination);
      } else if (child.type === 'heredoc_redirect') {
        heredoc = this.heredoc(child);
        for (const part of child.namedChildren) {
          if (!part) continue;
          if (part.type === 'file_redirect') visit(part);
          else if (!part.type.startsWith('heredoc')) inner.push(part);
        }
      }
    };
    for (const child of node.namedChildren) {
      if (!child) continue;
      if (child.type === 'file_redirect' || child.type === 'heredoc_redirect') visit(child);
    }
    const body = node.childForFieldName('body');
    if (body?.type === 'command') this.command(body, writesTo, heredoc);
    else if (body) this.walk(body, depth + 1);
    // `cat <<EOF | sudo tee FILE`: the heredoc feeds the first command, which pipes it on to tee.
    for (const part of inner) {
      if (part.type === 'pipeline' && heredoc) {
        for (const command of part.namedChildren)
          if (command?.type === 'command') this.command(command, undefined, heredoc);
      } else this.walk(part, depth + 1);
    }
  }

  private heredoc(node: TreeNode): Heredoc | undefined {
    const body = node.namedChildren.find((child) => child?.type === 'heredoc_body');
    const start = node.namedChildren.find((child) => child?.type === 'heredoc_start');
    if (!body) return undefined;
    const stripTabs = node.text.startsWith('<<-');
    const quoted = start ? /['"\\]/.test(start.text) : false;
    const raw = this.text.slice(body.startIndex, body.endIndex);
    const lines: Heredoc['lines'] = [];
    const out: string[] = [];
    let offset = body.startIndex;
    for (const line of raw.split('\n')) {
      const stripped = stripTabs ? line.length - line.replace(/^\t+/, '').length : 0;
      lines.push({ offset: offset + stripped, stripped });
      out.push(line.slice(stripped));
      offset += line.length + 1;
    }
    let text = out.join('\n');
    // An unquoted delimiter expands variables in the body (bash(1), "Here Documents"); known ones are put in.
    if (!quoted)
      text = text.replace(/\$\{?([A-Za-z_]\w*)\}?/g, (match, name: string) => {
        const value = this.variables.get(name);
        return typeof value === 'string' ? value : match;
      });
    return { text, lines };
  }

  private command(node: TreeNode, writesTo: ShellWord | undefined, heredoc: Heredoc | undefined): void {
    const nameNode = node.childForFieldName('name');
    if (!nameNode) {
      // `X=1 Y=2` alone: assignments.
      for (const child of node.namedChildren) if (child?.type === 'variable_assignment') this.assign(child);
      return;
    }
    const words = [
      nameNode,
      ...node.namedChildren.filter(
        (c): c is TreeNode =>
          !!c &&
          c.id !== nameNode.id &&
          c.type !== 'variable_assignment' &&
          c.type !== 'file_redirect' &&
          c.type !== 'herestring_redirect',
      ),
    ].map((w) => this.word(w));
    // Skip the wrappers that run another program: sudo -u x, env A=1, nohup, exec.
    let index = 0;
    while (index < words.length) {
      const value = words[index].value;
      if (typeof value !== 'string') break;
      const base = value.replace(/^.*\//, '');
      if (WRAPPERS.has(base)) {
        index++;
        while (index < words.length) {
          const next = words[index].value;
          if (typeof next !== 'string') break;
          if (next.startsWith('-')) {
            index += base === 'sudo' && /^-[ugCDhprRT]$/.test(next) ? 2 : 1;
          } else if (base === 'env' && /^\w+=/.test(next)) index++;
          else break;
        }
        continue;
      }
      break;
    }
    if (index >= words.length) return;
    const nameWord = words[index];
    const name = typeof nameWord.value === 'string' ? nameWord.value.replace(/^.*\//, '') : '';
    this.commands.push({
      name,
      nameWord,
      args: words.slice(index + 1),
      start: node.startIndex,
      end: node.endIndex,
      ...(writesTo ? { writesTo } : {}),
      ...(heredoc ? { heredoc } : {}),
    });
  }

  /** A word's value: literal text, quoted strings, known variables; unknown when anything runs to make it. */
  word(node: TreeNode): ShellWord {
    return { value: this.valueOf(node, 0), start: node.startIndex, end: node.endIndex };
  }

  private valueOf(node: TreeNode, depth: number): Maybe<string> {
    if (depth > 32) return unknown('a word nested too deeply');
    switch (node.type) {
      case 'word':
      case 'number':
        return node.text.replace(/\\(.)/gs, '$1');
      case 'raw_string':
        return node.text.slice(1, -1);
      case 'ansi_c_string':
        return node.text.slice(2, -1);
      case 'string_content':
        return node.text.replace(/\\([$`"\\\n])/g, '$1');
      case 'simple_expansion':
      case 'expansion':
        return this.expansion(node);
      case 'command_substitution':
      case 'process_substitution':
      case 'arithmetic_expansion':
        return unknown(`${node.text.slice(0, 40)} is computed when the script runs`);
      case 'string':
      case 'concatenation':
      case 'command_name': {
        // Pieces in order; the text between named pieces (inside quotes) is literal.
        let out = '';
        let cursor = node.type === 'string' ? node.startIndex + 1 : node.startIndex;
        const end = node.type === 'string' ? node.endIndex - 1 : node.endIndex;
        for (const child of node.namedChildren) {
          if (!child) continue;
          if (child.startIndex > cursor) out += this.text.slice(cursor, child.startIndex);
          const value = this.valueOf(child, depth + 1);
          if (isUnknown(value)) return value;
          out += value;
          cursor = child.endIndex;
        }
        if (end > cursor) out += this.text.slice(cursor, end);
        return out;
      }
      default:
        return unknown(`${node.text.slice(0, 40)} is not literal`);
    }
  }

  private expansion(node: TreeNode): Maybe<string> {
    const text = node.text;
    const match = /^\$\{?([A-Za-z_][\w]*(?:::[A-Za-z]+)?)(?:(:?[-=])([^}]*))?\}?$/.exec(text);
    if (!match) {
      // $1, ${2}, $@, $*: what the script is started with (a systemd ExecStart=, a caller), not in the script.
      if (/^\$\{?([0-9]+|[@*])\}?$/.test(text)) return unknown(`${text} is an argument the script is started with`);
      return unknown(`${text.slice(0, 40)} is computed when the script runs`);
    }
    const [, name, operator, fallback] = match;
    const value = this.variables.get(name);
    if (value === undefined || value === '') {
      if (operator !== undefined) return fallback.replace(/^["']|["']$/g, '');
      if (value === '') return '';
      return unknown(`$${name} is set outside the script`);
    }
    return value;
  }
}
