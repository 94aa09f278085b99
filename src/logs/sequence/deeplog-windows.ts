import type { Session } from './session.js';

/** The padding symbol before a session's first key; key ids start at 1, so 0 is free. */
export const PAD = 0;

/**
 * Writes `historyLength` pads, the session's keys and, when `endSymbol` >= 0, the end symbol into `out` (which must
 * hold historyLength + session.length + 1 symbols). Position i >= historyLength is judged by the window of the
 * historyLength symbols before it. Returns the number of symbols written.
 */
export function fillSymbols(session: Session, historyLength: number, endSymbol: number, out: Int32Array): number {
  out.fill(PAD, 0, historyLength);
  for (let i = 0; i < session.length; i++) out[historyLength + i] = session[i]!;
  if (endSymbol < 0) return historyLength + session.length;
  out[historyLength + session.length] = endSymbol;
  return historyLength + session.length + 1;
}

interface WindowEntry<T> {
  readonly window: Int32Array;
  readonly value: T;
  next: WindowEntry<T> | undefined;
}

/**
 * A map from windows of symbols to values, keyed by a 53-bit hash (no string per lookup) and checked symbol by
 * symbol, so a hash collision costs a comparison, never a wrong answer.
 */
export class WindowTable<T> {
  private readonly buckets = new Map<number, WindowEntry<T>>();
  private count = 0;

  constructor(readonly windowLength: number) {}

  get size(): number {
    return this.count;
  }

  /** The value of the window `symbols[start, start + windowLength)`, if present. */
  get(symbols: Int32Array, start: number): T | undefined {
    for (let entry = this.buckets.get(this.hash(symbols, start)); entry !== undefined; entry = entry.next) {
      if (this.matches(entry.window, symbols, start)) return entry.value;
    }
    return undefined;
  }

  /** Adds a window that is not present yet (copying its symbols). */
  add(symbols: Int32Array, start: number, value: T): void {
    const hash = this.hash(symbols, start);
    const window = symbols.slice(start, start + this.windowLength);
    this.buckets.set(hash, { window, value, next: this.buckets.get(hash) });
    this.count++;
  }

  clear(): void {
    this.buckets.clear();
    this.count = 0;
  }

  private matches(window: Int32Array, symbols: Int32Array, start: number): boolean {
    for (let i = 0; i < this.windowLength; i++) if (window[i] !== symbols[start + i]) return false;
    return true;
  }

  /** Two 32-bit multiply-xorshift lanes joined into one 53-bit number. */
  private hash(symbols: Int32Array, start: number): number {
    let lo = 0x811c9dc5;
    let hi = 0x01000193;
    for (let i = 0; i < this.windowLength; i++) {
      const symbol = symbols[start + i]!;
      lo = Math.imul(lo ^ symbol, 0x85ebca6b);
      lo ^= lo >>> 13;
      hi = Math.imul(hi ^ symbol ^ (lo >>> 7), 0xc2b2ae35);
      hi ^= hi >>> 16;
    }
    return (hi & 0x1fffff) * 4294967296 + (lo >>> 0);
  }
}
