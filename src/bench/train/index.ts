export { runTrainBench } from './run.js';
export type { TimeProfile, TrainBenchOptions, TrainBenchResult, TrainBenchRow } from './run.js';
export { formatTrainBench, torchRatio, trainBenchJson } from './report.js';
export { runTorchPeer, defaultTorchVenvDir } from './torch-peer.js';
export type { TorchOutcome, TorchRun } from './torch-peer.js';
