import { readFileSync } from 'node:fs';
import { posix, resolve } from 'node:path';
import { LineIndex, type SourceSpan } from '../../model/source.js';
import type { LocatedDocument } from '../located.js';

/**
 * The file a `user_data = templatefile("…", {…})` (or `file("…")`, inside `base64encode(…)` or not) renders:
 * its display path and where to read it. Only a literal path, optionally under `${path.module}/`
 * (https://developer.hashicorp.com/terraform/language/functions/templatefile).
 */
export function templateTarget(
  document: LocatedDocument,
  property: SourceSpan,
  absolute: (display: string) => string = (display) => resolve(display),
): { display: string; absolute: string } | undefined {
  let text = '';
  for (let line = property.startLine; line <= Math.min(document.lines.lineCount, property.startLine + 2); line++)
    text += `${document.lines.line(line) ?? ''}\n`;
  const match = /\b(?:templatefile|file)\(\s*"(?:\$\{path\.module\}\/)?([^"$]+)"/.exec(text);
  if (!match) return undefined;
  const display = posix.join(posix.dirname(document.file.split('\\').join('/')), match[1]);
  return { display, absolute: absolute(display) };
}

export function readTemplate(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch {
    return undefined;
  }
}

/**
 * Lines of a rendered template as lines of its file: when rendering kept the number of lines (no directive
 * added or dropped one), line n of the text is line n of the file.
 */
export function linePlacement(
  rendered: string,
  display: string,
  templateText: string,
): { lines: LineIndex; property: SourceSpan } | undefined {
  const count = (text: string) => text.replace(/\n$/, '').split('\n').length;
  if (count(rendered) !== count(templateText)) return undefined;
  return {
    lines: new LineIndex(rendered),
    property: { file: display, startLine: 1, startColumn: 1, endLine: 1, endColumn: 2 },
  };
}
