import { logGamma, medianOf, selectKth } from '../util/index.js';
import { seriesLength } from './method.js';
import type { ChangePointMethod, MultiSeries } from './method.js';
import { noiseSigma, valueSigma } from './noise-scale.js';

/**
 * What a segment looks like before it has any points, per dimension. {@link bocpdPriorFromSeries}
 * derives one from history, which makes the method independent of the series' units.
 */
export interface BocpdPrior {
  /** Expected level of a segment. */
  readonly mean: readonly number[];
  /** Expected standard deviation of the noise within a segment; > 0. */
  readonly noiseScale: readonly number[];
  /** Expected spread of segment levels around `mean`: how far a new level may lie; > 0. */
  readonly levelScale: readonly number[];
}

/** Options of {@link BocpdStream}; every field has a default in {@link DEFAULT_BOCPD_OPTIONS}. */
export interface BocpdOptions {
  /** Expected points between change points: the constant hazard is its inverse. */
  readonly expectedRunLength?: number;
  /**
   * Probability that a point is an outlier of its segment, drawn from the prior's wide predictive
   * instead: one wild value then splits its probability between "outlier" and "new segment", and the
   * next points decide, so a spike alone does not end a run.
   */
  readonly outlierProbability?: number;
  /** Run lengths whose posterior probability falls below this are dropped. */
  readonly pruneProbability?: number;
  /** Run lengths kept at most (the most probable): time and memory per point are O(maxRunLengths · dims). */
  readonly maxRunLengths?: number;
  /**
   * Fewest points in a segment: a run this short cannot end. A burst of a few wild points then has to
   * be explained as outliers or as the start of a longer segment, which the points after it refute, so
   * a burst shorter than this is not a change point.
   */
  readonly minSegmentLength?: number;
}

export const DEFAULT_BOCPD_OPTIONS = {
  expectedRunLength: 100,
  outlierProbability: 0.01,
  pruneProbability: 1e-8,
  maxRunLengths: 500,
  minSegmentLength: 5,
} as const;

type ResolvedOptions = { readonly [K in keyof BocpdOptions]-?: number };

/**
 * The posterior after one point. Run lengths count the earlier points of a segment (0: the point
 * starts one), over the points taken (a point missing in every dimension is not taken).
 */
export interface BocpdUpdate {
  /** Posterior probability that this point starts a new segment. */
  readonly changeProbability: number;
  /** The most probable run length (the mode of the run-length posterior). */
  readonly mapRunLength: number;
  /** The run length in the most probable segmentation of all points so far (steadier than the mode). */
  readonly segmentRunLength: number;
  /**
   * Were a segment to start at this point, the run length, at the point before, of the segment it
   * would end in the most probable segmentation; -1 when none may end here. Following these back
   * from the last segment's start recovers the whole most probable segmentation.
   */
  readonly previousRunLength: number;
}

/** Plain data that {@link BocpdStream.restore} turns back into the same stream. */
export interface BocpdSnapshot {
  readonly version: 1;
  readonly prior: BocpdPrior;
  readonly options: ResolvedOptions;
  readonly last: BocpdUpdate;
  readonly observations: number;
  /** Per tracked run, ascending run length. */
  readonly runLength: readonly number[];
  readonly probability: readonly number[];
  /** Normal-Gamma posterior per run and dimension, run-major. */
  readonly mean: readonly number[];
  readonly kappa: readonly number[];
  readonly alpha: readonly number[];
  readonly beta: readonly number[];
  /** Per run: log joint probability of the best segmentation ending in it, relative to the best run's. */
  readonly segmentScore: readonly number[];
}

