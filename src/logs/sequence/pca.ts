import { countKeys, countMatrix } from './count-vector.js';
import type { SequenceDetector } from './detector.js';
import { normalQuantile } from './normal-quantile.js';
import type { Session } from './session.js';
import { keySpaceOf } from './session.js';
import { symmetricEigen } from './symmetric-eigen.js';

export interface PcaParams {
  /** Weigh counts by inverse session frequency, so keys in every session count little and rare ones much. */
  readonly tfIdf: boolean;
  /** The normal subspace keeps the fewest principal components explaining at least this share of the variance. */
  readonly varianceKept: number;
  /** Confidence level of the Q-statistic (squared prediction error) threshold, Jackson and Mudholkar. */
  readonly confidence: number;
}

/** The choices of Xu et al. (SOSP 2009) as loglizer runs them: TF-IDF, 95% of the variance, c_alpha 3.2905. */
export const DEFAULT_PCA_PARAMS: PcaParams = { tfIdf: true, varianceKept: 0.95, confidence: 0.9995 };

/** Residual-subspace PCA: a session's squared distance from the normal subspace (SPE) above the Q threshold is anomalous. */
class PcaDetector implements SequenceDetector {
  readonly method = 'pca';
  private readonly counts: Float64Array;
  private readonly projected: Float64Array;

  constructor(
    private readonly keySpace: number,
    private readonly weights: Float64Array,
    private readonly mean: Float64Array,
    /** Row-major width×components basis of the normal subspace. */
    private readonly basis: Float64Array,
    private readonly components: number,
    readonly threshold: number,
  ) {
    this.counts = new Float64Array(keySpace + 1);
    this.projected = new Float64Array(components);
  }

  score(session: Session): number {
    const width = this.keySpace + 1;
    const y = this.counts;
    countKeys(session, this.keySpace, y);
    for (let j = 0; j < width; j++) y[j] = y[j]! * this.weights[j]! - this.mean[j]!;
    const k = this.components;
    const z = this.projected.fill(0);
    for (let j = 0; j < width; j++) for (let c = 0; c < k; c++) z[c]! += this.basis[j * k + c]! * y[j]!;
    let spe = 0;
    for (let j = 0; j < width; j++) {
      let r = y[j]!;
      for (let c = 0; c < k; c++) r -= this.basis[j * k + c]! * z[c]!;
      spe += r * r;
    }
    return spe;
  }

  isAnomalous(session: Session): boolean {
    return this.score(session) > this.threshold;
  }
}

/** Q_alpha of Jackson and Mudholkar (1979) from the residual eigenvalues. */
function qThreshold(residualEigenvalues: Float64Array, confidence: number): number {
  let phi1 = 0;
  let phi2 = 0;
  let phi3 = 0;
  for (const raw of residualEigenvalues) {
    const lambda = Math.max(raw, 0);
    phi1 += lambda;
    phi2 += lambda * lambda;
    phi3 += lambda * lambda * lambda;
  }
  // Training rows lie in the kept subspace to rounding: anything measurably off it is unusual.
  if (phi2 <= 0) return 1e-9;
  const h0 = 1 - (2 * phi1 * phi3) / (3 * phi2 * phi2);
  const c = normalQuantile(confidence);
  const inner = (c * Math.sqrt(2 * phi2 * h0 * h0)) / phi1 + 1 + (phi2 * h0 * (h0 - 1)) / (phi1 * phi1);
  return phi1 * Math.pow(Math.max(inner, 0), 1 / h0);
}

/** Trains PCA on the count vectors of normal sessions; the threshold comes from the training data alone. */
export function trainPca(sessions: readonly Session[], params: PcaParams = DEFAULT_PCA_PARAMS): SequenceDetector {
  if (sessions.length === 0) throw new Error('cannot train pca: no training sessions');
  if (!(params.varianceKept > 0 && params.varianceKept <= 1)) throw new Error(`cannot train pca: varianceKept must be in (0, 1], got ${params.varianceKept}`);
  if (!(params.confidence > 0 && params.confidence < 1)) throw new Error(`cannot train pca: confidence must be in (0, 1), got ${params.confidence}`);
  const keySpace = keySpaceOf(sessions);
  const width = keySpace + 1;
  const rows = sessions.length;
  const x = countMatrix(sessions, keySpace);
  const weights = new Float64Array(width).fill(1);
  if (params.tfIdf) {
    const documents = new Float64Array(width);
    for (let r = 0; r < rows; r++) for (let j = 0; j < width; j++) if (x[r * width + j]! > 0) documents[j]! += 1;
    // A key no training session had gets the weight of one that a single session had.
    for (let j = 0; j < width; j++) weights[j] = Math.log(rows / Math.max(documents[j]!, 1));
  }
  const mean = new Float64Array(width);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < width; j++) {
      const value = x[r * width + j]! * weights[j]!;
      x[r * width + j] = value;
      mean[j]! += value / rows;
    }
  }
  const covariance = new Float64Array(width * width);
  for (let r = 0; r < rows; r++) {
    const offset = r * width;
    for (let i = 0; i < width; i++) {
      const xi = x[offset + i]! - mean[i]!;
      if (xi === 0) continue;
      for (let j = i; j < width; j++) covariance[i * width + j]! += (xi * (x[offset + j]! - mean[j]!)) / rows;
    }
  }
  for (let i = 0; i < width; i++) for (let j = 0; j < i; j++) covariance[i * width + j] = covariance[j * width + i]!;
  const { values, vectors } = symmetricEigen(covariance, width);
  let total = 0;
  for (const value of values) total += Math.max(value, 0);
  let components = 0;
  let kept = 0;
  while (components < width && total > 0 && kept / total < params.varianceKept) kept += Math.max(values[components++]!, 0);
  const basis = new Float64Array(width * components);
  for (let j = 0; j < width; j++) for (let c = 0; c < components; c++) basis[j * components + c] = vectors[j * width + c]!;
  const threshold = qThreshold(values.subarray(components), params.confidence);
  return new PcaDetector(keySpace, weights, mean, basis, components, threshold);
}
