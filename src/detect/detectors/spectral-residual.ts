import type { AnomalyKind } from '../../model/index.js';
import type { Detector, DetectorContext, DetectorDefinition, DetectorState } from '../detector.js';
import { paramsError, parseNumberParams } from '../params.js';
import type { NumberParamSpecs } from '../params.js';
import { readNumberArray, stateData, stateError } from '../state-data.js';
import { InputOrder, readInputOrder } from './input-order.js';
import { readNumbers } from './state-fields.js';
import { AnomalyRun, readAnomalyRun } from './anomaly-run.js';
import { LEVEL_SHIFT_SPECS, checkRampOrder, zRangeSpecs } from './score-params.js';
import type { LevelShiftParams, ZRangeParams } from './score-params.js';
import { RealFft } from './fft.js';
import { rankedScoreFromZ } from './ranked-score.js';
import { TailCalibration } from './tail-calibration.js';

const ID = 'spectral-residual';
const STATE_VERSION = 1;
/** Floor of a spectral amplitude before its logarithm (the window is normalised to unit peak). */
const AMPLITUDE_EPS = 1e-8;
/** A window whose spread is below this share of its level is flat: no saliency to speak of. */
const FLAT_RELATIVE_SPREAD = 1e-12;
/** Mean absolute deviation × 1.25 estimates the standard deviation of normal data. */
const MEAN_AD_TO_SIGMA = 1.25;
/** Floor of the spread of the saliency ratio, so a perfectly regular series does not divide by zero. */
const MIN_RATIO_SCALE = 1e-6;
/** Points of the saliency ratio learnt before scores are given, on top of filling the window. */
const MIN_RATIO_POINTS = 16;

const SPECS = {
  fftSize: { type: 'integer', min: 16, max: 1024, default: 64 },
  extensionPoints: { type: 'integer', min: 0, max: 64, default: 0 },
  slopePoints: { type: 'integer', min: 1, max: 64, default: 5 },
  magnitudeWindow: { type: 'integer', min: 1, max: 31, default: 3 },
  saliencyWindow: { type: 'integer', min: 1, max: 1000, default: 21 },
  warmupPoints: { type: 'integer', min: 0, default: 128 },
  ratioAlpha: { type: 'number', min: 0.0001, max: 1, default: 0.01 },
  ...zRangeSpecs(3, 8),
  ...LEVEL_SHIFT_SPECS,
} as const satisfies NumberParamSpecs<string>;

/** z is the standardised saliency ratio; the expected value is the mean of the window before the newest point. */
export interface SpectralResidualParams extends ZRangeParams, LevelShiftParams {
  /** Points per transform, a power of two: the window's real points plus the estimated extension. */
  readonly fftSize: number;
  /**
   * Estimated points appended after the newest one, so that it does not sit at the window's edge (the
   * paper's extension). 0 by default: on the NAB corpus, judging the newest point at the edge scored
   * better than with the extension, which helps mostly on clean periodic series.
   */
  readonly extensionPoints: number;
  /** Preceding points whose average slope extrapolates the extension. */
  readonly slopePoints: number;
  /** Width (odd) of the moving average over the log amplitude spectrum whose difference is the residual. */
  readonly magnitudeWindow: number;
  /** Preceding saliency values whose mean the newest saliency is compared with. */
  readonly saliencyWindow: number;
  /** Points not scored at the start when the caller gives no warm-up (at least the window plus 16). */
  readonly warmupPoints: number;
  /** Weight of a new value in the running mean and deviation of the saliency ratio. */
  readonly ratioAlpha: number;
}

function isPowerOfTwo(n: number): boolean {
  return (n & (n - 1)) === 0;
}

function parseParams(raw: unknown): SpectralResidualParams {
  const p = parseNumberParams(ID, raw, SPECS);
  if (!isPowerOfTwo(p.fftSize)) throw paramsError(ID, `fftSize must be a power of two, got ${p.fftSize}`);
  if (p.extensionPoints > p.fftSize / 4) throw paramsError(ID, `extensionPoints must be <= fftSize / 4 (${p.fftSize / 4}), got ${p.extensionPoints}`);
  const realPoints = p.fftSize - p.extensionPoints;
  if (p.slopePoints > realPoints - 2) throw paramsError(ID, `slopePoints must be <= ${realPoints - 2} (the window's points less two), got ${p.slopePoints}`);
  if (p.magnitudeWindow % 2 === 0) throw paramsError(ID, `magnitudeWindow must be odd, got ${p.magnitudeWindow}`);
  if (p.saliencyWindow > realPoints - 1) throw paramsError(ID, `saliencyWindow must be <= ${realPoints - 1} (the window's points less one), got ${p.saliencyWindow}`);
  checkRampOrder(ID, p, 'zLow', 'zHigh');
  return p;
}

