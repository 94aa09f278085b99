import { stateError } from '../state-data.js';

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const LN_100 = Math.log(100);
/** The Euler–Mascheroni constant: a Gumbel's mean lies this many scales above its location. */
const EULER_GAMMA = 0.5772156649015329;
/** A Gumbel's standard deviation is its scale times π/√6. */
const GUMBEL_SD_PER_SCALE = Math.PI / Math.sqrt(6);

/**
 * How the long-term history judges the short-term average:
 * - `gaussian` (HTM's): the tail probability of one average under a Gaussian fitted to all past averages;
 * - `block-maxima`: the chance that a block of `blockPoints` averages holds one this high, under a Gumbel
 *   fitted to the maxima of past blocks. It models only the upper tail, so a detector whose scores are
 *   heavy-tailed on a series (frequent bursts) is judged by how high its bursts usually go.
 */
export type LikelihoodModel = 'gaussian' | 'block-maxima';

export interface AnomalyLikelihoodOptions {
  /** Raw scores in the short-term moving average that is judged. */
  readonly averagingPoints: number;
  /** Averages per block of the long-term history; the distribution is re-estimated once per block. */
  readonly blockPoints: number;
  /** Blocks kept in the long-term history (history length = blockPoints × historyBlocks). */
  readonly historyBlocks: number;
  /** Raw scores at the start that never enter the history (the scored detector is still settling). */
  readonly learningPoints: number;
  readonly model: LikelihoodModel;
  /**
   * Floor of the fitted location (the mean of the averages, or the Gumbel location of the block maxima):
   * a near-silent detector must not turn a tiny blip into an alarm.
   */
  readonly minLocation: number;
  /** Floor of the fitted scale (standard deviation, or Gumbel scale), for the same reason. */
  readonly minScale: number;
  /** Surprise (-log10 of the tail probability) that scores 0.99, the platform's default anomaly threshold. */
  readonly alarmSurprise: number;
}

/** The anomaly likelihood of HTM: a 10-point average judged by a Gaussian over about 3,200 points, floors included. */
export const DEFAULT_ANOMALY_LIKELIHOOD_OPTIONS: AnomalyLikelihoodOptions = {
  averagingPoints: 10,
  blockPoints: 100,
  historyBlocks: 32,
  learningPoints: 0,
  model: 'gaussian',
  minLocation: 0.03,
  minScale: 0.0173,
  alarmSurprise: 5,
};

/** The likelihood's state as it stands in a detector's state data. */
export interface AnomalyLikelihoodState {
  readonly seen: number;
  /** The last `averagingPoints` raw scores, in ring order. */
  readonly recent: number[];
  /** The block being filled: its sum, sum of squares and maximum so far, and how many averages it holds. */
  readonly blockSum: number;
  readonly blockSumSquares: number;
  readonly blockMax: number;
  readonly blockCount: number;
  /** Completed blocks, in ring order: (sum, sum of squares) pairs for the Gaussian, maxima for block maxima. */
  readonly blocks: number[];
  readonly blocksFilled: number;
  readonly blockHead: number;
}

/** Numbers kept per completed block by each model. */
function statsPerBlock(model: LikelihoodModel): number {
  return model === 'gaussian' ? 2 : 1;
}

/**
 * Natural log of the standard normal's upper tail, ln P(Z > z), accurate far into the tail where the
 * probability itself underflows: a rational erfc approximation (relative error < 1.2e-7) up to z = 8,
 * the asymptotic series beyond.
 */
export function logNormalTail(z: number): number {
  if (z > 8) {
    const inverseSquare = 1 / (z * z);
    return -0.5 * z * z - Math.log(z) - LOG_SQRT_2PI + Math.log(1 - inverseSquare + 3 * inverseSquare * inverseSquare);
  }
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const logErfc =
    Math.log(t) -
    x * x -
    1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return z >= 0 ? logErfc - Math.LN2 : Math.log1p(-0.5 * Math.exp(logErfc));
}

/** Surprise of a z-score: -log10 P(Z > z), 0 for z far below 0, 5 for a one-in-100,000 tail. */
export function surpriseOfZ(z: number): number {
  return Math.max(0, -logNormalTail(z) / Math.LN10);
}

/**
 * Surprise of `x` under a Gumbel (location, scale) for the maximum of a block: -log10 P(max >= x).
 * Far in the tail P(max >= x) is exp(-y) for y = (x - location) / scale, computed in the log domain.
 */
export function surpriseOfBlockMaximum(x: number, location: number, scale: number): number {
  const y = (x - location) / scale;
  const logTail = y > 30 ? -y : Math.log(-Math.expm1(-Math.exp(-y)));
  return Math.max(0, -logTail / Math.LN10);
}

