/**
 * Graphite users write Python regular expressions and `re.sub` replacement templates (aliasSub,
 * seriesByTag `=~`, /tags filters). JavaScript's syntax is close; this maps the differences that matter:
 * named groups `(?P<n>...)`, backreferences `(?P=n)`, `\A`/`\Z`, and `\1`/`\g<n>` in replacements.
 */

/** Compiles a Python pattern; throws `cannot compile regular expression ...` naming the pattern. */
export function compilePythonRegex(pattern: string, flags = ''): RegExp {
  const translated = pattern
    .replace(/\(\?P<([A-Za-z_][A-Za-z0-9_]*)>/g, '(?<$1>')
    .replace(/\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)/g, '\\k<$1>')
    .replace(/\\A/g, '^')
    .replace(/\\Z/g, '$');
  try {
    return new RegExp(translated, flags);
  } catch (err) {
    throw new Error(`cannot compile regular expression ${JSON.stringify(pattern)}: ${(err as Error).message}`);
  }
}

type TemplatePart = string | { readonly group: number | string };

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07', b: '\b', '\\': '\\' };

/** Parses a Python replacement template into literal text and group references. */
function parseTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let literal = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== '\\' || i + 1 >= template.length) {
      literal += c;
      continue;
    }
    const next = template[i + 1]!;
    const digits = /^\d{1,2}/.exec(template.slice(i + 1));
    const named = /^g<([^>]+)>/.exec(template.slice(i + 1));
    if (digits !== null || named !== null) {
      if (literal) parts.push(literal);
      literal = '';
      const ref = digits !== null ? digits[0] : named![1]!;
      parts.push({ group: /^\d+$/.test(ref) ? Number(ref) : ref });
      i += digits !== null ? digits[0].length : named![0].length;
    } else if (ESCAPES[next] !== undefined) {
      literal += ESCAPES[next];
      i++;
    } else {
      literal += c;
    }
  }
  if (literal) parts.push(literal);
  return parts;
}

/** Python's `re.sub(pattern, template, text)`: every match replaced; unmatched groups give ''. */
export function pythonSub(pattern: RegExp, template: string, text: string): string {
  const parts = parseTemplate(template);
  const global = pattern.global ? pattern : new RegExp(pattern.source, `${pattern.flags}g`);
  return text.replace(global, (...match: unknown[]) => {
    const last = match[match.length - 1];
    const named = typeof last === 'object' && last !== null ? (last as Record<string, string | undefined>) : undefined;
    const groupCount = match.length - (named === undefined ? 3 : 4);
    let out = '';
    for (const part of parts) {
      if (typeof part === 'string') out += part;
      else if (typeof part.group === 'number') out += part.group <= groupCount ? ((match[part.group] as string | undefined) ?? '') : '';
      else out += named?.[part.group] ?? '';
    }
    return out;
  });
}
