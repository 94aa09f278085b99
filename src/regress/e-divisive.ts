import { seededRandom, shuffleInPlace } from '../util/index.js';
import { seriesLength } from './method.js';
import type { ChangePointMethod, MultiSeries } from './method.js';
import { noiseSigma } from './noise-scale.js';

/** Options of {@link eDivisive}; every field has a default in {@link DEFAULT_E_DIVISIVE_OPTIONS}. */
export interface EDivisiveOptions {
  /**
   * Fewest input points in a segment (ecp's `min.size`). Default: 30 as in ecp, lowered for short
   * series to max(5, floor(n / 10)) so a series of 100 points can still hold a few segments.
   */
  readonly minSegmentLength?: number;
  /** Permutations behind each significance test (ecp's `R`). */
  readonly permutations?: number;
  /** A change point is kept while the permutation p-value is at most this (ecp's `sig.lvl`). */
  readonly significance?: number;
  /** Seed of the permutations: the same series and seed give the same change points. */
  readonly seed?: number;
  /**
   * Working points at most: longer series are averaged in blocks of consecutive points down to this
   * many, so a split costs O(maxPoints²) rather than O(n²); change points then fall on block starts.
   */
  readonly maxPoints?: number;
}

export const DEFAULT_E_DIVISIVE_OPTIONS = {
  permutations: 199,
  significance: 0.05,
  seed: 0x5eed,
  maxPoints: 2000,
} as const;

/** ecp's default `min.size`. */
const ECP_MIN_SEGMENT = 30;
/** The smallest default segment, for short series. */
const SHORT_SERIES_MIN_SEGMENT = 5;

/** A segment [start, end) of working rows and its best split. */
interface Segment {
  readonly start: number;
  readonly end: number;
  /** The q-statistic of the best split, -Infinity when the segment is too short to split. */
  readonly statistic: number;
  readonly split: number;
}

/** The series as the algorithm sees it: rows of scaled, gap-filled values. */
interface WorkingSeries {
  /** Row-major, rows × dims. */
  readonly values: Float64Array;
  readonly dims: number;
  readonly rows: number;
  /** Input index at which each row starts. */
  readonly inputIndex: Int32Array;
  /** Input points per row (1 unless the series was averaged in blocks). */
  readonly blockSize: number;
  /** Input rows with a value (the others are skipped). */
  readonly points: number;
}

/** Scratch buffers for {@link bestSplit}, one value per row. */
interface SplitScratch {
  /** Σ D(j, k) over j in [segment start, k): each row's distances to the rows before it. */
  readonly before: Float64Array;
  /** Σ D(a, k) over a in the left part: each row's distances to the left part. */
  readonly toLeft: Float64Array;
  /** 1 / i for i in [0, 2 · rows]. */
  readonly reciprocal: Float64Array;
}

/**
 * E-divisive means (Matteson & James 2014; ecp's `e.divisive` with alpha = 1): hierarchical bisection
 * by the energy statistic, each new change point kept only when a permutation test finds it
 * significant. Dimensions are divided by a robust noise scale (MAD of first differences) so that they
 * weigh alike in the Euclidean distance. Missing values: rows missing in every dimension are skipped,
 * a value missing in some dimensions takes that dimension's last value.
 *
 * Time O(P · m²) per change point (m working points, P permutations), memory O(m); returns the input
 * indices at which new segments start, ascending.
 */
