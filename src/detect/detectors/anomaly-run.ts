import type { AnomalyKind } from '../../model/index.js';
import { readNumber } from '../state-data.js';

/** The run's fields as they stand in a detector's state data. */
export interface AnomalyRunState {
  /** +1 above the expected value, -1 below, 0 no run. */
  readonly runSide: number;
  readonly runLength: number;
}

/**
 * The current run of consecutive anomalous points on one side of the expected value: once it reaches
 * `levelShiftPoints` points the series has shifted level rather than spiked.
 */
export class AnomalyRun {
  private side = 0;
  private length = 0;

  constructor(private readonly levelShiftPoints: number) {}

  /** Counts an anomalous point; true when the run it extends now makes a level shift. */
  extend(value: number, expected: number): boolean {
    const side = value > expected ? 1 : -1;
    this.length = side === this.side ? this.length + 1 : 1;
    this.side = side;
    return this.length >= this.levelShiftPoints;
  }

  /**
   * The kind of a scored point for detectors that tell only spikes from level shifts: an anomalous point
   * extends the run and is a level shift once the run is long enough, else a spike; any other point ends
   * the run and has no kind.
   */
  kindOf(anomalous: boolean, value: number, expected: number): AnomalyKind | null {
    if (!anomalous) {
      this.reset();
      return null;
    }
    return this.extend(value, expected) ? 'level_shift' : 'spike';
  }

  /** Ends the run at a point that is not anomalous. */
  reset(): void {
    this.side = 0;
    this.length = 0;
  }

  snapshot(): AnomalyRunState {
    return { runSide: this.side, runLength: this.length };
  }

  restore(state: AnomalyRunState): void {
    this.side = Math.sign(state.runSide);
    this.length = Math.max(0, Math.floor(state.runLength));
  }
}

/** Reads the run's fields from state data, so that a detector can check all its fields before it restores any. */
export function readAnomalyRun(data: Record<string, unknown>, detectorId: string): AnomalyRunState {
  return { runSide: readNumber(data, 'runSide', detectorId), runLength: readNumber(data, 'runLength', detectorId) };
}
