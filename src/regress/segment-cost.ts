import type { SegmentFit } from './segment-fit.js';

/** Cost of fitting one segment [start, end) of every dimension; lower is a better fit. */
export type SegmentCost = (start: number, end: number) => number;

/** Variance below this (in prepared units, where the noise is about 1) counts as this: no log of 0. */
const VARIANCE_FLOOR = 1e-4;

/**
 * Gaussian cost with a mean and a variance per segment (twice the negative log-likelihood, up to a
 * constant): m·log(σ̂²) summed over dimensions. Changes in level and in variance both lower it.
 */
export function meanVarianceCost(fits: readonly SegmentFit[]): SegmentCost {
  return (start, end) => {
    const m = end - start;
    let cost = 0;
    for (const fit of fits) cost += m * Math.log(Math.max(fit.levelRss(start, end) / m, VARIANCE_FLOOR));
    return cost;
  };
}

/**
 * Penalty per change point of the modified BIC (Zhang & Siegmund 2007) for a mean-and-variance model:
 * 3 parameters (location, mean, variance) per change point and dimension, log(n) each.
 */
export function bicPenalty(n: number, dimensions: number): number {
  return 3 * dimensions * Math.log(Math.max(n, 2));
}
