/**
 * Loghub-2.0's template correction (its `correct_single_template`), applied to the ground truth of the
 * `_corrected` files and here to mined templates, so both sides are compared in one form: whitespace
 * runs become one space; path-like strings, digit-only tokens, booleans and the user strings
 * `null`/`root`/`admin` become `<*>`; a token holding `<*>` becomes `<*>`; `<*>.<*>` and `<*><*>` fold.
 */
const PATH_DELIMITERS = new Set([' ', ',', '!', ';', ':', '=', '|', '"', "'", '[', ']', '(', ')', '{', '}']);
const TOKEN_DELIMITERS = new Set([...PATH_DELIMITERS, '.', '-', '+', '@', '#', '$', '%', '&']);
const REPLACED_WORDS = new Set(['true', 'false', 'null', 'root', 'admin']);

/** Splits text at single-character delimiters, keeping them: tokens at even indexes, delimiters at odd. */
function splitKeeping(text: string, delimiters: ReadonlySet<string>): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (delimiters.has(text[i]!)) {
      parts.push(text.slice(start, i), text[i]!);
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** `(/[^/]+)+`: slash-separated non-empty names with a leading slash. */
function isPathLike(token: string): boolean {
  if (token.length < 2 || token[0] !== '/') return false;
  for (let i = 0; i < token.length; i++) if (token[i] === '/' && (i + 1 === token.length || token[i + 1] === '/')) return false;
  return true;
}

function isDigits(token: string): boolean {
  if (token === '') return false;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function foldRepeatedly(text: string, pattern: string): string {
  let previous = '';
  while (previous !== text) {
    previous = text;
    text = text.replaceAll(pattern, '<*>');
  }
  return text;
}

export function normaliseTemplate(template: string): string {
  let text = template.trim().replace(/\s+/g, ' ');
  text = splitKeeping(text, PATH_DELIMITERS)
    .map((part, i) => (i % 2 === 0 && isPathLike(part) ? '<*>' : part))
    .join('');
  text = splitKeeping(text, TOKEN_DELIMITERS)
    .map((part, i) => {
      if (i % 2 === 1) return part;
      if (REPLACED_WORDS.has(part.toLowerCase()) || isDigits(part)) return '<*>';
      if (part.includes('<*>') && !part.includes('/')) return '<*>';
      return part;
    })
    .join('');
  return foldRepeatedly(foldRepeatedly(text, '<*>.<*>'), '<*><*>');
}
