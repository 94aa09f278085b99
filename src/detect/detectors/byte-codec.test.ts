import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter } from './byte-codec.js';
import { hashUniform } from './hash-uniform.js';

describe('ByteWriter and ByteReader', () => {
  it('round-trip bytes, varints up to 2^53 and doubles', () => {
    const writer = new ByteWriter();
    const varints = [0, 1, 127, 128, 300, 2 ** 31, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER];
    const doubles = [0, -0.5, 1e300, -1e-300, Math.PI];
    writer.u8(255);
    for (const v of varints) writer.varint(v);
    for (const v of doubles) writer.f64(v);
    const reader = new ByteReader(writer.toBase64(), 'test', 'blob');
    expect(reader.u8()).toBe(255);
    for (const v of varints) expect(reader.varint()).toBe(v);
    for (const v of doubles) expect(reader.f64()).toBe(v);
    expect(reader.done).toBe(true);
    expect(() => reader.u8()).toThrow('cannot restore detector test: blob is truncated');
  });

  it('names the field when the text is not base64 or bytes are left over', () => {
    expect(() => new ByteReader(42, 'test', 'forest.ring')).toThrow('cannot restore detector test: forest.ring must be a base64 string');
    expect(() => new ByteReader('not base64!', 'test', 'forest.ring')).toThrow(/base64/);
    const writer = new ByteWriter();
    writer.varint(1);
    expect(() => new ByteReader(writer.toBase64(), 'test', 'x').end()).toThrow('cannot restore detector test: x has 1 unread bytes');
  });
});

describe('hashUniform', () => {
  it('is a pure function in (0, 1) that spreads evenly and depends on every argument', () => {
    const buckets = new Array<number>(10).fill(0);
    let outside = 0;
    for (let i = 0; i < 20_000; i++) {
      const u = hashUniform(1, i, 0);
      if (!(u > 0 && u < 1)) outside++;
      else buckets[Math.floor(u * 10)]!++;
    }
    expect(outside).toBe(0);
    for (const count of buckets) expect(Math.abs(count - 2000)).toBeLessThan(200);
    expect(hashUniform(1, 5, 0)).toBe(hashUniform(1, 5, 0));
    const base = hashUniform(1, 5, 0);
    for (const other of [hashUniform(2, 5, 0), hashUniform(1, 6, 0), hashUniform(1, 5, 1), hashUniform(1, 5 + 2 ** 32, 0)]) expect(other).not.toBe(base);
  });
});
