import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../../util/index.js';
import { initEngine } from '../engine.js';
import type { Engine } from '../engine.js';
import type { Batch, LstmForecasterConfig, ModelConfig, TrainableModel } from '../model.js';
import { describeModelSuite, trainWithAdam } from '../model.testsuite.js';

/** Windows of noisy sines (feature 0) beside a second, related feature; targets are feature 0's next values. */
function sineBatch(config: ModelConfig, size: number, seed: number, noise = 0.1): Batch {
  const { window, horizon, features } = config as LstmForecasterConfig;
  const random = seededRandom(seed);
  const inputs = new Float32Array(size * window * features);
  const targets = new Float32Array(size * horizon);
  for (let b = 0; b < size; b++) {
    const phase = random() * 2 * Math.PI;
    for (let t = 0; t < window + horizon; t++) {
      // Sum of 12 uniforms minus 6: a cheap, seeded, near-Gaussian draw with unit variance.
      let gaussian = -6;
      for (let k = 0; k < 12; k++) gaussian += random();
      const value = 10 + 3 * Math.sin(0.4 * t + phase) + noise * 3 * gaussian;
      if (t < window) {
        inputs[(b * window + t) * features] = value;
        for (let f = 1; f < features; f++) inputs[(b * window + t) * features + f] = Math.cos(0.4 * t + phase) * f;
      } else targets[b * horizon + t - window] = value;
    }
  }
  return { size, inputs, targets };
}

const tiny: LstmForecasterConfig = {
  kind: 'lstm-forecaster',
  window: 4,
  horizon: 2,
  features: 2,
  units: 3,
  layers: 2,
  quantiles: [0.1, 0.5, 0.9],
  normalization: { center: [10, 0], scale: [3, 1] },
  seed: 1,
};

const sine: LstmForecasterConfig = { ...tiny, window: 12, horizon: 3, features: 1, units: 8, layers: 1, normalization: { center: [10], scale: [3] }, seed: 5 };

describeModelSuite('lstm-forecaster', {
  tiny,
  batch: (config, size, seed) => sineBatch(config, size, seed),
  task: { config: sine, batch: sineBatch(sine, 32, 11, 0), learningRate: 2, below: 0.6 },
});

describe('lstm-forecaster intervals', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await initEngine();
  });
  const models: TrainableModel[] = [];
  afterAll(() => models.forEach((m) => m.dispose()));

  it('predicts [horizon, quantiles] per example on the raw scale, sorted so intervals never cross', () => {
    const model = engine.createModel({ ...tiny, quantiles: [0.05, 0.5, 0.95] });
    models.push(model);
    expect(model.outputLength).toBe(2 * 3);
    // Make the head cross its quantiles: output j's bias is 3 - j, all other weights zero.
    const head = model.parameters[model.parameters.length - 1]!;
    head.values.fill(0);
    const biasRow = (head.shape[0]! - 1) * head.shape[1]!;
    for (let j = 0; j < head.shape[1]!; j++) head.values[biasRow + j] = 3 - j;
    const batch = sineBatch(tiny, 2, 3);
    const predictions = model.predict(batch.inputs, 2);
    // Normalised outputs per step are [3, 2, 1] and [0, -1, -2]; sorted and mapped back with center 10, scale 3.
    expect(Array.from(predictions.subarray(0, 6))).toEqual([13, 16, 19, 4, 7, 10]);
    expect(Array.from(predictions.subarray(6))).toEqual([13, 16, 19, 4, 7, 10]);
  });

  it('after training on noisy data, its 5-95% interval covers about 90% of held-out targets', () => {
    const config: LstmForecasterConfig = { ...sine, window: 16, horizon: 2, units: 16, quantiles: [0.05, 0.5, 0.95], seed: 21 };
    const model = engine.createModel(config);
    models.push(model);
    const batches = [0, 1, 2, 3].map((i) => sineBatch(config, 64, 100 + i, 0.3));
    trainWithAdam(model, batches, 400, 0.01);
    const heldOut = sineBatch(config, 400, 999, 0.3);
    const predictions = model.predict(heldOut.inputs, heldOut.size);
    let covered = 0;
    let ordered = 0;
    for (let i = 0; i < heldOut.size * config.horizon; i++) {
      const [lower, median, upper] = [predictions[i * 3]!, predictions[i * 3 + 1]!, predictions[i * 3 + 2]!];
      if (lower <= median && median <= upper) ordered++;
      const target = heldOut.targets[i]!;
      if (lower <= target && target <= upper) covered++;
    }
    expect(ordered).toBe(heldOut.size * config.horizon);
    const coverage = covered / (heldOut.size * config.horizon);
    expect(coverage).toBeGreaterThan(0.75);
    expect(coverage).toBeLessThan(0.99);
    // And the interval is informative: much narrower than the series' own range (amplitude 3, so 6 wide).
    let width = 0;
    for (let i = 0; i < heldOut.size * config.horizon; i++) width += predictions[i * 3 + 2]! - predictions[i * 3]!;
    expect(width / (heldOut.size * config.horizon)).toBeLessThan(4);
  });
});
