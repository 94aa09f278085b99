/**
 * Compiles a Graphite-style glob to a RegExp anchored at both ends:
 * `*` matches within one dotted node, `**` across nodes, `?` one character, `{a,b}` alternatives,
 * `[0-9]` character classes. Everything else is literal.
 */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  let braceDepth = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        re += '.*';
        i++;
      } else {
        re += '[^.]*';
      }
    } else if (c === '?') {
      re += '[^.]';
    } else if (c === '{') {
      braceDepth++;
      re += '(?:';
    } else if (c === '}' && braceDepth > 0) {
      braceDepth--;
      re += ')';
    } else if (c === ',' && braceDepth > 0) {
      re += '|';
    } else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) throw new Error(`cannot compile glob ${JSON.stringify(glob)}: unclosed '['`);
      re += `[${glob.slice(i + 1, end).replace(/\\/g, '\\\\')}]`;
      i = end;
    } else {
      re += c.replace(/[.+^$()|\\\]]/g, '\\$&');
    }
  }
  if (braceDepth !== 0) throw new Error(`cannot compile glob ${JSON.stringify(glob)}: unclosed '{'`);
  return new RegExp(`^${re}$`);
}
