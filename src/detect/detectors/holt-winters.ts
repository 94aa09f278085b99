import type { AnomalyKind } from '../../model/index.js';
import type { Detector, DetectorContext, DetectorDefinition, DetectorState } from '../detector.js';
import { paramsError, parseNumberParams } from '../params.js';
import type { NumberParamSpecs } from '../params.js';
import { readNumber, readNumberArray, stateData, stateError } from '../state-data.js';
import { InputOrder, readInputOrder } from './input-order.js';
import { readNumbers } from './state-fields.js';
import { AnomalyRun, readAnomalyRun } from './anomaly-run.js';
import { checkRampOrder, scaleFloor, zScoreSpecs } from './score-params.js';
import type { ZScoreParams } from './score-params.js';
import { rankedScoreFromZ } from './ranked-score.js';
import { detrendLinear, inferPeriodMs, medianIntervalMs } from './season-inference.js';
import { TailCalibration } from './tail-calibration.js';

const ID = 'holt-winters';
const STATE_VERSION = 1;
/** Mean absolute deviation × 1.25 estimates the standard deviation of normal data. */
const MEAN_AD_TO_SIGMA = 1.25;
/** Residuals beyond this many scales are clipped before they teach the model (a Huber-style bound). */
const CLIP_SCALES = 3;
/** Points learnt unclipped at the start, while the scale itself is still unknown. */
const UNCLIPPED_POINTS = 16;
/**
 * The scale never drops below this share of a slow, long-memory residual scale: a series that sits at
 * one value for a while (zero-inflated counters, idle hosts) must not turn its next ordinary burst into
 * a million-sigma event.
 */
const GLOBAL_SCALE_SHARE = 0.5;
/** Weight of a new residual in the long-memory scale (about a thousand points). */
const GLOBAL_ALPHA = 0.001;
/**
 * The long-memory scale grows by at most this factor per point: one absurd value barely moves it, yet
 * it still catches up (in a few dozen points) with a series that sat at one value and then came alive.
 */
const GLOBAL_MAX_GROWTH = 2;
/** Points after a re-anchoring during which a return to the level from before the shift is recognised. */
const REVERT_POINTS = 100;
/** Bounds of the warm-up buffer: the period is inferred from it, and it is kept only until then. */
const MIN_WARMUP_POINTS = 8;
const MAX_WARMUP_POINTS = 1024;

const SPECS = {
  warmupPoints: { type: 'integer', min: MIN_WARMUP_POINTS, max: MAX_WARMUP_POINTS, default: 288 },
  periodMs: { type: 'integer', min: 0, default: 0 },
  maxSlots: { type: 'integer', min: 1, max: 10_000, default: 288 },
  minSeasonalStrength: { type: 'number', min: 0, max: 1, default: 0.3 },
  alpha: { type: 'number', min: 0.001, max: 1, default: 0.1 },
  beta: { type: 'number', min: 0, max: 1, default: 0.05 },
  phi: { type: 'number', min: 0, max: 1, default: 0.98 },
  gamma: { type: 'number', min: 0, max: 1, default: 0.1 },
  scaleAlpha: { type: 'number', min: 0.0001, max: 1, default: 0.01 },
  ...zScoreSpecs(3, 8),
} as const satisfies NumberParamSpecs<string>;

/** z is the standardised one-step residual; the expected value is the forecast. */
export interface HoltWintersParams extends ZScoreParams {
  /** Points buffered (score 0) before the model starts, when the caller gives no warm-up; capped at 1024. */
  readonly warmupPoints: number;
  /** Season length; 0 infers it at the end of the warm-up (an hour, a day or a week, or none). */
  readonly periodMs: number;
  /** Most seasonal slots; a season with more points per period shares a slot between neighbours. */
  readonly maxSlots: number;
  /**
   * Seasonal strength needed to infer a period: 1 − (variance of differences one period apart) / (variance
   * of differences out of phase), 0 for noise, near 1 for a clean pattern.
   */
  readonly minSeasonalStrength: number;
  /** Level smoothing. */
  readonly alpha: number;
  /** Trend smoothing (relative to alpha, as in the error-correction form). */
  readonly beta: number;
  /** Trend damping per step: 1 keeps a trend forever, smaller values let it fade. */
  readonly phi: number;
  /** Seasonal smoothing. */
  readonly gamma: number;
  /** Weight of a new residual in the running scale. */
  readonly scaleAlpha: number;
}

function parseParams(raw: unknown): HoltWintersParams {
  const p = parseNumberParams(ID, raw, SPECS);
  checkRampOrder(ID, p, 'zLow', 'zHigh');
  if (p.periodMs > 0 && p.maxSlots > p.periodMs) throw paramsError(ID, `maxSlots must be <= periodMs (${p.periodMs}), got ${p.maxSlots}`);
  return p;
}

