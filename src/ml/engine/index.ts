export { initEngine } from './engine.js';
export type { Engine, EngineBackend, EngineLogger, EngineOptions } from './engine.js';
export type { LstmClassifier, LstmClassifierSpec } from './lstm-classifier.js';
