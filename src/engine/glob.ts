/** A path glob (`*` within a segment, `**` across segments, `?` one character) as a RegExp over /-paths. */
export function globToRegExp(glob: string): RegExp {
  let pattern = '';
  const normalized = glob.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/$/, '');
  for (let i = 0; i < normalized.length; i++) {
    const c = normalized[i];
    if (c === '*' && normalized[i + 1] === '*') {
      pattern += normalized[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += normalized[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') pattern += '[^/]*';
    else if (c === '?') pattern += '[^/]';
    else pattern += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  // A plain directory name also matches everything under it.
  return new RegExp(`^${pattern}(?:/.*)?$`);
}
