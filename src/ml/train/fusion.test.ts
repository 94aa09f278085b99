import { describe, expect, it } from 'vitest';
import { floatBitsToHalf, fusionGroups, halfToFloatBits, roundToHalf } from './fusion.js';

describe('fusionGroups', () => {
  it('packs consecutive tensors up to the threshold and sends an oversized one alone', () => {
    // 4-byte floats: sizes in bytes 40, 40, 400, 8, 8.
    expect(fusionGroups([10, 10, 100, 2, 2], 100)).toEqual([[0, 1], [2], [3, 4]]);
  });
  it('puts every tensor alone when the threshold is 0, and all together when it is large', () => {
    expect(fusionGroups([1, 2, 3], 0)).toEqual([[0], [1], [2]]);
    expect(fusionGroups([1, 2, 3], 64 << 20)).toEqual([[0, 1, 2]]);
  });
  it('rejects a negative or non-finite threshold', () => {
    expect(() => fusionGroups([1], -1)).toThrow(/threshold must be a finite number of bytes >= 0, got -1/);
  });
});

describe('half precision', () => {
  const f32bits = (x: number): number => new Uint32Array(Float32Array.of(x).buffer)[0]!;
  const fromBits = (b: number): number => new Float32Array(Uint32Array.of(b).buffer)[0]!;
  it('encodes known values exactly', () => {
    expect(floatBitsToHalf(f32bits(1))).toBe(0x3c00);
    expect(floatBitsToHalf(f32bits(-2))).toBe(0xc000);
    expect(floatBitsToHalf(f32bits(65504))).toBe(0x7bff);
    expect(floatBitsToHalf(f32bits(1e6))).toBe(0x7c00);
    expect(floatBitsToHalf(f32bits(2 ** -24))).toBe(0x0001);
    expect(floatBitsToHalf(f32bits(2 ** -26))).toBe(0x0000);
  });
  it('round-trips every half value', () => {
    const mismatches: number[] = [];
    for (let h = 0; h < 0x10000; h++) {
      if ((h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0) continue; // NaN payloads
      if (floatBitsToHalf(halfToFloatBits(h)) !== h) mismatches.push(h);
    }
    expect(mismatches).toEqual([]);
  });
  it('rounds to nearest, ties to even, with error at most half an ulp', () => {
    // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: ties to even gives 1.
    expect(fromBits(halfToFloatBits(floatBitsToHalf(f32bits(1 + 2 ** -11))))).toBe(1);
    expect(fromBits(halfToFloatBits(floatBitsToHalf(f32bits(1 + 3 * 2 ** -11))))).toBe(1 + 2 * 2 ** -10);
    const values = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 10);
    const rounded = values.slice();
    roundToHalf(rounded);
    for (let i = 0; i < values.length; i++) {
      const ulp = 2 ** (Math.floor(Math.log2(Math.abs(values[i]!))) - 10);
      expect(Math.abs(rounded[i]! - values[i]!)).toBeLessThanOrEqual(ulp / 2);
    }
  });
});
