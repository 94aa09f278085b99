import { wallClockMs } from '../../util/index.js';
import type { CollectivePhase, PhaseListener } from './collective.js';

/** Phase indexes, in the order a PhaseListener is told of them. */
export const COPY_IN = 0;
export const NEGOTIATE = 1;
export const REDUCE_SCATTER = 2;
export const ALL_GATHER = 3;
export const COPY_OUT = 4;

const PHASES: readonly CollectivePhase[] = ['copy-in', 'negotiate', 'reduce-scatter', 'all-gather', 'copy-out'];

/**
 * Splits one operation's wall time between the phases: each lap charges the time since the previous lap to a phase, so
 * every moment from begin to the last lap belongs to exactly one phase. A collective makes one per listener set and
 * reuses it for every traced call (operations on a rank never overlap), so tracing allocates nothing per call.
 */
export class PhaseTimer {
  private readonly totals = new Float64Array(PHASES.length);
  private startMs = 0;
  private lastMs = 0;

  constructor(private readonly listener: PhaseListener) {}

  begin(): void {
    this.totals.fill(0);
    this.startMs = wallClockMs();
    this.lastMs = this.startMs;
  }

  /** Charges the time since the last lap (or begin) to `phase`. */
  lap(phase: number): void {
    const now = wallClockMs();
    this.totals[phase]! += now - this.lastMs;
    this.lastMs = now;
  }

  /** Tells the listener each phase's total as spans laid end to end from begin (see PhaseListener). */
  emit(): void {
    let at = this.startMs;
    for (let p = 0; p < PHASES.length; p++) {
      // The last span ends at the last lap's own reading, and none past it, whatever the rounding of the sums.
      const end = p === PHASES.length - 1 ? this.lastMs : Math.min(this.lastMs, at + this.totals[p]!);
      this.listener(PHASES[p]!, at, end);
      at = end;
    }
  }
}
