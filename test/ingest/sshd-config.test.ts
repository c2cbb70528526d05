import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { sshdConfigAdapter } from '../../src/ingest/sshd-config.js';
import type { ComponentNode } from '../../src/model/nodes.js';
import { isUnknown } from '../../src/model/unknown.js';
import { REPO_ROOT } from '../helpers.js';
import { readFileSync } from 'node:fs';

const FIXTURES = join(REPO_ROOT, 'fixtures', 'rules', 'no-password-only-login');

function load(relative: string): ComponentNode {
  const absolutePath = join(FIXTURES, relative);
  const fragment = sshdConfigAdapter.load({
    file: `fx/${relative}`,
    absolutePath,
    text: readFileSync(absolutePath, 'utf8'),
  });
  expect(fragment.nodes).toHaveLength(1);
  return fragment.nodes[0] as ComponentNode;
}

describe('sshd_config adapter', () => {
  it('reads an Include before a keyword first: the drop-in wins (Ubuntu layout)', () => {
    const daemon = load('pass-sshd-ubuntu-drop-in/sshd_config');
    expect(daemon.ssh!.passwordAuthentication).toBe(false);
    expect(daemon.at.passwordauthentication.file).toBe('fx/pass-sshd-ubuntu-drop-in/sshd_config.d/50-cloud-init.conf');
    expect(daemon.at.passwordauthentication.startLine).toBe(1);
    expect(sshdConfigAdapter.owns!(join(FIXTURES, 'pass-sshd-ubuntu-drop-in/sshd_config'))).toEqual([
      join(FIXTURES, 'pass-sshd-ubuntu-drop-in/sshd_config.d/50-cloud-init.conf'),
    ]);
  });

  it('keeps a keyword set before the Include', () => {
    const daemon = load('trigger-sshd-include-after-keyword/sshd_config');
    expect(daemon.ssh!.passwordAuthentication).toBe(true);
    expect(daemon.at.passwordauthentication.startLine).toBe(2);
  });

  it('makes keywords after an Include that is not in the scan unknown, not defaults', () => {
    const ssh = load('trigger-sshd-include-not-in-scan/sshd_config').ssh!;
    expect(isUnknown(ssh.passwordAuthentication)).toBe(true);
    expect(isUnknown(ssh.keyboardInteractive)).toBe(true);
  });

  it('keeps Match blocks apart, with the line inside the block', () => {
    const daemon = load('trigger-sshd-match/sshd_config');
    expect(daemon.ssh!.passwordAuthentication).toBe(false);
    expect(daemon.ssh!.conditional).toEqual([
      {
        method: 'password',
        match: 'Address 10.0.0.0/8',
        property: 'match0:passwordauthentication',
        authenticationMethods: [],
      },
      {
        method: 'password',
        match: 'User deploy',
        property: 'match1:passwordauthentication',
        authenticationMethods: ['publickey,password'],
      },
    ]);
    expect(daemon.at['match0:passwordauthentication'].startLine).toBe(5);
  });

  it('reads drop-ins without their sshd_config as one daemon, first value winning, the rest unknown', () => {
    const directory = 'pass-sshd-drop-ins-alone/etc/ssh/sshd_config.d';
    expect(sshdConfigAdapter.owns!(join(FIXTURES, directory, '10-keys-only.conf'))).toEqual([
      join(FIXTURES, directory, '50-cloud-init.conf'),
    ]);
    expect(sshdConfigAdapter.owns!(join(FIXTURES, directory, '50-cloud-init.conf'))).toEqual([]);
    const ssh = load(`${directory}/10-keys-only.conf`).ssh!;
    expect(ssh.passwordAuthentication).toBe(false);
    expect(isUnknown(ssh.authenticationMethods)).toBe(true);
  });

  it('claims a one-keyword drop-in of sshd_config.d', () => {
    expect(
      sshdConfigAdapter.claims({
        file: 'etc/ssh/sshd_config.d/50-cloud-init.conf',
        absolutePath: '/x/etc/ssh/sshd_config.d/50-cloud-init.conf',
        text: 'PasswordAuthentication no\n',
      }),
    ).toBe(true);
  });

  it('rejects a malformed line with a one-line InputError at its position', () => {
    const run = () =>
      sshdConfigAdapter.load({
        file: 'sshd_config',
        absolutePath: '/nonexistent/sshd_config',
        text: 'Port 22\n  !!bad\n',
      });
    expect(run).toThrow(InputError);
    try {
      run();
    } catch (error) {
      expect((error as InputError).message).not.toContain('\n');
      expect((error as InputError).place).toMatchObject({ line: 2, column: 3 });
    }
  });
});
