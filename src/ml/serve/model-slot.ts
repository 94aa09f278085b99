import type { DetectedAnomaly } from '../../detect/index.js';
import type { RolloutMode } from '../registry/index.js';
import { AheadScratch, predictAhead, type AheadSeries } from './batch-predictions.js';
import { emptyArm, emptyPair, type ModelCounters } from './counters.js';
import type { ServedVersion } from './served-version.js';

/** Shadow anomalies held between batches beyond this are dropped (and counted): a worker's memory stays bounded. */
const MAX_PENDING_SHADOW_ANOMALIES = 10_000;

/**
 * One model name inside a detection partition: the versions its series are scored with now, shared by every
 * series' detector, so that a promotion swaps them for all series at once while each keeps its history. Counters
 * restart whenever the versions or the rollout change, so a comparison always describes one pair of versions.
 */
export class ModelSlot {
  production: ServedVersion | null = null;
  candidate: ServedVersion | null = null;
  mode: RolloutMode = 'off';
  /** Canary share; 1 in shadow (every series), 0 when off. */
  share = 0;
  /** Bumped on every change; a detector compares it to know when to count itself as a series again. */
  generation = 0;
  counters: ModelCounters;
  /** Most history values any served version needs. */
  historyNeeded = 0;
  shadowAnomaliesDropped = 0;
  /** Every series' detector of this model in the partition, by series id (the newest, after a restore). */
  readonly detectors = new Map<number, AheadSeries>();
  private readonly ahead = new AheadScratch();
  private shadowAnomalies: DetectedAnomaly[] = [];
  private readonly scratch = new Map<number, Float32Array>();

  constructor(
    readonly name: string,
    readonly scoreThreshold: number,
  ) {
    this.counters = this.freshCounters();
  }

  set(production: ServedVersion | null, candidate: ServedVersion | null, mode: RolloutMode, share: number): void {
    const effectiveMode = candidate === null ? 'off' : mode;
    this.production = production;
    this.candidate = effectiveMode === 'off' ? null : candidate;
    this.mode = effectiveMode;
    this.share = effectiveMode === 'canary' ? share : effectiveMode === 'shadow' ? 1 : 0;
    this.historyNeeded = Math.max(production?.historyNeeded ?? 0, this.candidate?.historyNeeded ?? 0);
    this.generation++;
    this.counters = this.freshCounters();
  }

  /**
   * A reusable array of exactly `length` values for a judgement's history (detectors run one at a time per thread);
   * one per length, so production and a shadow version with other windows do not reallocate on every point.
   */
  history(length: number): Float32Array {
    let scratch = this.scratch.get(length);
    if (scratch === undefined) {
      scratch = new Float32Array(length);
      this.scratch.set(length, scratch);
    }
    return scratch;
  }

  /** Computes the batch's predictions ahead, a forward pass per version over every series of this model in it. */
  predictBatch(seriesIds: Uint32Array, timestampsMs: Float64Array, values: Float64Array): void {
    if (this.production === null && this.candidate === null) return;
    predictAhead([this.production, this.candidate], (id) => this.detectors.get(id), this.ahead, seriesIds, timestampsMs, values);
  }

  addShadowAnomaly(anomaly: DetectedAnomaly): void {
    if (this.shadowAnomalies.length >= MAX_PENDING_SHADOW_ANOMALIES) this.shadowAnomaliesDropped++;
    else this.shadowAnomalies.push(anomaly);
  }

  drainShadowAnomalies(): DetectedAnomaly[] {
    const drained = this.shadowAnomalies;
    this.shadowAnomalies = [];
    return drained;
  }

  private freshCounters(): ModelCounters {
    return {
      name: this.name,
      productionVersion: this.production?.version ?? null,
      candidateVersion: this.candidate?.version ?? null,
      mode: this.mode,
      share: this.share,
      sinceMs: null,
      production: emptyArm(),
      candidate: emptyArm(),
      paired: emptyPair(),
    };
  }
}
