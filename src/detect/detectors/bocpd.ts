import type { AnomalyKind } from '../../model/index.js';
import type { Detector, DetectorContext, DetectorDefinition, DetectorState } from '../detector.js';
import { paramsError, parseNumberParams } from '../params.js';
import type { NumberParamSpecs } from '../params.js';
import { readNumber, readNumberArray, readOptionalNumber, stateData, stateError } from '../state-data.js';
import { InputOrder, readInputOrder } from './input-order.js';
import { AnomalyRun, readAnomalyRun } from './anomaly-run.js';
import { checkRampOrder, scaleFloor, zScoreSpecs } from './score-params.js';
import type { ZScoreParams } from './score-params.js';
import { rankedScoreFromZ } from './ranked-score.js';
import { TailCalibration } from './tail-calibration.js';
import { logGamma } from '../../util/index.js';

const ID = 'bocpd';
const STATE_VERSION = 1;
/** Mean absolute difference of consecutive values × 1.25 / √2 estimates the noise's standard deviation. */
const MEAN_ABS_DIFF_TO_SIGMA = 1.25 / Math.SQRT2;
/** Points that only teach the prior before the run-length recursion starts. */
const PRIOR_POINTS = 8;
/**
 * A run's sufficient statistics learn a value clipped at this many of its predictive scales, and the
 * prior's noise scale a difference clipped at this many of its scales: one wild value must not widen
 * every run for the rest of its life.
 */
const CLIP_SCALES = 4;

const SPECS = {
  hazardPoints: { type: 'integer', min: 2, default: 250 },
  maxRunLength: { type: 'integer', min: 8, max: 4096, default: 128 },
  priorKappa: { type: 'number', min: 1e-6, max: 1000, default: 0.01 },
  priorAlpha: { type: 'number', min: 0.5, max: 1000, default: 1 },
  outlierDensity: { type: 'number', min: 1e-12, max: 1, default: 1e-3 },
  pruneProbability: { type: 'number', min: 0, max: 0.01, default: 1e-10 },
  changeRunLength: { type: 'integer', min: 1, default: 10 },
  scaleAlpha: { type: 'number', min: 0.0001, max: 1, default: 0.01 },
  warmupPoints: { type: 'integer', min: 0, default: 32 },
  ...zScoreSpecs(3, 8),
} as const satisfies NumberParamSpecs<string>;

/**
 * z is the tail z (the standardised predictive deviation, a Student-t turned into a normal z); the expected
 * value is the most probable run's prediction.
 */
export interface BocpdParams extends ZScoreParams {
  /** Expected run length between changepoints, in points: the constant hazard is its inverse. */
  readonly hazardPoints: number;
  /** Run lengths tracked; longer runs share the last slot, which forgets beyond this length. */
  readonly maxRunLength: number;
  /** Pseudo-observations behind the prior mean (small: a new run takes its level from its first points). */
  readonly priorKappa: number;
  /** Shape of the prior on the precision (its pseudo-observations are twice this). */
  readonly priorAlpha: number;
  /**
   * Density floor, relative to the prior noise scale, added to every run's predictive density: a value
   * that no run predicts then moves the run-length posterior little, so one outlier is not two changepoints.
   */
  readonly outlierDensity: number;
  /** Run-length probabilities below this are dropped (and their run skipped) until a run refills the slot. */
  readonly pruneProbability: number;
  /** A changepoint within this many points (run lengths 1..n) counts towards the change score. */
  readonly changeRunLength: number;
  /** Weight of a new value in the prior's running mean and noise scale. */
  readonly scaleAlpha: number;
  /** Points not scored at the start when the caller gives no warm-up. */
  readonly warmupPoints: number;
}

function parseParams(raw: unknown): BocpdParams {
  const p = parseNumberParams(ID, raw, SPECS);
  if (p.changeRunLength >= p.maxRunLength) throw paramsError(ID, `changeRunLength must be < maxRunLength (${p.maxRunLength}), got ${p.changeRunLength}`);
  checkRampOrder(ID, p, 'zLow', 'zHigh');
  return p;
}

/**
 * A Student-t deviation `t` with `nu` degrees of freedom as the normal z of the same tail probability,
 * from `log1p(t² / nu)` (Wallace's approximation; exact as nu grows).
 */
