import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter } from './byte-codec.js';
import { ShingleRing } from './shingle-ring.js';

describe('ShingleRing', () => {
  it('keeps every shingle contiguous, across the wrap too', () => {
    const ring = new ShingleRing(7, 3);
    for (let i = 0; i < 30; i++) {
      const slot = ring.push(i);
      expect(ring.slotOf(i)).toBe(slot);
      expect(ring.indexOf(slot)).toBe(i);
      if (i >= 2) expect(Array.from(ring.values.subarray(slot, slot + 3))).toEqual([i - 2, i - 1, i]);
    }
  });

  it('encodes only the values asked for, and decodes them to the same slots', () => {
    const ring = new ShingleRing(5, 2);
    for (let i = 0; i < 12; i++) ring.push(i * 10);
    const needed = new Uint8Array(5);
    needed[ring.slotOf(9)] = 1;
    needed[ring.slotOf(11)] = 1;
    const writer = new ByteWriter();
    ring.encode(writer, needed);
    const copy = new ShingleRing(5, 2);
    copy.decode(new ByteReader(writer.toBase64(), 'test', 'ring'));
    expect(copy.count).toBe(12);
    expect(copy.values[ring.slotOf(9) + 1]).toBe(90);
    expect(copy.values[ring.slotOf(11) + 1]).toBe(110);
    expect(copy.values[ring.slotOf(10) + 1]).toBe(0);
    expect(copy.push(120)).toBe(ring.push(120));
  });
});