const SNAPSHOT_VERSION = 1;
/** Shape of the prior on each segment's precision: weak (the prior predictive is a Student-t with 2 degrees of freedom). */
const PRIOR_ALPHA = 1;
/** Bounds on the prior mean's pseudo-count (noise² / level spread²): neither certain nor vanishing. */
const MIN_PRIOR_KAPPA = 1e-4;
const MAX_PRIOR_KAPPA = 1;
/** Noise scale of a dimension that never changes, relative to its level: a prior needs one > 0. */
const CONSTANT_NOISE_SCALE = 1e-9;
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** One generation of run-length state: per run, then per run and dimension (run-major). */
class RunTable {
  readonly runLength: Float64Array;
  readonly probability: Float64Array;
  readonly mean: Float64Array;
  readonly kappa: Float64Array;
  readonly alpha: Float64Array;
  readonly beta: Float64Array;
  /** log of the Student-t predictive's normalising constant, kept with the statistics it follows from. */
  readonly logNorm: Float64Array;
  /** Per run: log joint probability of the best segmentation ending in it (max-product, for segmentation). */
  readonly segmentScore: Float64Array;
  count = 0;

  constructor(capacity: number, dims: number) {
    this.runLength = new Float64Array(capacity);
    this.probability = new Float64Array(capacity);
    this.segmentScore = new Float64Array(capacity);
    this.mean = new Float64Array(capacity * dims);
    this.kappa = new Float64Array(capacity * dims);
    this.alpha = new Float64Array(capacity * dims);
    this.beta = new Float64Array(capacity * dims);
    this.logNorm = new Float64Array(capacity * dims);
  }
}

/**
 * Bayesian online change-point detection (Adams & MacKay 2007), streaming: a posterior over the
 * current run length (points since the segment began) under a constant hazard. Each dimension of a
 * segment is Gaussian with unknown mean and variance (Normal-Gamma prior, Student-t predictive);
 * dimensions are independent, so a point's predictive density is the product over dimensions. Each
 * predictive is mixed with an outlier density (see {@link BocpdOptions.outlierProbability}), and a run
 * learns a point in proportion to the probability that it is not an outlier.
 *
 * Beside the posterior (sum over segmentations) it keeps each run's best segmentation (max over
 * them; Fearnhead & Liu 2007), from which offline use reads a whole segmentation.
 *
 * A missing value (NaN, ±Infinity) leaves its dimension out of the point; a point missing in every
 * dimension changes nothing. Time per point O(runs · dims), runs bounded by pruning.
 */
export class BocpdStream {
  private readonly dims: number;
  private readonly hazard: number;
  private readonly logInlier: number;
  private readonly logOutlier: number;
  private readonly priorMean: Float64Array;
  private readonly priorKappa: Float64Array;
  private readonly priorBeta: Float64Array;
  private readonly priorLogNorm: Float64Array;
  private current: RunTable;
  private next: RunTable;
  private readonly point: Float64Array;
  private readonly priorLogDensity: Float64Array;
  /** Per run: log of the point's density times the run's chance to go on. */
  private readonly logGrowth: Float64Array;
  /** Per run and dimension: probability that the point is no outlier. */
  private readonly inlier: Float64Array;
  private readonly grown: Float64Array;
  private readonly selection: Float64Array;
  /** A run is kept when its probability exceeds this, or equals it while `keepTies` lasts. */
  private keepAbove = 0;
  private keepTies = 0;
  private last: BocpdUpdate = { changeProbability: 0, mapRunLength: 0, segmentRunLength: 0, previousRunLength: -1 };
  /** Points taken so far (missing in every dimension: not counted). */
  private observations = 0;
  private readonly options: ResolvedOptions;