/**
 * Spectral Residual saliency (Ren et al., KDD 2019) over a sliding window, one transform per point.
 * The window holds the newest `fftSize - extensionPoints` values followed by `extensionPoints` copies
 * of a value extrapolated from the average slope of the points before the newest one. The log
 * amplitude spectrum minus its local average (the spectral residual) is turned back into the time
 * domain with the original phases; the magnitude there is the saliency map. The newest point's
 * saliency relative to the mean saliency of the preceding points is the raw ratio, and the score
 * standardises that ratio against its own running mean and deviation, so that every series is judged
 * against its own usual saliency, then calibrates it against the series' tail (see TailCalibration).
 *
 * Per point: one forward and one inverse FFT of `fftSize` points (O(n log n)), one log and one exp per
 * frequency. The DC bin is left out of the residual and of the reconstruction: it only carries the
 * window's level, which the saliency should ignore.
 */
class SpectralResidualDetector implements Detector {
  lastKind: AnomalyKind | null = null;
  lastExpected = NaN;
  private readonly realPoints: number;
  private readonly warmupPoints: number;
  /** The newest `realPoints` values in a ring; `head` is where the next value goes. */
  private readonly ring: Float64Array;
  private head = 0;
  private count = 0;
  private readonly fft: RealFft;
  /** The transform's input (the normalised window and its extension), then its output (the saliency map). */
  private readonly signal: Float64Array;
  /** Spectrum bins 0..n/2. */
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  /** Per frequency k in 1..n/2: the log amplitude at k, then the average log amplitude around k at n/2 + 1 + k. */
  private readonly logSpectrum: Float64Array;
  private ratioMean = 0;
  private ratioDeviation = 0;
  private ratioCount = 0;
  private readonly order = new InputOrder();
  private readonly run: AnomalyRun;
  private readonly tail = new TailCalibration();

  constructor(
    private readonly params: SpectralResidualParams,
    context: DetectorContext | undefined,
  ) {
    this.realPoints = params.fftSize - params.extensionPoints;
    this.warmupPoints = Math.max(this.realPoints + MIN_RATIO_POINTS, context?.warmupPoints ?? params.warmupPoints);
    this.ring = new Float64Array(this.realPoints);
    this.fft = new RealFft(params.fftSize);
    this.signal = new Float64Array(params.fftSize);
    this.re = new Float64Array(params.fftSize / 2 + 1);
    this.im = new Float64Array(params.fftSize / 2 + 1);
    this.logSpectrum = new Float64Array(params.fftSize + 2);
    this.run = new AnomalyRun(params.levelShiftPoints);
  }

  update(timestampMs: number, value: number): number {
    this.lastKind = null;
    this.lastExpected = NaN;
    if (!this.order.accept(timestampMs, value)) return 0;
    this.ring[this.head] = value;
    this.head = (this.head + 1) % this.realPoints;
    this.count++;
    if (this.count < this.realPoints) return 0;

    const expected = this.copyWindow();
    this.lastExpected = expected;
    const ratio = this.normaliseWindow(expected) ? this.saliencyRatio() : 0;
    const p = this.params;
    const scale = Math.max(MEAN_AD_TO_SIGMA * this.ratioDeviation, MIN_RATIO_SCALE);
    const z = (ratio - this.ratioMean) / scale;
    const score = this.count >= this.warmupPoints ? rankedScoreFromZ(this.tail.calibrate(z), p.zLow, p.zHigh) : 0;
    if (this.ratioCount >= MIN_RATIO_POINTS) this.tail.learn(Math.abs(z));
    this.learnRatio(ratio, scale);
    this.lastKind = this.run.kindOf(score > 0, value, expected);
    return score;
  }

  snapshot(): DetectorState {
    const values: number[] = [];
    const stored = Math.min(this.count, this.realPoints);
    for (let i = stored; i > 0; i--) values.push(this.ring[(this.head - i + this.realPoints) % this.realPoints]!);
    return {
      detector: ID,
      version: STATE_VERSION,
      data: {
        values,
        count: this.count,
        ratioMean: this.ratioMean,
        ratioDeviation: this.ratioDeviation,
        ratioCount: this.ratioCount,
        tailLogQuantile: this.tail.snapshot(),
        ...this.order.snapshot(),
        ...this.run.snapshot(),
      },
    };
  }

  restore(state: DetectorState): void {
    const data = stateData(state, ID, STATE_VERSION);
    const values = readNumberArray(data, 'values', ID);
    const fields = readNumbers(data, ['count', 'ratioMean', 'ratioDeviation', 'ratioCount', 'tailLogQuantile'], ID);
    const order = readInputOrder(data, ID);
    const run = readAnomalyRun(data, ID);
    if (values.length > fields.count) throw stateError(ID, `values holds ${values.length} items, more than count (${fields.count})`);
    // A smaller configured window keeps the newest values; a larger one refills before scoring again.
    const kept = Math.min(values.length, this.realPoints);
    this.ring.fill(0);
    for (let i = 0; i < kept; i++) this.ring[i] = values[values.length - kept + i]!;
    this.head = kept % this.realPoints;
    this.count = kept < this.realPoints ? kept : fields.count;
    this.ratioMean = fields.ratioMean;
    this.ratioDeviation = fields.ratioDeviation;
    this.ratioCount = fields.ratioCount;
    this.tail.restore(fields.tailLogQuantile);
    this.order.restore(order);
    this.run.restore(run);
  }

