import { describe, expect, it } from 'vitest';
import { seededRandom } from '../util/index.js';
import { E_DIVISIVE_METHOD, eDivisive } from './e-divisive.js';

/** n values of level(t) plus Gaussian noise of standard deviation scale(t), from a seeded generator. */
function noisy(n: number, seed: number, level: (t: number) => number, scale: (t: number) => number = () => 1): Float64Array {
  const random = seededRandom(seed);
  return Float64Array.from({ length: n }, (_, t) => {
    const gaussian = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    return level(t) + scale(t) * gaussian;
  });
}

function expectNear(found: number[], expected: number[], tolerance = 5): void {
  expect(found).toHaveLength(expected.length);
  found.forEach((index, i) => expect(Math.abs(index - expected[i]!)).toBeLessThanOrEqual(tolerance));
}

describe('eDivisive', () => {
  it('finds a mean shift', () => {
    expectNear(eDivisive([noisy(240, 1, (t) => (t < 120 ? 0 : 2))]), [120]);
  });

  it('finds several mean shifts, each once', () => {
    expectNear(eDivisive([noisy(360, 2, (t) => (t < 100 ? 0 : t < 230 ? 2 : -1))]), [100, 230]);
  });

  it('finds a variance shift', () => {
    expectNear(eDivisive([noisy(300, 3, () => 10, (t) => (t < 150 ? 1 : 4))]), [150]);
  });

  it('reports nothing on a flat noisy series with single spikes', () => {
    const values = noisy(300, 4, () => 5);
    for (const t of [40, 120, 121, 250]) values[t] += 12;
    expect(eDivisive([values])).toEqual([]);
  });

  it('skips missing values without making change points of them', () => {
    const values = noisy(240, 5, (t) => (t < 160 ? 0 : 3));
    for (let t = 30; t < 60; t++) values[t] = NaN;
    for (const t of [0, 7, 100, 161, 239]) values[t] = NaN;
    values[200] = Infinity;
    expectNear(eDivisive([values]), [160]);

    const flat = noisy(240, 6, () => 1);
    for (let t = 100; t < 140; t++) flat[t] = NaN;
    expect(eDivisive([flat])).toEqual([]);
    expect(eDivisive([new Float64Array(50).fill(NaN)])).toEqual([]);
    expect(eDivisive([])).toEqual([]);
    expect(eDivisive([new Float64Array(0)])).toEqual([]);
  });

  it('reports nothing on short or constant series', () => {
    expect(eDivisive([Float64Array.of(1, 2, 3)])).toEqual([]);
    expect(eDivisive([new Float64Array(100).fill(7)])).toEqual([]);
  });

  it('finds a shift in one dimension of several, whatever their units', () => {
    const series = [
      noisy(240, 7, () => 1000, () => 100),
      noisy(240, 8, (t) => (t < 90 ? 0 : 0.02), () => 0.01),
      noisy(240, 9, () => -3),
      new Float64Array(240).fill(NaN),
      new Float64Array(240).fill(4),
    ];
    series[2]![10] = NaN;
    expectNear(eDivisive(series), [90]);
  });

  it('is deterministic', () => {
    const series = [noisy(240, 10, (t) => (t < 100 ? 0 : 0.8)), noisy(240, 11, () => 0)];
    const first = eDivisive(series);
    expect(eDivisive(series)).toEqual(first);
    expect(E_DIVISIVE_METHOD.detect(series)).toEqual(first);
  });

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
