import { basename, dirname, isAbsolute, join, posix, relative, sep } from 'node:path';
import { InputError } from '../errors.js';
import type { ComponentNode, GraphFragment, SshMatchSetting, SshSettings } from '../model/nodes.js';
import { NO_SUPPRESSIONS } from '../model/nodes.js';
import { LineIndex, type SourceSpan } from '../model/source.js';
import { NOT_DECLARED, unknown, type Maybe } from '../model/unknown.js';
import type { Adapter, AdapterInput, InputFiles } from './adapter.js';
import { filesOf } from './input-files.js';
import { setOwn } from './located.js';
import type { Default } from '../model/provenance.js';

/**
 * OpenSSH's sshd_config (and drop-ins in sshd_config.d/): the SSH daemon of a guest, as a `service`
 * component carrying what matters for no-password-only-login. Read by hand: the format is one
 * "Keyword value" (or "Keyword=value") per line, keywords case-insensitive, the first value obtained wins
 * (sshd_config(5)), and no npm parser keeps line numbers.
 *
 * One daemon per sshd_config: the files its `Include` lines name are read in place, at the position of the
 * Include (so a drop-in included before a keyword wins, as in Debian/Ubuntu's layout), and are not inputs of
 * their own. `Match` blocks apply to some connections only: kept apart, for a warning.
 */
const SSHD_KEYWORDS =
  /^\s*(PasswordAuthentication|PermitRootLogin|KbdInteractiveAuthentication|ChallengeResponseAuthentication|PubkeyAuthentication|AuthenticationMethods|UsePAM|PermitEmptyPasswords|Port|ListenAddress|HostKey|Subsystem)\b/im;

/** OpenSSH's defaults for the keywords the rule reads (sshd_config(5), OpenSSH 9). */
const DEFAULTS = {
  passwordauthentication: true,
  kbdinteractiveauthentication: true,
  permitrootlogin: 'prohibit-password',
};

const DROP_IN_DIRECTORY = 'sshd_config.d';
/** Include depth OpenSSH allows (READCONF_MAX_DEPTH); deeper is a loop. */
const MAX_INCLUDE_DEPTH = 16;

export const sshdConfigAdapter: Adapter = {
  format: 'sshd-config',
  extensions: ['sshd_config', '.conf'],
  claims: ({ file, text }) => {
    const name = basename(file);
    if (name === 'sshd_config') return true;
    // A drop-in of sshd_config.d/: one sshd keyword is enough (Ubuntu's 50-cloud-init.conf has just one).
    if (isDropIn(file) && SSHD_KEYWORDS.test(text)) return true;
    // A renamed copy: at least two sshd keywords at line starts.
    if (!/sshd/i.test(file) && !/^\s*(PasswordAuthentication|PermitRootLogin|AuthenticationMethods)\b/im.test(text))
      return false;
    return (text.match(new RegExp(SSHD_KEYWORDS.source, 'gim')) ?? []).length >= 2;
  },
  owns: (absolutePath, files) => {
    try {
      return ownedFiles(absolutePath, filesOf({ files }));
    } catch {
      return []; // `load` reports the problem
    }
  },
  load(input) {
    const reader = new DaemonReader(input);
    const scanFiles = filesOf(input);
    if (basename(input.absolutePath) !== 'sshd_config' && isDropIn(input.absolutePath)) {
      const files = dropInsBeside(input.absolutePath, scanFiles);
      // Drop-ins without their sshd_config: the first one speaks for the directory (it owns the others);
      // what sshd_config sets before its Include is not in the scan, so unset keywords are unknown.
      const alone = !scanFiles.exists(join(dirname(dirname(input.absolutePath)), 'sshd_config'));
      if (alone && files[0] === input.absolutePath) {
        for (const file of files) reader.readFile(file, 0, false);
      } else {
        reader.readFile(input.absolutePath, 0, false);
      }
      reader.leaveUnsetUnknown('the sshd_config that includes these drop-ins is not in the scan');
    } else {
      reader.readFile(input.absolutePath, 0, false);
    }
    return { nodes: [reader.daemon()], edges: [] } satisfies GraphFragment;
  },
};