function studentToNormalZ(nu: number, log1pQ: number): number {
  return ((8 * nu + 1) / (8 * nu + 3)) * Math.sqrt(nu * log1pQ);
}

/**
 * Bayesian online changepoint detection (Adams & MacKay, 2007): a posterior over the current run
 * length (points since the last changepoint) under a constant hazard, each run modelling its values as
 * Gaussian with unknown mean and variance (Normal-Gamma prior, Student-t predictive).
 *
 * Memory and time are O(maxRunLength): runs longer than `maxRunLength - 1` share the last slot, whose
 * statistics forget at that horizon, and negligible run lengths are pruned. The prior follows the
 * series: its mean is a running mean and its noise scale a running mean of consecutive differences.
 *
 * Score: the larger of two normal-equivalent z, calibrated against the series' own tail of them (see
 * TailCalibration) and mapped to [0, 1]: the tail z (how far the value lies in the predictive
 * distribution of the most probable run) and the change z (how much the posterior odds of a changepoint
 * within the last `changeRunLength` points exceed what the hazard alone gives). Spikes and large shifts
 * score at once through the first, subtler shifts once the evidence for a new run has built up.
 */
class BocpdDetector implements Detector {
  lastKind: AnomalyKind | null = null;
  lastExpected = NaN;
  private readonly size: number;
  private readonly hazard: number;
  private readonly warmupPoints: number;
  /** Points before the run-length posterior has settled from its start at run length 0. */
  private readonly settlePoints: number;
  /** Γ((ν+1)/2) / Γ(ν/2) for the longest run's degrees of freedom; shorter runs follow by recurrence. */
  private readonly topGammaRatio: number;
  /** Posterior probability of each run length 0..size-1 (the last slot: that length or longer). */
  private readonly probs: Float64Array;
  /** Posterior mean and β (Normal-Gamma) of each run length; slot 0 is the prior, read from the fields below. */
  private readonly means: Float64Array;
  private readonly betas: Float64Array;
  private priorMean = 0;
  private priorScale = 0;
  private lastValue = NaN;
  private count = 0;
  private readonly order = new InputOrder();
  private readonly run: AnomalyRun;
  private readonly tail = new TailCalibration();

  constructor(
    private readonly params: BocpdParams,
    context: DetectorContext | undefined,
  ) {
    this.size = params.maxRunLength;
    this.hazard = 1 / params.hazardPoints;
    // The posterior starts as a run of length 0, so the first runs are all short: no change score (nor
    // learning of its tail) until they have had time to grow.
    this.settlePoints = PRIOR_POINTS + 2 * params.changeRunLength + 8;
    this.warmupPoints = Math.max(this.settlePoints, context?.warmupPoints ?? params.warmupPoints);
    const topNu = 2 * params.priorAlpha + (this.size - 1);
    this.topGammaRatio = Math.exp(logGamma((topNu + 1) / 2) - logGamma(topNu / 2));
    this.probs = new Float64Array(this.size);
    this.means = new Float64Array(this.size);
    this.betas = new Float64Array(this.size);
    this.run = new AnomalyRun(params.levelShiftPoints);
  }

  update(timestampMs: number, value: number): number {
    this.lastKind = null;
    this.lastExpected = NaN;
    if (!this.order.accept(timestampMs, value)) return 0;
    this.count++;
    let score = 0;
    if (this.count > PRIOR_POINTS) {
      if (this.count === PRIOR_POINTS + 1) this.probs[0] = 1;
      score = this.step(value);
      if (this.count <= this.warmupPoints) {
        score = 0;
        this.lastKind = null;
        this.run.reset();
      }
    }
    this.learnPrior(value);
    return score;
  }

  snapshot(): DetectorState {
    return {
      detector: ID,
      version: STATE_VERSION,
      data: {
        maxRunLength: this.size,
        probs: Array.from(this.probs),
        means: Array.from(this.means),
        betas: Array.from(this.betas),
        priorMean: this.priorMean,
        priorScale: this.priorScale,
        lastValue: Number.isNaN(this.lastValue) ? null : this.lastValue,
        count: this.count,
        tailLogQuantile: this.tail.snapshot(),
        ...this.order.snapshot(),
        ...this.run.snapshot(),
      },
    };
  }