  /**
   * Copies the window, oldest first, into the transform buffer, and returns the mean of its values
   * before the newest: what the newest value is expected to be near.
   */
  private copyWindow(): number {
    const n = this.realPoints;
    const ring = this.ring;
    const signal = this.signal;
    let j = 0;
    for (let i = this.head; i < n; i++) signal[j++] = ring[i]!;
    for (let i = 0; i < this.head; i++) signal[j++] = ring[i]!;
    let sum = 0;
    for (let i = 0; i < n - 1; i++) sum += signal[i]!;
    return sum / (n - 1);
  }

  /**
   * Centres the copied window on `center` and scales it to unit peak (the saliency depends on neither,
   * and this keeps extreme values finite), then appends the extension. False when the window is flat.
   */
  private normaliseWindow(center: number): boolean {
    const n = this.realPoints;
    const signal = this.signal;
    let peak = 0;
    for (let i = 0; i < n; i++) {
      const d = Math.abs(signal[i]! - center);
      if (d > peak) peak = d;
    }
    if (!(peak > FLAT_RELATIVE_SPREAD * Math.abs(center)) || !Number.isFinite(peak)) return false;
    const inverse = 1 / peak;
    for (let i = 0; i < n; i++) signal[i] = (signal[i]! - center) * inverse;
    const estimate = this.extrapolate();
    for (let i = n; i < this.params.fftSize; i++) signal[i] = estimate;
    return true;
  }

  /**
   * The value after the points preceding the newest one, extrapolated with their average slope to the
   * last of them (the newest point is left out so that a spike does not bend its own extension).
   */
  private extrapolate(): number {
    const m = this.params.slopePoints;
    const signal = this.signal;
    const anchor = this.realPoints - 2;
    let slope = 0;
    for (let i = 1; i <= m; i++) slope += (signal[anchor]! - signal[anchor - i]!) / i;
    return signal[anchor - m + 1]! + slope;
  }

  /** The newest point's saliency over the mean saliency of the `saliencyWindow` points before it, less 1. */
  private saliencyRatio(): number {
    const half = this.params.fftSize / 2;
    const re = this.re;
    const im = this.im;
    const logSpectrum = this.logSpectrum;
    const averages = half + 1;
    this.fft.forward(this.signal, re, im);
    for (let k = 1; k <= half; k++) logSpectrum[k] = 0.5 * Math.log(Math.max(re[k]! * re[k]! + im[k]! * im[k]!, AMPLITUDE_EPS * AMPLITUDE_EPS));
    // Scaling each bin by exp(-average log amplitude around it) turns amplitude A into exp(log A - average):
    // the spectral residual, with the phase untouched. Bins past n/2 mirror those below it.
    const reach = (this.params.magnitudeWindow - 1) / 2;
    for (let k = 1; k <= half; k++) {
      let total = 0;
      let terms = 0;
      for (let j = k - reach; j <= k + reach; j++) {
        let bin = j < 0 ? -j : j;
        if (bin > half) bin = 2 * half - bin;
        if (bin === 0) continue;
        total += logSpectrum[bin]!;
        terms++;
      }
      logSpectrum[averages + k] = total / terms;
    }
    re[0] = 0;
    im[0] = 0;
    for (let k = 1; k <= half; k++) {
      const factor = Math.exp(-logSpectrum[averages + k]!);
      re[k] = re[k]! * factor;
      im[k] = im[k]! * factor;
    }
    // The scaled spectrum is still that of a real signal (each bin scaled by a real factor): the real
    // inverse transform gives the saliency map exactly.
    const saliency = this.signal;
    this.fft.inverse(re, im, saliency);
    const newest = this.realPoints - 1;
    let before = 0;
    for (let i = newest - this.params.saliencyWindow; i < newest; i++) before += Math.abs(saliency[i]!);
    before /= this.params.saliencyWindow;
    const current = Math.abs(saliency[newest]!);
    if (!(before > 0)) return 0;
    const ratio = current / before - 1;
    return Number.isFinite(ratio) ? ratio : 0;
  }

  /** Running mean and deviation of the ratio; values beyond `zHigh` scales count as `zHigh` scales. */
  private learnRatio(ratio: number, scale: number): void {
    const p = this.params;
    this.ratioCount++;
    let residual = ratio - this.ratioMean;
    if (this.ratioCount > MIN_RATIO_POINTS) {
      const bound = p.zHigh * scale;
      residual = residual > bound ? bound : residual < -bound ? -bound : residual;
    }
    const rate = Math.max(p.ratioAlpha, 1 / this.ratioCount);
    this.ratioMean += rate * residual;
    this.ratioDeviation += rate * (Math.abs(residual) - this.ratioDeviation);
  }
}

export const spectralResidual: DetectorDefinition<SpectralResidualParams> = {
  id: ID,
  description: 'Spectral Residual saliency over a sliding window (one FFT per point), standardised against its running distribution',
  parseParams,
  create: (params, context) => new SpectralResidualDetector(params, context),
};
