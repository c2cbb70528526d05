import { defineRule } from '../src/engine/rule.js';
import { INTERACTIVE_METHODS } from '../src/model/nodes.js';
import { nameOf, nodeName } from '../src/model/queries.js';
import { isUnknown, type Maybe } from '../src/model/unknown.js';
import { originOf, provenanceOf } from '../src/model/provenance.js';

/** Authentication methods that prove possession of a key, not knowledge of a password. */
const KEY_METHODS = new Set(['publickey', 'gssapi-with-mic', 'hostbased']);

/**
 * AuthenticationMethods lists alternatives; each is a comma-separated set that must all succeed.
 * Password-only is possible when some alternative has no key method in it (or none is listed).
 */
function requiresKey(methods: Maybe<string[]>): boolean {
  if (isUnknown(methods)) return false;
  return (
    methods.length > 0 &&
    methods.every((alternative) => alternative.split(',').some((m) => KEY_METHODS.has(m.split(':')[0])))
  );
}

export default defineRule({
  id: 'no-password-only-login',
  name: 'NoPasswordOnlyLogin',
  title: 'Guests never allow password-only login',
  severity: 'error',
  securitySeverity: 7.5,
  precision: 'high',
  tags: ['security', 'access', 'authentication', 'external/cwe/cwe-309'],
  since: '0.1.0',
  sources: [
    'AWS hypervisor security whitepaper (EC2 guests): password-only login is disabled; access uses key pairs',
    'cloud-init cc_set_passwords: ssh_pwauth, chpasswd (list/users, expire), users[].lock_passwd with passwd',
    'OpenSSH sshd_config(5): PasswordAuthentication and KbdInteractiveAuthentication default to yes; PermitRootLogin defaults to prohibit-password; AuthenticationMethods',
  ],
  appliesTo: ['component', 'instance'],
  rationale:
    'A password can be guessed, phished or reused from another breach, and an SSH port on the internet is tried with millions of them a day. A login that needs a key (or a password plus a second factor) cannot be brute-forced; a guest that accepts a password alone can.',
  fix: 'Use key pairs: PasswordAuthentication no and KbdInteractiveAuthentication no in sshd_config (or AuthenticationMethods publickey, or publickey,password to require both), and login: key on the access.',
  messages: {
    access: "'{{method}}' login to '{{target}}' by '{{principal}}' accepts a password alone.",
    sshdPassword:
      'sshd accepts password login ({{origin}}): set PasswordAuthentication no or require a key as well (AuthenticationMethods).',
    sshdKeyboard:
      'sshd accepts keyboard-interactive login ({{origin}}), which is a password prompt: set KbdInteractiveAuthentication no.',
    sshdRootPassword: 'sshd lets root log in with a password (PermitRootLogin yes).',
    undecided: 'Cannot tell whether sshd accepts password-only login: {{reason}}.',
    // sshd Match blocks (src/ingest/sshd-config.ts): some connections only, hence a warning
    sshdMatchPassword:
      "sshd accepts {{method}} login for connections matching '{{match}}': set it to no in this Match block or require a key as well (AuthenticationMethods).",
    // cloud-init user data in templates (CloudFormation UserData, Terraform user_data)
    cloudInit: "Instance '{{instance}}' accepts password login: its cloud-init user data {{what}}.",
    undecidedCloudInit: "Cannot tell whether the user data of '{{instance}}' allows password login: {{reason}}.",
  },
  check(graph, context) {
    for (const access of graph.edges('access')) {
      if (!INTERACTIVE_METHODS.has(access.method) || access.login === undefined || isUnknown(access.login)) continue;
      if (access.login !== 'password' || access.mfa === true) continue;
      context.report({
        messageId: 'access',
        data: {
          method: access.method,
          target: nodeName(graph.node(access.to), access.to),
          principal: nodeName(graph.node(access.from), access.from),
        },
        subject: access,
        property: 'login',
      });
    }

    // --- cloud-init: ssh_pwauth, chpasswd without expiry, unlocked users with passwords (cloud-init.ts)
    for (const instance of graph.nodes('instance')) {
      const cloudInit = instance.cloudInit;
      if (!cloudInit) continue;
      const name = nameOf(instance);
      if (isUnknown(cloudInit.passwordLogin)) {
        context.report({
          messageId: 'undecidedCloudInit',
          data: { instance: name, reason: cloudInit.passwordLogin.reason },
          subject: instance,
          at: cloudInit.source,
          property: 'userData',
          severity: 'note',
        });
        continue;
      }
      for (const { what, source } of cloudInit.passwordLogin) {
        context.report({
          messageId: 'cloudInit',
          data: { instance: name, what },
          subject: instance,
          at: source,
          property: `userData:${what.split(' ')[0]}`,
        });
      }
    }

    for (const daemon of graph.nodes('component')) {
      const ssh = daemon.ssh;
      if (!ssh) continue;
      // --- Match blocks: a password method on for some connections (warning, on the line inside the Match)
      for (const setting of ssh.conditional ?? []) {
        const globalValue = setting.method === 'password' ? ssh.passwordAuthentication : ssh.keyboardInteractive;
        if (globalValue === true && !isUnknown(ssh.authenticationMethods) && !requiresKey(ssh.authenticationMethods))
          continue; // the global finding covers it
        if (isUnknown(setting.authenticationMethods) || requiresKey(setting.authenticationMethods)) continue;
        context.report({
          messageId: 'sshdMatchPassword',
          data: { method: setting.method, match: setting.match },
          subject: daemon,
          property: setting.property,
          severity: 'warning',
        });
      }
      const methods = ssh.authenticationMethods;
      if (requiresKey(methods)) continue;
      for (const [value, messageId, property] of [
        [ssh.passwordAuthentication, 'sshdPassword', 'passwordauthentication'],
        [ssh.keyboardInteractive, 'sshdKeyboard', 'kbdinteractiveauthentication'],
      ] as const) {
        if (isUnknown(value)) {
          context.report({
            messageId: 'undecided',
            data: { reason: value.reason },
            subject: daemon,
            severity: 'note',
            property,
          });
        } else if (value && isUnknown(methods)) {
          // An unknown AuthenticationMethods may still require a key: a note, never an error.
          context.report({
            messageId: 'undecided',
            data: { reason: methods.reason },
            subject: daemon,
            severity: 'note',
            property,
          });
        } else if (value) {
          context.report({
            messageId,
            data: { origin: originOf(provenanceOf(daemon, property, value)) },
            subject: daemon,
            property,
          });
        }
      }
      if (ssh.permitRootLogin === 'yes' && ssh.passwordAuthentication === true && !isUnknown(methods)) {
        context.report({ messageId: 'sshdRootPassword', data: {}, subject: daemon, property: 'permitrootlogin' });
      }
    }
  },
});
