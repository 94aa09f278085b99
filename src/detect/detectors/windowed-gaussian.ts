import type { AnomalyKind } from '../../model/index.js';
import type { Detector, DetectorDefinition, DetectorState } from '../detector.js';
import { paramsError, parseNumberParams } from '../params.js';
import type { NumberParamSpecs } from '../params.js';
import { readNumber, readNumberArray, readOptionalNumber, stateData } from '../state-data.js';
import { AnomalyRun, readAnomalyRun } from './anomaly-run.js';

const ID = 'windowed-gaussian';
const STATE_VERSION = 1;
/** The standard deviation used when the window's is (nearly) zero, as NAB's baseline does. */
const MIN_STD = 1e-6;
/**
 * The score is 1 − p^TAIL_EXPONENT for the two-sided tail probability p of the point under the
 * window's Gaussian. It is a strictly increasing function of |z|, like NAB's 1 − Q(|z|), so it ranks
 * points as NAB's baseline does (and NAB's threshold sweep sees the same order); unlike NAB's score it
 * starts at 0 for typical points: p = 0.01 (|z| 2.58) scores 0.37, p = 0.001 (|z| 3.29) 0.50.
 */
const TAIL_EXPONENT = 0.1;
/** Points scoring at least this (|z| above about 3.3) are named as anomalous kinds. */
const KIND_MIN_SCORE = 0.5;

const SPECS = {
  windowSize: { type: 'integer', min: 2, max: 1_000_000, default: 6400 },
  stepSize: { type: 'integer', min: 1, max: 1_000_000, default: 100 },
  levelShiftPoints: { type: 'integer', min: 2, default: 5 },
} as const satisfies NumberParamSpecs<string>;

export interface WindowedGaussianParams {
  /** Values in the window whose mean and standard deviation judge the next point. */
  readonly windowSize: number;
  /** Once the window is full it moves forward this many values at a time (mean and deviation change only then). */
  readonly stepSize: number;
  /** Consecutive anomalous points on one side of the mean that make a level shift. */
  readonly levelShiftPoints: number;
}

function parseParams(raw: unknown): WindowedGaussianParams {
  const p = parseNumberParams(ID, raw, SPECS);
  if (p.stepSize > p.windowSize) throw paramsError(ID, `stepSize must be <= windowSize (${p.windowSize}), got ${p.stepSize}`);
  return p;
}

// W. J. Cody's rational Chebyshev approximations of erf/erfc (Math. Comp. 1969), double precision.
const ERF_A = [3.1611237438705656, 113.864154151050156, 377.485237685302021, 3209.37758913846947, 0.185777706184603153];
const ERF_B = [23.6012909523441209, 244.024637934444173, 1282.61652607737228, 2844.23683343917062];
const ERFC_C = [
  0.564188496988670089, 8.88314979438837594, 66.1191906371416295, 298.635138197400131, 881.95222124176909, 1712.04761263407058, 2051.07837782607147,
  1230.33935479799725, 2.15311535474403846e-8,
];
const ERFC_D = [15.7449261107098347, 117.693950891312499, 537.181101862009858, 1621.38957456669019, 3290.79923573345963, 4362.61909014324716, 3439.36767414372164, 1230.33935480374942];
const ERFC_P = [0.305326634961232344, 0.360344899949804439, 0.125781726111229246, 0.0160837851487422766, 6.58749161529837803e-4, 0.0163153871373020978];
const ERFC_Q = [2.56852019228982242, 1.87295284992346047, 0.527905102951428412, 0.0605183413124413191, 0.00233520497626869185];
const ONE_OVER_SQRT_PI = 0.56418958354775628695;
/** erfc underflows to 0 beyond this. */
const ERFC_ZERO_FROM = 26.543;

/** exp(−x²) without the cancellation of squaring x directly: x is split at a multiple of 1/16. */
function expMinusSquare(x: number): number {
  const head = Math.trunc(16 * x) / 16;
  return Math.exp(-head * head) * Math.exp(-(x - head) * (x + head));
}

