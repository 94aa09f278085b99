import type { Detector, DetectorContext, DetectorDefinition, DetectorState } from '../../detect/index.js';
import { hashUniform, InputOrder, paramsError, readInputOrder, readNumberArray, scoreFromZ, stateData, stateError } from '../../detect/index.js';
import type { AnomalyKind } from '../../model/index.js';
import { isModelName } from '../registry/index.js';
import { PrecomputedOutputs } from './batch-predictions.js';
import type { ArmCounters } from './counters.js';
import type { ModelSlot } from './model-slot.js';
import type { Judgement, ServedVersion } from './served-version.js';

export const MODEL_DETECTOR_ID = 'model';
/** The detector id of anomalies a shadow version finds: stored for comparison, never alerted. */
export const SHADOW_DETECTOR_ID = 'model-shadow';
const STATE_VERSION = 1;
/** Mean absolute deviation × 1.2533 estimates the standard deviation of normal residuals. */
const MEAN_AD_TO_SIGMA = 1.2533;
/** Residuals a sequence autoencoder's scale learns from before its z counts. */
const MIN_RESIDUAL_POINTS = 16;

export interface ModelDetectorParams {
  /** The registered model whose `production` alias (and rolled-out `staging`) scores the series. */
  readonly model: string;
  /** z (from the model's interval, or the residual's scale) where the score starts rising above 0. */
  readonly zLow: number;
  /** z where the score reaches 0.999. */
  readonly zHigh: number;
  /** Span, in points, of the running residual scale a sequence autoencoder's z is measured in. */
  readonly residualPoints: number;
}

const DEFAULTS = { zLow: 3, zHigh: 6, residualPoints: 256 } as const;

function parseParams(raw: unknown): ModelDetectorParams {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw paramsError(MODEL_DETECTOR_ID, 'params must be an object naming the model, e.g. { model: "checkout-latency" }');
  const input = raw as Record<string, unknown>;
  for (const key of Object.keys(input)) if (!['model', 'zLow', 'zHigh', 'residualPoints'].includes(key)) throw paramsError(MODEL_DETECTOR_ID, `unknown field ${JSON.stringify(key)}; valid fields: model, zLow, zHigh, residualPoints`);
  const model = input.model;
  if (typeof model !== 'string' || !isModelName(model)) throw paramsError(MODEL_DETECTOR_ID, `model must name a registered model (a-z, 0-9, ".", "_", "-"), got ${JSON.stringify(model)}`);
  const number = (field: 'zLow' | 'zHigh' | 'residualPoints', min: number, integer: boolean): number => {
    const value = input[field] ?? DEFAULTS[field];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) throw paramsError(MODEL_DETECTOR_ID, `${field} must be ${integer ? 'an integer' : 'a number'} >= ${min}, got ${JSON.stringify(value)}`);
    return value;
  };
  const params = { model, zLow: number('zLow', 0, false), zHigh: number('zHigh', 0, false), residualPoints: number('residualPoints', 2, true) };
  if (params.zHigh <= params.zLow) throw paramsError(MODEL_DETECTOR_ID, `zHigh must be > zLow (${params.zLow}), got ${params.zHigh}`);
  return params;
}

/** A running mean absolute residual: how far a sequence autoencoder's reconstructions usually miss on this series. */
class ResidualScale {
  meanAbs = 0;
  points = 0;

  constructor(private readonly span: number) {}

  /** z of `residual` in the current scale (0 while learning), then learns from it, clipped so one outlier cannot blow the scale up. */
  zThenLearn(residual: number, zHigh: number, level: number): number {
    const sigma = Math.max(1e-9 + 1e-3 * Math.abs(level), this.meanAbs * MEAN_AD_TO_SIGMA);
    const z = this.points < MIN_RESIDUAL_POINTS ? 0 : residual / sigma;
    const learned = this.points < MIN_RESIDUAL_POINTS ? residual : Math.min(residual, zHigh * sigma);
    this.points++;
    this.meanAbs += (learned - this.meanAbs) / Math.min(this.points, this.span);
    return z;
  }
}

/** The last judgement, for the anomaly's evidence. */
interface LastJudgement {
  version: number;
  canary: boolean;
  kind: 'forecast' | 'reconstruction';
  expected: number;
  lower: number;
  upper: number;
  z: number;
}

function format(value: number): string {
  return Number(value.toPrecision(4)).toString();
}

/**
 * Scores one series with the model slot's versions. Keeps the series' recent values (as many as the served
 * versions need) so that a promotion or rollback takes effect on the next point without a warm-up. A series is in
 * the canary when its fixed draw (a hash of the model name and series id) falls under the canary share, so the same
 * series stay in the canary across restarts and as the share grows.
 */
