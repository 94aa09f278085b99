import { describe, expect, it } from 'vitest';
import { seededRandom, shuffleInPlace } from './random.js';

describe('seeded random', () => {
  it('repeats for a seed, differs between seeds and stays in [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const fromA = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(fromA);
    expect(Array.from({ length: 1000 }, () => c())).not.toEqual(fromA);
    expect(fromA.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(fromA.reduce((s, x) => s + x, 0) / 1000).toBeCloseTo(0.5, 1);
  });

  it('shuffles into a permutation, the same one for the same seed', () => {
    const order = Uint32Array.from({ length: 50 }, (_, i) => i);
    shuffleInPlace(order, seededRandom(1));
    const again = Uint32Array.from({ length: 50 }, (_, i) => i);
    shuffleInPlace(again, seededRandom(1));
    expect(again).toEqual(order);
    expect(Array.from(order).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Array.from(order)).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