export function eDivisive(series: MultiSeries, options: EDivisiveOptions = {}): number[] {
  const permutations = options.permutations ?? DEFAULT_E_DIVISIVE_OPTIONS.permutations;
  const significance = options.significance ?? DEFAULT_E_DIVISIVE_OPTIONS.significance;
  const seed = options.seed ?? DEFAULT_E_DIVISIVE_OPTIONS.seed;
  const maxPoints = options.maxPoints ?? DEFAULT_E_DIVISIVE_OPTIONS.maxPoints;
  checkOptions(permutations, significance, maxPoints, options.minSegmentLength);

  const working = workingSeries(series, maxPoints);
  if (working === null) return [];
  const minSegmentLength = options.minSegmentLength ?? Math.min(ECP_MIN_SEGMENT, Math.max(SHORT_SERIES_MIN_SEGMENT, Math.floor(working.points / 10)));
  const minRows = Math.max(2, Math.ceil(minSegmentLength / working.blockSize));
  const { values, dims, rows } = working;
  if (rows < 2 * minRows) return [];

  const reciprocal = Float64Array.from({ length: 2 * rows + 1 }, (_, i) => 1 / i);
  const scratch: SplitScratch = { before: new Float64Array(rows), toLeft: new Float64Array(rows), reciprocal };
  const segmentOf = (start: number, end: number): Segment => ({ start, end, ...bestSplit(values, dims, start, end, minRows, scratch) });
  const segments: Segment[] = [segmentOf(0, rows)];
  const random = seededRandom(seed);
  const permuted = new Float64Array(values.length);
  const order = new Uint32Array(rows);
  // Kept when p = (exceedances + 1) / (permutations + 1) <= significance, i.e. exceedances < rejectAt:
  // once that many permutations have beaten the candidate the rest cannot change the answer.
  const rejectAt = Math.floor(significance * (permutations + 1));
  const splits: number[] = [];

  for (;;) {
    let best = 0;
    for (let i = 1; i < segments.length; i++) if (segments[i]!.statistic > segments[best]!.statistic) best = i;
    const candidate = segments[best]!;
    if (candidate.statistic === -Infinity) break;

    // ecp's test: shuffle within every current segment and compare the best statistic over all of them.
    let exceedances = 0;
    for (let p = 0; p < permutations && exceedances < rejectAt; p++) {
      let permutedBest = -Infinity;
      for (const segment of segments) {
        if (segment.statistic === -Infinity) continue;
        shuffleRows(values, dims, segment.start, segment.end, order, random, permuted);
        const { statistic } = bestSplit(permuted, dims, segment.start, segment.end, minRows, scratch);
        if (statistic > permutedBest) permutedBest = statistic;
      }
      if (permutedBest >= candidate.statistic) exceedances++;
    }
    if (exceedances >= rejectAt) break;

    splits.push(candidate.split);
    segments.splice(best, 1, segmentOf(candidate.start, candidate.split), segmentOf(candidate.split, candidate.end));
  }
  return splits.map((row) => working.inputIndex[row]!).sort((a, b) => a - b);
}

function checkOptions(permutations: number, significance: number, maxPoints: number, minSegmentLength: number | undefined): void {
  if (!Number.isInteger(permutations) || permutations < 1) throw new RangeError(`cannot run e-divisive: permutations must be a positive integer, got ${permutations}`);
  if (!(significance > 0 && significance < 1)) throw new RangeError(`cannot run e-divisive: significance must be in (0, 1), got ${significance}`);
  if (!Number.isInteger(maxPoints) || maxPoints < 4) throw new RangeError(`cannot run e-divisive: maxPoints must be an integer >= 4, got ${maxPoints}`);
  if (minSegmentLength !== undefined && !(Number.isInteger(minSegmentLength) && minSegmentLength >= 2)) {
    throw new RangeError(`cannot run e-divisive: minSegmentLength must be an integer >= 2, got ${minSegmentLength}`);
  }
}

/**
 * The best split of rows [start, end): the τ maximising ecp's q-statistic over τ and κ, between the
 * left part [start, τ) and a right part [τ, κ) that may stop short of the end (so that a segment
 * holding several changes still splits well), both at least `minRows` long:
 *
 *   q = m·k/(m+k) · (2/(m·k) Σ D(a,b) − Σ_{a<a'} D(a,a') / C(m,2) − Σ_{b<b'} D(b,b') / C(k,2)).
 *
 * The sums grow one row at a time from per-row sums over the segment's earlier rows, so a split costs
 * O(L²) distances for L rows and O(L) memory, without a distance matrix.
 */
function bestSplit(values: Float64Array, dims: number, start: number, end: number, minRows: number, scratch: SplitScratch): { statistic: number; split: number } {
  let statistic = -Infinity;
  let split = -1;
  if (end - start < 2 * minRows) return { statistic, split };
  const { before, toLeft, reciprocal } = scratch;
  before.fill(0, start, end);
  toLeft.fill(0, start, end);
  for (let row = start; row < end - 1; row++) addDistances(values, dims, row, row + 1, end, before);

  let withinLeft = 0;
  for (let tau = start + 1; tau <= end - minRows; tau++) {
    // Row tau - 1 joins the left part.
    const joining = tau - 1;
    withinLeft += toLeft[joining]!;
    addDistances(values, dims, joining, tau, end, toLeft);
    const m = tau - start;
    if (m < minRows) continue;
    // q rearranged as (2·between − k·m·meanLeft − 2m·withinRight/(k−1)) / (m+k), with reciprocals
    // from a table: this loop runs O(L²) times per permutation.
    const mMeanLeft = (2 * withinLeft) / (m - 1);
    let between = 0;
    let withinRight = 0;
    for (let kappa = tau; kappa < end; kappa++) {
      between += toLeft[kappa]!;
      withinRight += before[kappa]! - toLeft[kappa]!;
      const k = kappa - tau + 1;
      if (k < minRows) continue;
      const q = (2 * between - k * mMeanLeft - 2 * m * withinRight * reciprocal[k - 1]!) * reciprocal[m + k]!;
      if (q > statistic) {
        statistic = q;
        split = tau;
      }
    }
  }
  return { statistic, split };
}