class ModelDetector implements Detector {
  lastKind: AnomalyKind | null = null;
  lastExpected = NaN;
  private readonly order = new InputOrder();
  private ring = new Float32Array(0);
  /** Next write position in `ring`; values seen so far (capped at its length). */
  private head = 0;
  private _filled = 0;
  /** Values accepted so far: which history a precomputed output was made from. */
  private _accepted = 0;
  /** Outputs computed ahead for this batch's points: of the slot's production version, of its staging version. */
  private readonly ahead = [new PrecomputedOutputs(), new PrecomputedOutputs()];
  private readonly draw: number;
  private readonly servingScale: ResidualScale;
  private readonly shadowScale: ResidualScale;
  private countedGeneration = -1;
  private countedShadowGeneration = -1;
  private readonly judgement: Judgement = { expected: NaN, z: NaN, lower: NaN, upper: NaN };
  private readonly last: LastJudgement = { version: 0, canary: false, kind: 'forecast', expected: NaN, lower: NaN, upper: NaN, z: NaN };

  constructor(
    private readonly params: ModelDetectorParams,
    private readonly slot: ModelSlot,
    private readonly seriesId: number,
  ) {
    this.draw = hashUniform(nameSeed(params.model), seriesId, 0);
    this.servingScale = new ResidualScale(params.residualPoints);
    this.shadowScale = new ResidualScale(params.residualPoints);
    slot.detectors.set(seriesId, this);
  }

  /** Values of history held (up to what the served versions need). */
  get filled(): number {
    return this._filled;
  }

  get accepted(): number {
    return this._accepted;
  }

  /** The versions the series' next point is judged with: the serving one (production, or staging in the canary) and a shadow. */
  versionsNow(): readonly [ServedVersion | null, ServedVersion | null] {
    const slot = this.slot;
    const canary = slot.mode === 'canary' && this.draw < slot.share;
    return [canary ? slot.candidate : slot.production, slot.mode === 'shadow' ? slot.candidate : null];
  }

  /** Where outputs computed ahead go: 0 for the slot's production version, 1 for its staging version. */
  precomputed(which: 0 | 1): PrecomputedOutputs {
    return this.ahead[which]!;
  }

  /** Writes the last `length` values (at most `filled`), oldest first, into `out` from `offset`. */
  writeTail(length: number, out: Float32Array, offset: number): void {
    const capacity = this.ring.length;
    for (let i = 0; i < length; i++) out[offset + i] = this.ring[(this.head - length + i + capacity * 2) % capacity]!;
  }

  update(timestampMs: number, value: number): number {
    this.lastKind = null;
    this.lastExpected = NaN;
    if (!this.order.accept(timestampMs, value)) return 0;
    const slot = this.slot;
    const canary = slot.mode === 'canary' && this.draw < slot.share;
    const serving = canary ? slot.candidate : slot.production;
    let score = 0;
    let scored = false;
    if (serving !== null && this._filled >= serving.historyNeeded) {
      score = this.judge(serving, timestampMs, value, this.servingScale);
      scored = true;
      const arm = canary ? slot.counters.candidate : slot.counters.production;
      if (this.countedGeneration !== slot.generation) {
        this.countedGeneration = slot.generation;
        arm.series++;
      }
      this.count(arm, score, value, timestampMs);
      this.lastExpected = this.judgement.expected;
      this.lastKind = score > 0 ? 'spike' : null;
      const last = this.last;
      last.version = serving.version;
      last.canary = canary;
      last.kind = serving.interval === null ? 'reconstruction' : 'forecast';
      last.expected = this.judgement.expected;
      last.lower = this.judgement.lower;
      last.upper = this.judgement.upper;
      last.z = this.judgement.z;
    }
    const shadow = slot.mode === 'shadow' ? slot.candidate : null;
    if (shadow !== null && this._filled >= shadow.historyNeeded) this.runShadow(shadow, value, timestampMs, scored ? score : null);
    this.push(value);
    return score;
  }

  describeLast(): string | null {
    const last = this.last;
    const who = `model ${this.params.model} v${last.version}${last.canary ? ' (canary)' : ''}`;
    if (last.kind === 'forecast') return `${who} forecast ${format(last.expected)} (interval ${format(last.lower)} to ${format(last.upper)}); the value lies ${format(last.z)} σ away`;
    return `${who} reconstructed ${format(last.expected)}; the miss is ${format(last.z)} times its usual size on this series`;
  }

  snapshot(): DetectorState {
    return {
      detector: MODEL_DETECTOR_ID,
      version: STATE_VERSION,
      data: {
        ...this.order.snapshot(),
        history: Array.from(this.history(this._filled)),
        servingScale: [this.servingScale.meanAbs, this.servingScale.points],
        shadowScale: [this.shadowScale.meanAbs, this.shadowScale.points],
      },
    };
  }

