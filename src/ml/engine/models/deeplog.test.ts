import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../../util/index.js';
import { initEngine } from '../engine.js';
import type { Engine } from '../engine.js';
import type { Batch, DeepLogConfig, ModelConfig, TrainableModel } from '../model.js';
import { describeModelSuite } from '../model.testsuite.js';

/** Windows of a deterministic template cycle 0, 1, ..., V - 1, 0, ...: the next id follows from the last. */
function cycleBatch(config: ModelConfig, size: number, seed: number): Batch {
  const { window, vocabularySize } = config as DeepLogConfig;
  const random = seededRandom(seed);
  const inputs = new Float32Array(size * window);
  const targets = new Float32Array(size);
  for (let b = 0; b < size; b++) {
    const start = Math.floor(random() * vocabularySize);
    for (let t = 0; t < window; t++) inputs[b * window + t] = (start + t) % vocabularySize;
    targets[b] = (start + window) % vocabularySize;
  }
  return { size, inputs, targets };
}

const tiny: DeepLogConfig = { kind: 'deeplog', window: 3, vocabularySize: 4, units: 3, layers: 2, seed: 3 };
const task: DeepLogConfig = { kind: 'deeplog', window: 4, vocabularySize: 5, units: 8, layers: 1, seed: 7 };

describeModelSuite('deeplog', {
  tiny,
  batch: cycleBatch,
  task: { config: task, batch: cycleBatch(task, 10, 9), learningRate: 1, below: 0.25 },
});

describe('deeplog model', () => {
  let engine: Engine;
  const models: TrainableModel[] = [];
  beforeAll(async () => {
    engine = await initEngine();
  });
  afterAll(() => models.forEach((m) => m.dispose()));

  it('runs the same network as the tfjs LSTM classifier: same seed, same initial weights, same probabilities', () => {
    const model = engine.createModel(tiny);
    models.push(model);
    const classifier = engine.createLstmClassifier({ vocabularySize: 4, classes: 4, windowLength: 3, hiddenUnits: 3, layers: 2, learningRate: 0.01, seed: 3 });
    try {
      const batch = cycleBatch(tiny, 8, 1);
      const probabilities = model.predict(batch.inputs, 8);
      const expected = classifier.predict(Int32Array.from(batch.inputs));
      expect(probabilities).toHaveLength(8 * 4);
      for (let i = 0; i < expected.length; i++) expect(probabilities[i]).toBeCloseTo(expected[i]!, 5);
      for (let b = 0; b < 8; b++) expect(probabilities.subarray(b * 4, b * 4 + 4).reduce((s, p) => s + p, 0)).toBeCloseTo(1, 5);
      // exampleLosses is -log p(next id).
      const losses = model.exampleLosses(batch);
      for (let b = 0; b < 8; b++) expect(losses[b]).toBeCloseTo(-Math.log(probabilities[b * 4 + batch.targets[b]!]!), 5);
    } finally {
      classifier.dispose();
    }
  });

  it('names an input or target that is not a template id', () => {
    const model = engine.createModel(tiny);
    models.push(model);
    const batch = cycleBatch(tiny, 2, 2);
    const inputs = batch.inputs.slice();
    inputs[4] = 4;
    expect(() => model.predict(inputs, 2)).toThrow('cannot predict with model deeplog: inputs[4] (example 1, step 1) is 4, expected an integer template id in [0, 4)');
    inputs[4] = 1.5;
    expect(() => model.loss({ ...batch, inputs })).toThrow('cannot evaluate model deeplog: inputs[4] (example 1, step 1) is 1.5, expected an integer template id in [0, 4)');
    const gradients = model.parameters.map((p) => new Float32Array(p.values.length));
    expect(() => model.lossAndGradients({ ...batch, targets: Float32Array.of(0, -1) }, gradients)).toThrow('cannot train model deeplog: targets[1] (example 1, next id) is -1, expected an integer template id in [0, 4)');
  });
});
