// Benchmark of one training step (lossAndGradients: forward, loss, backward) per model kind (not a test), for
// realistic configs, on the wasm SIMD and the JavaScript LSTM kernels; DeepLog also against the tfjs LstmClassifier's
// training step (same network; its step includes Adam's update, which costs little next to the graph).
//
//   npx tsx src/ml/engine/models/bench-models.ts [--seconds 2]
import { parseArgs } from 'node:util';
import { seededRandom } from '../../../util/index.js';
import { initEngine } from '../engine.js';
import type { Engine } from '../engine.js';
import type { LstmKernelsName } from '../kernels/index.js';
import type { Batch, ModelConfig } from '../model.js';

interface Case {
  readonly label: string;
  readonly config: ModelConfig;
  readonly batchSize: number;
}

const norm = (features: number) => ({ center: new Array<number>(features).fill(0), scale: new Array<number>(features).fill(1) });

const CASES: readonly Case[] = [
  { label: 'lstm-forecaster w48 h12 f1 u32 l1 q3, batch 32', batchSize: 32, config: { kind: 'lstm-forecaster', window: 48, horizon: 12, features: 1, units: 32, layers: 1, quantiles: [0.05, 0.5, 0.95], normalization: norm(1), seed: 1 } },
  { label: 'lstm-forecaster w48 h12 f1 u32 l2 q3, batch 32', batchSize: 32, config: { kind: 'lstm-forecaster', window: 48, horizon: 12, features: 1, units: 32, layers: 2, quantiles: [0.05, 0.5, 0.95], normalization: norm(1), seed: 1 } },
  { label: 'lstm-autoencoder w48 f4 u32, batch 32', batchSize: 32, config: { kind: 'lstm-autoencoder', window: 48, features: 4, units: 32, normalization: norm(4), seed: 1 } },
  { label: 'deeplog w10 v30 u64 l2, batch 256', batchSize: 256, config: { kind: 'deeplog', window: 10, vocabularySize: 30, units: 64, layers: 2, seed: 1 } },
  { label: 'dense-autoencoder f64 [32 8 32], batch 256', batchSize: 256, config: { kind: 'dense-autoencoder', features: 64, hidden: [32, 8, 32], normalization: norm(64), seed: 1 } },
];

function randomBatch(config: ModelConfig, inputLength: number, targetLength: number, size: number): Batch {
  const random = seededRandom(7);
  const ids = config.kind === 'deeplog' ? config.vocabularySize : 0;
  const draw = (): number => (ids > 0 ? Math.floor(random() * ids) : 2 * random() - 1);
  return { size, inputs: Float32Array.from({ length: size * inputLength }, draw), targets: Float32Array.from({ length: size * targetLength }, draw) };
}

/** Median and minimum milliseconds of `step` over `durationMs`, after a warm-up that lets V8 tier the code up. */
function time(step: () => void, durationMs: number): { medianMs: number; bestMs: number } {
  const warmupUntil = performance.now() + Math.min(1000, durationMs / 2);
  while (performance.now() < warmupUntil) step();
  const times: number[] = [];
  const until = performance.now() + durationMs;
  while (performance.now() < until || times.length < 5) {
    const start = performance.now();
    step();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[Math.floor(times.length / 2)]!, bestMs: times[0]! };
}

function benchCase(engine: Engine, c: Case, durationMs: number): string {
  const model = engine.createModel(c.config);
  try {
    const batch = randomBatch(c.config, model.inputLength, model.targetLength, c.batchSize);
    const gradients = model.parameters.map((p) => new Float32Array(p.values.length));
    const { medianMs, bestMs } = time(() => model.lossAndGradients(batch, gradients), durationMs);
    return `${medianMs.toFixed(3)} ms (best ${bestMs.toFixed(3)})`;
  } finally {
    model.dispose();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '2' } } });
  const durationMs = Number(values.seconds) * 1000;
  const kernels: LstmKernelsName[] = ['wasm-simd', 'js'];
  const engines = new Map<LstmKernelsName, Engine>();
  for (const name of kernels) engines.set(name, await initEngine({ lstmKernels: name }));
  const tfjs = engines.get('wasm-simd')!;
  process.stdout.write(`training step (lossAndGradients), tfjs backend ${tfjs.backend}${tfjs.simd ? ' (SIMD)' : ''}\n`);
  for (const c of CASES) {
    const parts = c.config.kind === 'dense-autoencoder' ? [`tfjs ${benchCase(tfjs, c, durationMs)}`] : kernels.map((name) => `${engines.get(name)!.lstmKernels} ${benchCase(engines.get(name)!, c, durationMs)}`);
    process.stdout.write(`${c.label}: ${parts.join(', ')}\n`);
  }
  const deeplog = CASES.find((c) => c.config.kind === 'deeplog')!.config as Extract<ModelConfig, { kind: 'deeplog' }>;
  const classifier = tfjs.createLstmClassifier({ vocabularySize: deeplog.vocabularySize, classes: deeplog.vocabularySize, windowLength: deeplog.window, hiddenUnits: deeplog.units, layers: deeplog.layers, learningRate: 0.001, seed: 1 });
  try {
    const size = 256;
    const random = seededRandom(7);
    const windows = Int32Array.from({ length: size * deeplog.window }, () => Math.floor(random() * deeplog.vocabularySize));
    const targets = new Float32Array(size * deeplog.vocabularySize);
    for (let b = 0; b < size; b++) targets[b * deeplog.vocabularySize + Math.floor(random() * deeplog.vocabularySize)] = 1;
    const weights = new Float32Array(size).fill(1);
    const { medianMs, bestMs } = time(() => classifier.trainStep(windows, targets, weights), durationMs);
    process.stdout.write(`tfjs LstmClassifier, same network as deeplog, batch 256: ${medianMs.toFixed(3)} ms (best ${bestMs.toFixed(3)})\n`);
  } finally {
    classifier.dispose();
  }
}

await main();
