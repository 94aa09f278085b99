export { initEngine } from './engine.js';
export type { Engine, EngineBackend, EngineLogger, EngineOptions } from './engine.js';
export type { LstmKernelsName } from './kernels/index.js';
export type { LstmClassifier, LstmClassifierSpec } from './lstm-classifier.js';
export { checkModelConfig, parseModelConfig } from './config-check.js';
export { MODEL_JSON_FILE, WEIGHTS_FILE } from './artifact.js';
export type { ModelArtifactJson, WeightSpec } from './artifact.js';
export { MODEL_KINDS } from './model.js';
export type {
  Batch,
  DeepLogConfig,
  DenseAutoencoderConfig,
  FeatureNormalization,
  LstmAutoencoderConfig,
  LstmForecasterConfig,
  ModelConfig,
  ModelKind,
  ParameterTensor,
  TrainableModel,
} from './model.js';