/** The complementary error function for x >= 0, to about 1e-15 relative. */
function erfc(x: number): number {
  if (x <= 0.46875) {
    const x2 = x * x;
    let num = ERF_A[4]! * x2;
    let den = x2;
    for (let i = 0; i < 3; i++) {
      num = (num + ERF_A[i]!) * x2;
      den = (den + ERF_B[i]!) * x2;
    }
    return 1 - (x * (num + ERF_A[3]!)) / (den + ERF_B[3]!);
  }
  if (x <= 4) {
    let num = ERFC_C[8]! * x;
    let den = x;
    for (let i = 0; i < 7; i++) {
      num = (num + ERFC_C[i]!) * x;
      den = (den + ERFC_D[i]!) * x;
    }
    return expMinusSquare(x) * ((num + ERFC_C[7]!) / (den + ERFC_D[7]!));
  }
  if (x >= ERFC_ZERO_FROM) return 0;
  const r2 = 1 / (x * x);
  let num = ERFC_P[5]! * r2;
  let den = r2;
  for (let i = 0; i < 4; i++) {
    num = (num + ERFC_P[i]!) * r2;
    den = (den + ERFC_Q[i]!) * r2;
  }
  const tail = (r2 * (num + ERFC_P[4]!)) / (den + ERFC_Q[4]!);
  return (expMinusSquare(x) * (ONE_OVER_SQRT_PI - tail)) / x;
}

/** Score of a point |z| standard deviations from the mean: 1 − p^TAIL_EXPONENT, p = erfc(|z|/√2). */
function tailScore(z: number): number {
  if (!(z > 0)) return 0;
  return 1 - Math.pow(erfc(z * Math.SQRT1_2), TAIL_EXPONENT);
}

/**
 * NAB's windowed Gaussian baseline: a point is judged by its distance from the mean of the preceding
 * `windowSize` values in their standard deviations, before it joins the window. The window fills one
 * value at a time; once full it moves forward `stepSize` values at a time. Mean and deviation come from
 * running sums of the values less an anchor (O(1) a point), re-anchored on the window mean and summed
 * afresh once every `windowSize` values so that rounding cannot accumulate.
 */
class WindowedGaussianDetector implements Detector {
  lastKind: AnomalyKind | null = null;
  lastExpected = NaN;
  private readonly ring: Float64Array;
  /** Values in the ring; the oldest is at `head` once it is full. */
  private count = 0;
  private head = 0;
  private readonly pending: Float64Array;
  private pendingCount = 0;
  private anchor = 0;
  private sum = 0;
  private sumSquares = 0;
  /** Values that entered the sums since they were last computed afresh. */
  private addedSinceAnchor = 0;
  private mean = 0;
  private std = 1;
  private lastTimestampMs = -Infinity;
  private readonly run: AnomalyRun;

  constructor(private readonly params: WindowedGaussianParams) {
    this.ring = new Float64Array(params.windowSize);
    this.pending = new Float64Array(params.stepSize);
    this.run = new AnomalyRun(params.levelShiftPoints);
  }

  update(timestampMs: number, value: number): number {
    this.lastKind = null;
    this.lastExpected = NaN;
    if (!(timestampMs > this.lastTimestampMs) || !Number.isFinite(timestampMs) || !Number.isFinite(value)) return 0;
    this.lastTimestampMs = timestampMs;
    let score = 0;
    if (this.count > 0) {
      score = tailScore(Math.abs(value - this.mean) / this.std);
      this.lastExpected = this.mean;
      if (score >= KIND_MIN_SCORE) this.lastKind = this.run.extend(value, this.mean) ? 'level_shift' : 'spike';
      else this.run.reset();
    }
    this.absorb(value);
    return score;
  }

  snapshot(): DetectorState {
    const finite = Number.isFinite(this.sum) && Number.isFinite(this.sumSquares);
    return {
      detector: ID,
      version: STATE_VERSION,
      data: {
        window: this.windowValues(),
        pending: Array.from(this.pending.subarray(0, this.pendingCount)),
        anchor: this.anchor,
        // Non-finite sums (from values near the float limit) do not survive JSON: restore recomputes them.
        sum: finite ? this.sum : null,
        sumSquares: finite ? this.sumSquares : null,
        addedSinceAnchor: this.addedSinceAnchor,
        lastTimestampMs: this.lastTimestampMs === -Infinity ? null : this.lastTimestampMs,
        ...this.run.snapshot(),
      },
    };
  }