  constructor(
    private readonly prior: BocpdPrior,
    options: BocpdOptions = {},
  ) {
    const resolved = resolveOptions(options);
    this.options = resolved;
    this.dims = checkPrior(prior);
    this.hazard = 1 / resolved.expectedRunLength;
    this.logInlier = Math.log1p(-resolved.outlierProbability);
    this.logOutlier = Math.log(resolved.outlierProbability);
    const dims = this.dims;
    this.priorMean = Float64Array.from(prior.mean);
    this.priorKappa = Float64Array.from({ length: dims }, (_, d) => {
      const ratio = prior.noiseScale[d]! / prior.levelScale[d]!;
      return Math.min(MAX_PRIOR_KAPPA, Math.max(MIN_PRIOR_KAPPA, ratio * ratio));
    });
    this.priorBeta = Float64Array.from({ length: dims }, (_, d) => PRIOR_ALPHA * prior.noiseScale[d]! ** 2);
    this.priorLogNorm = Float64Array.from({ length: dims }, (_, d) => studentLogNorm(this.priorKappa[d]!, PRIOR_ALPHA, this.priorBeta[d]!));
    // One more slot than kept runs: the run that starts at the new point.
    const capacity = resolved.maxRunLengths + 1;
    this.current = new RunTable(capacity, dims);
    this.next = new RunTable(capacity, dims);
    this.point = new Float64Array(dims);
    this.priorLogDensity = new Float64Array(dims);
    this.logGrowth = new Float64Array(capacity);
    this.inlier = new Float64Array(capacity * dims);
    this.grown = new Float64Array(capacity);
    this.selection = new Float64Array(capacity);
  }

  /** Dimensions this stream takes per point. */
  get dimensions(): number {
    return this.dims;
  }

  /**
   * Takes the next point (one value per dimension; a number when there is one dimension) and returns
   * the posterior after it. Throws only when the number of values does not match the dimensions.
   */
  update(values: readonly number[] | number): BocpdUpdate {
    const dims = this.dims;
    const point = this.point;
    if (typeof values === 'number') {
      if (dims !== 1) throw new RangeError(`cannot update bocpd: expected ${dims} values, got 1`);
      point[0] = values;
    } else {
      if (values.length !== dims) throw new RangeError(`cannot update bocpd: expected ${dims} values, got ${values.length}`);
      for (let d = 0; d < dims; d++) point[d] = values[d]!;
    }
    let present = false;
    for (let d = 0; d < dims; d++) {
      if (Number.isFinite(point[d])) present = true;
      else point[d] = NaN;
    }
    if (!present) return this.last;

    const runs = this.current;
    let priorLog = 0;
    for (let d = 0; d < dims; d++) {
      const x = point[d]!;
      if (Number.isNaN(x)) continue;
      this.priorLogDensity[d] = studentLogDensity(x, this.priorMean[d]!, this.priorKappa[d]!, PRIOR_ALPHA, this.priorBeta[d]!, this.priorLogNorm[d]!);
      priorLog += this.priorLogDensity[d]!;
    }
    // A run grows by one when it predicts the point; a new segment starts at the point, drawing it
    // from the prior, with the hazard's share of the runs old enough to end. Terms are kept as logs
    // and scaled by their largest, so that no density underflows or overflows.
    const { minSegmentLength } = this.options;
    const logGo = Math.log1p(-this.hazard);
    let endable = 0;
    let maxLog = -Infinity;
    let bestEnd = -1;
    for (let i = 0; i < runs.count; i++) {
      // The run that began with the first point may have begun before it, so any length of it may end.
      const points = runs.runLength[i]! + 1;
      const old = points >= minSegmentLength || points === this.observations;
      if (old) {
        endable += runs.probability[i]!;
        if (bestEnd < 0 || runs.segmentScore[i]! > runs.segmentScore[bestEnd]!) bestEnd = i;
      }
      const logGrowth = this.runLogDensity(runs, i) + (old ? logGo : 0);
      this.logGrowth[i] = logGrowth;
      this.grown[i] = Math.log(runs.probability[i]!) + logGrowth;
      if (this.grown[i]! > maxLog) maxLog = this.grown[i]!;
    }
    const logHazard = Math.log(this.hazard);
    const changeLog = runs.count === 0 ? 0 : logHazard + Math.log(endable) + priorLog;
    if (changeLog > maxLog) maxLog = changeLog;
    let change = Math.exp(changeLog - maxLog);
    let total = change;
    for (let i = 0; i < runs.count; i++) {
      this.grown[i] = Math.exp(this.grown[i]! - maxLog);
      total += this.grown[i]!;
    }
    if (!(total > 0 && total < Infinity)) {
      // A value so far out that no density is finite: start afresh from it.
      runs.count = 0;
      this.observations = 0;
      return this.update(values);
    }
    change /= total;
    for (let i = 0; i < runs.count; i++) this.grown[i] /= total;

    this.setKeepThreshold(change, runs.count);
    const out = this.next;
    out.count = 0;
    let kept = 0;
    if (this.keep(change)) {
      const score = runs.count === 0 ? 0 : bestEnd < 0 ? -Infinity : runs.segmentScore[bestEnd]! + logHazard + priorLog;
      this.startRun(out, change, score);
      kept += change;
    }
    for (let i = 0; i < runs.count; i++) {
      const probability = this.grown[i]!;
      if (!this.keep(probability)) continue;
      this.growRun(runs, i, out, probability, runs.segmentScore[i]! + this.logGrowth[i]!);
      kept += probability;
    }
    let mode = 0;
    let best = 0;
    for (let j = 0; j < out.count; j++) {
      out.probability[j] /= kept;
      if (out.probability[j]! > out.probability[mode]!) mode = j;
      if (out.segmentScore[j]! > out.segmentScore[best]!) best = j;
    }
    // Scores are relative to the best, so that they stay in range however long the stream.
    const top = out.segmentScore[best]!;
    if (top > -Infinity) for (let j = 0; j < out.count; j++) out.segmentScore[j] -= top;
    this.current = out;
    this.next = runs;
    this.observations++;
    this.last = {
      changeProbability: change,
      mapRunLength: out.runLength[mode]!,
      segmentRunLength: out.runLength[best]!,
      previousRunLength: bestEnd < 0 ? -1 : runs.runLength[bestEnd]!,
    };
    return this.last;
  }

