import { describe, expect, it } from 'vitest';

/** What the series-key caches of the Graphite and remote write parsers share: bytes and their hash to a key. */
export interface ByteKeyCache {
  readonly entries: number;
  get(buf: Buffer, start: number, end: number, hash: number): string | undefined;
  set(buf: Buffer, start: number, end: number, hash: number, key: string): void;
}

/** The behaviour every byte-keyed series-key cache must have, whatever its table and hash. */
export function runByteKeyCacheSuite(name: string, create: (maxEntries: number) => ByteKeyCache): void {
  describe(`${name}: shared byte-key cache behaviour`, () => {
    it('finds bytes only by equal bytes, even when others have the same hash', () => {
      const cache = create(16);
      const bytes = Buffer.from('abc abd');
      cache.set(bytes, 0, 3, 4, 'abc');
      expect(cache.get(bytes, 0, 3, 4)).toBe('abc');
      expect(cache.get(bytes, 4, 7, 4)).toBeUndefined();
      expect(cache.get(bytes, 0, 2, 4)).toBeUndefined();
      cache.set(bytes, 4, 7, 4, 'abd');
      expect(cache.get(bytes, 0, 3, 4)).toBe('abc');
      expect(cache.get(bytes, 4, 7, 4)).toBe('abd');
      expect(cache.entries).toBe(2);
    });

    it('copies the bytes so that reusing the source buffer cannot change a hit', () => {
      const cache = create(4);
      const bytes = Buffer.from('abc');
      cache.set(bytes, 0, 3, 1, 'abc');
      bytes.write('xyz');
      expect(cache.get(bytes, 0, 3, 1)).toBeUndefined();
      expect(cache.get(Buffer.from('abc'), 0, 3, 1)).toBe('abc');
    });
  });
}
