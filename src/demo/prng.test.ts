import { describe, expect, it } from 'vitest';
import { gaussianAt, smoothNoiseAt, uniformAt } from './prng.js';

describe('stateless draws', () => {
  it('are pure functions of (seed, stream, index)', () => {
    expect(uniformAt(1, 2, 3)).toBe(uniformAt(1, 2, 3));
    expect(uniformAt(1, 2, 3)).not.toBe(uniformAt(1, 3, 2));
    expect(uniformAt(1, 2, 3)).not.toBe(uniformAt(2, 2, 3));
    expect(gaussianAt(5, 0, 1_700_000_000)).toBe(gaussianAt(5, 0, 1_700_000_000));
  });

  it('give uniforms in [0, 1) and standard normals', () => {
    const n = 20_000;
    let sumU = 0;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const u = uniformAt(9, 1, i);
      expect(u >= 0 && u < 1).toBe(true);
      sumU += u;
      const g = gaussianAt(9, 1, i);
      sum += g;
      sumSq += g * g;
    }
    expect(sumU / n).toBeCloseTo(0.5, 1);
    expect(sum / n).toBeCloseTo(0, 1);
    expect(sumSq / n).toBeCloseTo(1, 1);
  });

  it('smooth noise meets its knots and moves little between neighbouring points', () => {
    const periodMs = 600_000;
    expect(smoothNoiseAt(3, 4, 5 * periodMs, periodMs)).toBe(gaussianAt(3, 4, 5));
    let maxJump = 0;
    for (let t = 0; t < 20 * periodMs; t += 10_000) {
      maxJump = Math.max(maxJump, Math.abs(smoothNoiseAt(3, 4, t + 10_000, periodMs) - smoothNoiseAt(3, 4, t, periodMs)));
    }
    expect(maxJump).toBeLessThan(0.5);
  });
});