  /** The stream's state as plain data (JSON-safe). */
  snapshot(): BocpdSnapshot {
    const runs = this.current;
    const cells = runs.count * this.dims;
    return {
      version: SNAPSHOT_VERSION,
      prior: { mean: [...this.prior.mean], noiseScale: [...this.prior.noiseScale], levelScale: [...this.prior.levelScale] },
      options: { ...this.options },
      last: { ...this.last },
      observations: this.observations,
      runLength: Array.from(runs.runLength.subarray(0, runs.count)),
      probability: Array.from(runs.probability.subarray(0, runs.count)),
      mean: Array.from(runs.mean.subarray(0, cells)),
      kappa: Array.from(runs.kappa.subarray(0, cells)),
      alpha: Array.from(runs.alpha.subarray(0, cells)),
      beta: Array.from(runs.beta.subarray(0, cells)),
      segmentScore: Array.from(runs.segmentScore.subarray(0, runs.count)),
    };
  }

  /** A stream in the state of `snapshot`; throws when the snapshot is not one this version wrote. */
  static restore(snapshot: BocpdSnapshot): BocpdStream {
    if (snapshot.version !== SNAPSHOT_VERSION) throw new RangeError(`cannot restore bocpd: unknown snapshot version ${String(snapshot.version)}`);
    const stream = new BocpdStream(snapshot.prior, snapshot.options);
    const count = snapshot.runLength.length;
    const cells = count * stream.dims;
    const fields = [snapshot.mean, snapshot.kappa, snapshot.alpha, snapshot.beta];
    const perRun = [snapshot.probability, snapshot.segmentScore];
    if (count > snapshot.options.maxRunLengths || perRun.some((field) => field.length !== count) || fields.some((field) => field.length !== cells)) {
      throw new RangeError(`cannot restore bocpd: snapshot arrays do not match ${count} runs of ${stream.dims} dimensions`);
    }
    const runs = stream.current;
    runs.count = count;
    runs.runLength.set(snapshot.runLength);
    runs.probability.set(snapshot.probability);
    runs.segmentScore.set(snapshot.segmentScore);
    runs.mean.set(snapshot.mean);
    runs.kappa.set(snapshot.kappa);
    runs.alpha.set(snapshot.alpha);
    runs.beta.set(snapshot.beta);
    for (let cell = 0; cell < cells; cell++) runs.logNorm[cell] = studentLogNorm(runs.kappa[cell]!, runs.alpha[cell]!, runs.beta[cell]!);
    stream.last = { ...snapshot.last };
    stream.observations = snapshot.observations;
    return stream;
  }

