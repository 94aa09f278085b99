import type { AnomalyKind } from '../../model/index.js';
import type { Detector, DetectorDefinition, DetectorState } from '../detector.js';
import { paramsError, parseNumberParams } from '../params.js';
import type { NumberParamSpecs } from '../params.js';
import { scoreFromZ } from '../score.js';
import { SortedWindow } from '../sorted-window.js';
import { readNumberArray, stateData } from '../state-data.js';
import { InputOrder, readInputOrder } from './input-order.js';
import { AnomalyRun, readAnomalyRun } from './anomaly-run.js';
import { checkRampOrder, scaleFloor, zScoreSpecs } from './score-params.js';
import type { ZScoreParams } from './score-params.js';

const ID = 'mad-zscore';
const STATE_VERSION = 1;
/** MAD × 1.4826 estimates the standard deviation of normal data. */
const MAD_TO_SIGMA = 1.4826;
/** Mean absolute deviation × 1.2533 estimates it too; used when over half the window is one value (MAD 0). */
const MEAN_AD_TO_SIGMA = 1.2533;

const SPECS = {
  windowSize: { type: 'integer', min: 16, max: 100_000, default: 128 },
  minPoints: { type: 'integer', min: 3, default: 32 },
  ...zScoreSpecs(3.5, 6),
} as const satisfies NumberParamSpecs<string>;

/** z is the robust z; the expected value is the median. */
export interface MadZScoreParams extends ZScoreParams {
  /** Values in the rolling window. */
  readonly windowSize: number;
  /** Points seen before scoring starts (warm-up, score 0). */
  readonly minPoints: number;
}

function parseParams(raw: unknown): MadZScoreParams {
  const p = parseNumberParams(ID, raw, SPECS);
  if (p.minPoints > p.windowSize) throw paramsError(ID, `minPoints must be <= windowSize (${p.windowSize}), got ${p.minPoints}`);
  checkRampOrder(ID, p, 'zLow', 'zHigh');
  return p;
}

/**
 * Robust rolling z-score: distance from the median of the last `windowSize` values in units of the
 * scaled MAD. Anomalous values enter the window too, so a level shift is absorbed after about half a
 * window and its episode ends.
 */
class MadZScoreDetector implements Detector {
  lastKind: AnomalyKind | null = null;
  lastExpected = NaN;
  private readonly window: SortedWindow;
  private readonly order = new InputOrder();
  private readonly run: AnomalyRun;

  constructor(private readonly params: MadZScoreParams) {
    this.window = new SortedWindow(params.windowSize);
    this.run = new AnomalyRun(params.levelShiftPoints);
  }

  update(timestampMs: number, value: number): number {
    this.lastKind = null;
    this.lastExpected = NaN;
    if (!this.order.accept(timestampMs, value)) return 0;
    let score = 0;
    if (this.window.length >= this.params.minPoints) {
      const median = this.window.median();
      const z = Math.abs(value - median) / this.scale(median);
      score = scoreFromZ(z, this.params.zLow, this.params.zHigh);
      this.lastExpected = median;
      this.lastKind = this.run.kindOf(score > 0, value, median);
    }
    this.window.push(value);
    return score;
  }

  snapshot(): DetectorState {
    return {
      detector: ID,
      version: STATE_VERSION,
      data: {
        values: this.window.toArray(),
        ...this.order.snapshot(),
        ...this.run.snapshot(),
      },
    };
  }

  restore(state: DetectorState): void {
    const data = stateData(state, ID, STATE_VERSION);
    const values = readNumberArray(data, 'values', ID);
    const order = readInputOrder(data, ID);
    const run = readAnomalyRun(data, ID);
    this.window.clear();
    // A smaller configured window keeps the newest values.
    for (let i = Math.max(0, values.length - this.params.windowSize); i < values.length; i++) this.window.push(values[i]!);
    this.order.restore(order);
    this.run.restore(run);
  }

  private scale(median: number): number {
    let sigma = MAD_TO_SIGMA * this.window.medianAbsoluteDeviation(median);
    if (sigma === 0) sigma = MEAN_AD_TO_SIGMA * this.window.meanAbsoluteDeviation(median);
    return Math.max(sigma, scaleFloor(this.params.relativeMinScale, median));
  }
}

export const madZScore: DetectorDefinition<MadZScoreParams> = {
  id: ID,
  description: 'Robust rolling z-score: distance from the rolling median in scaled MADs; spikes and level shifts',
  parseParams,
  create: (params) => new MadZScoreDetector(params),
};
