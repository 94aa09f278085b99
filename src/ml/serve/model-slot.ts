import type { DetectedAnomaly } from '../../detect/index.js';
import type { RolloutMode } from '../registry/index.js';
import { AheadScratch, predictAhead, type AheadSeries } from './batch-predictions.js';
import { emptyArm, emptyGroups, emptyPair, MAX_NOTES, type ModelCounters } from './counters.js';
import type { ModelDetectorParams } from './model-params.js';
import { SeriesGroup } from './series-group.js';
import type { ServedVersion } from './served-version.js';

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
  /** Most closed rows before the one judged any served version needs for a group (its window less one). */
  groupHistoryNeeded = 0;
  /** Every series' detector of this model in the partition, by series id (the newest, after a restore). */
  readonly detectors = new Map<number, AheadSeries>();
  private readonly ahead = new AheadScratch();
  /** Groups of series a multi-series model judges together, by detector rule and group key. */
  private readonly groups = new Map<string, SeriesGroup>();
  /**
   * Found beside the detectors' own scores: a shadow version's, and every row a group model judges. Held for one
   * batch only (the partition drains them after each), like the partition's own findings, so none is dropped.
   */
  private anomalies: DetectedAnomaly[] = [];
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
    this.groupHistoryNeeded = Math.max(production?.window ?? 1, this.candidate?.window ?? 1) - 1;
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

  addAnomaly(anomaly: DetectedAnomaly): void {
    this.anomalies.push(anomaly);
  }

  drainAnomalies(): DetectedAnomaly[] {
    const drained = this.anomalies;
    this.anomalies = [];
    return drained;
  }

  /** Records why something could not be judged, once per sentence, for the comparison report. */
  note(sentence: string): void {
    const notes = this.counters.notes;
    if (notes.length < MAX_NOTES && !notes.includes(sentence)) notes.push(sentence);
  }

  /** The group `key` of a detector rule's params, created on its first series. */
  group(params: ModelDetectorParams, key: string): SeriesGroup {
    const group = params.group!;
    const id = `${JSON.stringify([group.rule, group.stepMs, group.features, params.zLow, params.zHigh])}|${key}`;
    let found = this.groups.get(id);
    if (found === undefined) {
      found = new SeriesGroup(key, params, this);
      this.groups.set(id, found);
    }
    return found;
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
      groups: emptyGroups(),
      notes: [],
    };
  }
}