  /** log density of the point under run i (inlier or outlier, per present dimension); fills `inlier`. */
  private runLogDensity(runs: RunTable, i: number): number {
    let sum = 0;
    for (let d = 0, cell = i * this.dims; d < this.dims; d++, cell++) {
      const x = this.point[d]!;
      if (Number.isNaN(x)) continue;
      const inlier = this.logInlier + studentLogDensity(x, runs.mean[cell]!, runs.kappa[cell]!, runs.alpha[cell]!, runs.beta[cell]!, runs.logNorm[cell]!);
      const outlier = this.logOutlier + this.priorLogDensity[d]!;
      const mixed = Math.max(inlier, outlier) + Math.log1p(Math.exp(-Math.abs(inlier - outlier)));
      this.inlier[cell] = Math.exp(inlier - mixed);
      sum += mixed;
    }
    return sum;
  }

  /** Appends the run that starts at this point: the prior, having learnt the point. */
  private startRun(out: RunTable, probability: number, segmentScore: number): void {
    const j = out.count++;
    out.runLength[j] = 0;
    out.probability[j] = probability;
    out.segmentScore[j] = segmentScore;
    for (let d = 0, cell = j * this.dims; d < this.dims; d++, cell++) {
      // Under the prior the outlier density is the inlier one, so a point is an inlier with 1 - p.
      const weight = Number.isNaN(this.point[d]!) ? 0 : Math.exp(this.logInlier);
      learn(out, cell, this.point[d]!, weight, this.priorMean[d]!, this.priorKappa[d]!, PRIOR_ALPHA, this.priorBeta[d]!);
    }
  }

  /** Appends run i of `runs`, one point longer, having learnt the point. */
  private growRun(runs: RunTable, i: number, out: RunTable, probability: number, segmentScore: number): void {
    const j = out.count++;
    out.runLength[j] = runs.runLength[i]! + 1;
    out.probability[j] = probability;
    out.segmentScore[j] = segmentScore;
    for (let d = 0, from = i * this.dims, cell = j * this.dims; d < this.dims; d++, from++, cell++) {
      const weight = Number.isNaN(this.point[d]!) ? 0 : this.inlier[from]!;
      learn(out, cell, this.point[d]!, weight, runs.mean[from]!, runs.kappa[from]!, runs.alpha[from]!, runs.beta[from]!);
    }
  }

  /**
   * Sets the probability a run needs to be kept: the prune threshold, raised when more than
   * `maxRunLengths` runs reach it so that only the most probable are kept.
   */
  private setKeepThreshold(change: number, count: number): void {
    const { pruneProbability, maxRunLengths } = this.options;
    let passing = 0;
    if (change >= pruneProbability) this.selection[passing++] = change;
    for (let i = 0; i < count; i++) if (this.grown[i]! >= pruneProbability) this.selection[passing++] = this.grown[i]!;
    if (passing <= maxRunLengths) {
      this.keepAbove = pruneProbability;
      this.keepTies = Infinity;
      return;
    }
    const value = selectKth(this.selection, passing, passing - maxRunLengths);
    let above = 0;
    for (let i = 0; i < passing; i++) if (this.selection[i]! > value) above++;
    this.keepAbove = value;
    this.keepTies = maxRunLengths - above;
  }

  private keep(probability: number): boolean {
    if (probability > this.keepAbove) return true;
    if (probability !== this.keepAbove || this.keepTies <= 0) return false;
    this.keepTies--;
    return true;
  }
}

/**
 * The Normal-Gamma posterior after learning x with weight w (1: a whole point; less: the share of it
 * that is no outlier) into cell `cell` of `out`, from (mean, kappa, alpha, beta).
 */
