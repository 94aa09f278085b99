import { readOptionalNumber } from '../state-data.js';

/** The guard's field as it stands in a detector's state data. */
export interface InputOrderState {
  /** Timestamp of the last accepted point; null before the first (JSON has no -Infinity). */
  readonly lastTimestampMs: number | null;
}

/**
 * The guard at the top of every detector's `update`: a point with a NaN or infinite timestamp or value,
 * or with a timestamp not after the last accepted one, is refused (the detector scores it 0 and leaves
 * its state as it was); an accepted point's timestamp becomes the last.
 */
export class InputOrder {
  private lastTimestampMs = -Infinity;

  /** Whether the point is to be scored; true also records its timestamp. */
  accept(timestampMs: number, value: number): boolean {
    if (!(timestampMs > this.lastTimestampMs) || !Number.isFinite(timestampMs) || !Number.isFinite(value)) return false;
    this.lastTimestampMs = timestampMs;
    return true;
  }

  snapshot(): InputOrderState {
    return { lastTimestampMs: this.lastTimestampMs === -Infinity ? null : this.lastTimestampMs };
  }

  restore(state: InputOrderState): void {
    this.lastTimestampMs = state.lastTimestampMs ?? -Infinity;
  }
}

/** Reads the guard's field from state data, so that a detector can check all its fields before it restores any. */
export function readInputOrder(data: Record<string, unknown>, detectorId: string): InputOrderState {
  return { lastTimestampMs: readOptionalNumber(data, 'lastTimestampMs', detectorId) };
}