/**
 * Maps a surprise to an anomaly score in [0, 1]: 1 - 0.01^g(r) for r = surprise / alarmSurprise, where
 * g(r) = r² up to the alarm and 1 + 2 ln r beyond it (the two meet smoothly at r = 1). So `alarmSurprise`
 * scores 0.99, the platform's default anomaly threshold; ordinary points stay low (a fifth of the alarm
 * surprise scores 0.17, half of it 0.68); and rarer stays higher up to about 30 times the alarm surprise, so
 * a corpus-wide threshold can still tell extreme events apart.
 */
export function scoreOfSurprise(surprise: number, alarmSurprise: number): number {
  if (!(surprise > 0)) return 0;
  const r = surprise / alarmSurprise;
  const g = r <= 1 ? r * r : 1 + 2 * Math.log(r);
  return 1 - Math.exp(-LN_100 * g);
}

/**
 * Anomaly likelihood: turns a stream of raw anomaly scores into how unusual the recent short-term average
 * of those scores is, given their long-term distribution. A detector that is noisy on a series all the
 * time then stops alarming, while a quiet one that suddenly scores high stands out.
 *
 * The long-term history is a ring of blocks, each holding what the model needs of `blockPoints` short-term
 * averages (their sum and sum of squares, or their maximum), so a distribution over thousands of points
 * costs a few dozen numbers and O(1) per point (it is re-fitted once per block from the ring, which also keeps rounding from
 * drifting). The judged average's upper tail probability under the fitted model (see `LikelihoodModel`)
 * becomes a surprise, -log10(tail). Surprise and score are 0 until one block has been completed after
 * the learning points. Nothing is allocated after construction.
 */
export class AnomalyLikelihood {
  /** Surprise of the last update, -log10 of its tail probability. */
  lastSurprise = 0;
  /** The recent raw scores (the first `averagingPoints` items), then the completed blocks' statistics: one buffer, one allocation. */
  private readonly buffer: Float64Array;
  private readonly statsPerBlock: number;
  private seen = 0;
  private blockSum = 0;
  private blockSumSquares = 0;
  private blockMax = 0;
  private blockCount = 0;
  private blocksFilled = 0;
  private blockHead = 0;
  private location = 0;
  private scale = 1;

  constructor(readonly options: AnomalyLikelihoodOptions) {
    const { averagingPoints, blockPoints, historyBlocks, learningPoints, model, minLocation, minScale, alarmSurprise } = options;
    for (const [name, value] of [['averagingPoints', averagingPoints], ['blockPoints', blockPoints], ['historyBlocks', historyBlocks]] as const) {
      if (!Number.isInteger(value) || value < 1) throw new Error(`cannot create anomaly likelihood: ${name} must be a positive integer, got ${value}`);
    }
    if (!Number.isInteger(learningPoints) || learningPoints < 0) throw new Error(`cannot create anomaly likelihood: learningPoints must be a non-negative integer, got ${learningPoints}`);
    if (model !== 'gaussian' && model !== 'block-maxima') throw new Error(`cannot create anomaly likelihood: model must be gaussian or block-maxima, got ${String(model)}`);
    if (!(minLocation >= 0)) throw new Error(`cannot create anomaly likelihood: minLocation must be >= 0, got ${minLocation}`);
    if (!(minScale > 0)) throw new Error(`cannot create anomaly likelihood: minScale must be > 0, got ${minScale}`);
    if (!(alarmSurprise > 0)) throw new Error(`cannot create anomaly likelihood: alarmSurprise must be > 0, got ${alarmSurprise}`);
    this.statsPerBlock = statsPerBlock(model);
    this.buffer = new Float64Array(averagingPoints + this.statsPerBlock * historyBlocks);
  }

  /** Bytes of the buffer that grows with the options. */
  get sizeBytes(): number {
    return this.buffer.byteLength;
  }

  /** Whether the long-term distribution exists yet (before that every score is 0). */
  get ready(): boolean {
    return this.blocksFilled > 0;
  }

  /** Takes the next raw score (clamped to [0, 1]) and returns the likelihood score in [0, 1]. */
  update(rawScore: number): number {
    const raw = rawScore > 0 ? (rawScore < 1 ? rawScore : 1) : 0;
    const n = this.options.averagingPoints;
    this.buffer[this.seen % n] = raw;
    this.seen++;
    // Summed afresh (a handful of adds) rather than kept running, so rounding never drifts or differs after a restore.
    let sum = 0;
    for (let i = 0; i < n; i++) sum += this.buffer[i]!;
    const average = sum / Math.min(this.seen, n);
    if (this.blocksFilled === 0) this.lastSurprise = 0;
    else if (this.options.model === 'gaussian') this.lastSurprise = surpriseOfZ((average - this.location) / this.scale);
    else this.lastSurprise = surpriseOfBlockMaximum(average, this.location, this.scale);
    if (this.seen > this.options.learningPoints) this.learn(average);
    return scoreOfSurprise(this.lastSurprise, this.options.alarmSurprise);
  }

