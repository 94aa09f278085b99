import type { ConsolidationFunc, Series } from './series.js';

/**
 * Graphite's TimeSeries consolidation: groups of `valuesPerPoint` values become one, the last group
 * possibly short. A group with no value, or with fewer non-null values than xFilesFactor asks for
 * (counted against the full group size, as Graphite does), is null.
 */
export function consolidateValues(values: Float64Array, valuesPerPoint: number, func: ConsolidationFunc, xFilesFactor: number): Float64Array {
  const n = values.length;
  if (valuesPerPoint <= 1) return values;
  const out = new Float64Array(Math.ceil(n / valuesPerPoint));
  for (let g = 0, from = 0; from < n; g++, from += valuesPerPoint) {
    const to = Math.min(n, from + valuesPerPoint);
    let nonNull = 0;
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    let first = NaN;
    let last = NaN;
    for (let i = from; i < to; i++) {
      const v = values[i]!;
      if (v !== v) continue;
      if (nonNull === 0) first = v;
      nonNull++;
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
      last = v;
    }
    if (nonNull === 0 || nonNull / valuesPerPoint < xFilesFactor) {
      out[g] = NaN;
      continue;
    }
    switch (func) {
      case 'sum':
        out[g] = sum;
        break;
      case 'average':
      case 'avg':
        out[g] = sum / nonNull;
        break;
      case 'avg_zero':
        out[g] = sum / (to - from);
        break;
      case 'min':
        out[g] = min;
        break;
      case 'max':
        out[g] = max;
        break;
      case 'first':
        out[g] = first;
        break;
      case 'last':
        out[g] = last;
        break;
    }
  }
  return out;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

export function lcm(a: number, b: number): number {
  return a === b ? a : (a / gcd(a, b)) * b;
}

export interface Normalized {
  /** Each series consolidated to the common step (its values only; its other fields unchanged). */
  readonly values: readonly Float64Array[];
  readonly startSec: number;
  readonly endSec: number;
  readonly stepSec: number;
}

/**
 * Graphite's normalize(): the common step is the least common multiple of the steps; every series is
 * consolidated to it by its own consolidation function; start is the earliest start, end the latest
 * end cut to a whole number of steps. Series are then combined position by position (as Graphite's
 * izip_longest), not by timestamp. Null when there is no series (Graphite's NormalizeEmptyResultError).
 */
export function normalize(series: readonly Series[]): Normalized | null {
  if (series.length === 0) return null;
  let stepSec = series[0]!.stepSec;
  for (const s of series) stepSec = lcm(stepSec, s.stepSec);
  let startSec = Infinity;
  let endSec = -Infinity;
  const values = series.map((s) => {
    startSec = Math.min(startSec, s.startSec);
    endSec = Math.max(endSec, s.endSec);
    return consolidateValues(s.values, Math.floor(stepSec / s.stepSec), s.consolidationFunc, s.xFilesFactor);
  });
  endSec -= (endSec - startSec) % stepSec;
  return { values, startSec, endSec, stepSec };
}

/** The longest value count among columns (Graphite zips with izip_longest). */
export function longest(columns: readonly Float64Array[]): number {
  let n = 0;
  for (const c of columns) if (c.length > n) n = c.length;
  return n;
}
