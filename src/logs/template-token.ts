import { WILDCARD } from './mask.js';

/** How a template token compares with a message word: constant text, equal or not. */
export const TOKEN_LITERAL = 0;
/** `<*>`: any word. */
export const TOKEN_WILDCARD = 1;
/** Text around `<*>`s, such as `<*>:<*>` or `uid=<*>`: the literal pieces must be found in order. */
export const TOKEN_PATTERN = 2;

export function tokenKind(token: string): number {
  if (token === WILDCARD) return TOKEN_WILDCARD;
  return token.includes(WILDCARD) ? TOKEN_PATTERN : TOKEN_LITERAL;
}

/**
 * Where each `<*>` of a pattern token lies in a word: the values in order, or null when the word does
 * not fit the pattern. A `<*>` takes the shortest text that lets the next literal piece follow.
 */
export function patternValues(pattern: string, word: string): string[] | null {
  const pieces = pattern.split(WILDCARD);
  const first = pieces[0]!;
  if (!word.startsWith(first)) return null;
  const values: string[] = [];
  let at = first.length;
  for (let k = 1; k < pieces.length; k++) {
    const piece = pieces[k]!;
    const last = k === pieces.length - 1;
    const next = last ? (word.endsWith(piece) && word.length - piece.length >= at ? word.length - piece.length : -1) : piece === '' ? at : word.indexOf(piece, at);
    if (next < 0) return null;
    values.push(word.slice(at, next));
    at = next + piece.length;
  }
  return values;
}

/** Whether a word (already masked) fits a pattern token: `<*>` in the word stands for any value. */
export function fitsPattern(pattern: string, word: string): boolean {
  return patternValues(pattern, word) !== null;
}

/** The literal pieces of a pattern token around its `<*>`s, split once so matching need not split again. */
export function patternPieces(pattern: string): readonly string[] {
  return pattern.split(WILDCARD);
}

/** `fitsPattern` over a pattern's pieces: the same shortest-value search, without building the values. */
export function fitsPieces(pieces: readonly string[], word: string): boolean {
  const first = pieces[0]!;
  if (!word.startsWith(first)) return false;
  let at = first.length;
  const last = pieces.length - 1;
  for (let k = 1; k < last; k++) {
    const piece = pieces[k]!;
    if (piece === '') continue;
    const next = word.indexOf(piece, at);
    if (next < 0) return false;
    at = next + piece.length;
  }
  const tail = pieces[last]!;
  return last === 0 || (word.endsWith(tail) && word.length - tail.length >= at);
}

const SEGMENT_DELIMITERS = ',;:=|"\'()[]{}';

function segments(token: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < token.length; i++) {
    if (SEGMENT_DELIMITERS.includes(token[i]!)) {
      out.push(token.slice(start, i), token[i]!);
      start = i + 1;
    }
  }
  out.push(token.slice(start));
  return out;
}

/**
 * The most specific token covering two different tokens: where both have the same delimiters
 * (`host-a:<*>` and `host-b:<*>`), only the differing segments become `<*>` (`<*>:<*>`); otherwise `<*>`.
 */
export function generaliseToken(a: string, b: string): string {
  if (a === WILDCARD || b === WILDCARD) return WILDCARD;
  const sa = segments(a);
  const sb = segments(b);
  if (sa.length !== sb.length || sa.length === 1) return WILDCARD;
  let out = '';
  for (let i = 0; i < sa.length; i++) {
    const x = sa[i]!;
    const y = sb[i]!;
    if (i % 2 === 1 && x !== y) return WILDCARD;
    out += x === y ? x : WILDCARD;
  }
  return out;
}