function learn(out: RunTable, cell: number, x: number, weight: number, mean: number, kappa: number, alpha: number, beta: number): void {
  if (weight > 0) {
    const kappaNext = kappa + weight;
    const deviation = x - mean;
    mean += (weight * deviation) / kappaNext;
    beta += (weight * kappa * deviation * deviation) / (2 * kappaNext);
    alpha += weight / 2;
    kappa = kappaNext;
  }
  out.mean[cell] = mean;
  out.kappa[cell] = kappa;
  out.alpha[cell] = alpha;
  out.beta[cell] = beta;
  out.logNorm[cell] = studentLogNorm(kappa, alpha, beta);
}

/**
 * log of the normalising constant of the Normal-Gamma predictive: a Student-t with 2α degrees of
 * freedom and squared scale β(κ+1)/(ακ).
 */
function studentLogNorm(kappa: number, alpha: number, beta: number): number {
  return logGamma(alpha + 0.5) - logGamma(alpha) - 0.5 * Math.log((2 * Math.PI * beta * (kappa + 1)) / kappa);
}

function studentLogDensity(x: number, mean: number, kappa: number, alpha: number, beta: number, logNorm: number): number {
  const deviation = x - mean;
  return logNorm - (alpha + 0.5) * Math.log1p((kappa * deviation * deviation) / (2 * beta * (kappa + 1)));
}

function resolveOptions(options: BocpdOptions): ResolvedOptions {
  const resolved = {
    expectedRunLength: options.expectedRunLength ?? DEFAULT_BOCPD_OPTIONS.expectedRunLength,
    outlierProbability: options.outlierProbability ?? DEFAULT_BOCPD_OPTIONS.outlierProbability,
    pruneProbability: options.pruneProbability ?? DEFAULT_BOCPD_OPTIONS.pruneProbability,
    maxRunLengths: options.maxRunLengths ?? DEFAULT_BOCPD_OPTIONS.maxRunLengths,
    minSegmentLength: options.minSegmentLength ?? DEFAULT_BOCPD_OPTIONS.minSegmentLength,
  };
  if (!(resolved.expectedRunLength > 1)) throw new RangeError(`cannot create bocpd: expectedRunLength must be > 1, got ${resolved.expectedRunLength}`);
  if (!(resolved.outlierProbability > 0 && resolved.outlierProbability < 1)) {
    throw new RangeError(`cannot create bocpd: outlierProbability must be in (0, 1), got ${resolved.outlierProbability}`);
  }
  if (!(resolved.pruneProbability >= 0 && resolved.pruneProbability < 1)) {
    throw new RangeError(`cannot create bocpd: pruneProbability must be in [0, 1), got ${resolved.pruneProbability}`);
  }
  if (!(Number.isInteger(resolved.maxRunLengths) && resolved.maxRunLengths >= 1)) {
    throw new RangeError(`cannot create bocpd: maxRunLengths must be a positive integer, got ${resolved.maxRunLengths}`);
  }
  if (!(Number.isInteger(resolved.minSegmentLength) && resolved.minSegmentLength >= 1)) {
    throw new RangeError(`cannot create bocpd: minSegmentLength must be a positive integer, got ${resolved.minSegmentLength}`);
  }
  return resolved;
}

/** The number of dimensions of a valid prior; throws otherwise. */
function checkPrior(prior: BocpdPrior): number {
  const dims = prior.mean.length;
  if (dims === 0 || prior.noiseScale.length !== dims || prior.levelScale.length !== dims) {
    throw new RangeError('cannot create bocpd: prior needs one mean, noiseScale and levelScale per dimension, at least one');
  }
  for (let d = 0; d < dims; d++) {
    const ok = Number.isFinite(prior.mean[d]) && prior.noiseScale[d]! > 0 && prior.levelScale[d]! > 0;
    if (!ok || !Number.isFinite(prior.noiseScale[d]) || !Number.isFinite(prior.levelScale[d])) {
      throw new RangeError(`cannot create bocpd: prior of dimension ${d} needs a finite mean and finite positive scales`);
    }
  }
  return dims;
}

