import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../../util/index.js';
import { initEngine } from '../engine.js';
import type { Engine } from '../engine.js';
import type { Batch, LstmAutoencoderConfig, ModelConfig, TrainableModel } from '../model.js';
import { describeModelSuite, trainWithAdam } from '../model.testsuite.js';

/** Windows of correlated metrics: one sine drives every feature (feature f = (f + 1) * s + f, alternating sign). */
function correlatedBatch(config: ModelConfig, size: number, seed: number): Batch {
  const { window, features } = config as LstmAutoencoderConfig;
  const random = seededRandom(seed);
  const inputs = new Float32Array(size * window * features);
  for (let b = 0; b < size; b++) {
    const phase = random() * 2 * Math.PI;
    for (let t = 0; t < window; t++) {
      const s = Math.sin(0.5 * t + phase);
      for (let f = 0; f < features; f++) inputs[(b * window + t) * features + f] = (f % 2 === 0 ? 1 : -1) * (f + 1) * s + f;
    }
  }
  return { size, inputs, targets: inputs };
}

const tiny: LstmAutoencoderConfig = { kind: 'lstm-autoencoder', window: 3, features: 2, units: 3, normalization: { center: [0, 1], scale: [1, 2] }, seed: 2 };
const task: LstmAutoencoderConfig = { kind: 'lstm-autoencoder', window: 8, features: 3, units: 8, normalization: { center: [0, 1, 2], scale: [1, 2, 3] }, seed: 7 };

describeModelSuite('lstm-autoencoder', {
  tiny,
  batch: correlatedBatch,
  task: { config: task, batch: correlatedBatch(task, 16, 12), learningRate: 1, below: 0.8 },
});

describe('lstm-autoencoder reconstructions', () => {
  let engine: Engine;
  let model: TrainableModel;
  beforeAll(async () => {
    engine = await initEngine();
    model = engine.createModel(task);
  });
  afterAll(() => model.dispose());

  it('returns the reconstruction on the raw scale, in the input layout', () => {
    // A zero output layer reconstructs every value as 0 in normalised units, that is each feature's center.
    const output = model.parameters[2]!;
    const saved = output.values.slice();
    output.values.fill(0);
    const batch = correlatedBatch(task, 2, 1);
    const reconstruction = model.predict(batch.inputs, 2);
    expect(reconstruction).toHaveLength(2 * 8 * 3);
    for (let i = 0; i < reconstruction.length; i++) expect(reconstruction[i]).toBe([0, 1, 2][i % 3]);
    // Its loss per example is the mean of the squared normalised inputs.
    const losses = model.exampleLosses(batch);
    for (let b = 0; b < 2; b++) {
      let sum = 0;
      for (let k = 0; k < 24; k++) {
        const value = (batch.inputs[b * 24 + k]! - [0, 1, 2][k % 3]!) / [1, 2, 3][k % 3]!;
        sum += value * value;
      }
      expect(losses[b]).toBeCloseTo(sum / 24, 5);
    }
    output.values.set(saved);
  });

  it('after training, scores windows that break the learnt correlation higher', () => {
    trainWithAdam(model, [correlatedBatch(task, 32, 13), correlatedBatch(task, 32, 15)], 300, 0.01);
    const normal = correlatedBatch(task, 16, 14);
    const broken = { ...normal, inputs: normal.inputs.slice() };
    // Feature 1 (-2s + 1) turns against the sine in the second half of every window.
    for (let b = 0; b < 16; b++) for (let t = 4; t < 8; t++) broken.inputs[(b * 8 + t) * 3 + 1] = 2 - broken.inputs[(b * 8 + t) * 3 + 1]!;
    const normalLosses = model.exampleLosses(normal);
    const brokenLosses = model.exampleLosses({ ...broken, targets: broken.inputs });
    const mean = (values: Float32Array): number => values.reduce((s, v) => s + v, 0) / values.length;
    expect(mean(brokenLosses)).toBeGreaterThan(2 * mean(normalLosses));
  });
});
