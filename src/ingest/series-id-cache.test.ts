import { describe, expect, it } from 'vitest';
import { hashPathBytes as fnv } from './graphite/key-cache.js';
import { SeriesIdCache } from './series-id-cache.js';

/** Looks up `path` placed inside a larger buffer, as parsers do with network chunks. */
function lookup(cache: SeriesIdCache, path: string): number {
  const buf = Buffer.from(`xx ${path} yy`);
  return cache.get(buf, 3, 3 + Buffer.byteLength(path), fnv(buf, 3, 3 + Buffer.byteLength(path)));
}

function store(cache: SeriesIdCache, path: string, id: number): void {
  const buf = Buffer.from(`<${path}>`);
  const end = 1 + Buffer.byteLength(path);
  cache.set(buf, 1, end, fnv(buf, 1, end), id);
}

describe('SeriesIdCache', () => {
  it('finds ids by path bytes wherever they lie, and nothing for other paths', () => {
    const cache = new SeriesIdCache(1000);
    store(cache, 'cpu.user;host=a', 5);
    store(cache, 'cpu.user;host=b', 0xffff_fffe);
    expect(lookup(cache, 'cpu.user;host=a')).toBe(5);
    expect(lookup(cache, 'cpu.user;host=b')).toBe(0xffff_fffe);
    expect(lookup(cache, 'cpu.user;host=c')).toBe(-1);
    expect(lookup(cache, 'cpu.user;host=')).toBe(-1);
    expect(lookup(cache, 'ünïcode.path')).toBe(-1);
    store(cache, 'ünïcode.path', 9);
    expect(lookup(cache, 'ünïcode.path')).toBe(9);
  });

  it('tells apart paths whose hashes collide', () => {
    const cache = new SeriesIdCache(1000);
    const a = Buffer.from('same.length.a');
    const b = Buffer.from('same.length.b');
    cache.set(a, 0, a.length, 42, 1);
    cache.set(b, 0, b.length, 42, 2);
    expect(cache.get(a, 0, a.length, 42)).toBe(1);
    expect(cache.get(b, 0, b.length, 42)).toBe(2);
    expect(cache.get(Buffer.from('same.length.c'), 0, 13, 42)).toBe(-1);
  });

  it('compares long byte runs (label sets) as exactly as short ones', () => {
    const cache = new SeriesIdCache(100);
    const labels = (host: string): Buffer => Buffer.from(`__name__\u0000http_requests_total\u0000instance\u0000${host}:9100\u0000job\u0000api`);
    const a = labels('host-1');
    const b = labels('host-2');
    cache.set(a, 0, a.length, 7, 1);
    expect(cache.get(labels('host-1'), 0, a.length, 7)).toBe(1);
    expect(cache.get(b, 0, b.length, 7)).toBe(-1);
    expect(cache.getNext(b, 0, b.length)).toBe(-1);
  });

  it('tries the entry after the last one found first, without a hash', () => {
    const cache = new SeriesIdCache(100);
    for (let i = 0; i < 10; i++) store(cache, `s.${i}`, 100 + i);
    expect(lookup(cache, 's.3')).toBe(103);
    const next = Buffer.from('s.4');
    expect(cache.getNext(next, 0, next.length)).toBe(104);
    expect(cache.getNext(next, 0, next.length)).toBe(-1);
    const five = Buffer.from('s.5');
    expect(cache.getNext(five, 0, five.length)).toBe(105);
  });

  it('copies the bytes, so that reusing the source buffer cannot change a hit', () => {
    const cache = new SeriesIdCache(4);
    const bytes = Buffer.from('abc');
    cache.set(bytes, 0, 3, 1, 5);
    bytes.write('xyz');
    expect(cache.get(bytes, 0, 3, 1)).toBe(-1);
    expect(cache.get(Buffer.from('abc'), 0, 3, 1)).toBe(5);
  });

  it('keeps every entry while it grows up to maxEntries', () => {
    const cache = new SeriesIdCache(50_000);
    for (let i = 0; i < 50_000; i++) store(cache, `series.${i}.${'x'.repeat(i % 40)}`, i);
    expect(cache.entries).toBe(50_000);
    for (let i = 0; i < 50_000; i += 7) expect(lookup(cache, `series.${i}.${'x'.repeat(i % 40)}`)).toBe(i);
  });

  it('keeps every entry across growth when many hashes are equal (long probe runs)', () => {
    const cache = new SeriesIdCache(4_096);
    const labels = Array.from({ length: 4_096 }, (_, i) => Buffer.from(`${'label bytes '.repeat(10)}${i}`));
    labels.forEach((l, i) => cache.set(l, 0, l.length, i % 7, i));
    expect(cache.entries).toBe(4_096);
    labels.forEach((l, i) => expect(cache.get(l, 0, l.length, i % 7)).toBe(i));
  });

  it('starts over empty beyond maxEntries, so its memory stays bounded', () => {
    const cache = new SeriesIdCache(600);
    for (let i = 0; i < 10_000; i++) store(cache, `s.${i}`, i);
    expect(cache.entries).toBeLessThanOrEqual(1024);
    expect(lookup(cache, 's.9999')).toBe(9999);
    expect(lookup(cache, 's.0')).toBe(-1);
  });

  it('starts over when the paths outgrow its arena (256 bytes per entry)', () => {
    const cache = new SeriesIdCache(300);
    const long = 'p'.repeat(1000);
    for (let i = 0; i < 200; i++) store(cache, `${long}.${i}`, i);
    expect(cache.entries).toBeLessThan(200);
    expect(lookup(cache, `${long}.199`)).toBe(199);
  });

  it('refuses a maxEntries that is not a positive integer', () => {
    expect(() => new SeriesIdCache(0)).toThrow('maxEntries must be a positive integer, got 0');
  });
});
