import { WILDCARD } from './mask.js';

/** Size and time units that belong to the number before them (`0.39 KB`, `<1 sec`): one value, not two words. */
const VALUE_UNITS: readonly string[] = ['b', 'kb', 'mb', 'gb', 'tb', 'pb', 'kib', 'mib', 'gib', 'tib', 'sec', 'secs', 'ms', 'us', 'ns'];

/** `)]},;:.`: what may close a word after its text. */
function isCloser(c: number): boolean {
  return c === 41 || c === 93 || c === 125 || c === 44 || c === 59 || c === 58 || c === 46;
}

/** `,;:.` */
function isPunctuation(c: number): boolean {
  return c === 44 || c === 59 || c === 58 || c === 46;
}

/** End of a word's text before its closing punctuation: `KB)` → 2. */
export function coreEnd(word: string): number {
  let end = word.length;
  while (end > 0 && isCloser(word.charCodeAt(end - 1))) end--;
  return end;
}

/** Whether the first `end` characters of a word are a unit, in any case. */
function isUnitText(word: string, end: number): boolean {
  for (let i = 0; i < end; i++) {
    // Past ASCII, lower-casing is Unicode's: leave it to toLowerCase.
    if (word.charCodeAt(i) >= 128) return VALUE_UNITS.includes(word.slice(0, end).toLowerCase());
  }
  for (const unit of VALUE_UNITS) {
    if (unit.length !== end) continue;
    let same = true;
    for (let i = 0; i < end && same; i++) {
      const c = word.charCodeAt(i);
      same = (c >= 65 && c <= 90 ? c | 32 : c) === unit.charCodeAt(i);
    }
    if (same) return true;
  }
  return false;
}

function isUnit(word: string): boolean {
  const end = coreEnd(word);
  return end > 0 && end <= 4 && isUnitText(word, end);
}

/**
 * `(<*>)`, `[<*>],` or an empty `()`: a bracketed value alone, restating or naming the value before it
 * (`403 bytes (0.39 KB)`, `from 10.0.0.1 (host.example.com)`).
 */
function isBracketedValue(word: string): boolean {
  const first = word.charCodeAt(0);
  if (first !== 40 && first !== 91 && first !== 123) return false;
  let end = word.length;
  while (end > 0 && isPunctuation(word.charCodeAt(end - 1))) end--;
  const last = word.charCodeAt(end - 1);
  if (end < 2 || (last !== 41 && last !== 93 && last !== 125)) return false;
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

/** What `joinValueWords` and the miner ask of a masked word, worked out once per distinct word in one pass. */
export function valueWordFlags(word: string): number {
  let flags = 0;
  const n = word.length;
  for (let i = 0; i < n; i++) {
    const c = word.charCodeAt(i);
    if (c >= 48 && c <= 57) flags |= WORD_VALUE_MARK;
    else if (c === 60) {
      flags |= WORD_VALUE_MARK;
      // `<*>` here: a wildcard, the last one if it ends the word.
      if (i + 2 < n && word.charCodeAt(i + 1) === 42 && word.charCodeAt(i + 2) === 62) {
        flags |= WORD_HAS_WILDCARD;
        if (i + 3 === n) flags |= WORD_ENDS_WILDCARD;
      }
    }
  }
  if (isUnit(word)) flags |= WORD_UNIT;
  if (isBracketedValue(word)) flags |= WORD_BRACKETED;
  return flags;
}
