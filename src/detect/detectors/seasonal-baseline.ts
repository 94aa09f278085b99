import { DAY_MS } from '../../model/index.js';
import type { AnomalyKind } from '../../model/index.js';
import type { Detector, DetectorDefinition, DetectorState } from '../detector.js';
import { paramsError, parseNumberParams } from '../params.js';
import type { NumberParamSpecs } from '../params.js';
import { scoreFromZ } from '../score.js';
import { readNumber, readNumberArray, stateData } from '../state-data.js';
import { InputOrder, readInputOrder } from './input-order.js';
import { AnomalyRun, readAnomalyRun } from './anomaly-run.js';
import { checkRampOrder, scaleFloor, zScoreSpecs } from './score-params.js';
import type { ZScoreParams } from './score-params.js';

const ID = 'seasonal-baseline';
const STATE_VERSION = 1;
/** Mean absolute deviation × 1.25 estimates the standard deviation of normal data. */
const MEAN_AD_TO_SIGMA = 1.25;
/**
 * A slot's scale never drops below this share of the series-wide residual scale: a slot that by chance
 * saw near-identical values in its first seasons must not turn ordinary noise into anomalies.
 */
const GLOBAL_SCALE_SHARE = 0.5;
/** Smoothing of the series-wide residual scale (it sees every point, so it can be slow). */
const GLOBAL_ALPHA = 0.01;
/** Counters saturate instead of wrapping (they only steer warm-up and early weights). */
const MAX_COUNT = 0xffffffff;

const SPECS = {
  periodMs: { type: 'integer', min: 2, default: DAY_MS },
  slots: { type: 'integer', min: 1, max: 100_000, default: 288 },
  alpha: { type: 'number', min: 0.001, max: 1, default: 0.1 },
  minSeasons: { type: 'integer', min: 1, default: 2 },
  ...zScoreSpecs(3.5, 6),
} as const satisfies NumberParamSpecs<string>;

/** z is the deviation from the slot's mean over the slot's scale; the expected value is the slot's mean. */
export interface SeasonalBaselineParams extends ZScoreParams {
  /** Length of one season, for example a day. */
  readonly periodMs: number;
  /** The season is split into this many equal slots, each with its own baseline. */
  readonly slots: number;
  /** Weight of a new value in a slot's exponentially weighted mean and deviation. */
  readonly alpha: number;
  /** Seasons a slot must have seen before its points are scored (warm-up, score 0). */
  readonly minSeasons: number;
}

function parseParams(raw: unknown): SeasonalBaselineParams {
  const p = parseNumberParams(ID, raw, SPECS);
  if (p.slots > p.periodMs) throw paramsError(ID, `slots must be <= periodMs (${p.periodMs}), got ${p.slots}`);
  checkRampOrder(ID, p, 'zLow', 'zHigh');
  return p;
}

/**
 * Seasonal profile: the season is cut into slots (default: 288 five-minute slots of a day), and each slot
 * keeps an exponentially weighted mean of its values and of its one-step prediction errors. A point is
 * scored by its distance from its slot's mean in units of that slot's typical error, once the slot has
 * seen `minSeasons` seasons. Residuals are clipped at `zHigh` scales before they update a slot, so one
 * spike does not distort that slot for days.
 */
class SeasonalBaselineDetector implements Detector {
  lastKind: AnomalyKind | null = null;
  lastExpected = NaN;
  private readonly means: Float64Array;
  /** Exponentially weighted mean absolute one-step residual per slot. */
  private readonly deviations: Float64Array;
  private readonly counts: Uint32Array;
  /** Distinct seasons in which each slot received a value, and the last such season. */
  private readonly seasons: Uint32Array;
  private readonly lastSeasons: Float64Array;
  private readonly slotWidthMs: number;
  private globalDeviation = 0;
  private globalCount = 0;
  private readonly order = new InputOrder();
  private readonly run: AnomalyRun;

  constructor(private readonly params: SeasonalBaselineParams) {
    const n = params.slots;
    this.means = new Float64Array(n);
    this.deviations = new Float64Array(n);
    this.counts = new Uint32Array(n);
    this.seasons = new Uint32Array(n);
    this.lastSeasons = new Float64Array(n);
    this.slotWidthMs = params.periodMs / n;
    this.run = new AnomalyRun(params.levelShiftPoints);
  }

  update(timestampMs: number, value: number): number {
    this.lastKind = null;
    this.lastExpected = NaN;
    if (!this.order.accept(timestampMs, value)) return 0;
    const p = this.params;
    const period = p.periodMs;
    const phaseMs = ((timestampMs % period) + period) % period;
    const slot = Math.min(p.slots - 1, Math.floor(phaseMs / this.slotWidthMs));
    const season = Math.floor(timestampMs / period);
    const count = this.counts[slot]!;
    const mean = this.means[slot]!;

    let score = 0;
    let scale = 0;
    const warm = this.seasons[slot]! >= p.minSeasons;
    if (count > 0) {
      this.lastExpected = mean;
      scale = Math.max(
        MEAN_AD_TO_SIGMA * this.deviations[slot]!,
        GLOBAL_SCALE_SHARE * MEAN_AD_TO_SIGMA * this.globalDeviation,
        scaleFloor(p.relativeMinScale, mean),
      );
    }
    if (warm) {
      score = scoreFromZ(Math.abs(value - mean) / scale, p.zLow, p.zHigh);
      this.classify(score, value, mean, scale);
    }
    this.learn(slot, season, value, count, mean, warm ? scale : 0);
    return score;
  }

