import { describe, expect, it } from 'vitest';
import { joinValueWords, Masker, splitWords } from './index.js';
import { MessageWords } from './message-words.js';
import { valueWordFlags } from './value-words.js';

/** The words of a message as the plain pipeline makes them: split, mask each word, join value words. */
function reference(masker: Masker, message: string): string[] {
  const words: string[] = [];
  const n = splitWords(message, words);
  const masked = words.map((w) => masker.maskWord(w));
  joinValueWords(masked, n, null);
  return masked;
}

function scanned(scanner: MessageWords, message: string): { words: string[]; flags: number[] } {
  const n = scanner.scan(message);
  return { words: scanner.words.slice(0, n), flags: Array.from(scanner.flags.subarray(0, n)) };
}

/** Deterministic pseudo-random integers (a linear congruential generator). */
function randomInts(seed: number): (below: number) => number {
  let state = seed >>> 0;
  return (below) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % below;
  };
}

describe('MessageWords', () => {
  const masker = new Masker();

  it('gives the words and flags of split, mask and join, units and bracketed values included', () => {
    const scanner = new MessageWords(masker);
    for (const message of [
      'proxy.example.org:5070 close, 403 bytes (0.39 KB) sent, 426 bytes received, lifetime <1 sec',
      '  Received block blk_-1608999687919862906 of size 67108864 from /10.251.42.84\t',
      'session opened for user root by (uid=0)',
      'from 10.0.0.1 () at 12 KB)',
      '',
      'x',
    ]) {
      const expected = reference(masker, message);
      expect(scanned(scanner, message)).toEqual({ words: expected, flags: expected.map(valueWordFlags) });
    }
  });

  it('gives the same answers from its cache as without, across many more distinct words than it holds', () => {
    const scanner = new MessageWords(masker);
    const next = randomInts(7);
    const constant = ['connect', 'to', 'host', 'failed', 'bytes', 'KB)', '(<1', 'sec', '()', 'user=admin', 'Jun', 'port'];
    const value = (): string => [`${next(100000)}`, `10.0.${next(256)}.${next(256)}:${next(65536)}`, `blk_${next(1 << 30)}${next(1 << 30)}`, `(${next(99)}.${next(99)}`, `u${next(50000)}`, `/var/log/${next(500)}`][next(6)]!;
    for (let m = 0; m < 4000; m++) {
      const words = Array.from({ length: 1 + next(12) }, () => (next(3) === 0 ? value() : constant[next(constant.length)]!));
      const message = words.join(next(4) === 0 ? '  ' : ' ');
      const expected = reference(masker, message);
      expect(scanned(scanner, message)).toEqual({ words: expected, flags: expected.map(valueWordFlags) });
    }
  });

  it('tells apart words around the length kept in place, long words, and words past ASCII', () => {
    const scanner = new MessageWords(masker);
    const lengths = [1, 2, 27, 28, 29, 30, 64];
    const messages = lengths.flatMap((n) => ['a', 'b'].map((last) => `${'x'.repeat(n - 1)}${last} ${'/p'.repeat(n)} id=${'9'.repeat(n)}`));
    messages.push('héllo wörld 3 Größe 7 KB)', 'emoji 😀 x😀 12😀', 'tab\tand\r\nnewline', '   ', '');
    for (let round = 0; round < 3; round++) {
      for (const message of messages) {
        const expected = reference(masker, message);
        expect(scanned(scanner, message)).toEqual({ words: expected, flags: expected.map(valueWordFlags) });
      }
    }
  });

  it('reuses its arrays and grows them for a long message', () => {
    const scanner = new MessageWords(masker);
    const long = Array.from({ length: 300 }, (_, i) => `w${i}`).join(' ');
    expect(scanner.scan(long)).toBe(300);
    expect(scanner.flags.length).toBeGreaterThanOrEqual(300);
    const words = scanner.words;
    expect(scanner.scan('a b')).toBe(2);
    expect(scanner.words).toBe(words);
    expect(scanner.words.slice(0, 2)).toEqual(['a', 'b']);
  });
});