/**
 * Holt-Winters exponential smoothing in error-correction form: a level, a damped trend and, when the
 * series has one, an additive seasonal profile of up to `maxSlots` time-of-period slots, all learnt
 * online. The score is the one-step-ahead residual over a robust running scale (an exponentially
 * weighted mean absolute residual of clipped residuals, floored by a long-memory one), calibrated
 * against the series' own tail of such z (see TailCalibration) and mapped to [0, 1].
 *
 * The first points (the caller's warm-up, or `warmupPoints`) are buffered: at the end of the buffer the
 * sampling interval and, unless configured, the period are inferred from it, the seasonal profile is
 * initialised from the detrended buffer, and the buffer is replayed through the model before it is
 * dropped. From then on an update allocates nothing. Residuals are clipped at a few scales before
 * they teach the model, so spikes barely move it; a run of anomalies on one side re-anchors the level
 * instead, so a level shift is absorbed within `levelShiftPoints` points, and a return to the level from
 * before it soon after is recognised as such rather than flagged as a second shift.
 */
class HoltWintersDetector implements Detector {
  lastKind: AnomalyKind | null = null;
  lastExpected = NaN;
  private bufferTimesMs: Float64Array | null;
  private bufferValues: Float64Array | null;
  private buffered = 0;
  private periodMs = 0;
  private slotWidthMs = 0;
  private season = new Float64Array(0);
  private level = 0;
  private trend = 0;
  private deviation = 0;
  private globalDeviation = 0;
  /** The level after the last point that was not anomalous: where a run of anomalies started from. */
  private levelBeforeRun = 0;
  /** After a re-anchoring: the level from before the shift, and the points left to recognise a return to it. */
  private priorLevel = 0;
  private priorLevelPoints = 0;
  private learnt = 0;
  private readonly order = new InputOrder();
  private readonly run: AnomalyRun;
  private readonly tail = new TailCalibration();

  constructor(
    private readonly params: HoltWintersParams,
    context: DetectorContext | undefined,
  ) {
    const capacity = Math.max(MIN_WARMUP_POINTS, Math.min(MAX_WARMUP_POINTS, context?.warmupPoints ?? params.warmupPoints));
    this.bufferTimesMs = new Float64Array(capacity);
    this.bufferValues = new Float64Array(capacity);
    this.run = new AnomalyRun(params.levelShiftPoints);
  }

  update(timestampMs: number, value: number): number {
    this.lastKind = null;
    this.lastExpected = NaN;
    if (!this.order.accept(timestampMs, value)) return 0;
    if (this.bufferValues !== null) {
      this.bufferTimesMs![this.buffered] = timestampMs;
      this.bufferValues[this.buffered] = value;
      this.buffered++;
      if (this.buffered === this.bufferValues.length) this.finishWarmup();
      return 0;
    }
    const p = this.params;
    const slot = this.slotOf(timestampMs);
    const seasonal = slot < 0 ? 0 : this.season[slot]!;
    const scale = this.scale();
    let withoutSeason = this.level + p.phi * this.trend;
    if (this.priorLevelPoints > 0) {
      this.priorLevelPoints--;
      // Back at the level from before a re-anchoring: the excursion was temporary, and its end is no anomaly.
      const bound = p.zLow * scale;
      if (Math.abs(value - withoutSeason - seasonal) > bound && Math.abs(value - this.priorLevel - seasonal) <= bound) {
        this.level = this.priorLevel;
        this.trend = 0;
        this.priorLevelPoints = 0;
        withoutSeason = this.level;
      }
    }
    const forecast = withoutSeason + seasonal;
    const residual = value - forecast;
    const z = Math.abs(residual) / scale;
    const score = rankedScoreFromZ(this.tail.calibrate(z), p.zLow, p.zHigh);
    this.tail.learn(z);
    this.lastExpected = forecast;
    let shifted = false;
    if (score > 0) {
      shifted = this.run.extend(value, forecast);
      if (shifted) this.lastKind = 'level_shift';
      else this.lastKind = slot >= 0 && this.withinProfile(value - withoutSeason, p.zLow * scale) ? 'seasonality_break' : 'spike';
    } else {
      this.run.reset();
    }
    if (shifted) this.reanchor(value, seasonal);
    else this.learn(slot, residual, scale);
    if (score === 0) this.levelBeforeRun = this.level;
    return score;
  }

