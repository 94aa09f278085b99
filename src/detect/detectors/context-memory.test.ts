import { describe, expect, it } from 'vitest';
import { seededRandom } from '../synthetic-series.testsuite.js';
import { ByteReader, ByteWriter } from './byte-codec.js';
import { ContextMemory } from './context-memory.js';
import type { ContextMemoryOptions } from './context-memory.js';

const OPTIONS: ContextMemoryOptions = { bits: 3, maxLeftFacts: 7, maxActiveContexts: 15, maxContexts: 4096, maxLefts: 2048 };

/** Sensor facts of bin `b`: one fact per bit position, set or clear. */
function facts(b: number, bits = 3): number {
  let mask = 0;
  for (let i = 0; i < bits; i++) mask |= 1 << (2 * i + ((b >> i) & 1));
  return mask;
}

function copyOf(memory: ContextMemory, options: ContextMemoryOptions): ContextMemory {
  const writer = new ByteWriter();
  memory.encode(writer);
  const copy = new ContextMemory(options);
  const reader = new ByteReader(writer.toBase64(), 'test', 'memory');
  copy.decode(reader);
  reader.end();
  return copy;
}

describe('ContextMemory', () => {
  it('learns a repeating sequence until every step is predicted, and flags a step that breaks it', () => {
    const memory = new ContextMemory(OPTIONS);
    const sequence = [0, 2, 5, 7, 5, 2];
    const raws: number[] = [];
    for (let i = 0; i < 600; i++) raws.push(memory.step(facts(sequence[i % sequence.length]!)));
    expect(raws[1]).toBeGreaterThan(0.5);
    expect(raws.slice(300).every((r) => r === 0)).toBe(true);
    const held = memory.contexts;
    // 7 where 5 was due: the learned contexts do not explain it.
    expect(memory.step(facts(7))).toBeGreaterThan(0.75);
    expect(memory.contexts).toBeGreaterThan(held);
  });

  it('stays within its pools on a long random stream, evicting the least recently used', () => {
    const options: ContextMemoryOptions = { ...OPTIONS, maxContexts: 256, maxLefts: 128 };
    const memory = new ContextMemory(options);
    const random = seededRandom(5);
    const bytes = memory.sizeBytes;
    for (let i = 0; i < 5000; i++) {
      const raw = memory.step(facts(Math.floor(random() * 8)));
      expect(raw).toBeGreaterThanOrEqual(0);
      expect(raw).toBeLessThanOrEqual(1);
    }
    expect(memory.contexts).toBeLessThanOrEqual(256);
    expect(memory.lefts).toBeLessThanOrEqual(128);
    expect(memory.contexts).toBeGreaterThan(128);
    expect(memory.sizeBytes).toBe(bytes);
  });

  it('encodes its whole state: a decoded copy continues with the same raw anomalies', () => {
    const options: ContextMemoryOptions = { ...OPTIONS, maxContexts: 256, maxLefts: 128 };
    const memory = new ContextMemory(options);
    const random = seededRandom(6);
    const next = (): number => facts(random() < 0.8 ? [1, 3, 6][Math.floor(random() * 3)]! : Math.floor(random() * 8));
    for (let i = 0; i < 3000; i++) memory.step(next());
    const copy = copyOf(memory, options);
    for (let i = 0; i < 2000; i++) {
      const input = next();
      expect(copy.step(input)).toBe(memory.step(input));
    }
    expect(copy.contexts).toBe(memory.contexts);
  });

  it('refuses an encoding whose links are broken, naming the field', () => {
    const memory = new ContextMemory(OPTIONS);
    for (let i = 0; i < 50; i++) memory.step(facts(i % 3));
    const writer = new ByteWriter();
    memory.encode(writer);
    const bytes = Buffer.from(writer.toBase64(), 'base64');
    const decode = (encoded: Buffer): void => new ContextMemory(OPTIONS).decode(new ByteReader(encoded.toString('base64'), 'test', 'memory'));
    expect(() => decode(bytes.subarray(0, bytes.length - 3))).toThrow('cannot restore detector test: memory is truncated');
    expect(() => new ContextMemory({ ...OPTIONS, bits: 4 }).decode(new ByteReader(writer.toBase64(), 'test', 'memory'))).toThrow('cannot restore detector test: memory was written with bits 3, expected 4');
  });

  it('checks its options', () => {
    expect(() => new ContextMemory({ ...OPTIONS, bits: 9 })).toThrow('cannot create context memory: bits must be an integer in [1, 8], got 9');
    expect(() => new ContextMemory({ ...OPTIONS, maxContexts: 100 })).toThrow(/maxContexts must be an integer in \[128/);
  });
});
