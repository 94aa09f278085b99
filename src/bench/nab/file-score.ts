import type { NabFile } from './corpus.js';
import type { NabCostMatrix } from './profiles.js';
import { MAX_TP_SIGMOID } from './sweep-weights.js';

/** A file's NAB score at one threshold, with NAB's per-row counts (probationary rows excluded). */
export interface NabFileScore {
  readonly score: number;
  /** Rows inside windows with a detection. */
  readonly tp: number;
  /** Rows outside windows without one. */
  readonly tn: number;
  /** Rows outside windows with a detection. */
  readonly fp: number;
  /** Rows inside windows without one. */
  readonly fn: number;
  /** Windows with at least one detection. */
  readonly windowsDetected: number;
}

/** Windows that hold at least one row after the probationary period: only those are scored. */
export function scoredWindowCount(file: NabFile): number {
  let count = 0;
  for (const window of file.windows) if (window.lastRow >= file.probationRows) count++;
  return count;
}

/**
 * Scores one file at `threshold` (a row is a detection when its score is >= threshold): each scored
 * window earns the weighted sigmoid of its earliest detection, or costs fnWeight when it has none; each
 * detection outside windows adds its weighted sigmoid (negative). Probationary rows count for nothing.
 */
export function scoreFileAtThreshold(file: NabFile, anomalyScores: Float64Array, threshold: number, cost: NabCostMatrix): NabFileScore {
  const parts = new Float64Array(file.windows.length);
  for (let w = 0; w < file.windows.length; w++) parts[w] = file.windows[w]!.lastRow >= file.probationRows ? -cost.fnWeight : 0;
  const detected = new Uint8Array(file.windows.length);
  const tpScale = cost.tpWeight / MAX_TP_SIGMOID;
  let fpScore = 0;
  let tp = 0;
  let tn = 0;
  let fp = 0;
  let fn = 0;
  let windowsDetected = 0;
  for (let i = file.probationRows; i < anomalyScores.length; i++) {
    const hit = anomalyScores[i]! >= threshold;
    const w = file.rowWindow[i]!;
    if (w >= 0) {
      if (!hit) {
        fn++;
        continue;
      }
      tp++;
      // The sigmoid falls through a window, so the earliest detection holds the maximum.
      if (detected[w] === 0) {
        detected[w] = 1;
        windowsDetected++;
        parts[w] = file.rowSigmoid[i]! * tpScale;
      }
    } else if (hit) {
      fp++;
      fpScore += file.rowSigmoid[i]! * cost.fpWeight;
    } else {
      tn++;
    }
  }
  let score = fpScore;
  for (let w = 0; w < parts.length; w++) score += parts[w]!;
  return { score, tp, tn, fp, fn, windowsDetected };
}
