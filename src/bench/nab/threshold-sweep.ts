import type { NabFile } from './corpus.js';
import { perProfile } from './profiles.js';
import type { NabCostMatrix, NabProfiles, PerProfile } from './profiles.js';
import { MAX_TP_SIGMOID } from './sweep-weights.js';

/** The threshold a sweep chose for a profile and the corpus score it gives. */
export interface ThresholdChoice {
  readonly threshold: number;
  readonly score: number;
}

/** NAB starts its sweep above every score: nothing detected, every window missed. */
const START_THRESHOLD = 1.1;

/** Every scored row of the corpus, in one set of columns, and the order of descending anomaly score. */
interface SweepRows {
  readonly anomalyScores: Float64Array;
  /** Corpus-wide window index, -1 outside windows. */
  readonly windows: Int32Array;
  readonly sigmoids: Float64Array;
  /** Row indices by descending anomaly score. */
  readonly order: Uint32Array;
  /** Per corpus-wide window: 1 when it has rows after the probationary period. */
  readonly scored: Uint8Array;
}

function gatherRows(files: readonly NabFile[], scores: readonly Float64Array[]): SweepRows {
  let rowCount = 0;
  let windowCount = 0;
  for (const file of files) {
    rowCount += Math.max(0, file.timestampsMs.length - file.probationRows);
    windowCount += file.windows.length;
  }
  const anomalyScores = new Float64Array(rowCount);
  const windows = new Int32Array(rowCount);
  const sigmoids = new Float64Array(rowCount);
  const scored = new Uint8Array(windowCount);
  let row = 0;
  let windowBase = 0;
  files.forEach((file, f) => {
    const fileScores = scores[f]!;
    for (let i = file.probationRows; i < file.timestampsMs.length; i++, row++) {
      const w = file.rowWindow[i]!;
      anomalyScores[row] = fileScores[i]!;
      windows[row] = w < 0 ? -1 : windowBase + w;
      sigmoids[row] = file.rowSigmoid[i]!;
      if (w >= 0) scored[windowBase + w] = 1;
    }
    windowBase += file.windows.length;
  });
  const order = new Uint32Array(rowCount);
  for (let k = 0; k < rowCount; k++) order[k] = k;
  order.sort((a, b) => anomalyScores[b]! - anomalyScores[a]!);
  return { anomalyScores, windows, sigmoids, order, scored };
}

/**
 * One pass down the sorted rows: each row lowers the threshold to its score and becomes a detection,
 * so the corpus score changes by that row alone (a window keeps its best detection; a false positive
 * adds its weight). The score is recorded whenever the threshold moves to a new distinct value, and the
 * best one wins; on a tie the higher threshold, as NAB's stable sort keeps the first.
 */
function sweep(rows: SweepRows, cost: NabCostMatrix): ThresholdChoice {
  const parts = new Float64Array(rows.scored.length);
  let windowScore = 0;
  for (let w = 0; w < parts.length; w++) {
    if (rows.scored[w] === 1) {
      parts[w] = -cost.fnWeight;
      windowScore -= cost.fnWeight;
    }
  }
  const tpScale = cost.tpWeight / MAX_TP_SIGMOID;
  let fpScore = 0;
  let threshold = START_THRESHOLD;
  let bestThreshold = START_THRESHOLD;
  let bestScore = -Infinity;
  for (let k = 0; k < rows.order.length; k++) {
    const row = rows.order[k]!;
    const anomalyScore = rows.anomalyScores[row]!;
    if (anomalyScore !== threshold) {
      const score = fpScore + windowScore;
      if (score > bestScore) {
        bestScore = score;
        bestThreshold = threshold;
      }
      threshold = anomalyScore;
    }
    const w = rows.windows[row]!;
    if (w < 0) {
      fpScore += rows.sigmoids[row]! * cost.fpWeight;
    } else {
      const earned = rows.sigmoids[row]! * tpScale;
      if (earned > parts[w]!) {
        windowScore += earned - parts[w]!;
        parts[w] = earned;
      }
    }
  }
  const score = fpScore + windowScore;
  if (score > bestScore) {
    bestScore = score;
    bestThreshold = threshold;
  }
  return { threshold: bestThreshold, score: bestScore };
}

/**
 * Finds, for each profile, the threshold that maximises the corpus score: an exhaustive sweep over the
 * distinct anomaly scores of all scored rows (sorted once, shared by the profiles).
 */
export function optimizeThresholds(files: readonly NabFile[], scores: readonly Float64Array[], profiles: NabProfiles): PerProfile<ThresholdChoice> {
  const rows = gatherRows(files, scores);
  return perProfile((profile) => sweep(rows, profiles[profile]));
}
