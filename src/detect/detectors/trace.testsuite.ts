import { MINUTE_MS } from '../../model/index.js';
import type { Detector } from '../detector.js';

/** What a detector said about each point of a series. */
export interface Trace {
  scores: number[];
  kinds: (string | null)[];
  expected: number[];
}

/** Feeds the series to the detector point by point, recording its score, kind and expected value. */
export function feed(detector: Detector, timestampsMs: Float64Array, values: Float64Array): Trace {
  const trace: Trace = { scores: [], kinds: [], expected: [] };
  for (let i = 0; i < values.length; i++) {
    trace.scores.push(detector.update(timestampsMs[i]!, values[i]!));
    trace.kinds.push(detector.lastKind);
    trace.expected.push(detector.lastExpected);
  }
  return trace;
}

/** Scores of values one minute apart, the first at `startMs` plus `fromMinute` minutes. */
export function scoresEveryMinute(detector: Detector, values: ArrayLike<number>, startMs: number, fromMinute = 0): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) out.push(detector.update(startMs + (fromMinute + i) * MINUTE_MS, values[i]!));
  return out;
}