  restore(state: DetectorState): void {
    const data = stateData(state, ID, STATE_VERSION);
    const size = readNumber(data, 'maxRunLength', ID);
    if (size !== this.size) throw stateError(ID, `state has maxRunLength=${size}, configured ${this.size}`);
    const probs = readNumberArray(data, 'probs', ID, size);
    const means = readNumberArray(data, 'means', ID, size);
    const betas = readNumberArray(data, 'betas', ID, size);
    const priorMean = readNumber(data, 'priorMean', ID);
    const priorScale = readNumber(data, 'priorScale', ID);
    const lastValue = readOptionalNumber(data, 'lastValue', ID);
    const count = readNumber(data, 'count', ID);
    const tailLogQuantile = readNumber(data, 'tailLogQuantile', ID);
    const order = readInputOrder(data, ID);
    const run = readAnomalyRun(data, ID);
    this.probs.set(probs);
    this.means.set(means);
    this.betas.set(betas);
    this.priorMean = priorMean;
    this.priorScale = priorScale;
    this.lastValue = lastValue ?? NaN;
    this.count = count;
    this.tail.restore(tailLogQuantile);
    this.order.restore(order);
    this.run.restore(run);
  }

  /**
   * One step of the recursion, in place from the longest run down: each run's predictive density of the
   * value, its growth into the next slot, its share of the changepoint mass, and its statistics updated
   * with the value. Returns the score.
   */
  private step(value: number): number {
    const p = this.params;
    const size = this.size;
    const probs = this.probs;
    const means = this.means;
    const betas = this.betas;
    const kappa0 = p.priorKappa;
    const alpha0 = p.priorAlpha;
    const minScale = this.minScale();
    const minVariance = minScale * minScale;
    const floor = p.outlierDensity / Math.max(this.priorScale, minScale);
    const keep = 1 - this.hazard;
    const capAlpha = alpha0 + (size - 1) / 2;
    const forget = capAlpha / (capAlpha + 0.5);

    let evidence = 0;
    let bestProb = -1;
    let bestZ = 0;
    let bestMean = NaN;
    let gammaRatio = this.topGammaRatio;
    // Growth of the longest slot into itself, held until the slot below has grown into it too.
    let capGrowth = 0;
    let capMean = 0;
    let capBeta = 0;
    for (let r = size - 1; r >= 0; r--) {
      const kappa = kappa0 + r;
      const alpha = alpha0 + r / 2;
      const nu = 2 * alpha;
      if (r < size - 1) gammaRatio = nu / 2 / gammaRatio;
      const prob = probs[r]!;
      let grown = 0;
      let newMean = 0;
      let newBeta = 0;
      if (prob > 0) {
        const mean = r === 0 ? this.priorMean : means[r]!;
        const beta = r === 0 ? alpha0 * this.priorScale * this.priorScale : betas[r]!;
        const variance = Math.max((beta * (kappa + 1)) / (alpha * kappa), minVariance);
        const deviation = value - mean;
        const log1pQ = Math.log1p((deviation * deviation) / (variance * nu));
        const density = (gammaRatio / Math.sqrt(nu * Math.PI * variance)) * Math.exp((-(nu + 1) / 2) * log1pQ) + floor;
        const weighted = prob * density;
        evidence += weighted;
        grown = weighted * keep;
        if (prob > bestProb) {
          bestProb = prob;
          bestZ = studentToNormalZ(nu, log1pQ);
          bestMean = mean;
        }
        // A new run (from the prior) takes the value as it is; an established one learns it clipped.
        const bound = CLIP_SCALES * Math.sqrt(variance);
        const learnt = r === 0 ? deviation : deviation > bound ? bound : deviation < -bound ? -bound : deviation;
        newMean = mean + learnt / (kappa + 1);
        newBeta = beta + (kappa * learnt * learnt) / (2 * (kappa + 1));
      }
      if (r === size - 1) {
        capGrowth = grown;
        capMean = newMean;
        capBeta = newBeta * forget;
        continue;
      }
      if (r === size - 2) {
        const total = grown + capGrowth;
        if (total > 0) {
          const w = capGrowth / total;
          const mixed = w * capMean + (1 - w) * newMean;
          const spread = w * (capMean - mixed) ** 2 + (1 - w) * (newMean - mixed) ** 2;
          means[r + 1] = mixed;
          betas[r + 1] = w * capBeta + (1 - w) * newBeta + capAlpha * spread;
        }
        probs[r + 1] = total;
        continue;
      }
      probs[r + 1] = grown;
      if (grown > 0) {
        means[r + 1] = newMean;
        betas[r + 1] = newBeta;
      }
    }
    this.lastExpected = bestMean;
    if (!(evidence > 0) || !Number.isFinite(evidence)) {
      // The density floor keeps the evidence positive; should it still underflow, start over from the prior.
      probs.fill(0);
      probs[0] = 1;
      return this.score(value, bestZ, 0);
    }
    probs[0] = evidence * this.hazard;
    let changeMass = 0;
    for (let r = 0; r < size; r++) {
      let prob = probs[r]! / evidence;
      if (prob < p.pruneProbability && r > 0) prob = 0;
      probs[r] = prob;
      if (r >= 1 && r <= p.changeRunLength) changeMass += prob;
    }
    return this.score(value, bestZ, this.changeZ(changeMass));
  }

