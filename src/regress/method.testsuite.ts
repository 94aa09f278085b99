import { expect, it } from 'vitest';
import { seededGaussian } from '../detect/synthetic-series.testsuite.js';
import type { ChangePointMethod } from './method.js';

/** TCPD's margin: a change point within this many points of the truth counts as found. */
const MARGIN_POINTS = 5;

/** A piecewise series: `levels[i]` from `starts[i]` on, plus N(0, sigma²) noise (sigma per segment when an array). */
export function piecewise(n: number, starts: readonly number[], levels: readonly number[], sigma: number | readonly number[], seed: number): Float64Array {
  const noise = seededGaussian(seed);
  const out = new Float64Array(n);
  let segment = 0;
  for (let i = 0; i < n; i++) {
    while (segment + 1 < starts.length && i >= starts[segment + 1]!) segment++;
    const s = typeof sigma === 'number' ? sigma : sigma[segment]!;
    out[i] = levels[segment]! + s * noise();
  }
  return out;
}

/** n values of level(t) plus Gaussian noise of standard deviation scale(t), from a seeded generator. */
export function noisy(n: number, seed: number, level: (t: number) => number, scale: (t: number) => number = () => 1): Float64Array {
  const noise = seededGaussian(seed);
  return Float64Array.from({ length: n }, (_, t) => level(t) + scale(t) * noise());
}

export function expectNear(found: readonly number[], truth: readonly number[], marginPoints = MARGIN_POINTS): void {
  expect(found.length, `found ${JSON.stringify(found)}, expected near ${JSON.stringify(truth)}`).toBe(truth.length);
  truth.forEach((t, i) => expect(Math.abs(found[i]! - t), `change point ${found[i]} vs ${t}`).toBeLessThanOrEqual(marginPoints));
}

/** The contract every offline change-point method meets; call inside a describe(). */
export function changePointMethodSuite(method: ChangePointMethod): void {
  it('finds level shifts within the margin', () => {
    const series = piecewise(300, [0, 100, 200], [0, 5, 1], 1, 1);
    expectNear(method.detect([series]), [100, 200]);
  });

  it('finds a change of noise variance', () => {
    expectNear(method.detect([piecewise(300, [0, 150], [10, 10], [1, 4], 10)]), [150]);
  });

  it('rarely reports change points on stationary noise', () => {
    // A method that tests at a 5% level finds a "change" in about 1 noise series in 20; more than 2
    // of 20 is a method that sees changes in noise.
    const seeds = Array.from({ length: 20 }, (_, i) => 100 + i);
    const withChanges = seeds.filter((seed) => method.detect([piecewise(300, [0], [10], 2, seed)]).length > 0);
    expect(withChanges.length, `noise series with change points: seeds ${withChanges.join(', ')}`).toBeLessThanOrEqual(2);
  });

  it('does not call one-point spikes change points', () => {
    const series = piecewise(300, [0], [0], 1, 5);
    for (const at of [40, 120, 121 + 60, 250]) series[at] = 25;
    expect(method.detect([series])).toEqual([]);
  });

  it('survives gaps: NaN is neither an error nor a change', () => {
    const series = piecewise(200, [0, 120], [0, 6], 1, 6);
    for (const at of [10, 11, 12, 60, 199]) series[at] = NaN;
    expectNear(method.detect([series]), [120]);
    expect(method.detect([new Float64Array(50).fill(NaN)])).toEqual([]);
  });

  it('handles empty, short and constant series', () => {
    expect(method.detect([new Float64Array(0)])).toEqual([]);
    expect(method.detect([Float64Array.of(1, 2, 3)])).toEqual([]);
    expect(method.detect([new Float64Array(100).fill(7)])).toEqual([]);
  });

  it('finds a shift in one dimension of a multivariate series', () => {
    const quiet = piecewise(240, [0], [3], 1, 7);
    const shifted = piecewise(240, [0, 150], [0, 6], 1, 8);
    expectNear(method.detect([quiet, shifted]), [150]);
  });

  it('is deterministic and returns ascending indices inside the series', () => {
    const series = piecewise(300, [0, 80, 190], [0, 4, -2], 1, 9);
    const first = method.detect([series]);
    expect(method.detect([series])).toEqual(first);
    expect([...first].sort((a, b) => a - b)).toEqual(first);
    for (const at of first) expect(at > 0 && at < 300).toBe(true);
  });
}