/**
 * A prior from history, per dimension: the median as the mean, the noise scale from the MAD of first
 * differences (level shifts barely move it; the mean absolute difference when over half are 0), the
 * level spread from the MAD of the values. A dimension with no values gets a unit prior, a constant
 * one a tiny noise scale.
 */
export function bocpdPriorFromSeries(series: MultiSeries): BocpdPrior {
  const mean: number[] = [];
  const noiseScale: number[] = [];
  const levelScale: number[] = [];
  for (const dimension of series) {
    const finite = dimension.filter(Number.isFinite);
    if (finite.length === 0) {
      mean.push(0);
      noiseScale.push(1);
      levelScale.push(1);
      continue;
    }
    const center = medianOf(Float64Array.from(finite), finite.length);
    const noise = Math.max(noiseSigma(finite), CONSTANT_NOISE_SCALE * Math.max(1, Math.abs(center)));
    mean.push(center);
    noiseScale.push(noise);
    levelScale.push(Math.max(noise, valueSigma(finite)));
  }
  return { mean, noiseScale, levelScale };
}

/**
 * Offline change points by BOCPD: runs a {@link BocpdStream} over the series with a prior from
 * {@link bocpdPriorFromSeries} and reads back the most probable segmentation, from the last segment's
 * start through each `previousRunLength`. A first or last segment shorter than `minSegmentLength`
 * (which the stream allows, since the series cuts them) does not count: a shift must persist to be
 * reported. Rows missing in every dimension are skipped, and so are dimensions that never change: a
 * run that has seen only one value predicts it ever more sharply, and would outvote every other
 * dimension against any change.
 */
export function bocpdChangePoints(input: MultiSeries, options: BocpdOptions = {}): number[] {
  const n = seriesLength(input);
  const series = input.filter(varies);
  if (n === 0 || series.length === 0) return [];
  const stream = new BocpdStream(bocpdPriorFromSeries(series), options);
  const minSegmentLength = options.minSegmentLength ?? DEFAULT_BOCPD_OPTIONS.minSegmentLength;
  const row = new Array<number>(series.length);
  // Per taken point: its input index, and the run that ends before it should a segment start there.
  const inputIndex = new Int32Array(n);
  const previousRunLength = new Int32Array(n);
  let taken = 0;
  let lastRunLength = 0;
  for (let t = 0; t < n; t++) {
    let present = false;
    for (let d = 0; d < series.length; d++) {
      row[d] = series[d]![t]!;
      if (Number.isFinite(row[d])) present = true;
    }
    if (!present) continue;
    const update = stream.update(row);
    inputIndex[taken] = t;
    previousRunLength[taken] = update.previousRunLength;
    lastRunLength = update.segmentRunLength;
    taken++;
  }
  if (taken === 0) return [];

  const starts: number[] = [];
  for (let start = taken - 1 - lastRunLength; start > 0 && previousRunLength[start]! >= 0; start -= previousRunLength[start]! + 1) {
    starts.push(start);
  }
  if (starts.length > 0 && taken - starts[0]! < minSegmentLength) starts.shift();
  if (starts.length > 0 && starts[starts.length - 1]! < minSegmentLength) starts.pop();
  return starts.reverse().map((start) => inputIndex[start]!);
}

/** Whether a dimension holds two different finite values. */
function varies(dimension: Float64Array): boolean {
  let first = NaN;
  for (const value of dimension) {
    if (!Number.isFinite(value)) continue;
    if (Number.isNaN(first)) first = value;
    else if (value !== first) return true;
  }
  return false;
}

export const BOCPD_METHOD: ChangePointMethod = {
  id: 'bocpd',
  description:
    'Bayesian online change-point detection (Adams & MacKay 2007): Normal-Gamma per dim, Student-t predictives with 1% outliers, ' +
    'hazard 1/100, prior from median and MAD of differences, segments >= 5 points; reports the most probable segmentation',
  detect: (series) => bocpdChangePoints(series),
};
