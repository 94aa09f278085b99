/** The model kinds Vigil trains, serves and registers. */
export const MODEL_KINDS = ['lstm-forecaster', 'lstm-autoencoder', 'deeplog', 'dense-autoencoder'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

/** Per-feature affine normalisation applied inside a model: `(value - center) / scale`; predictions are mapped back. */
export interface FeatureNormalization {
  readonly center: readonly number[];
  readonly scale: readonly number[];
}

/**
 * Multi-step forecaster: a stacked LSTM over `window` steps of `features` values, a dense head predicting the next
 * `horizon` values of feature 0 at each of `quantiles` (pinball loss), so the outer quantiles give the interval.
 */
export interface LstmForecasterConfig {
  readonly kind: 'lstm-forecaster';
  readonly window: number;
  readonly horizon: number;
  readonly features: number;
  readonly units: number;
  readonly layers: number;
  /** Ascending, in (0, 1), e.g. [0.05, 0.5, 0.95]. */
  readonly quantiles: readonly number[];
  readonly normalization: FeatureNormalization;
  readonly seed: number;
}

/** Sequence autoencoder for multivariate metrics: an LSTM encoder, its last state repeated into an LSTM decoder. */
export interface LstmAutoencoderConfig {
  readonly kind: 'lstm-autoencoder';
  readonly window: number;
  readonly features: number;
  readonly units: number;
  readonly normalization: FeatureNormalization;
  readonly seed: number;
}

/** DeepLog: an LSTM over a window of log template ids predicting the next id. */
export interface DeepLogConfig {
  readonly kind: 'deeplog';
  readonly window: number;
  readonly vocabularySize: number;
  readonly units: number;
  readonly layers: number;
  readonly seed: number;
}

/** Dense autoencoder over many metrics at one instant: features → hidden layers (a bottleneck) → features. */
export interface DenseAutoencoderConfig {
  readonly kind: 'dense-autoencoder';
  readonly features: number;
  /** Widths of the hidden layers, e.g. [32, 8, 32]. */
  readonly hidden: readonly number[];
  readonly normalization: FeatureNormalization;
  readonly seed: number;
}

export type ModelConfig = LstmForecasterConfig | LstmAutoencoderConfig | DeepLogConfig | DenseAutoencoderConfig;

/** One named trainable tensor; `values` is row-major and live: the optimiser updates it in place between calls. */
export interface ParameterTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/**
 * `size` examples, row-major: `inputs` holds `size * inputLength` values and `targets` `size * targetLength`.
 * Layouts per kind: forecaster inputs `[window, features]`, targets `[horizon]` (feature 0's next values); sequence
 * autoencoder inputs and targets `[window, features]`; deeplog inputs `[window]` template ids, targets `[1]` the next
 * id; dense autoencoder inputs and targets `[features]`. Values are raw; normalisation happens inside the model.
 */
export interface Batch {
  readonly size: number;
  readonly inputs: Float32Array;
  readonly targets: Float32Array;
}

/**
 * A model with explicit parameters and gradients, so that training (single or data-parallel) and the optimiser live
 * outside the model. Every method checks array lengths against the batch and names the mismatch.
 */
export interface TrainableModel {
  readonly config: ModelConfig;
  readonly parameters: readonly ParameterTensor[];
  /** Trainable scalars, the sum of the parameters' sizes. */
  readonly parameterCount: number;
  readonly inputLength: number;
  readonly targetLength: number;
  /**
   * Values `predict` returns per example (forecaster `[horizon, quantiles]`, sorted ascending per step so intervals
   * never cross; autoencoders their input layout; deeplog `[vocabularySize]` probabilities).
   */
  readonly outputLength: number;
  /**
   * The batch's mean loss, and its gradient with respect to every parameter written into `gradients` (same order
   * and lengths as `parameters`; overwritten). Mean over examples, so the mean of equal shards' gradients equals
   * the whole batch's gradient.
   */
  lossAndGradients(batch: Batch, gradients: readonly Float32Array[]): number;
  /** The batch's mean loss without gradients: the mean of `exampleLosses`, and what `lossAndGradients` returns. */
  loss(batch: Batch): number;
  /** Outputs for `size` examples of `inputs`, `[size, outputLength]`, on the raw (denormalised) scale. */
  predict(inputs: Float32Array, size: number): Float32Array;
  /**
   * Per-example anomaly evidence, in the loss's units (normalised values for the metric kinds): reconstruction error,
   * pinball loss against targets (of the raw, unsorted quantile outputs), or -log p(next id).
   */
  exampleLosses(batch: Batch): Float32Array;
  dispose(): void;
}
