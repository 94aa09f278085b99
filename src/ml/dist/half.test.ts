import { describe, expect, it } from 'vitest';
import { decodeHalf, encodeHalf, floatBitsToHalf, halfRound, halfToFloatBits, roundToHalf } from './half.js';
import { createKernelMemory, createReduceKernel } from './reduce-kernel.js';

const f32bits = (x: number): number => new Uint32Array(Float32Array.of(x).buffer)[0]!;
const fromBits = (b: number): number => new Float32Array(Uint32Array.of(b).buffer)[0]!;
const isNaNHalf = (h: number): boolean => (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;

/** Float32 bit patterns that cover every exponent: edges of each binade, rounding ties and their neighbours, and a spread of mantissas. */
function samplePatterns(): Uint32Array {
  const patterns: number[] = [];
  const mantissas = [0, 1, 0xfff, 0x1000, 0x1001, 0x1fff, 0x2000, 0x3000, 0x5000, 0x7fe000, 0x7fefff, 0x7ff000, 0x7ff001, 0x7fffff];
  for (let sign = 0; sign < 2; sign++) {
    for (let exponent = 0; exponent < 256; exponent++) {
      for (const m of mantissas) patterns.push(((sign << 31) | (exponent << 23) | m) >>> 0);
      for (let j = 0; j < 400; j++) patterns.push(((sign << 31) | (exponent << 23) | ((Math.imul(j + 1, 0x9e3779b1) ^ (exponent * 7919)) & 0x7fffff)) >>> 0);
    }
  }
  return Uint32Array.from(patterns);
}

describe('half precision in JavaScript', () => {
  it('encodes known values', () => {
    expect(floatBitsToHalf(f32bits(1))).toBe(0x3c00);
    expect(floatBitsToHalf(f32bits(-2))).toBe(0xc000);
    expect(floatBitsToHalf(f32bits(65504))).toBe(0x7bff);
    expect(floatBitsToHalf(f32bits(65519.99))).toBe(0x7bff);
    expect(floatBitsToHalf(f32bits(65520))).toBe(0x7c00); // the tie rounds to even: Infinity
    expect(floatBitsToHalf(f32bits(-1e6))).toBe(0xfc00);
    expect(floatBitsToHalf(f32bits(2 ** -14))).toBe(0x0400);
    expect(floatBitsToHalf(f32bits(2 ** -24))).toBe(0x0001);
    expect(floatBitsToHalf(f32bits(1.5 * 2 ** -24))).toBe(0x0002); // tie between 1 and 2 units: even
    expect(floatBitsToHalf(f32bits(2 ** -25))).toBe(0x0000); // tie between 0 and 1 unit: even
    expect(floatBitsToHalf(f32bits(2 ** -25 * 1.0001))).toBe(0x0001);
    expect(floatBitsToHalf(f32bits(-0))).toBe(0x8000);
    expect(floatBitsToHalf(f32bits(NaN))).toBe(0x7e00);
    expect(floatBitsToHalf(0xffc00001)).toBe(0xfe00);
  });

  it('decodes every half exactly and re-encodes it to itself', () => {
    const mismatches: number[] = [];
    for (let h = 0; h < 0x10000; h++) {
      const value = fromBits(halfToFloatBits(h));
      if (isNaNHalf(h)) {
        if (!Number.isNaN(value)) mismatches.push(h);
        continue;
      }
      const sign = h & 0x8000 ? -1 : 1;
      const e = (h >>> 10) & 0x1f;
      const m = h & 0x3ff;
      const expected = e === 0x1f ? sign * Infinity : e === 0 ? sign * m * 2 ** -24 : sign * (1 + m / 1024) * 2 ** (e - 15);
      if (!Object.is(value, expected) || floatBitsToHalf(halfToFloatBits(h)) !== h) mismatches.push(h);
    }
    expect(mismatches).toEqual([]);
  });

  it('rounds to the nearest half, ties to even', () => {
    const patterns = samplePatterns();
    let bad = 0;
    for (const bits of patterns) {
      const x = fromBits(bits);
      const h = floatBitsToHalf(bits);
      const y = fromBits(halfToFloatBits(h));
      if (Number.isNaN(x)) {
        bad += isNaNHalf(h) ? 0 : 1;
        continue;
      }
      if (Math.abs(x) >= 65520) {
        bad += y === Math.sign(x) * Infinity ? 0 : 1;
        continue;
      }
      // The neighbours of y: no half value is nearer to x, and a tie went to the even one.
      const below = fromBits(halfToFloatBits(((h & 0x7fff) === 0 ? 0x8001 : h - 1) & 0xffff));
      const above = fromBits(halfToFloatBits((h & 0x7fff) === 0 ? 0x0001 : h + 1));
      const error = Math.abs(y - x);
      for (const neighbour of [below, above]) {
        if (!Number.isFinite(neighbour)) continue;
        const other = Math.abs(neighbour - x);
        if (other < error || (other === error && (h & 1) === 1)) bad++;
      }
    }
    expect(bad).toBe(0);
  });

  it('converts arrays, and rounds in place', () => {
    const values = Float32Array.of(1 / 3, -70_000, 2 ** -20, 0.1, NaN);
    const halves = new Uint16Array(values.length);
    encodeHalf(values, halves);
    expect([...halves].map((h) => h.toString(16))).toEqual(['3555', 'fc00', '10', '2e66', '7e00']);
    const back = new Float32Array(values.length);
    decodeHalf(halves, back);
    roundToHalf(values);
    expect([...back]).toEqual([...values]);
    expect(values[0]).toBe(0.333251953125);
    expect(halfRound(0.1)).toBe(0.0999755859375);
    expect(() => encodeHalf(values, new Uint16Array(2))).toThrow('cannot encode 5 values into 2 halves');
  });

  it('agrees with Math.f16round where the runtime has it', () => {
    const f16round = (Math as { f16round?: (x: number) => number }).f16round;
    if (f16round === undefined) return; // Node before 24: the bit-twiddling path is the only one
    const patterns = samplePatterns();
    let bad = 0;
    for (const bits of patterns) {
      const x = fromBits(bits);
      if (!Object.is(f16round(x), fromBits(halfToFloatBits(floatBitsToHalf(bits)))) && !Number.isNaN(x)) bad++;
    }
    expect(bad).toBe(0);
  });
});

describe('half precision in the SIMD kernel', () => {
  const patterns = samplePatterns();
  const n = patterns.length;
  // Layout: floats, halves, floats, floats; a few values of slack so that odd offsets stay inside.
  const memory = createKernelMemory(16 * n + 1024);
  const kernel = createReduceKernel(memory);
  const FLOATS = 0;
  const HALVES = 4 * n + 64;
  const OUT = HALVES + 2 * n + 64;
  const ADDEND = OUT + 4 * n + 64;
  const u32 = (byteOffset: number, length: number): Uint32Array => new Uint32Array(memory.buffer, byteOffset, length);
  const u16 = (byteOffset: number, length: number): Uint16Array => new Uint16Array(memory.buffer, byteOffset, length);
  const f32 = (byteOffset: number, length: number): Float32Array => new Float32Array(memory.buffer, byteOffset, length);

  it('encodes like the JavaScript reference, whatever the count (vector loop and tail)', () => {
    u32(FLOATS, n).set(patterns);
    let bad = 0;
    for (const count of [0, 1, 2, 3, 4, 5, 7, 9, n]) {
      u16(HALVES, n).fill(0xabcd);
      kernel.encodeHalf(HALVES, FLOATS, count);
      const halves = u16(HALVES, n);
      for (let i = 0; i < count; i++) if (halves[i] !== floatBitsToHalf(patterns[i]!)) bad++;
      if (count < n && halves[count] !== 0xabcd) bad++; // nothing written past the count
    }
    expect(bad).toBe(0);
  });

  it('decodes every half exactly', () => {
    const halves = u16(HALVES, 0x10000);
    for (let h = 0; h < 0x10000; h++) halves[h] = h;
    kernel.decodeHalf(OUT, HALVES + 2, 0xffff); // from an odd half: the loads need no alignment
    const out = u32(OUT, 0xffff);
    const bad: number[] = [];
    for (let h = 1; h < 0x10000; h++) {
      const got = out[h - 1]!;
      if (isNaNHalf(h) ? !Number.isNaN(fromBits(got)) : got !== halfToFloatBits(h)) bad.push(h);
    }
    expect(bad).toEqual([]);
  });

  it('rounds, adds and divides like the reference: the add and the divide in float32, one rounding to half', () => {
    const values = f32(FLOATS, n);
    const addend = f32(ADDEND, n);
    for (let i = 0; i < n; i++) {
      values[i] = Math.sin(i) * 2 ** ((i % 40) - 24);
      addend[i] = Math.cos(i * 3) * 2 ** ((i % 37) - 22);
    }
    values[0] = NaN;
    addend[1] = Infinity;
    values[2] = 60_000;
    addend[2] = 60_000;
    kernel.roundHalf(OUT, FLOATS, n - 1);
    let bad = 0;
    const rounded = u32(OUT, n);
    const valueBits = u32(FLOATS, n);
    for (let i = 0; i < n - 1; i++) if (rounded[i] !== halfToFloatBits(floatBitsToHalf(valueBits[i]!)) && !Number.isNaN(values[i]!)) bad++;
    const one = new Float32Array(1);
    const oneBits = new Uint32Array(one.buffer);
    for (const divisor of [0, 3]) {
      kernel.encodeHalf(HALVES, FLOATS, n);
      const before = u16(HALVES, n).slice();
      if (divisor === 0) kernel.addHalf(HALVES, HALVES, ADDEND, n - 2);
      else kernel.addDivideHalf(HALVES, HALVES, ADDEND, n - 2, divisor);
      const after = u16(HALVES, n);
      for (let i = 0; i < n - 2; i++) {
        oneBits[0] = halfToFloatBits(before[i]!);
        one[0] = one[0]! + addend[i]!;
        if (divisor !== 0) one[0] = one[0]! / divisor;
        const want = floatBitsToHalf(oneBits[0]!);
        if (after[i] !== want && !(isNaNHalf(want) && isNaNHalf(after[i]!))) bad++;
      }
      if (after[n - 2] !== before[n - 2]) bad++;
      expect(fromBits(halfToFloatBits(after[2]!))).toBe(divisor === 0 ? Infinity : 40_000);
      expect(isNaNHalf(after[0]!)).toBe(true);
    }
    expect(bad).toBe(0);
  });
});
