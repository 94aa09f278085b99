import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../../util/index.js';
import { initEngine } from '../engine.js';
import type { Engine } from '../engine.js';
import type { Batch, DenseAutoencoderConfig, ModelConfig, TrainableModel } from '../model.js';
import { describeModelSuite } from '../model.testsuite.js';

/** Metrics at one instant driven by two hidden factors, so a 2-wide bottleneck can reconstruct them. */
function factorBatch(config: ModelConfig, size: number, seed: number): Batch {
  const { features } = config as DenseAutoencoderConfig;
  const random = seededRandom(seed);
  const inputs = new Float32Array(size * features);
  for (let b = 0; b < size; b++) {
    const a = 2 * random() - 1;
    const c = 2 * random() - 1;
    for (let f = 0; f < features; f++) inputs[b * features + f] = 5 * f + (f % 3 === 0 ? a : f % 3 === 1 ? c : a - c) * (1 + f / 4);
  }
  return { size, inputs, targets: inputs };
}

const features = (n: number) => ({ center: Array.from({ length: n }, (_, f) => 5 * f), scale: Array.from({ length: n }, (_, f) => 1 + f / 4) });
const tiny: DenseAutoencoderConfig = { kind: 'dense-autoencoder', features: 3, hidden: [4, 2, 4], normalization: features(3), seed: 4 };
const task: DenseAutoencoderConfig = { kind: 'dense-autoencoder', features: 6, hidden: [8, 2, 8], normalization: features(6), seed: 8 };

describeModelSuite('dense-autoencoder', {
  tiny,
  batch: factorBatch,
  task: { config: task, batch: factorBatch(task, 32, 3), learningRate: 0.3, below: 0.3 },
});

describe('dense-autoencoder', () => {
  let engine: Engine;
  let model: TrainableModel;
  beforeAll(async () => {
    engine = await initEngine();
    model = engine.createModel(task);
  });
  afterAll(() => model.dispose());

  it('holds no tensors between calls', () => {
    const before = engine.tensorCount();
    const batch = factorBatch(task, 5, 1);
    model.lossAndGradients(batch, model.parameters.map((p) => new Float32Array(p.values.length)));
    model.predict(batch.inputs, 5);
    model.exampleLosses(batch);
    model.loss(batch);
    expect(engine.tensorCount()).toBe(before);
  });

  it('names its parameters as Keras dense layers do, kernel [in, out] and bias [out]', () => {
    expect(model.parameters.map((p) => `${p.name} [${p.shape.join(', ')}]`)).toEqual([
      'dense_0/kernel [6, 8]',
      'dense_0/bias [8]',
      'dense_1/kernel [8, 2]',
      'dense_1/bias [2]',
      'dense_2/kernel [2, 8]',
      'dense_2/bias [8]',
      'dense_3/kernel [8, 6]',
      'dense_3/bias [6]',
    ]);
  });
});
