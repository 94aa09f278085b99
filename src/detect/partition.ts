import type { DetectorUse } from '../config/index.js';
import type { Detector, DetectorContext } from './detector.js';
import { BUILTIN_DETECTORS, DetectorRegistry } from './registry.js';
import type { ResolvedDetectorUse } from './registry.js';
import type { DetectedAnomaly, SeriesStates } from './worker-protocol.js';

/** Restore problems reported in full; beyond this they are counted. */
const MAX_REPORTED_PROBLEMS = 10;

/** One series' detectors and the profile they came from. */
interface SeriesDetectors {
  readonly profile: number;
  readonly detectors: Detector[];
}

/**
 * The detection state of one partition: per series, one instance of each detector of the series'
 * profile, created on the series' first point. Runs inside a partition worker; free of thread concerns
 * so it can be tested and measured in-process.
 */
export class Partition {
  /** Resolved detector uses per profile (0 = default set). */
  private readonly profiles: readonly (readonly ResolvedDetectorUse[])[];
  private readonly series = new Map<number, SeriesDetectors>();
  /** Keys of the series whose profile has a grouping detector, learnt before their detectors are created; empty otherwise. */
  private readonly keys = new Map<number, string>();
  /** Reused index order for batches that are not in time order. */
  private order = new Uint32Array(0);

  constructor(
    profiles: readonly (readonly DetectorUse[])[],
    private readonly scoreThreshold: number,
    registry: DetectorRegistry = new DetectorRegistry(BUILTIN_DETECTORS),
  ) {
    if (profiles.length === 0) throw new Error('cannot create partition: no detector profiles');
    this.profiles = profiles.map((uses) => uses.map((use) => registry.resolve(use)));
  }

  get seriesTracked(): number {
    return this.series.size;
  }

  /** Records series keys (parallel lists), so that grouping detectors created later get their series' key. */
  learnKeys(seriesIds: readonly number[], keys: readonly string[]): void {
    for (let i = 0; i < seriesIds.length; i++) this.keys.set(seriesIds[i]!, keys[i]!);
  }

  /**
   * Runs every detector over the points in time order and returns the points whose score is > 0 and
   * reaches the threshold. `profiles` gives each point's series profile (used when a series is new;
   * absent: the default profile). Allocates only for a new series and for each anomaly.
   */
  process(seriesIds: Uint32Array, timestampsMs: Float64Array, values: Float64Array, profiles?: Uint8Array): DetectedAnomaly[] {
    const length = Math.min(seriesIds.length, timestampsMs.length, values.length);
    const anomalies: DetectedAnomaly[] = [];
    const order = this.timeOrder(timestampsMs, length);
    for (let k = 0; k < length; k++) {
      const i = order === null ? k : order[k]!;
      const seriesId = seriesIds[i]!;
      const timestampMs = timestampsMs[i]!;
      const value = values[i]!;
      let entry = this.series.get(seriesId);
      if (entry === undefined) {
        entry = this.createDetectors(this.profileIndex(profiles?.[i]), seriesId);
        this.series.set(seriesId, entry);
      }
      const detectors = entry.detectors;
      const uses = this.profiles[entry.profile]!;
      for (let d = 0; d < detectors.length; d++) {
        const detector = detectors[d]!;
        const score = detector.update(timestampMs, value);
        if (score > 0 && score >= this.scoreThreshold) {
          const expected = detector.lastExpected;
          const reason = detector.describeLast?.() ?? null;
          anomalies.push({
            seriesId,
            timestampMs,
            value,
            score,
            kind: detector.lastKind,
            expected: Number.isFinite(expected) ? expected : null,
            detector: uses[d]!.definition.id,
            ...(reason === null ? {} : { evidence: { reason } }),
          });
        }
      }
    }
    return anomalies;
  }

  snapshot(): SeriesStates[] {
    const entries: SeriesStates[] = [];
    for (const [seriesId, entry] of this.series) entries.push({ seriesId, profile: entry.profile, states: entry.detectors.map((d) => d.snapshot()) });
    return entries;
  }

  /**
   * Replaces the state of the given series. Each detector of the series' profile takes the state with
   * its id; a detector without one, or whose state it refuses, starts fresh and the problem is returned.
   * An entry's key, when given, is learnt as by `learnKeys`.
   */
  restore(entries: readonly SeriesStates[]): string[] {
    const problems: string[] = [];
    let unreported = 0;
    const report = (problem: string): void => {
      if (problems.length < MAX_REPORTED_PROBLEMS) problems.push(problem);
      else unreported++;
    };
    for (const entry of entries) {
      if (entry.key !== undefined) this.keys.set(entry.seriesId, entry.key);
      const restored = this.createDetectors(this.profileIndex(entry.profile), entry.seriesId);
      const uses = this.profiles[restored.profile]!;
      for (let d = 0; d < restored.detectors.length; d++) {
        const id = uses[d]!.definition.id;
        const state = entry.states.find((s) => s.detector === id);
        if (state === undefined) continue;
        try {
          restored.detectors[d]!.restore(state);
        } catch (error) {
          restored.detectors[d] = uses[d]!.definition.create(uses[d]!.params, this.contextOf(uses[d]!, entry.seriesId));
          report(`series ${entry.seriesId}: ${(error as Error).message}`);
        }
      }
      this.series.set(entry.seriesId, restored);
    }
    if (unreported > 0) problems.push(`and ${unreported} more state(s) that could not be restored`);
    return problems;
  }

  /** A profile index this partition knows; anything else falls back to the default set. */
  private profileIndex(profile: number | undefined): number {
    return profile !== undefined && profile < this.profiles.length ? profile : 0;
  }

  private createDetectors(profile: number, seriesId: number): SeriesDetectors {
    return { profile, detectors: this.profiles[profile]!.map((use) => use.definition.create(use.params, this.contextOf(use, seriesId))) };
  }

  /** The series' key goes only to grouping detectors (the contract of DetectorContext.seriesKey), and only when known. */
  private contextOf(use: ResolvedDetectorUse, seriesId: number): DetectorContext {
    const seriesKey = use.definition.groupOf === undefined ? undefined : this.keys.get(seriesId);
    return seriesKey === undefined ? { seriesId } : { seriesId, seriesKey };
  }

  /** null when the batch is already in time order (the common case), else a stable time order. */
  private timeOrder(timestampsMs: Float64Array, length: number): Uint32Array | null {
    let sorted = true;
    for (let i = 1; i < length; i++) {
      if (timestampsMs[i]! < timestampsMs[i - 1]!) {
        sorted = false;
        break;
      }
    }
    if (sorted) return null;
    if (this.order.length < length) this.order = new Uint32Array(Math.max(length, this.order.length * 2));
    const order = this.order.subarray(0, length);
    for (let i = 0; i < length; i++) order[i] = i;
    // NaN timestamps sort last; the detectors ignore them anyway.
    const key = (i: number): number => (Number.isNaN(timestampsMs[i]!) ? Infinity : timestampsMs[i]!);
    order.sort((a, b) => key(a) - key(b) || a - b);
    return order;
  }
}