  /**
   * The posterior probability of a changepoint within the last `changeRunLength` points as a normal z:
   * its odds over the odds the hazard alone gives are a likelihood ratio Λ, and z = √(2 ln Λ) is the
   * deviation at which a normal density is Λ times below its peak.
   */
  private changeZ(changeMass: number): number {
    const priorMass = 1 - (1 - this.hazard) ** this.params.changeRunLength;
    const logOdds = Math.log(changeMass) - Math.log(Math.max(1 - changeMass, Number.MIN_VALUE));
    const logRatio = logOdds - Math.log(priorMass / (1 - priorMass));
    return logRatio > 0 ? Math.sqrt(2 * logRatio) : 0;
  }

  /**
   * Scores the larger of the tail and change z, calibrated against the series' own tail of that z; a
   * point is a level shift when the change evidence dominates or it extends a one-sided run.
   */
  private score(value: number, tailZ: number, changeZ: number): number {
    const p = this.params;
    const z = Math.max(tailZ, changeZ);
    const score = rankedScoreFromZ(this.tail.calibrate(z), p.zLow, p.zHigh);
    if (this.count > this.settlePoints) this.tail.learn(z);
    if (score === 0) {
      this.run.reset();
      return 0;
    }
    const shifted = this.run.extend(value, this.lastExpected);
    this.lastKind = shifted || changeZ > tailZ ? 'level_shift' : 'spike';
    return score;
  }

  /** The prior's running mean, and its noise scale from consecutive differences (robust to level shifts). */
  private learnPrior(value: number): void {
    const rate = Math.max(this.params.scaleAlpha, 1 / this.count);
    if (this.count === 1) this.priorMean = value;
    else {
      const bound = CLIP_SCALES * Math.max(this.priorScale, this.minScale()) * Math.SQRT2;
      const change = value - this.priorMean;
      this.priorMean += rate * (this.count > PRIOR_POINTS ? Math.max(-bound, Math.min(bound, change)) : change);
    }
    if (!Number.isNaN(this.lastValue)) {
      let difference = Math.abs(value - this.lastValue) * MEAN_ABS_DIFF_TO_SIGMA;
      if (this.count > PRIOR_POINTS) difference = Math.min(difference, CLIP_SCALES * Math.max(this.priorScale, this.minScale()));
      const diffRate = Math.max(this.params.scaleAlpha, 1 / (this.count - 1));
      this.priorScale += diffRate * (difference - this.priorScale);
    }
    this.lastValue = value;
  }

  private minScale(): number {
    return scaleFloor(this.params.relativeMinScale, this.priorMean);
  }
}

export const bocpd: DetectorDefinition<BocpdParams> = {
  id: ID,
  description: 'Bayesian online changepoint detection: run-length posterior with Student-t predictives; tail and recent-change scores',
  parseParams,
  create: (params, context) => new BocpdDetector(params, context),
};
