import { describe, expect, it } from 'vitest';
import { LabelKeyCache, hashLabelBytes } from './label-key-cache.js';
import { runByteKeyCacheSuite } from '../key-cache.testsuite.js';

function viewOf(buf: Buffer): DataView {
  return new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
}

describe('hashLabelBytes', () => {
  it('depends on the bytes only, not on where they sit, and on every byte and the length', () => {
    const a = Buffer.from('xx__name__up\u0000job\u0000node-exporter');
    const b = Buffer.from('__name__up\u0000job\u0000node-exporter');
    expect(hashLabelBytes(viewOf(a), a, 2, a.length)).toBe(hashLabelBytes(viewOf(b), b, 0, b.length));
    const seen = new Set<number>();
    for (let i = 0; i < b.length; i++) {
      const changed = Buffer.from(b);
      changed[i] = changed[i]! ^ 1;
      seen.add(hashLabelBytes(viewOf(changed), changed, 0, changed.length));
    }
    seen.add(hashLabelBytes(viewOf(b), b, 0, b.length - 1));
    seen.add(hashLabelBytes(viewOf(b), b, 0, b.length));
    expect(seen.size).toBe(b.length + 2);
  });

  it('spreads label sets that differ in one character over the low bits', () => {
    const slots = new Set<number>();
    for (let i = 0; i < 4096; i++) {
      const labels = Buffer.from(`__name__http_requests_total instance host-${i}:9100 job api`);
      slots.add(hashLabelBytes(viewOf(labels), labels, 0, labels.length) & 8191);
    }
    // 4,096 random values in 8,192 slots fill about 3,220 of them.
    expect(slots.size).toBeGreaterThan(3000);
  });
});

describe('LabelKeyCache', () => {
  it('grows its table and arena to keep every entry up to maxEntries, then starts over empty', () => {
    const cache = new LabelKeyCache(4_096);
    const labels = Array.from({ length: 5_000 }, (_, i) => Buffer.from(`${'label bytes '.repeat(10)}${i}`));
    // Many equal hashes force long probe runs across growth.
    const hash = (i: number): number => i % 7;
    labels.slice(0, 4_096).forEach((l, i) => cache.set(l, 0, l.length, hash(i), `k${i}`));
    expect(cache.entries).toBe(4_096);
    labels.slice(0, 4_096).forEach((l, i) => expect(cache.get(l, 0, l.length, hash(i))).toBe(`k${i}`));
    labels.slice(4_096).forEach((l, i) => cache.set(l, 0, l.length, hash(4_096 + i), `k${4_096 + i}`));
    expect(cache.entries).toBe(5_000 - 4_096);
    expect(cache.get(labels[0]!, 0, labels[0]!.length, hash(0))).toBeUndefined();
    labels.slice(4_096).forEach((l, i) => expect(cache.get(l, 0, l.length, hash(4_096 + i))).toBe(`k${4_096 + i}`));
  });

  it('refuses a maxEntries that is not a positive integer', () => {
    expect(() => new LabelKeyCache(0)).toThrow('cannot create label key cache: maxEntries must be a positive integer, got 0');
  });
});

runByteKeyCacheSuite('LabelKeyCache', (maxEntries) => new LabelKeyCache(maxEntries));
