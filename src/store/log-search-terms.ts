/** A free-text log search split into what the message must and must not contain. */
export interface LogSearchTerms {
  readonly include: readonly string[];
  readonly exclude: readonly string[];
}

/**
 * Splits a `LogQuery.query` into terms: whitespace separates terms, a double-quoted phrase is one term
 * (an unclosed quote runs to the end), and a term or phrase starting with `-` must not appear. A lone
 * `-` is the literal term "-"; an empty phrase is no term. Every other character is literal.
 */
export function parseLogSearchTerms(text: string): LogSearchTerms {
  const include: string[] = [];
  const exclude: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (isSpace(text.charCodeAt(i))) {
      i++;
      continue;
    }
    let negated = false;
    if (text[i] === '-' && i + 1 < text.length && !isSpace(text.charCodeAt(i + 1))) {
      negated = true;
      i++;
    }
    let term: string;
    if (text[i] === '"') {
      const close = text.indexOf('"', i + 1);
      const end = close === -1 ? text.length : close;
      term = text.slice(i + 1, end);
      i = end + 1;
    } else {
      const start = i;
      while (i < text.length && !isSpace(text.charCodeAt(i))) i++;
      term = text.slice(start, i);
    }
    if (term.length > 0) (negated ? exclude : include).push(term);
  }
  return { include, exclude };
}

function isSpace(code: number): boolean {
  // The characters JavaScript's \s matches.
  return (
    code === 0x20 ||
    (code >= 0x09 && code <= 0x0d) ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}
