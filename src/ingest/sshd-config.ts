import { basename } from 'node:path';
import { InputError } from '../errors.js';
import type { ComponentNode, GraphFragment, SshSettings } from '../model/nodes.js';
import { NO_SUPPRESSIONS } from '../model/nodes.js';
import { LineIndex, type SourceSpan } from '../model/source.js';
import { NOT_DECLARED, type Maybe } from '../model/unknown.js';
import type { Adapter } from './adapter.js';
import { setOwn } from './located.js';

/**
 * OpenSSH's sshd_config (and drop-ins in sshd_config.d/): the SSH daemon of a guest, as a `service`
 * component carrying what matters for no-password-only-login. Read by hand: the format is one
 * "Keyword value" (or "Keyword=value") per line, keywords case-insensitive, the first value obtained wins
 * (sshd_config(5)), and no npm parser keeps line numbers.
 */
const SSHD_KEYWORDS =
  /^\s*(PasswordAuthentication|PermitRootLogin|KbdInteractiveAuthentication|ChallengeResponseAuthentication|PubkeyAuthentication|AuthenticationMethods|UsePAM|PermitEmptyPasswords|Port|ListenAddress|HostKey|Subsystem)\b/im;

/** OpenSSH's defaults for the keywords the rule reads (sshd_config(5), OpenSSH 9). */
const DEFAULTS = { passwordauthentication: true, kbdinteractiveauthentication: true, permitrootlogin: 'prohibit-password' };

export const sshdConfigAdapter: Adapter = {
  format: 'sshd-config',
  extensions: ['sshd_config', '.conf'],
  claims: ({ file, text }) => {
    const name = basename(file);
    if (name === 'sshd_config') return true;
    // A drop-in (sshd_config.d/*.conf) or a renamed copy: at least two sshd keywords at line starts.
    if (!/sshd/i.test(file) && !/^\s*(PasswordAuthentication|PermitRootLogin|AuthenticationMethods)\b/im.test(text)) return false;
    return (text.match(new RegExp(SSHD_KEYWORDS.source, 'gim')) ?? []).length >= 2;
  },
  load({ file, text }) {
    const lines = new LineIndex(text);
    const at: Record<string, SourceSpan> = {};
    const values = new Map<string, string>();
    let offset = 0;
    let inMatch = false;
    let matchSpan: SourceSpan | undefined;
    for (const raw of text.split(/\n/)) {
      const lineStart = offset;
      offset += raw.length + 1;
      // A `#` after whitespace starts a comment (lenient: sshd itself only allows whole-line comments).
      const line = raw.replace(/\r$/, '').replace(/\s+#.*$/, '');
      const content = line.replace(/^\s+/, '');
      if (!content || content.startsWith('#')) continue;
      const match = /^([A-Za-z][A-Za-z0-9]*)(?:\s*=\s*|\s+)(.*?)\s*$/.exec(content);
      const indent = line.length - content.length;
      if (!match) {
        const { line: number, column } = lines.position(lineStart + indent);
        throw new InputError(`invalid sshd_config line: expected "Keyword value", found ${JSON.stringify(content.slice(0, 40))}`, { file, line: number, column });
      }
      const keyword = match[1]!.toLowerCase();
      if (keyword === 'match') {
        // Settings after a Match apply only to some connections; the global defaults are what everyone gets.
        inMatch = true;
        matchSpan ??= lines.span(file, lineStart + indent, lineStart + line.length);
        continue;
      }
      if (inMatch) continue;
      const value = match[2]!.replace(/^"(.*)"$/, '$1');
      // ChallengeResponseAuthentication is the old name of KbdInteractiveAuthentication.
      const key = keyword === 'challengeresponseauthentication' ? 'kbdinteractiveauthentication' : keyword;
      if (values.has(key)) continue; // the first value obtained wins
      values.set(key, value);
      // setOwn: a `__proto__` line is data, not the prototype of this record (hostile-input issue).
      setOwn(at, key, lines.span(file, lineStart + indent, lineStart + line.length, `/${match[1]}`));
    }
    const yesNo = (key: 'passwordauthentication' | 'kbdinteractiveauthentication'): Maybe<boolean> => {
      const value = values.get(key);
      if (value === undefined) return DEFAULTS[key];
      const lower = value.toLowerCase();
      if (lower === 'yes') return true;
      if (lower === 'no') return false;
      return { unknown: true, reason: `${key} is "${value}"` };
    };
    const methods = values.get('authenticationmethods');
    const ssh: SshSettings = {
      passwordAuthentication: yesNo('passwordauthentication'),
      keyboardInteractive: yesNo('kbdinteractiveauthentication'),
      permitRootLogin: (values.get('permitrootlogin') ?? DEFAULTS.permitrootlogin).toLowerCase(),
      authenticationMethods: methods === undefined || methods.toLowerCase() === 'any' ? [] : methods.split(/\s+/),
    };
    const node: ComponentNode = {
      kind: 'component',
      id: `sshd:${file}`,
      label: 'sshd',
      layer: 'service',
      roles: ['ssh-daemon'],
      measuredBy: NOT_DECLARED,
      nestedVirtualization: false,
      vcpus: NOT_DECLARED,
      memoryMiB: NOT_DECLARED,
      ssh,
      source: lines.span(file, 0, Math.max(0, text.indexOf('\n'))),
      at,
      suppressions: NO_SUPPRESSIONS,
    };
    if (matchSpan) node.at = { ...at, match: matchSpan };
    const fragment: GraphFragment = { nodes: [node], edges: [] };
    return fragment;
  },
};
