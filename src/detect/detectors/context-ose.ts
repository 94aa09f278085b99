import type { AnomalyKind } from '../../model/index.js';
import type { Detector, DetectorContext, DetectorDefinition, DetectorState } from '../detector.js';
import { parseNumberParams } from '../params.js';
import type { NumberParamSpecs } from '../params.js';
import { scoreFromZ } from '../score.js';
import { readNumber, readNumberArray, readOptionalNumber, stateData, stateError } from '../state-data.js';
import { InputOrder, readInputOrder } from './input-order.js';
import { AnomalyRun, readAnomalyRun } from './anomaly-run.js';
import { ExpectedLevel } from './expected-level.js';
import { LEVEL_SHIFT_SPECS, checkRampOrder } from './score-params.js';
import type { LevelShiftParams } from './score-params.js';
import { ByteReader, ByteWriter } from './byte-codec.js';
import { ContextMemory } from './context-memory.js';

const ID = 'context-ose';
const STATE_VERSION = 1;
/** Warm-up values held to set the value range; a longer warm-up uses its first ones. */
const MAX_RANGE_POINTS = 1000;
/** Half-width of the range, relative to the level, when every warm-up value was the same. */
const FLAT_HALF_WIDTH = 1e-6;

const SPECS = {
  bits: { type: 'integer', min: 1, max: 8, default: 4 },
  rangeMargin: { type: 'number', min: 1, max: 1000, default: 3 },
  maxLeftFacts: { type: 'integer', min: 1, max: 64, default: 7 },
  maxActiveContexts: { type: 'integer', min: 1, max: 64, default: 15 },
  maxContexts: { type: 'integer', min: 128, max: 1 << 20, default: 2048 },
  maxLefts: { type: 'integer', min: 128, max: 1 << 20, default: 1024 },
  baseThreshold: { type: 'number', min: 0, max: 1, default: 0.75 },
  scoreLow: { type: 'number', min: 0, max: 1, default: 0.65 },
  scoreHigh: { type: 'number', min: 0, max: 1, default: 0.9 },
  restPoints: { type: 'integer', min: 0, default: 30 },
  minPoints: { type: 'integer', min: 2, default: 150 },
  ...LEVEL_SHIFT_SPECS,
} as const satisfies NumberParamSpecs<string>;

export interface ContextOseParams extends LevelShiftParams {
  /** Bits of a discretised value: the value range is cut into 2^bits − 1 equal steps. */
  readonly bits: number;
  /** The warm-up's value range, widened this many times about its middle, is the initial binned range. */
  readonly rangeMargin: number;
  /** Longest left part (in facts) of a context learned from an overlap. */
  readonly maxLeftFacts: number;
  /** Most active contexts fed back as facts of the next step. */
  readonly maxActiveContexts: number;
  /** Contexts held at most (memory); the least recently used go first. */
  readonly maxContexts: number;
  /** Left parts (distinct fact sets) held at most (memory). */
  readonly maxLefts: number;
  /** A raw anomaly at or above this opens a rest period. */
  readonly baseThreshold: number;
  /** Raw anomaly up to which the score is 0 (ordinary noise leaves a fair share of contexts unexplained). */
  readonly scoreLow: number;
  /** Raw anomaly at which the score reaches 0.999. */
  readonly scoreHigh: number;
  /** Points after a raw anomaly >= baseThreshold that score 0, so one event alarms once. */
  readonly restPoints: number;
  /** Points that set the value range when the caller gives no warm-up (score 0 until then). */
  readonly minPoints: number;
}

function parseParams(raw: unknown): ContextOseParams {
  const p = parseNumberParams(ID, raw, SPECS);
  checkRampOrder(ID, p, 'scoreLow', 'scoreHigh');
  return p;
}

/**
 * Contextual anomaly detector in the spirit of CAD OSE: values are discretised into 2^bits bins whose
 * bits are the facts of a step, and a context memory (see ContextMemory) learns which facts follow which;
 * the anomaly is the share of the new step's contexts that nothing learned explains.
 *
 * CAD OSE bins over the whole file's minimum and maximum, which a stream cannot know. Here the warm-up
 * values are held until the warm-up ends, their range widened `rangeMargin` times about its middle
 * becomes the binned range, and the range only widens afterwards, when a value falls outside it; the
 * held values are then learned in order. A raw anomaly at or above `baseThreshold` opens a rest period
 * of `restPoints` points that score 0, as CAD OSE does. The raw anomaly is spread onto [0, 1] by a
 * smooth ramp from `scoreLow` to `scoreHigh`, so that ordinary novelty scores 0 and a clear break nears 1.
 */
class ContextOseDetector implements Detector {
  lastKind: AnomalyKind | null = null;
  lastExpected = NaN;
  private memory: ContextMemory;
  private readonly warmup: Float64Array;
  private readonly warmupPoints: number;
  private seen = 0;
  private low = NaN;
  private high = NaN;
  private sinceHigh = 0;
  private readonly level = new ExpectedLevel();
  private readonly order = new InputOrder();
  private readonly run: AnomalyRun;
  private readonly bins: number;

  constructor(
    private readonly params: ContextOseParams,
    context: DetectorContext | undefined,
  ) {
    this.memory = new ContextMemory(params);
    this.warmupPoints = context?.warmupPoints ?? params.minPoints;
    this.warmup = new Float64Array(Math.min(MAX_RANGE_POINTS, Math.max(2, this.warmupPoints)));
    this.run = new AnomalyRun(params.levelShiftPoints);
    this.bins = 2 ** params.bits;
  }

