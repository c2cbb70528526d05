import type { CloudInitLogin } from '../model/nodes.js';
import type { SourceSpan } from '../model/source.js';
import { isUnknown, unknown, type Unknown } from '../model/unknown.js';
import { joinedOf } from './aws/cloudformation-intrinsics.js';
import { isInterpolation, isRecord } from './aws/values.js';
import { parseYaml, type LocatedDocument } from './located.js';

/**
 * cloud-init user data (`#cloud-config`) given literally in a template (CloudFormation `UserData`, Terraform
 * `user_data`): what makes the instance accept a password alone (issue 11, no-password-only-login):
 * `ssh_pwauth: true`; `chpasswd` with passwords that do not expire (`expire: false`); a user with
 * `lock_passwd: false` and a password (`passwd`, `hashed_passwd`, `plain_text_passwd`). Shell-script user
 * data and anything computed (`base64encode(…)`, `templatefile`, `Fn::Join`) is not judged.
 *
 * Findings land inside the user data when its text sits verbatim in the template (a YAML block scalar, a
 * heredoc), else on the property.
 */
export function cloudInitLogin(
  value: unknown,
  template: LocatedDocument,
  property: SourceSpan,
): CloudInitLogin | undefined {
  if (value === undefined || value === null) return undefined;
  // Computed user data whose known start already shows it is no cloud-config (a shell script) is not judged.
  if (isUnknown(value) && notCloudConfig(knownStart(value))) return undefined;
  if (isUnknown(value))
    return { passwordLogin: unknown(`the user data is computed (${value.reason})`), source: property };
  if (typeof value !== 'string')
    return { passwordLogin: unknown('the user data is not literal text'), source: property };
  if (!/^#cloud-config[ \t]*\r?$/m.test(value.split('\n', 1)[0] ?? '') && !value.startsWith('#cloud-config'))
    return undefined;
  let documents: LocatedDocument[];
  try {
    documents = parseYaml(template.file, value);
  } catch {
    return { passwordLogin: unknown('the #cloud-config user data is not valid YAML'), source: property };
  }
  const config = documents[0]?.value;
  if (!isRecord(config)) return undefined;
  const inner = documents[0];
  const place = embeddedPlacement(value, template, property);
  const at = (container: object, key: string | number): SourceSpan => {
    if (place === undefined) return property;
    const span = inner.spanOfKey(container, key);
    const start = place(span.startLine, span.startColumn);
    // A key's span may run over several lines (its value); the finding marks the key's own line.
    const end = span.startLine === span.endLine ? place(span.endLine, span.endColumn) : undefined;
    return {
      file: template.file,
      startLine: start.line,
      startColumn: start.column,
      endLine: start.line,
      endColumn: end?.column ?? Math.max(start.column + 1, (template.lines.line(start.line) ?? '').length + 1),
    };
  };
  const found: Array<{ what: string; source: SourceSpan }> = [];
  if (isTrue(config.ssh_pwauth))
    found.push({ what: 'ssh_pwauth: true turns on SSH password authentication', source: at(config, 'ssh_pwauth') });
  const chpasswd = config.chpasswd;
  if (isRecord(chpasswd) && chpasswd.expire !== undefined && !isTrue(chpasswd.expire) && hasPasswords(chpasswd)) {
    found.push({
      what: 'chpasswd sets passwords that never have to be changed (expire: false)',
      source: at(chpasswd, 'expire'),
    });
  }
  if (Array.isArray(config.users)) {
    for (const user of config.users) {
      if (!isRecord(user) || user.lock_passwd === undefined || isTrue(user.lock_passwd)) continue;
      if (
        !['passwd', 'hashed_passwd', 'plain_text_passwd'].some(
          (key) => typeof user[key] === 'string' && user[key] !== '',
        )
      )
        continue;
      found.push({
        what: `user ${typeof user.name === 'string' ? user.name : '?'} has a password and lock_passwd: false`,
        source: at(user, 'lock_passwd'),
      });
    }
  }
  return { passwordLogin: found, source: property };
}

function isTrue(value: unknown): boolean {
  return value === true || (typeof value === 'string' && /^(true|yes|on|1)$/i.test(value.trim()));
}

/** `chpasswd: { list: … }` (older), `users: [{ name, password }]` (cloud-init 22.3+). */
function hasPasswords(chpasswd: Record<string, unknown>): boolean {
  const list = chpasswd.list;
  if (typeof list === 'string' && /\S+:\S+/.test(list)) return true;
  if (Array.isArray(list) && list.length > 0) return true;
  return Array.isArray(chpasswd.users) && chpasswd.users.some((user) => isRecord(user) && user.password !== undefined);
}

/**
 * Where the user data's lines sit in the template, when they sit there verbatim (indentation aside: a
 * YAML block scalar, an HCL heredoc): a map from a line and column of the user data to the template's.
 * Undefined when they do not (an escaped JSON string, a computed value): findings then take the property.
 */
function embeddedPlacement(
  value: string,
  template: LocatedDocument,
  property: SourceSpan,
): ((line: number, column: number) => { line: number; column: number }) | undefined {
  const inner = value.split('\n');
  const lineCount = template.lines.lineCount;
  for (let line = property.startLine; line <= Math.min(lineCount, property.startLine + 3); line++) {
    if (!(template.lines.line(line) ?? '').includes('#cloud-config')) continue;
    const shift = line - 1;
    // Per line of the user data, how far right the template has it (its indentation).
    const deltas: number[] = [];
    for (let index = 0; index < inner.length; index++) {
      const text = inner[index].replace(/\r$/, '');
      if (text.trim() === '') {
        deltas.push(0);
        continue;
      }
      const outer = template.lines.line(shift + index + 1);
      if (outer === undefined || outer.trim() !== text.trim()) return undefined;
      deltas.push(indentation(outer) - indentation(text));
    }
    return (innerLine, column) => ({ line: innerLine + shift, column: column + (deltas[innerLine - 1] ?? 0) });
  }
  return undefined;
}

function indentation(line: string): number {
  return line.length - line.trimStart().length;
}

/** The literal text a computed value starts with (`!Sub "#!/bin/bash\n${Var}"`, a templatefile), if kept. */
function knownStart(value: Unknown): string | undefined {
  if (isInterpolation(value)) return typeof value.parts[0] === 'string' ? value.parts[0] : '';
  const joined = joinedOf(value);
  if (joined) return typeof joined.items[0] === 'string' ? joined.items[0] : '';
  return undefined;
}

/**
 * The first lines cloud-init reads as configuration, or as something that may hold some (cloud-init's
 * "User data formats", https://cloudinit.readthedocs.io/en/latest/explanation/format.html): cloud-config,
 * includes, boothooks, part handlers, Jinja templates and MIME multi-part archives.
 */
const CONFIG_STARTS = [
  '#cloud-config',
  '#include',
  '#cloud-boothook',
  '#part-handler',
  '## template:',
  'Content-Type:',
  'MIME-Version:',
];

/**
 * Whether user data starting with `start` is certainly no cloud-config: a script (`#!`), or any other text that
 * starts none of the formats above. An empty or unknown start decides nothing.
 */
function notCloudConfig(start: string | undefined): boolean {
  if (start === undefined || start === '') return false;
  if (start.startsWith('#!')) return true;
  return !CONFIG_STARTS.some((header) => start.startsWith(header) || header.startsWith(start));
}
