import { DEFAULT_MASK_RULES, orderedSegmentTests, type MaskRule, type OrderedSegmentTest } from './mask-rules.js';

export const WILDCARD = '<*>';

const C_0 = 48;
const C_9 = 57;
const C_DOT = 46;
const C_SLASH = 47;
const C_A = 65;
const C_Z = 90;

/** Characters that end a segment inside a word: values sit between them (`uid=0`, `host:8080`, `(1234)`). */
const SEGMENT_DELIMITERS = new Uint8Array(128);
for (const ch of ',;:=|"\'()[]{}') SEGMENT_DELIMITERS[ch.charCodeAt(0)] = 1;

function isLowerLetter(c: number): boolean {
  return c >= 97 && c <= 122;
}

function isDelimiter(c: number): boolean {
  return c < 128 && SEGMENT_DELIMITERS[c] === 1;
}

/**
 * Replaces the variable segments of one word with `<*>`. Words without a digit, a leading `/`, an inner
 * `.` before a letter (host names) or a short capitalised start (month names) come back as they are without being scanned twice: most words of a log
 * line are constant text.
 */
export class Masker {
  private readonly tests: readonly OrderedSegmentTest[];

  constructor(rules: readonly MaskRule[] = DEFAULT_MASK_RULES) {
    this.tests = orderedSegmentTests(rules);
  }

  maskWord(word: string): string {
    const n = word.length;
    let interesting = false;
    for (let i = 0; i < n; i++) {
      const c = word.charCodeAt(i);
      if ((c >= C_0 && c <= C_9) || (i === 0 && c >= C_A && c <= C_Z && n >= 3 && n <= 10) || (c === C_SLASH && (i === 0 || isDelimiter(word.charCodeAt(i - 1)))) || (c === C_DOT && i + 1 < n && isLowerLetter(word.charCodeAt(i + 1)))) {
        interesting = true;
        break;
      }
    }
    if (!interesting || this.tests.length === 0) return word;
    let out = '';
    let copiedTo = 0;
    let start = 0;
    for (let i = 0; i <= n; i++) {
      if (i < n && !isDelimiter(word.charCodeAt(i))) continue;
      if (i > start) {
        // A sentence's full stop is not part of the value before it: `port 22.`.
        let end = i;
        while (end > start + 1 && word.charCodeAt(end - 1) === C_DOT) end--;
        const kept = this.keptChars(word, start, end);
        if (kept >= 0) {
          out += word.slice(copiedTo, start + kept) + WILDCARD;
          copiedTo = end;
        }
      }
      start = i + 1;
    }
    return copiedTo === 0 ? word : out + word.slice(copiedTo);
  }

  /** How many leading characters of a value segment stay before its `<*>` (0 mostly); -1 when it is no value. */
  private keptChars(word: string, from: number, to: number): number {
    let candidate = word.charCodeAt(from) === C_SLASH;
    for (let i = from; i < to && !candidate; i++) {
      const c = word.charCodeAt(i);
      candidate = (c >= C_0 && c <= C_9) || c === C_DOT || (i === from && c >= C_A && c <= C_Z && to - from <= 9);
    }
    if (!candidate) return -1;
    for (const { test, keptChars } of this.tests) if (test(word, from, to)) return keptChars;
    return -1;
  }
}
