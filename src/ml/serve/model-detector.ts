import type { Detector, DetectorContext, DetectorDefinition, DetectorState } from '../../detect/index.js';
import { hashUniform, InputOrder, readInputOrder, readNumberArray, scoreFromZ, stateData, stateError } from '../../detect/index.js';
import { hashSeriesKey, type AnomalyKind } from '../../model/index.js';
import { GroupMember } from './group-member.js';
import { groupPlaceOf } from './group-rule.js';
import { MODEL_DETECTOR_ID, parseModelParams, SHADOW_DETECTOR_ID, type ModelDetectorParams } from './model-params.js';
import { formatValue, ResidualScale } from './residual-scale.js';
import { PrecomputedOutputs } from './batch-predictions.js';
import { countPair, countScore } from './counters.js';
import type { ModelSlot } from './model-slot.js';
import type { Judgement, ServedVersion } from './served-version.js';

const STATE_VERSION = 1;

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
    this.draw = hashUniform(hashSeriesKey(params.model), seriesId, 0);
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
      countScore(slot, arm, score, Math.abs(value - this.judgement.expected), timestampMs);
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
    if (last.kind === 'forecast') return `${who} forecast ${formatValue(last.expected)} (interval ${formatValue(last.lower)} to ${formatValue(last.upper)}); the value lies ${formatValue(last.z)} σ away`;
    return `${who} reconstructed ${formatValue(last.expected)}; the miss is ${formatValue(last.z)} times its usual size on this series`;
  }

  snapshot(): DetectorState {
    return {
      detector: MODEL_DETECTOR_ID,
      version: STATE_VERSION,
      data: {
        ...this.order.snapshot(),
        history: Array.from(this.history(this._filled)),
        servingScale: this.servingScale.snapshot(),
        shadowScale: this.shadowScale.snapshot(),
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
    this.servingScale.restore(serving);
    this.shadowScale.restore(shadow);
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
    const alerted = countScore(slot, arm, score, Math.abs(value - this.judgement.expected), timestampMs);
    if (productionScore !== null) countPair(slot, productionScore, score);
    if (alerted) {
      const j = this.judgement;
      slot.addAnomaly({
        seriesId: this.seriesId,
        timestampMs,
        value,
        score,
        kind: 'spike',
        expected: Number.isFinite(j.expected) ? j.expected : null,
        detector: SHADOW_DETECTOR_ID,
        evidence: { reason: `shadow model ${this.params.model} v${shadow.version} expected ${formatValue(j.expected)} (z ${formatValue(j.z)}); stored for comparison, not alerted` },
      });
    }
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

/** The `model` detector over a partition's model slots (`slotOf` gives the slot of a model name, created empty on first use). */
export function modelDetector(slotOf: (name: string) => ModelSlot): DetectorDefinition<ModelDetectorParams> {
  return {
    id: MODEL_DETECTOR_ID,
    description: "scores each series, or with groupByTags or groupByNodes each group of series together, with a registered model's production version (and its staging version in shadow or as a canary)",
    parseParams: parseModelParams,
    create: (params: ModelDetectorParams, context?: DetectorContext) => {
      const seriesId = context?.seriesId ?? 0;
      if (params.group === null) return new ModelDetector(params, slotOf(params.model), seriesId);
      const key = context?.seriesKey;
      return new GroupMember(params, slotOf(params.model), seriesId, key, key === undefined ? null : groupPlaceOf(params.group.rule, key));
    },
    groupOf: (params: ModelDetectorParams, seriesKey: string) => (params.group === null ? null : (groupPlaceOf(params.group.rule, seriesKey)?.group ?? null)),
  };
}