function isDropIn(file: string): boolean {
  return /\.conf$/i.test(file) && basename(dirname(file)) === DROP_IN_DIRECTORY;
}

/** The *.conf files of the drop-in directory a drop-in is in, in the order sshd's glob reads them. */
function dropInsBeside(absolutePath: string, files: InputFiles): string[] {
  const directory = dirname(absolutePath);
  return files
    .list(directory)
    .filter((name) => /\.conf$/i.test(name))
    .map((name) => join(directory, name))
    .filter((path) => files.exists(path));
}

/** What a file reads itself, so a directory scan does not load it again as a daemon of its own. */
function ownedFiles(absolutePath: string, files: InputFiles): string[] {
  if (basename(absolutePath) === 'sshd_config') {
    const owned = new Set<string>();
    const besides = join(dirname(absolutePath), DROP_IN_DIRECTORY);
    if (files.isDirectory(besides)) {
      for (const name of files.list(besides)) if (/\.conf$/i.test(name)) owned.add(join(besides, name));
    }
    const text = files.read(absolutePath);
    for (const match of text.matchAll(/^\s*include(?:\s*=\s*|\s+)(.+?)\s*$/gim)) {
      for (const pattern of match[1].split(/\s+/))
        for (const file of resolveInclude(absolutePath, pattern.replace(/^"(.*)"$/, '$1'), files) ?? [])
          owned.add(file);
    }
    owned.delete(absolutePath);
    return [...owned];
  }
  if (isDropIn(absolutePath) && !files.exists(join(dirname(dirname(absolutePath)), 'sshd_config'))) {
    const dropIns = dropInsBeside(absolutePath, files);
    return dropIns[0] === absolutePath ? dropIns.slice(1) : [];
  }
  return [];
}

/**
 * The files an Include pattern names, found in the scan rather than on this machine: sshd reads relative
 * patterns from /etc/ssh, for which the including file's directory stands; an absolute pattern is read
 * under the directory that stands for `/` (the one holding `etc/ssh/`), or, for /etc/ssh/…, under the
 * including file's directory. Undefined when the pattern's directory is not there (not in the scan).
 */
export function resolveInclude(includingFile: string, pattern: string, files: InputFiles): string[] | undefined {
  const configDirectory = dirname(includingFile);
  const candidates: string[] = [];
  if (!isAbsolute(pattern) && !pattern.startsWith('/')) {
    candidates.push(join(configDirectory, pattern));
  } else {
    const parts = configDirectory.split(sep);
    const etcSsh = parts.length >= 2 && parts[parts.length - 2] === 'etc' && parts[parts.length - 1] === 'ssh';
    if (etcSsh) candidates.push(join(parts.slice(0, -2).join(sep) || sep, pattern));
    const underSsh = /^\/etc\/ssh\/(.+)$/.exec(pattern);
    if (underSsh) candidates.push(join(configDirectory, underSsh[1]));
  }
  for (const candidate of candidates) {
    const found = glob(candidate, files);
    if (found) return found;
  }
  return undefined;
}