  restore(state: DetectorState): void {
    const data = stateData(state, ID, STATE_VERSION);
    const window = readNumberArray(data, 'window', ID);
    const pending = readNumberArray(data, 'pending', ID);
    const anchor = readNumber(data, 'anchor', ID);
    const sum = readOptionalNumber(data, 'sum', ID);
    const sumSquares = readOptionalNumber(data, 'sumSquares', ID);
    const addedSinceAnchor = readNumber(data, 'addedSinceAnchor', ID);
    const lastTimestampMs = readOptionalNumber(data, 'lastTimestampMs', ID);
    const run = readAnomalyRun(data, ID);
    const { windowSize, stepSize } = this.params;
    this.count = 0;
    this.head = 0;
    this.pendingCount = 0;
    this.addedSinceAnchor = 0;
    const fits = window.length <= windowSize && pending.length < stepSize && (pending.length === 0 || window.length === windowSize);
    if (fits && sum !== null && sumSquares !== null && window.length > 0) {
      this.ring.set(window);
      this.count = window.length;
      this.pending.set(pending);
      this.pendingCount = pending.length;
      this.anchor = anchor;
      this.sum = sum;
      this.sumSquares = sumSquares;
      this.addedSinceAnchor = addedSinceAnchor;
      this.refreshMoments();
    } else {
      // Other sizes (or unusable sums): the newest windowSize values fill the window afresh.
      const values = [...window, ...pending];
      for (let i = Math.max(0, values.length - windowSize); i < values.length; i++) this.absorb(values[i]!);
    }
    this.lastTimestampMs = lastTimestampMs ?? -Infinity;
    this.run.restore(run);
  }

  /** Adds a value to the window (or to the pending step) and refreshes mean and deviation when the window changed. */
  private absorb(value: number): void {
    const { windowSize, stepSize } = this.params;
    if (this.count < windowSize) {
      if (this.count === 0) {
        this.anchor = value;
        this.sum = 0;
        this.sumSquares = 0;
      }
      this.ring[this.count++] = value;
      const d = value - this.anchor;
      this.sum += d;
      this.sumSquares += d * d;
      this.addedSinceAnchor++;
      if (this.addedSinceAnchor >= windowSize) this.recomputeSums();
      this.refreshMoments();
      return;
    }
    this.pending[this.pendingCount++] = value;
    if (this.pendingCount < stepSize) return;
    for (let k = 0; k < stepSize; k++) {
      const dOld = this.ring[this.head]! - this.anchor;
      const dNew = this.pending[k]! - this.anchor;
      this.ring[this.head] = this.pending[k]!;
      this.head = this.head + 1 === windowSize ? 0 : this.head + 1;
      this.sum += dNew - dOld;
      this.sumSquares += dNew * dNew - dOld * dOld;
    }
    this.pendingCount = 0;
    this.addedSinceAnchor += stepSize;
    if (this.addedSinceAnchor >= windowSize || !Number.isFinite(this.sum) || !Number.isFinite(this.sumSquares)) this.recomputeSums();
    this.refreshMoments();
  }

  /**
   * Sums the window afresh around its mean, oldest value first (so a restored ring, which starts at
   * index 0, rounds alike). O(windowSize), once per windowSize values.
   */
  private recomputeSums(): void {
    const size = this.params.windowSize;
    let total = 0;
    for (let k = 0, i = this.head; k < this.count; k++, i = i + 1 === size ? 0 : i + 1) total += this.ring[i]!;
    const mean = total / this.count;
    this.anchor = Number.isFinite(mean) ? mean : this.anchor;
    let sum = 0;
    let sumSquares = 0;
    for (let k = 0, i = this.head; k < this.count; k++, i = i + 1 === size ? 0 : i + 1) {
      const d = this.ring[i]! - this.anchor;
      sum += d;
      sumSquares += d * d;
    }
    this.sum = sum;
    this.sumSquares = sumSquares;
    this.addedSinceAnchor = 0;
  }

  private refreshMoments(): void {
    const meanOffset = this.sum / this.count;
    this.mean = this.anchor + meanOffset;
    const std = Math.sqrt(Math.max(0, this.sumSquares / this.count - meanOffset * meanOffset));
    this.std = std > MIN_STD ? std : MIN_STD;
  }

  private windowValues(): number[] {
    const out = new Array<number>(this.count);
    for (let k = 0; k < this.count; k++) out[k] = this.ring[(this.head + k) % this.params.windowSize]!;
    return out;
  }
}

export const windowedGaussian: DetectorDefinition<WindowedGaussianParams> = {
  id: ID,
  description: "NAB's windowed Gaussian baseline: tail probability of a point under the mean and deviation of the last windowSize values",
  parseParams,
  create: (params) => new WindowedGaussianDetector(params),
};
