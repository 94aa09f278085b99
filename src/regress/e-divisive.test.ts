import { describe, expect, it } from 'vitest';
import { expectNear, noisy } from './method.testsuite.js';
import { E_DIVISIVE_METHOD, eDivisive } from './e-divisive.js';

describe('eDivisive', () => {
  it('averages long series in blocks and maps change points back to input indices', () => {
    const found = eDivisive([noisy(1200, 13, (t) => (t < 701 ? 0 : 1.5))], { maxPoints: 300 });
    expectNear(found, [701], 4);
  });

  it('rejects invalid options', () => {
    const series = [noisy(50, 13, () => 0)];
    expect(() => eDivisive(series, { permutations: 0 })).toThrow(/permutations/);
    expect(() => eDivisive(series, { significance: 1 })).toThrow(/significance/);
    expect(() => eDivisive(series, { minSegmentLength: 1 })).toThrow(/minSegmentLength/);
    expect(() => eDivisive(series, { maxPoints: 2.5 })).toThrow(/maxPoints/);
  });

  it('describes itself as a change-point method', () => {
    expect(E_DIVISIVE_METHOD.id).toBe('edivisive');
    expect(E_DIVISIVE_METHOD.description).toMatch(/E-divisive/);
  });
});