  snapshot(): AnomalyLikelihoodState {
    const n = this.options.averagingPoints;
    return {
      seen: this.seen,
      recent: Array.from(this.buffer.subarray(0, n)),
      blockSum: this.blockSum,
      blockSumSquares: this.blockSumSquares,
      blockMax: this.blockMax,
      blockCount: this.blockCount,
      blocks: Array.from(this.buffer.subarray(n)),
      blocksFilled: this.blocksFilled,
      blockHead: this.blockHead,
    };
  }

  /** Restores a state checked by `readAnomalyLikelihoodState` against the same options. */
  restore(state: AnomalyLikelihoodState): void {
    this.seen = state.seen;
    this.buffer.set(state.recent);
    this.buffer.set(state.blocks, this.options.averagingPoints);
    this.blockSum = state.blockSum;
    this.blockSumSquares = state.blockSumSquares;
    this.blockMax = state.blockMax;
    this.blockCount = state.blockCount;
    this.blocksFilled = state.blocksFilled;
    this.blockHead = state.blockHead;
    this.lastSurprise = 0;
    this.estimate();
  }

  private learn(average: number): void {
    this.blockSum += average;
    this.blockSumSquares += average * average;
    if (average > this.blockMax) this.blockMax = average;
    this.blockCount++;
    if (this.blockCount < this.options.blockPoints) return;
    const { averagingPoints, historyBlocks, model } = this.options;
    const at = averagingPoints + this.statsPerBlock * this.blockHead;
    if (model === 'gaussian') {
      this.buffer[at] = this.blockSum;
      this.buffer[at + 1] = this.blockSumSquares;
    } else {
      this.buffer[at] = this.blockMax;
    }
    this.blockHead = (this.blockHead + 1) % historyBlocks;
    if (this.blocksFilled < historyBlocks) this.blocksFilled++;
    this.blockSum = 0;
    this.blockSumSquares = 0;
    this.blockMax = 0;
    this.blockCount = 0;
    this.estimate();
  }

  /** Fits the model to the completed blocks (the ring fills from its start, so they are the first ones), with the floors applied. */
  private estimate(): void {
    const blocks = this.blocksFilled;
    if (blocks === 0) return;
    const { model, averagingPoints: from, blockPoints, minLocation, minScale } = this.options;
    const buffer = this.buffer;
    let location: number;
    let scale: number;
    if (model === 'gaussian') {
      let sum = 0;
      let sumSquares = 0;
      for (let b = 0; b < blocks; b++) {
        sum += buffer[from + 2 * b]!;
        sumSquares += buffer[from + 2 * b + 1]!;
      }
      const count = blocks * blockPoints;
      location = sum / count;
      scale = Math.sqrt(Math.max(0, sumSquares / count - location * location));
    } else {
      // Method of moments over the block maxima.
      let total = 0;
      for (let b = 0; b < blocks; b++) total += buffer[from + b]!;
      const mean = total / blocks;
      let squares = 0;
      for (let b = 0; b < blocks; b++) squares += (buffer[from + b]! - mean) ** 2;
      scale = blocks > 1 ? Math.sqrt(squares / (blocks - 1)) / GUMBEL_SD_PER_SCALE : 0;
      location = mean - EULER_GAMMA * Math.max(scale, minScale);
    }
    this.scale = Math.max(scale, minScale);
    this.location = Math.max(location, minLocation);
  }
}

/**
 * Reads a likelihood state from a detector's state data, checking every field against the options, so
 * that the detector can validate all its fields before it restores any. `field` names it in errors.
 */
export function readAnomalyLikelihoodState(value: unknown, options: AnomalyLikelihoodOptions, detectorId: string, field: string): AnomalyLikelihoodState {

  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw stateError(detectorId, `${field} must be an object`);
  const record = value as Record<string, unknown>;
  const finite = (name: string): number => {
    const v = record[name];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw stateError(detectorId, `${field}.${name} must be a finite number, got ${JSON.stringify(v)}`);
    return v;
  };
  const integer = (name: string, max: number): number => {
    const v = finite(name);
    if (!Number.isInteger(v) || v < 0 || v > max) throw stateError(detectorId, `${field}.${name} must be an integer in [0, ${max}], got ${v}`);
    return v;
  };
  const numbers = (name: string, length: number): number[] => {
    const v = record[name];
    if (!Array.isArray(v) || v.length !== length || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw stateError(detectorId, `${field}.${name} must be an array of ${length} finite numbers`);
    }
    return v as number[];
  };
  return {
    seen: integer('seen', Number.MAX_SAFE_INTEGER),
    recent: numbers('recent', options.averagingPoints),
    blockSum: finite('blockSum'),
    blockSumSquares: finite('blockSumSquares'),
    blockMax: finite('blockMax'),
    blockCount: integer('blockCount', options.blockPoints - 1),
    blocks: numbers('blocks', statsPerBlock(options.model) * options.historyBlocks),
    blocksFilled: integer('blocksFilled', options.historyBlocks),
    blockHead: integer('blockHead', options.historyBlocks - 1),
  };
}
