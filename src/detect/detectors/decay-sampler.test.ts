import { describe, expect, it } from 'vitest';
import { ADDED, DecaySampler, REJECTED } from './decay-sampler.js';

function held(sampler: DecaySampler): number[] {
  const out: number[] = [];
  for (let p = 0; p < sampler.size; p++) out.push(sampler.indexAt(p));
  return out.sort((a, b) => a - b);
}

describe('DecaySampler', () => {
  it('takes everything until full, then keeps its capacity', () => {
    const sampler = new DecaySampler(32, 5, 1 / 320);
    for (let s = 0; s < 32; s++) expect(sampler.offer(s)).toBe(ADDED);
    for (let s = 32; s < 5000; s++) {
      const outcome = sampler.offer(s);
      expect(outcome === REJECTED || (outcome >= 0 && outcome < s)).toBe(true);
      expect(sampler.size).toBe(32);
    }
  });

  it('follows the stream: most of the sample is younger than a few decay horizons', () => {
    const horizon = 1000;
    const sampler = new DecaySampler(64, 9, 1 / horizon);
    const end = 50_000;
    for (let s = 0; s < end; s++) sampler.offer(s);
    const ages = held(sampler).map((s) => end - 1 - s);
    expect(ages.filter((a) => a < 3 * horizon).length).toBeGreaterThan(0.9 * ages.length);
    // Yet not only the newest points: the sample spans the horizon.
    expect(ages.filter((a) => a > horizon / 2).length).toBeGreaterThan(0.3 * ages.length);
  });

  it('depends only on its set of indices: the same offers after a rebuild from the set give the same outcomes', () => {
    const a = new DecaySampler(16, 3, 1 / 100);
    for (let s = 0; s < 700; s++) a.offer(s);
    const b = new DecaySampler(16, 3, 1 / 100);
    for (const s of held(a).reverse()) b.offer(s);
    for (let s = 700; s < 1500; s++) expect(b.offer(s)).toBe(a.offer(s));
  });

  it('removes an index it holds and reports one it does not', () => {
    const sampler = new DecaySampler(8, 1, 1 / 80);
    for (let s = 0; s < 8; s++) sampler.offer(s);
    expect(sampler.remove(3)).toBe(true);
    expect(sampler.remove(3)).toBe(false);
    expect(held(sampler)).toEqual([0, 1, 2, 4, 5, 6, 7]);
  });
});