  snapshot(): DetectorState {
    const run = this.run.snapshot();
    const order = this.order.snapshot();
    if (this.bufferValues !== null) {
      return {
        detector: ID,
        version: STATE_VERSION,
        data: {
          warmupCapacity: this.bufferValues.length,
          bufferTimestampsMs: Array.from(this.bufferTimesMs!.subarray(0, this.buffered)),
          bufferValues: Array.from(this.bufferValues.subarray(0, this.buffered)),
          ...order,
          ...run,
        },
      };
    }
    return {
      detector: ID,
      version: STATE_VERSION,
      data: {
        periodMs: this.periodMs,
        season: Array.from(this.season),
        level: this.level,
        trend: this.trend,
        deviation: this.deviation,
        globalDeviation: this.globalDeviation,
        levelBeforeRun: this.levelBeforeRun,
        priorLevel: this.priorLevel,
        priorLevelPoints: this.priorLevelPoints,
        learnt: this.learnt,
        tailLogQuantile: this.tail.snapshot(),
        ...order,
        ...run,
      },
    };
  }

  restore(state: DetectorState): void {
    const data = stateData(state, ID, STATE_VERSION);
    const order = readInputOrder(data, ID);
    const run = readAnomalyRun(data, ID);
    if ('warmupCapacity' in data) {
      const capacity = readNumber(data, 'warmupCapacity', ID);
      const timesMs = readNumberArray(data, 'bufferTimestampsMs', ID);
      const values = readNumberArray(data, 'bufferValues', ID, timesMs.length);
      if (!Number.isInteger(capacity) || capacity < MIN_WARMUP_POINTS || capacity > MAX_WARMUP_POINTS || values.length >= capacity) {
        throw stateError(ID, `warmupCapacity must be an integer in [${MIN_WARMUP_POINTS}, ${MAX_WARMUP_POINTS}] above the buffered count, got ${capacity}`);
      }
      this.bufferTimesMs = new Float64Array(capacity);
      this.bufferValues = new Float64Array(capacity);
      this.bufferTimesMs.set(timesMs);
      this.bufferValues.set(values);
      this.buffered = values.length;
      this.setPeriod(0, 0);
      this.level = 0;
      this.trend = 0;
      this.deviation = 0;
      this.globalDeviation = 0;
      this.priorLevelPoints = 0;
      this.learnt = 0;
      this.tail.reset();
    } else {
      const periodMs = readNumber(data, 'periodMs', ID);
      const season = readNumberArray(data, 'season', ID);
      const model = readNumbers(
        data,
        ['level', 'trend', 'deviation', 'globalDeviation', 'levelBeforeRun', 'priorLevel', 'priorLevelPoints', 'learnt', 'tailLogQuantile'],
        ID,
      );
      if (periodMs < 0 || (periodMs > 0) !== season.length > 0) throw stateError(ID, `periodMs ${periodMs} does not fit a season of ${season.length} slots`);
      this.bufferTimesMs = null;
      this.bufferValues = null;
      this.buffered = 0;
      this.season = Float64Array.from(season);
      this.periodMs = periodMs;
      this.slotWidthMs = season.length > 0 ? periodMs / season.length : 0;
      this.level = model.level;
      this.trend = model.trend;
      this.deviation = model.deviation;
      this.globalDeviation = model.globalDeviation;
      this.levelBeforeRun = model.levelBeforeRun;
      this.priorLevel = model.priorLevel;
      this.priorLevelPoints = model.priorLevelPoints;
      this.learnt = model.learnt;
      this.tail.restore(model.tailLogQuantile);
    }
    this.order.restore(order);
    this.run.restore(run);
  }

  /** Inferred (or configured) period, seasonal profile from the buffer, then the buffer replayed. */
  private finishWarmup(): void {
    const timesMs = this.bufferTimesMs!;
    const values = this.bufferValues!;
    const count = this.buffered;
    const p = this.params;
    const intervalMs = medianIntervalMs(timesMs, count);
    const periodMs = p.periodMs > 0 ? p.periodMs : inferPeriodMs(timesMs, values, count, p.minSeasonalStrength);
    const slots = periodMs > 0 && intervalMs > 0 ? Math.max(1, Math.min(p.maxSlots, Math.round(periodMs / intervalMs))) : 0;
    this.setPeriod(periodMs, slots);
    if (slots > 0) this.initialiseSeason(timesMs, values, count);
    this.bufferTimesMs = null;
    this.bufferValues = null;
    this.buffered = 0;
    const first = this.slotOf(timesMs[0]!);
    this.level = values[0]! - (first < 0 ? 0 : this.season[first]!);
    this.trend = 0;
    this.deviation = 0;
    this.globalDeviation = 0;
    this.learnt = 0;
    this.priorLevelPoints = 0;
    for (let i = 1; i < count; i++) {
      const slot = this.slotOf(timesMs[i]!);
      const forecast = this.level + p.phi * this.trend + (slot < 0 ? 0 : this.season[slot]!);
      const scale = this.scale();
      if (this.learnt >= UNCLIPPED_POINTS) this.tail.learn(Math.abs(values[i]! - forecast) / scale);
      this.learn(slot, values[i]! - forecast, scale);
    }
    this.levelBeforeRun = this.level;
  }

