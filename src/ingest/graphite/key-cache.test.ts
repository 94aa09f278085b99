import { describe, expect, it } from 'vitest';
import { SeriesKeyCache } from './key-cache.js';

describe('SeriesKeyCache', () => {
  it('grows to keep every entry up to maxEntries, then starts over empty', () => {
    const cache = new SeriesKeyCache(1_000);
    const paths = Array.from({ length: 1_024 }, (_, i) => Buffer.from(`series.${i}`));
    // Many equal hashes force long probe runs across growth.
    paths.forEach((p, i) => cache.set(p, 0, p.length, i % 7, `series.${i}`));
    expect(cache.entries).toBe(1_024);
    paths.forEach((p, i) => expect(cache.get(p, 0, p.length, i % 7)).toBe(`series.${i}`));
    const more = Array.from({ length: 1_024 }, (_, i) => Buffer.from(`other.${i}`));
    more.forEach((p, i) => cache.set(p, 0, p.length, i, `other.${i}`));
    expect(cache.entries).toBeLessThanOrEqual(1_024);
    expect(cache.get(more[1_023]!, 0, more[1_023]!.length, 1_023)).toBe('other.1023');
  });

  it('finds bytes only by equal bytes, even when others have the same hash', () => {
    const cache = new SeriesKeyCache(16);
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
    const cache = new SeriesKeyCache(4);
    const bytes = Buffer.from('abc');
    cache.set(bytes, 0, 3, 1, 'abc');
    bytes.write('xyz');
    expect(cache.get(bytes, 0, 3, 1)).toBeUndefined();
    expect(cache.get(Buffer.from('abc'), 0, 3, 1)).toBe('abc');
  });

  it('refuses a size that is not a positive integer', () => {
    expect(() => new SeriesKeyCache(0)).toThrow('cannot create series key cache: maxEntries must be a positive integer, got 0');
  });
});
