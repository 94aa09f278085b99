import type { AnomalyKind } from '../model/index.js';
import type { Detector, DetectorContext, DetectorDefinition, DetectorState } from './detector.js';

/** A point at or above this value scores 1 (an anomaly); every other point scores 0. */
export const SPIKE_VALUE = 100;

/** What this thread's recording detectors were created with and the points they saw, in order. */
export const recorded: { readonly created: { detector: string; context: DetectorContext }[]; readonly seen: { detector: string; seriesKey: string | null; timestampMs: number }[] } = {
  created: [],
  seen: [],
};

export function clearRecorded(): void {
  recorded.created.length = 0;
  recorded.seen.length = 0;
}

class RecordingDetector implements Detector {
  lastKind: AnomalyKind | null = null;
  readonly lastExpected = NaN;
  private points = 0;

  constructor(
    private readonly id: string,
    private readonly seriesKey: string | null,
  ) {}

  update(timestampMs: number, value: number): number {
    this.points++;
    recorded.seen.push({ detector: this.id, seriesKey: this.seriesKey, timestampMs });
    const spike = value >= SPIKE_VALUE;
    this.lastKind = spike ? 'spike' : null;
    return spike ? 1 : 0;
  }

  /** Names the key the detector was created with and the points it has seen (restored ones included). */
  describeLast(): string {
    return `${this.seriesKey ?? 'no key'} after ${this.points} points`;
  }

  snapshot(): DetectorState {
    return { detector: this.id, version: 1, data: { points: this.points } };
  }

  restore(state: DetectorState): void {
    const points = (state.data as { points?: unknown } | null)?.points;
    if (typeof points !== 'number') throw new Error(`cannot restore detector ${this.id}: data.points must be a number`);
    this.points = points;
  }
}

/**
 * A test-only detector that records its creation context and every point it sees (in `recorded`), scores
 * SPIKE_VALUE and above as anomalies, and is a grouping detector when `groupOf` is given.
 */
export function recordingDetector(id: string, groupOf?: (seriesKey: string) => string | null): DetectorDefinition {
  return {
    id,
    description: 'test: records what it is given',
    parseParams: () => ({}),
    create(_params, context = {}) {
      recorded.created.push({ detector: id, context });
      return new RecordingDetector(id, context.seriesKey ?? null);
    },
    ...(groupOf === undefined ? {} : { groupOf: (_params: unknown, seriesKey: string) => groupOf(seriesKey) }),
  };
}

/** Groups a series by the part of its key before the first '.'; a key without '.' is in no group. */
export const GROUP_BY_PREFIX = recordingDetector('group-by-prefix', (key) => (key.includes('.') ? key.slice(0, key.indexOf('.')) : null));
/** Groups a series by its host tag (`host=h1`); a series without one is in no group. */
export const GROUP_BY_HOST = recordingDetector('group-by-host', (key) => /;host=([^;]+)/.exec(key)?.[0].slice(1) ?? null);
/** Records like the others but judges each series alone (no groupOf). */
export const RECORD_ALONE = recordingDetector('record-alone');