  private setPeriod(periodMs: number, slots: number): void {
    this.periodMs = slots > 0 ? periodMs : 0;
    this.season = new Float64Array(slots);
    this.slotWidthMs = slots > 0 ? periodMs / slots : 0;
  }

  /**
   * Each slot starts at the mean detrended value of the buffered points in it, winsorised so that a spike
   * in the buffer does not become part of every later season; the profile sums to 0.
   */
  private initialiseSeason(timesMs: Float64Array, values: Float64Array, count: number): void {
    const detrended = detrendLinear(values, count);
    let absTotal = 0;
    for (let i = 0; i < count; i++) absTotal += Math.abs(detrended[i]!);
    const bound = (CLIP_SCALES * MEAN_AD_TO_SIGMA * absTotal) / count;
    const counts = new Uint32Array(this.season.length);
    for (let i = 0; i < count; i++) {
      const slot = this.slotOf(timesMs[i]!);
      this.season[slot] = this.season[slot]! + Math.max(-bound, Math.min(bound, detrended[i]!));
      counts[slot] = counts[slot]! + 1;
    }
    let total = 0;
    let visited = 0;
    for (let s = 0; s < this.season.length; s++) {
      if (counts[s] === 0) continue;
      this.season[s] = this.season[s]! / counts[s]!;
      total += this.season[s]!;
      visited++;
    }
    if (visited === 0) return;
    const mean = total / visited;
    for (let s = 0; s < this.season.length; s++) if (counts[s]! > 0) this.season[s] = this.season[s]! - mean;
  }

  /**
   * Whether a deviation from the level lies within the seasonal profile's range (give or take `margin`):
   * a value that is ordinary at some other time of the period. O(slots), for anomalies only.
   */
  private withinProfile(deviation: number, margin: number): boolean {
    let low = Infinity;
    let high = -Infinity;
    for (let s = 0; s < this.season.length; s++) {
      const offset = this.season[s]!;
      if (offset < low) low = offset;
      if (offset > high) high = offset;
    }
    return deviation >= low - margin && deviation <= high + margin;
  }

  /** The seasonal slot of a timestamp, or -1 without seasonality. */
  private slotOf(timestampMs: number): number {
    if (this.periodMs === 0) return -1;
    const phaseMs = ((timestampMs % this.periodMs) + this.periodMs) % this.periodMs;
    return Math.min(this.season.length - 1, Math.floor(phaseMs / this.slotWidthMs));
  }

  private scale(): number {
    return Math.max(
      MEAN_AD_TO_SIGMA * this.deviation,
      GLOBAL_SCALE_SHARE * MEAN_AD_TO_SIGMA * this.globalDeviation,
      scaleFloor(this.params.relativeMinScale, this.level),
    );
  }

  /** One error-correction step with the residual clipped at a few scales (once the scale is known). */
  private learn(slot: number, residual: number, scale: number): void {
    const p = this.params;
    let r = residual;
    if (this.learnt >= UNCLIPPED_POINTS) {
      const bound = CLIP_SCALES * scale;
      r = r > bound ? bound : r < -bound ? -bound : r;
    }
    this.learnt++;
    this.level += p.phi * this.trend + p.alpha * r;
    this.trend = p.phi * this.trend + p.alpha * p.beta * r;
    if (slot >= 0) this.season[slot] = this.season[slot]! + p.gamma * r;
    this.deviation += Math.max(p.scaleAlpha, 1 / this.learnt) * (Math.abs(r) - this.deviation);
    const global = this.globalDeviation + Math.max(GLOBAL_ALPHA, 1 / this.learnt) * (Math.abs(residual) - this.globalDeviation);
    this.globalDeviation = this.learnt > UNCLIPPED_POINTS ? Math.min(global, GLOBAL_MAX_GROWTH * Math.max(this.globalDeviation, scale)) : global;
  }

  /** A confirmed level shift: the level jumps to the new value and the trend restarts. */
  private reanchor(value: number, seasonal: number): void {
    this.priorLevel = this.levelBeforeRun;
    this.priorLevelPoints = REVERT_POINTS;
    this.level = value - seasonal;
    this.trend = 0;
  }
}

export const holtWinters: DetectorDefinition<HoltWintersParams> = {
  id: ID,
  description: 'Holt-Winters residuals: level, damped trend and an inferred additive season, scored by the one-step forecast error over a robust scale',
  parseParams,
  create: (params, context) => new HoltWintersDetector(params, context),
};