/** out[k] += D(row, k) for k in [from, to): Euclidean distance between rows. */
function addDistances(values: Float64Array, dims: number, row: number, from: number, to: number, out: Float64Array): void {
  if (dims === 1) {
    const x = values[row]!;
    for (let k = from; k < to; k++) out[k] += Math.abs(values[k]! - x);
    return;
  }
  const base = row * dims;
  for (let k = from; k < to; k++) {
    let sum = 0;
    for (let d = 0, other = k * dims; d < dims; d++, other++) {
      const diff = values[other]! - values[base + d]!;
      sum += diff * diff;
    }
    out[k] += Math.sqrt(sum);
  }
}

/** Copies rows [start, end) of `values` into `out` in a fresh random order. */
function shuffleRows(values: Float64Array, dims: number, start: number, end: number, order: Uint32Array, random: () => number, out: Float64Array): void {
  const slice = order.subarray(start, end);
  for (let i = 0; i < slice.length; i++) slice[i] = start + i;
  shuffleInPlace(slice, random);
  for (let i = 0; i < slice.length; i++) {
    const from = slice[i]! * dims;
    const to = (start + i) * dims;
    for (let d = 0; d < dims; d++) out[to + d] = values[from + d]!;
  }
}

/**
 * Rows of scaled values: dimensions with no spread (or no values) are dropped, rows missing in every
 * kept dimension are skipped, a missing value takes its dimension's last value (its next one at the
 * start), and rows are averaged in blocks when there are more than `maxPoints`. Null when nothing is left.
 */
function workingSeries(series: MultiSeries, maxPoints: number): WorkingSeries | null {
  const n = seriesLength(series);
  const kept: Float64Array[] = [];
  const scales: number[] = [];
  for (const dimension of series) {
    const scale = noiseSigma(dimension.filter(Number.isFinite));
    if (scale > 0) {
      kept.push(dimension);
      scales.push(scale);
    }
  }
  const dims = kept.length;
  if (dims === 0) return null;

  const present: number[] = [];
  for (let t = 0; t < n; t++) if (kept.some((dimension) => Number.isFinite(dimension[t]))) present.push(t);
  if (present.length === 0) return null;
  const blockSize = Math.ceil(present.length / maxPoints);
  const rows = Math.ceil(present.length / blockSize);
  const values = new Float64Array(rows * dims);
  for (let d = 0; d < dims; d++) {
    const dimension = kept[d]!;
    let last = NaN;
    for (const t of present) {
      if (Number.isFinite(dimension[t])) {
        last = dimension[t]!;
        break;
      }
    }
    for (let i = 0; i < present.length; i++) {
      const value = dimension[present[i]!]!;
      if (Number.isFinite(value)) last = value;
      values[Math.floor(i / blockSize) * dims + d] += last / scales[d]!;
    }
  }
  const inputIndex = new Int32Array(rows);
  for (let row = 0; row < rows; row++) {
    inputIndex[row] = present[row * blockSize]!;
    const size = Math.min(blockSize, present.length - row * blockSize);
    for (let d = 0; d < dims; d++) values[row * dims + d] /= size;
  }
  return { values, dims, rows, inputIndex, blockSize, points: present.length };
}

export const E_DIVISIVE_METHOD: ChangePointMethod = {
  id: 'edivisive',
  description:
    'E-divisive means (Matteson & James 2014): energy-statistic bisection, alpha 1, dims scaled by MAD of differences; ' +
    'min segment min(30, max(5, n/10)), 199 permutations at 0.05, seeded; over 2000 points averaged in blocks',
  detect: (series) => eDivisive(series),
};
