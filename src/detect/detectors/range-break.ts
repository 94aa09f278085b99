import { readOptionalNumber } from '../state-data.js';

/** The range's fields as they stand in a detector's state data (null: no value seen yet). */
export interface RangeBreakState {
  readonly rangeLow: number | null;
  readonly rangeHigh: number | null;
}

/**
 * The range of every value seen so far, and by how much a new value leaves it. A value beyond the
 * highest or lowest ever seen, by a clear share of the range, is an event no model of the recent past
 * needs to explain: records are rare by construction. O(1) per point, two numbers of state.
 */
export class RangeBreak {
  /** The edge of the range that the last value left, NaN when it stayed inside. */
  lastEdge = NaN;
  private low = Infinity;
  private high = -Infinity;

  /**
   * How far `value` lies outside the range seen before it, in units of that range (0 inside it, or while
   * the range is still a single value), then widens the range to include it.
   */
  update(value: number): number {
    const range = this.high - this.low;
    let excess = 0;
    this.lastEdge = NaN;
    if (range > 0) {
      if (value > this.high) {
        excess = (value - this.high) / range;
        this.lastEdge = this.high;
      } else if (value < this.low) {
        excess = (this.low - value) / range;
        this.lastEdge = this.low;
      }
    }
    if (value < this.low) this.low = value;
    if (value > this.high) this.high = value;
    return excess;
  }

  snapshot(): RangeBreakState {
    return { rangeLow: Number.isFinite(this.low) ? this.low : null, rangeHigh: Number.isFinite(this.high) ? this.high : null };
  }

  restore(state: RangeBreakState): void {
    this.low = state.rangeLow ?? Infinity;
    this.high = state.rangeHigh ?? -Infinity;
  }
}

/** Reads the range's fields from state data, so that a detector can check all its fields before it restores any. */
export function readRangeBreak(data: Record<string, unknown>, detectorId: string): RangeBreakState {
  return { rangeLow: readOptionalNumber(data, 'rangeLow', detectorId), rangeHigh: readOptionalNumber(data, 'rangeHigh', detectorId) };
}