  snapshot(): DetectorState {
    return {
      detector: ID,
      version: STATE_VERSION,
      data: {
        slots: this.params.slots,
        periodMs: this.params.periodMs,
        means: Array.from(this.means),
        deviations: Array.from(this.deviations),
        counts: Array.from(this.counts),
        seasons: Array.from(this.seasons),
        lastSeasons: Array.from(this.lastSeasons),
        globalDeviation: this.globalDeviation,
        globalCount: this.globalCount,
        ...this.order.snapshot(),
        ...this.run.snapshot(),
      },
    };
  }

  restore(state: DetectorState): void {
    const data = stateData(state, ID, STATE_VERSION);
    const n = this.params.slots;
    // A profile learnt with another slotting means something else; refuse rather than misplace it.
    if (readNumber(data, 'slots', ID) !== n || readNumber(data, 'periodMs', ID) !== this.params.periodMs) {
      throw new Error(`cannot restore detector ${ID}: state has slots=${String(data.slots)} periodMs=${String(data.periodMs)}, configured slots=${n} periodMs=${this.params.periodMs}`);
    }
    const means = readNumberArray(data, 'means', ID, n);
    const deviations = readNumberArray(data, 'deviations', ID, n);
    const counts = readNumberArray(data, 'counts', ID, n);
    const seasons = readNumberArray(data, 'seasons', ID, n);
    const lastSeasons = readNumberArray(data, 'lastSeasons', ID, n);
    const globalDeviation = readNumber(data, 'globalDeviation', ID);
    const globalCount = readNumber(data, 'globalCount', ID);
    const order = readInputOrder(data, ID);
    const run = readAnomalyRun(data, ID);
    this.means.set(means);
    this.deviations.set(deviations);
    this.counts.set(counts);
    this.seasons.set(seasons);
    this.lastSeasons.set(lastSeasons);
    this.globalDeviation = globalDeviation;
    this.globalCount = globalCount;
    this.order.restore(order);
    this.run.restore(run);
  }

  /**
   * Kind of a scored point: a run of `levelShiftPoints` anomalies on one side is a level shift; a lone
   * anomaly whose value is ordinary at some other time of the season (inside the range of the learnt
   * profile) is a seasonality break; anything else is a spike.
   */
  private classify(score: number, value: number, mean: number, scale: number): void {
    if (score === 0) {
      this.run.reset();
      return;
    }
    if (this.run.extend(value, mean)) this.lastKind = 'level_shift';
    else this.lastKind = this.insideProfile(value, scale) ? 'seasonality_break' : 'spike';
  }

  /** Whether the value lies within the range of the warm slots' means (O(slots); anomalies only). */
  private insideProfile(value: number, scale: number): boolean {
    let low = Infinity;
    let high = -Infinity;
    for (let i = 0; i < this.params.slots; i++) {
      if (this.seasons[i]! < this.params.minSeasons) continue;
      const m = this.means[i]!;
      if (m < low) low = m;
      if (m > high) high = m;
    }
    return value >= low - scale && value <= high + scale;
  }

  /** Updates the slot with the value; `clipScale` > 0 bounds the residual's influence. */
  private learn(slot: number, season: number, value: number, count: number, mean: number, clipScale: number): void {
    const p = this.params;
    const seasons = this.seasons[slot]!;
    if (seasons === 0 || this.lastSeasons[slot] !== season) {
      this.seasons[slot] = Math.min(seasons + 1, MAX_COUNT);
      this.lastSeasons[slot] = season;
    }
    this.counts[slot] = Math.min(count + 1, MAX_COUNT);
    if (count === 0) {
      this.means[slot] = value;
      return;
    }
    let residual = value - mean;
    if (clipScale > 0) {
      const bound = p.zHigh * clipScale;
      residual = residual > bound ? bound : residual < -bound ? -bound : residual;
    }
    const absResidual = Math.abs(residual);
    // 1/n until it falls below alpha: a plain average first, so early values are not underweighted.
    this.means[slot] = mean + Math.max(p.alpha, 1 / (count + 1)) * residual;
    const dev = this.deviations[slot]!;
    this.deviations[slot] = dev + Math.max(p.alpha, 1 / count) * (absResidual - dev);
    this.globalCount++;
    this.globalDeviation += Math.max(GLOBAL_ALPHA, 1 / this.globalCount) * (absResidual - this.globalDeviation);
  }
}

export const seasonalBaseline: DetectorDefinition<SeasonalBaselineParams> = {
  id: ID,
  description: 'Seasonal profile: per time-of-season slot, an exponentially weighted mean and deviation; off-profile points, spikes, level shifts',
  parseParams,
  create: (params) => new SeasonalBaselineDetector(params),
};