  restore(state: DetectorState): void {
    const data = stateData(state, MODEL_DETECTOR_ID, STATE_VERSION);
    const order = readInputOrder(data, MODEL_DETECTOR_ID);
    const history = readNumberArray(data, 'history', MODEL_DETECTOR_ID);
    const serving = readNumberArray(data, 'servingScale', MODEL_DETECTOR_ID, 2);
    const shadow = readNumberArray(data, 'shadowScale', MODEL_DETECTOR_ID, 2);
    if (serving[0]! < 0 || shadow[0]! < 0) throw stateError(MODEL_DETECTOR_ID, 'a residual scale must not be negative');
    this.order.restore(order);
    this.ring = Float32Array.from(history);
    this._filled = history.length;
    this.head = 0;
    this._accepted = history.length;
    for (const ahead of this.ahead) ahead.clear();
    [this.servingScale.meanAbs, this.servingScale.points] = serving as [number, number];
    [this.shadowScale.meanAbs, this.shadowScale.points] = shadow as [number, number];
  }

  /** Judges the point with `version` (from outputs computed ahead when there are some for it); returns its score. */
  private judge(version: ServedVersion, timestampMs: number, value: number, scale: ResidualScale): number {
    const j = this.judgement;
    let example = -1;
    for (const ahead of this.ahead) {
      example = ahead.exampleFor(version, this._accepted, timestampMs, value);
      if (example >= 0) {
        version.judgeOutput(ahead.outputs, example, value, j);
        break;
      }
    }
    if (example < 0) version.judge(this.history(version.historyNeeded), value, j);
    if (Number.isNaN(j.z)) j.z = scale.zThenLearn(Math.abs(value - j.expected), this.params.zHigh, j.expected);
    return scoreFromZ(j.z, this.params.zLow, this.params.zHigh);
  }

  private runShadow(shadow: ServedVersion, value: number, timestampMs: number, productionScore: number | null): void {
    const slot = this.slot;
    const score = this.judge(shadow, timestampMs, value, this.shadowScale);
    const arm = slot.counters.candidate;
    if (this.countedShadowGeneration !== slot.generation) {
      this.countedShadowGeneration = slot.generation;
      arm.series++;
    }
    const alerted = this.count(arm, score, value, timestampMs);
    if (productionScore !== null) {
      const pair = slot.counters.paired;
      const productionAlerted = productionScore > 0 && productionScore >= slot.scoreThreshold;
      pair.points++;
      if (alerted && productionAlerted) pair.bothAlerted++;
      else if (productionAlerted) pair.productionOnly++;
      else if (alerted) pair.candidateOnly++;
      pair.sumP += productionScore;
      pair.sumC += score;
      pair.sumPP += productionScore * productionScore;
      pair.sumCC += score * score;
      pair.sumPC += productionScore * score;
    }
    if (alerted) {
      const j = this.judgement;
      slot.addShadowAnomaly({
        seriesId: this.seriesId,
        timestampMs,
        value,
        score,
        kind: 'spike',
        expected: Number.isFinite(j.expected) ? j.expected : null,
        detector: SHADOW_DETECTOR_ID,
        evidence: { reason: `shadow model ${this.params.model} v${shadow.version} expected ${format(j.expected)} (z ${format(j.z)}); stored for comparison, not alerted` },
      });
    }
  }

  /** Counts a scored point; returns whether it reached the anomaly threshold. */
  private count(arm: ArmCounters, score: number, value: number, timestampMs: number): boolean {
    const alerted = score > 0 && score >= this.slot.scoreThreshold;
    arm.points++;
    if (alerted) arm.alerts++;
    arm.absErrorSum += Math.abs(value - this.judgement.expected);
    const counters = this.slot.counters;
    if (counters.sinceMs === null) counters.sinceMs = timestampMs;
    return alerted;
  }

  /** The last `length` values, oldest first, in the slot's scratch array. */
  private history(length: number): Float32Array {
    const out = this.slot.history(length);
    this.writeTail(length, out, 0);
    return out;
  }

  private push(value: number): void {
    this._accepted++;
    const needed = this.slot.historyNeeded;
    if (this.ring.length < needed) this.grow(needed);
    if (this.ring.length === 0) return;
    this.ring[this.head] = value;
    this.head = (this.head + 1) % this.ring.length;
    if (this._filled < this.ring.length) this._filled++;
  }

  /** A larger ring holding the values kept so far, oldest first. */
  private grow(capacity: number): void {
    const kept = this._filled === 0 ? new Float32Array(0) : Float32Array.from(this.history(this._filled));
    this.ring = new Float32Array(capacity);
    this.ring.set(kept);
    this.head = kept.length % capacity;
    this._filled = kept.length;
  }
}

/** A 32-bit seed from the model name, so that canaries of different models take different series. */
function nameSeed(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The `model` detector over a partition's model slots (`slotOf` gives the slot of a model name, created empty on first use). */
export function modelDetector(slotOf: (name: string) => ModelSlot): DetectorDefinition<ModelDetectorParams> {
  return {
    id: MODEL_DETECTOR_ID,
    description: "scores each series with a registered model's production version (and its staging version in shadow or as a canary)",
    parseParams,
    create: (params: ModelDetectorParams, context?: DetectorContext) => new ModelDetector(params, slotOf(params.model), context?.seriesId ?? 0),
  };
}
