import { WILDCARD, type Masker } from './mask.js';
import { coreEnd, valueWordFlags, WORD_BRACKETED, WORD_ENDS_WILDCARD, WORD_UNIT } from './value-words.js';

/** Slots of the raw-word cache: a power of two; enough for the constant words of a busy log source. */
const WORD_CACHE_SLOTS = 1 << 13;
/** Int32s per slot, one cache line: the word's hash, its length and flags, then its characters two to an int32. */
const SLOT_INTS = 16;
/** Characters a slot holds in place; a longer word is compared with its kept string. */
const INLINE_CHARS = (SLOT_INTS - 2) * 2;
/** Words at least this long are not cached: their length does not fit beside the flags. */
const UNCACHED_LENGTH = 1 << 23;
/** The flags of `<*>`, the masked form of most new words (a whole-word value). */
const WILDCARD_FLAGS = valueWordFlags(WILDCARD);
/** Joined words kept before the join cache starts over: joins are few (units, bracketed values). */
const JOIN_CACHE_LIMIT = 4096;

interface JoinedWord {
  readonly word: string;
  readonly flags: number;
}

/**
 * Masked, joined words of one message at a time, as `splitWords`, `Masker.maskWord` and `joinValueWords`
 * make them, with each word's `valueWordFlags`. Most words of a log stream repeat, so the masked form and
 * flags of a raw word are cached in a direct-mapped table found by hashing the word's characters as they
 * are read. A slot keeps the word's characters in place, so a repeated word is recognised by reading one
 * cache line, with no slice, no mask test and no allocation. A new word takes its slot from the word before
 * it there, which bounds the memory. `words` and `flags` are reused from message to message.
 */
export class MessageWords {
  /** The words of the last scanned message; entries past its count are stale. */
  readonly words: string[] = [];
  flags: Uint8Array = new Uint8Array(64);
  private readonly masker: Masker;
  private readonly slots = new Int32Array(WORD_CACHE_SLOTS * SLOT_INTS);
  /** The characters of the word being read, for comparing with a slot's two at a time. */
  private readonly scratch = new Uint16Array(INLINE_CHARS + 2);
  private readonly scratchPairs = new Int32Array(this.scratch.buffer);
  private readonly maskedWords: string[] = new Array<string>(WORD_CACHE_SLOTS).fill('');
  private readonly longWords: (string | undefined)[] = new Array<string | undefined>(WORD_CACHE_SLOTS).fill(undefined);
  private readonly unitJoins = new Map<string, Map<string, JoinedWord>>();
  private readonly pairJoins = new Map<string, Map<string, JoinedWord>>();
  private joinCount = 0;
  /** Flags of every word of the last message, or-ed together. */
  private seenFlags = 0;

  constructor(masker: Masker) {
    this.masker = masker;
  }

  /** Splits, masks and joins one message into `words` and `flags`; returns the number of words. */
  scan(message: string): number {
    const n = this.split(message);
    return (this.seenFlags & (WORD_UNIT | WORD_BRACKETED)) === 0 ? n : this.join(n);
  }

  private split(message: string): number {
    const { words, slots, scratch, scratchPairs, maskedWords } = this;
    let flags = this.flags;
    let seen = 0;
    let count = 0;
    const length = message.length;
    let i = 0;
    while (i < length) {
      let c = message.charCodeAt(i);
      if (c <= 32) {
        i++;
        continue;
      }
      const start = i;
      let hash = 0x811c9dc5;
      do {
        if (i - start < INLINE_CHARS) scratch[i - start] = c;
        hash = Math.imul(hash ^ c, 0x01000193);
        if (++i === length) break;
        c = message.charCodeAt(i);
      } while (c > 32);
      const wordLength = i - start;
      const pairs = (wordLength + 1) >> 1;
      // An odd-length word's last pair ends in 0, in the scratch as in the slot.
      if (wordLength < INLINE_CHARS) scratch[wordLength] = 0;
      const slot = (hash ^ (hash >>> 17)) & (WORD_CACHE_SLOTS - 1);
      const base = slot * SLOT_INTS;
      if (count === flags.length) flags = this.grow();
      let hit = slots[base] === hash && slots[base + 1]! >>> 8 === wordLength;
      if (hit && wordLength <= INLINE_CHARS) {
        for (let k = 0; k < pairs; k++) {
          if (slots[base + 2 + k] !== scratchPairs[k]) {
            hit = false;
            break;
          }
        }
      } else if (hit) hit = message.startsWith(this.longWords[slot]!, start);
      if (hit) {
        words[count] = maskedWords[slot]!;
        seen |= flags[count] = slots[base + 1]! & 255;
      } else {
        const word = message.slice(start, i);
        const masked = this.masker.maskWord(word);
        const wordFlags = masked === WILDCARD ? WILDCARD_FLAGS : valueWordFlags(masked);
        if (wordLength < UNCACHED_LENGTH) {
          slots[base] = hash;
          slots[base + 1] = (wordLength << 8) | wordFlags;
          if (wordLength <= INLINE_CHARS) {
            for (let k = 0; k < pairs; k++) slots[base + 2 + k] = scratchPairs[k]!;
            this.longWords[slot] = undefined;
          } else this.longWords[slot] = word;
          maskedWords[slot] = masked;
        }
        words[count] = masked;
        seen |= flags[count] = wordFlags;
      }
      count++;
    }
    this.seenFlags = seen;
    return count;
  }

  private grow(): Uint8Array {
    const flags = new Uint8Array(this.flags.length * 2);
    flags.set(this.flags);
    this.flags = flags;
    return flags;
  }

  /** `joinValueWords` over words with flags: joined words and their flags come from a bounded cache. */
  private join(n: number): number {
    const { words, flags } = this;
    let out = 0;
    for (let i = 0; i < n; i++) {
      const word = words[i]!;
      const wordFlags = flags[i]!;
      if (out > 0 && (flags[out - 1]! & WORD_ENDS_WILDCARD) !== 0 && (wordFlags & WORD_UNIT) !== 0) {
        const joined = this.joined(this.unitJoins, words[out - 1]!, word);
        words[out - 1] = joined.word;
        flags[out - 1] = joined.flags;
      } else {
        words[out] = word;
        flags[out] = wordFlags;
        out++;
      }
      if (out > 1 && (flags[out - 1]! & WORD_BRACKETED) !== 0) {
        const joined = this.joined(this.pairJoins, words[out - 2]!, words[out - 1]!);
        words[out - 2] = joined.word;
        flags[out - 2] = joined.flags;
        out--;
      }
    }
    return out;
  }

  private joined(joins: Map<string, Map<string, JoinedWord>>, before: string, after: string): JoinedWord {
    let byAfter = joins.get(before);
    const known = byAfter?.get(after);
    if (known !== undefined) return known;
    if (this.joinCount >= JOIN_CACHE_LIMIT) {
      this.unitJoins.clear();
      this.pairJoins.clear();
      this.joinCount = 0;
      byAfter = undefined;
    }
    const word = joins === this.unitJoins ? before + after.slice(coreEnd(after)) : `${before} ${after}`;
    const entry = { word, flags: valueWordFlags(word) };
    if (byAfter === undefined) joins.set(before, (byAfter = new Map()));
    byAfter.set(after, entry);
    this.joinCount++;
    return entry;
  }
}