/** Expands `*` and `?` in the last path segment (the shape sshd_config Includes take); undefined when the directory is missing. */
function glob(pattern: string, files: InputFiles): string[] | undefined {
  const directory = dirname(pattern);
  const name = basename(pattern);
  if (/[*?[]/.test(directory)) return undefined;
  if (!files.isDirectory(directory)) return undefined;
  if (!/[*?[]/.test(name)) return files.exists(pattern) ? [pattern] : undefined;
  const expression = new RegExp(
    `^${name
      .replace(/[.+^${}()|\\]/g, '\\$&')
      .replace(/\*/g, '[^/]*')
      .replace(/\?/g, '.')}$`,
  );
  return files
    .list(directory)
    .filter((entry) => expression.test(entry) && !entry.startsWith('.'))
    .map((entry) => join(directory, entry))
    .filter((path) => files.exists(path));
}

/** Settings of one Match block, first value wins inside it too. */
interface MatchBlock {
  criteria: string;
  values: Map<string, string>;
  at: Record<string, SourceSpan>;
}

class DaemonReader {
  private readonly values = new Map<string, string>();
  private readonly at: Record<string, SourceSpan> = {};
  private readonly matches: MatchBlock[] = [];
  private readonly reading = new Set<string>();
  private source: SourceSpan | undefined;
  /** Why keywords not set before an unresolved Include are unknown. */
  unresolved: string | undefined;
  /** Keywords set before the first unresolved Include: decided whatever that Include holds. */
  private settledBeforeUnresolved: Set<string> | undefined;

  constructor(private readonly input: AdapterInput) {}

  /** The path people see for a file this daemon reads: the input's own, or one relative to it. */
  private displayOf(absolutePath: string): string {
    if (absolutePath === this.input.absolutePath) return this.input.file;
    const from = posix.dirname(this.input.file);
    return posix.normalize(
      posix.join(from, relative(dirname(this.input.absolutePath), absolutePath).split(sep).join('/')),
    );
  }

  readFile(absolutePath: string, depth: number, inMatch: boolean): void {
    if (this.reading.has(absolutePath) || depth > MAX_INCLUDE_DEPTH) return; // an Include loop: sshd refuses it, nothing more to learn
    const file = this.displayOf(absolutePath);
    const text = absolutePath === this.input.absolutePath ? this.input.text : filesOf(this.input).read(absolutePath);
    this.reading.add(absolutePath);
    const lines = new LineIndex(text);
    this.source ??= lines.span(file, 0, Math.max(0, text.indexOf('\n')));
    let match: MatchBlock | undefined = inMatch ? this.matches[this.matches.length - 1] : undefined;
    let offset = 0;
    for (const raw of text.split(/\n/)) {
      const lineStart = offset;
      offset += raw.length + 1;
      // A `#` after whitespace starts a comment (lenient: sshd itself only allows whole-line comments).
      const line = raw.replace(/\r$/, '').replace(/\s+#.*$/, '');
      const content = line.replace(/^\s+/, '');
      if (!content || content.startsWith('#')) continue;
      const parsed = /^([A-Za-z][A-Za-z0-9]*)(?:\s*=\s*|\s+)(.*?)\s*$/.exec(content);
      const indent = line.length - content.length;
      if (!parsed) {
        const { line: number, column } = lines.position(lineStart + indent);
        throw new InputError(
          `invalid sshd_config line: expected "Keyword value", found ${JSON.stringify(content.slice(0, 40))}`,
          { file, line: number, column },
        );
      }
      const keyword = parsed[1].toLowerCase();
      const value = parsed[2].replace(/^"(.*)"$/, '$1');
      const span = (): SourceSpan => lines.span(file, lineStart + indent, lineStart + line.length, `/${parsed[1]}`);
      if (keyword === 'match') {
        // Settings after a Match apply only to the connections it matches, up to the next Match (or
        // `Match all`) or the end of the file; the global ones are what everyone else gets.
        if (value.toLowerCase() === 'all') {
          match = undefined;
        } else {
          match = { criteria: value, values: new Map(), at: {} };
          this.matches.push(match);
        }
        continue;
      }
      if (keyword === 'include') {
        for (const pattern of value.split(/\s+/).filter(Boolean)) {
          const files = resolveInclude(absolutePath, pattern.replace(/^"(.*)"$/, '$1'), filesOf(this.input));
          if (files === undefined) {
            if (match || this.unresolved !== undefined) continue;
            this.unresolved = `Include ${pattern} is not in the scan, and may set it first`;
            this.settledBeforeUnresolved = new Set(this.values.keys());
            continue;
          }
          for (const included of files) this.readFile(included, depth + 1, match !== undefined);
        }
        continue;
      }
      // ChallengeResponseAuthentication is the old name of KbdInteractiveAuthentication.
      const key = keyword === 'challengeresponseauthentication' ? 'kbdinteractiveauthentication' : keyword;
      const target = match ?? { values: this.values, at: this.at };
      if (target.values.has(key)) continue; // the first value obtained wins
      target.values.set(key, value);
      // setOwn: a `__proto__` line is data, not the prototype of this record (hostile-input issue).
      setOwn(target.at, key, span());
    }
    this.reading.delete(absolutePath);
  }

  /** After reading drop-ins without their sshd_config: what they set is decided, the rest unknown. */
  leaveUnsetUnknown(reason: string): void {
    if (this.unresolved !== undefined) return;
    this.unresolved = reason;
    this.settledBeforeUnresolved = new Set(this.values.keys());
  }

  /** A keyword's value: set, else unknown behind an unresolved Include, else OpenSSH's default. */
  private decided(key: string): { value: string | undefined; unknownReason?: string } {
    const value = this.values.get(key);
    if (this.unresolved !== undefined && !this.settledBeforeUnresolved?.has(key)) {
      // Set after the unresolved Include, or not at all: what the included file says would win.
      return { value: undefined, unknownReason: `${key}: ${this.unresolved}` };
    }
    return { value };
  }

  daemon(): ComponentNode {
    // OpenSSH's value for a keyword the files leave unset (src/model/provenance.ts).
    const defaults: Record<string, Default> = {};
    const openSshDefault = (key: string): void => {
      defaults[key] = { name: 'OpenSSH default', why: `${key} is not set (sshd_config(5))` };
    };
    const yesNo = (key: 'passwordauthentication' | 'kbdinteractiveauthentication', raw?: string): Maybe<boolean> => {
      const { value, unknownReason } = raw !== undefined ? { value: raw } : this.decided(key);
      if (unknownReason) return unknown(unknownReason);
      if (value === undefined) {
        openSshDefault(key);
        return DEFAULTS[key];
      }
      const lower = value.toLowerCase();
      if (lower === 'yes') return true;
      if (lower === 'no') return false;
      return unknown(`${key} is "${value}"`);
    };
    const methodsOf = (value: string | undefined): string[] =>
      value === undefined || value.toLowerCase() === 'any' ? [] : value.split(/\s+/);
    const methods = this.decided('authenticationmethods');
    const root = this.decided('permitrootlogin');
    if (!root.unknownReason && root.value === undefined) openSshDefault('permitrootlogin');
    const ssh: SshSettings = {
      passwordAuthentication: yesNo('passwordauthentication'),
      keyboardInteractive: yesNo('kbdinteractiveauthentication'),
      permitRootLogin: root.unknownReason
        ? unknown(root.unknownReason)
        : (root.value ?? DEFAULTS.permitrootlogin).toLowerCase(),
      authenticationMethods: methods.unknownReason ? unknown(methods.unknownReason) : methodsOf(methods.value),
    };
    const at: Record<string, SourceSpan> = { ...this.at };
    const conditional: SshMatchSetting[] = [];
    this.matches.forEach((block, index) => {
      for (const [key, method] of [
        ['passwordauthentication', 'password'],
        ['kbdinteractiveauthentication', 'keyboard-interactive'],
      ] as const) {
        if (block.values.get(key)?.toLowerCase() !== 'yes') continue;
        const property = `match${index}:${key}`;
        setOwn(at, property, block.at[key]);
        const blockMethods = block.values.get('authenticationmethods');
        conditional.push({
          method,
          match: block.criteria,
          property,
          // The block's own AuthenticationMethods, else the global one.
          authenticationMethods: blockMethods !== undefined ? methodsOf(blockMethods) : ssh.authenticationMethods,
        });
      }
    });
    if (conditional.length > 0) ssh.conditional = conditional;
    return {
      kind: 'component',
      id: `sshd:${this.input.file}`,
      label: 'sshd',
      layer: 'service',
      roles: ['ssh-daemon'],
      measuredBy: NOT_DECLARED,
      nestedVirtualization: false,
      vcpus: NOT_DECLARED,
      memoryMiB: NOT_DECLARED,
      ssh,
      source: this.source!,
      at,
      defaults,
      suppressions: NO_SUPPRESSIONS,
    };
  }
}
