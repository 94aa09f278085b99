import type * as tfjs from '@tensorflow/tfjs';
import { checkModelConfig } from '../config-check.js';
import type { LstmKernels } from '../kernels/lstm-kernel.js';
import type { ModelConfig, ModelKind, TrainableModel } from '../model.js';
import { createDeepLog } from './deeplog.js';
import { createDenseAutoencoder } from './dense-autoencoder.js';
import { createLstmAutoencoder } from './lstm-autoencoder.js';
import { createLstmForecaster } from './lstm-forecaster.js';

/** What the models run on: TensorFlow.js for the dense autoencoder, the LSTM kernels for the LSTM kinds. */
export interface ModelRuntime {
  readonly tf: typeof tfjs;
  readonly lstmKernels: LstmKernels;
}

type Builders = { readonly [K in ModelKind]: (runtime: ModelRuntime, config: Extract<ModelConfig, { kind: K }>) => TrainableModel };

/** The built-in model kinds, in one place; the mapped type makes a kind without a builder a compile error. */
const BUILT_IN_MODELS: Builders = Object.freeze({
  'lstm-forecaster': (runtime, config) => createLstmForecaster(runtime.lstmKernels, config),
  'lstm-autoencoder': (runtime, config) => createLstmAutoencoder(runtime.lstmKernels, config),
  deeplog: (runtime, config) => createDeepLog(runtime.lstmKernels, config),
  'dense-autoencoder': (runtime, config) => createDenseAutoencoder(runtime.tf, config),
});

/** Validates the config (errors name the field and value) and builds the model with seeded initial parameters. */
export function buildModel(runtime: ModelRuntime, config: ModelConfig): TrainableModel {
  const checked = checkModelConfig(config);
  const build = BUILT_IN_MODELS[checked.kind] as (runtime: ModelRuntime, config: ModelConfig) => TrainableModel;
  return build(runtime, checked);
}