  /** Bytes held by the typed arrays. */
  get sizeBytes(): number {
    return this.memory.sizeBytes + this.warmup.byteLength;
  }

  update(timestampMs: number, value: number): number {
    this.lastKind = null;
    this.lastExpected = NaN;
    if (!this.order.accept(timestampMs, value)) return 0;
    const index = this.seen++;
    let score = 0;
    if (Number.isNaN(this.low)) {
      this.warmup[index] = value;
      if (this.seen === this.warmup.length) this.startFromWarmup();
    } else {
      const raw = this.learn(value);
      if (index >= this.warmupPoints) score = scoreFromZ(raw, this.params.scoreLow, this.params.scoreHigh);
    }
    const level = this.level.value;
    if (!Number.isNaN(level)) {
      this.lastExpected = level;
      this.lastKind = this.run.kindOf(score > 0, value, level);
    }
    this.level.learn(value);
    return score;
  }

  snapshot(): DetectorState {
    const memory = new ByteWriter();
    this.memory.encode(memory);
    const warming = Number.isNaN(this.low);
    return {
      detector: ID,
      version: STATE_VERSION,
      data: {
        seen: this.seen,
        warmup: warming ? Array.from(this.warmup.subarray(0, this.seen)) : [],
        low: warming ? null : this.low,
        high: warming ? null : this.high,
        sinceHigh: this.sinceHigh,
        memory: memory.toBase64(),
        level: this.level.snapshot(),
        ...this.order.snapshot(),
        ...this.run.snapshot(),
      },
    };
  }

  restore(state: DetectorState): void {
    const data = stateData(state, ID, STATE_VERSION);
    const seen = readNumber(data, 'seen', ID);
    const low = readOptionalNumber(data, 'low', ID);
    const high = readOptionalNumber(data, 'high', ID);
    const sinceHigh = readNumber(data, 'sinceHigh', ID);
    const level = readOptionalNumber(data, 'level', ID);
    const order = readInputOrder(data, ID);
    const run = readAnomalyRun(data, ID);
    if (!Number.isInteger(seen) || seen < 0) throw stateError(ID, `seen must be a non-negative integer, got ${seen}`);
    if (!Number.isInteger(sinceHigh) || sinceHigh < 0) throw stateError(ID, `sinceHigh must be a non-negative integer, got ${sinceHigh}`);
    if ((low === null) !== (high === null) || (low !== null && high !== null && !(low < high))) throw stateError(ID, `low and high must both be null or low < high, got ${low} and ${high}`);
    if (low === null && seen >= this.warmup.length) throw stateError(ID, `seen must be < ${this.warmup.length} while warming up, got ${seen}`);
    const warmup = readNumberArray(data, 'warmup', ID, low === null ? seen : 0);
    const memory = new ContextMemory(this.params);
    const reader = new ByteReader(data.memory, ID, 'memory');
    memory.decode(reader);
    reader.end();
    this.memory = memory;
    this.seen = seen;
    this.warmup.fill(0);
    this.warmup.set(warmup);
    this.low = low ?? NaN;
    this.high = high ?? NaN;
    this.sinceHigh = sinceHigh;
    this.level.restore(level);
    this.order.restore(order);
    this.run.restore(run);
  }

  /** Sets the binned range from the warm-up values, then learns them in order. */
  private startFromWarmup(): void {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < this.warmup.length; i++) {
      const v = this.warmup[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const middle = min / 2 + max / 2;
    let half = (max / 2 - min / 2) * this.params.rangeMargin;
    if (!(half > 0) || !Number.isFinite(half)) half = Math.max(Math.abs(middle), 1) * FLAT_HALF_WIDTH;
    this.low = middle - half;
    this.high = middle + half;
    if (!(this.low < this.high) || !Number.isFinite(this.high - this.low)) {
      this.low = -Number.MAX_VALUE / 2;
      this.high = Number.MAX_VALUE / 2;
    }
    for (let i = 0; i < this.warmup.length; i++) this.learn(this.warmup[i]!);
  }

  /** Bins a value (widening the range when it falls outside), steps the memory, applies the rest period. */
  private learn(value: number): number {
    if (value < this.low) this.low = value;
    else if (value > this.high) this.high = value;
    // 2^bits − 1 equal steps over the range, as CAD OSE bins: the top bin holds only the range's maximum,
    // so a value that widens the range upwards reads as a fact pattern of its own. Halved terms keep the
    // arithmetic finite across the whole double range.
    let bin = Math.floor(((value / 2 - this.low / 2) / (this.high / 2 - this.low / 2)) * (this.bins - 1));
    if (!(bin >= 0)) bin = 0;
    else if (bin >= this.bins) bin = this.bins - 1;
    let sensor = 0;
    for (let b = 0; b < this.params.bits; b++) sensor |= 1 << (2 * b + ((bin >> b) & 1));
    const raw = this.memory.step(sensor);
    const score = this.sinceHigh >= this.params.restPoints ? raw : 0;
    // Counted only as far as the rest period: all it needs to know.
    this.sinceHigh = raw >= this.params.baseThreshold ? 0 : Math.min(this.sinceHigh + 1, this.params.restPoints);
    return score;
  }
}

export const contextOse: DetectorDefinition<ContextOseParams> = {
  id: ID,
  description: 'Contextual anomaly detector (CAD OSE style): the share of new value contexts that learned contexts do not explain',
  parseParams,
  create: (params, context) => new ContextOseDetector(params, context),
};
