import { WILDCARD } from './mask.js';

/** Size and time units that belong to the number before them (`0.39 KB`, `<1 sec`): one value, not two words. */
const VALUE_UNITS = new Set(['b', 'kb', 'mb', 'gb', 'tb', 'pb', 'kib', 'mib', 'gib', 'tib', 'sec', 'secs', 'ms', 'us', 'ns']);

const CLOSERS = ')]},;:.';
const OPENERS = '([{';
const BRACKET_CLOSERS = ')]}';
const PUNCTUATION = ',;:.';

/** End of a word's text before its closing punctuation: `KB)` → 2. */
export function coreEnd(word: string): number {
  let end = word.length;
  while (end > 0 && CLOSERS.includes(word[end - 1]!)) end--;
  return end;
}

function isUnit(word: string): boolean {
  const end = coreEnd(word);
  return end > 0 && end <= 4 && VALUE_UNITS.has(word.slice(0, end).toLowerCase());
}

/**
 * `(<*>)`, `[<*>],` or an empty `()`: a bracketed value alone, restating or naming the value before it
 * (`403 bytes (0.39 KB)`, `from 10.0.0.1 (host.example.com)`).
 */
function isBracketedValue(word: string): boolean {
  let end = word.length;
  while (end > 0 && PUNCTUATION.includes(word[end - 1]!)) end--;
  if (end < 2 || !OPENERS.includes(word[0]!) || !BRACKET_CLOSERS.includes(word[end - 1]!)) return false;
  return end === 2 || (end === WILDCARD.length + 2 && word.startsWith(WILDCARD, 1));
}

/**
 * Joins value words that are parts of one value into the word before them, in place: a unit after a
 * masked number (`(<*>` `KB)` → `(<*>)`) and a bracketed value alone (`bytes` `(<*>)` → `bytes (<*>)`), so
 * messages stating a value with or without them keep one length. `raw`, when given, holds the unmasked
 * words and is joined the same way. Returns the new number of words.
 */
export function joinValueWords(words: string[], n: number, raw: string[] | null): number {
  let out = 0;
  for (let i = 0; i < n; i++) {
    const word = words[i]!;
    if (out > 0 && words[out - 1]!.endsWith(WILDCARD) && isUnit(word)) {
      words[out - 1] += word.slice(coreEnd(word));
      if (raw !== null) raw[out - 1] = `${raw[out - 1]!} ${raw[i]!}`;
    } else {
      words[out] = word;
      if (raw !== null) raw[out] = raw[i]!;
      out++;
    }
    if (out > 1 && isBracketedValue(words[out - 1]!)) {
      words[out - 2] = `${words[out - 2]!} ${words[out - 1]!}`;
      if (raw !== null) raw[out - 2] = `${raw[out - 2]!} ${raw[out - 1]!}`;
      out--;
    }
  }
  words.length = out;
  if (raw !== null) raw.length = out;
  return out;
}

/** The word has a digit or `<` (a masked value): it may differ from a template word in a short message. */
export const WORD_VALUE_MARK = 1;
/** The word holds `<*>`. */
export const WORD_HAS_WILDCARD = 2;
/** The word ends with `<*>`: a unit after it joins it. */
export const WORD_ENDS_WILDCARD = 4;
/** The word is a unit (`KB)`, `sec`). */
export const WORD_UNIT = 8;
/** The word is a lone bracketed value (`(<*>)`, `()`): it joins the word before it. */
export const WORD_BRACKETED = 16;

/** What `joinValueWords` and the miner ask of a masked word, worked out once per distinct word. */
export function valueWordFlags(word: string): number {
  let flags = 0;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if ((c >= 48 && c <= 57) || c === 60) {
      flags |= WORD_VALUE_MARK;
      break;
    }
  }
  if (word.includes(WILDCARD)) flags |= WORD_HAS_WILDCARD;
  if (word.endsWith(WILDCARD)) flags |= WORD_ENDS_WILDCARD;
  if (isUnit(word)) flags |= WORD_UNIT;
  if (isBracketedValue(word)) flags |= WORD_BRACKETED;
  return flags;
}
