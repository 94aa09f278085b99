import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../util/index.js';
import { initEngine } from './engine.js';
import type { Engine } from './engine.js';
import type { Batch, ModelConfig, TrainableModel } from './model.js';

/** What the shared suite needs to know about one kind. */
export interface ModelSuiteCase {
  /** A tiny config: every parameter is cheap to perturb for finite differences. */
  readonly tiny: ModelConfig;
  /** A valid batch of `size` examples for `config`, different per `seed`. */
  batch(config: ModelConfig, size: number, seed: number): Batch;
  /** A small learnable task: plain SGD with `learningRate` for 50 steps must cut the loss to `below` of its start. */
  readonly task: { readonly config: ModelConfig; readonly batch: Batch; readonly learningRate: number; readonly below: number };
}

/** Steps of plain SGD on one batch; returns the loss before the first and after the last step. */
export function trainWithSgd(model: TrainableModel, batch: Batch, learningRate: number, steps: number): { first: number; last: number } {
  const gradients = model.parameters.map((p) => new Float32Array(p.values.length));
  const first = model.lossAndGradients(batch, gradients);
  for (let step = 0; step < steps; step++) {
    if (step > 0) model.lossAndGradients(batch, gradients);
    model.parameters.forEach((p, i) => {
      const g = gradients[i]!;
      for (let k = 0; k < p.values.length; k++) p.values[k] -= learningRate * g[k]!;
    });
  }
  return { first, last: model.loss(batch) };
}

/** Adam, only to train the coverage test's model far enough in few steps; the optimiser proper lives in ml/train. */
export function trainWithAdam(model: TrainableModel, batches: readonly Batch[], steps: number, learningRate: number): void {
  const gradients = model.parameters.map((p) => new Float32Array(p.values.length));
  const m = model.parameters.map((p) => new Float64Array(p.values.length));
  const v = model.parameters.map((p) => new Float64Array(p.values.length));
  for (let step = 1; step <= steps; step++) {
    model.lossAndGradients(batches[step % batches.length]!, gradients);
    model.parameters.forEach((p, i) => {
      for (let k = 0; k < p.values.length; k++) {
        const g = gradients[i]![k]!;
        m[i]![k] = 0.9 * m[i]![k]! + 0.1 * g;
        v[i]![k] = 0.999 * v[i]![k]! + 0.001 * g * g;
        p.values[k] -= (learningRate * (m[i]![k]! / (1 - 0.9 ** step))) / (Math.sqrt(v[i]![k]! / (1 - 0.999 ** step)) + 1e-8);
      }
    });
  }
}

/** Elementwise comparison with a tolerance relative to the expected value, absolute below 1. */
function expectClose(actual: Float32Array, expected: Float32Array, tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    const scale = Math.max(1, Math.abs(expected[i]!));
    if (!(Math.abs(actual[i]! - expected[i]!) <= tolerance * scale)) expect.fail(`value ${i}: ${actual[i]} differs from ${expected[i]} by more than ${tolerance * scale}`);
  }
}

/**
 * The contract every model kind keeps (TrainableModel in model.ts): exact gradients, learning, determinism, shard
 * averaging, save and load, and argument checks. Run once per kind from the kind's test file.
 */
export function describeModelSuite(kind: ModelConfig['kind'], suite: ModelSuiteCase): void {
  describe(`model ${kind} (shared suite)`, () => {
    let engine: Engine;
    let dir: string;
    const created: TrainableModel[] = [];
    const create = (config: ModelConfig): TrainableModel => {
      const model = engine.createModel(config);
      created.push(model);
      return model;
    };

    beforeAll(async () => {
      engine = await initEngine();
      dir = await mkdtemp(join(tmpdir(), `vigil-${kind}-`));
    });
    afterAll(async () => {
      for (const model of created) model.dispose();
      await rm(dir, { recursive: true, force: true });
    });

    it('computes gradients that match central finite differences', () => {
      const model = create(suite.tiny);
      const batch = suite.batch(suite.tiny, 3, 1);
      const gradients = model.parameters.map((p) => new Float32Array(p.values.length));
      const loss = model.lossAndGradients(batch, gradients);
      expect(loss).toBeCloseTo(model.loss(batch), 5);
      const random = seededRandom(99);
      let checked = 0;
      model.parameters.forEach((p, pi) => {
        // A seeded sample of every parameter's values, and its last value (a bias).
        const picks = new Set<number>();
        for (let k = 0; k < 12; k++) picks.add(Math.floor(random() * p.values.length));
        picks.add(p.values.length - 1);
        for (const i of picks) {
          const value = p.values[i]!;
          // The models compute in float32: a step of 1e-2 keeps the rounding noise of the difference (~1e-7 / 1e-2)
          // and its curvature error (~step^2 * third derivative) near 1e-6, ten times under the tolerance.
          const step = 1e-2;
          p.values[i] = value + step;
          const up = model.loss(batch);
          p.values[i] = value - step;
          const down = model.loss(batch);
          p.values[i] = value;
          const numeric = (up - down) / (2 * step);
          const analytic = gradients[pi]![i]!;
          if (!(Math.abs(numeric - analytic) <= 1e-5 + 1e-3 * Math.abs(numeric))) expect.fail(`${p.name}[${i}]: gradient ${analytic}, finite difference ${numeric}`);
          checked++;
        }
      });
      expect(checked).toBeGreaterThan(model.parameters.length * 3);
    });

    it('learns a small task with 50 steps of plain SGD', () => {
      const model = create(suite.task.config);
      const { first, last } = trainWithSgd(model, suite.task.batch, suite.task.learningRate, 50);
      expect(Number.isFinite(last)).toBe(true);
      expect(last).toBeLessThan(first * suite.task.below);
    });

    it('averages the gradients of two equal half batches into the whole batch gradient', () => {
      const model = create(suite.tiny);
      const whole = suite.batch(suite.tiny, 6, 2);
      const half = (from: number): Batch => ({
        size: 3,
        inputs: whole.inputs.slice(from * model.inputLength, (from + 3) * model.inputLength),
        targets: whole.targets.slice(from * model.targetLength, (from + 3) * model.targetLength),
      });
      const gradients = () => model.parameters.map((p) => new Float32Array(p.values.length));
      const all = gradients();
      const first = gradients();
      const second = gradients();
      const wholeLoss = model.lossAndGradients(whole, all);
      const firstLoss = model.lossAndGradients(half(0), first);
      const secondLoss = model.lossAndGradients(half(3), second);
      expect((firstLoss + secondLoss) / 2).toBeCloseTo(wholeLoss, 6);
      all.forEach((g, pi) => {
        for (let i = 0; i < g.length; i++) {
          const mean = (first[pi]![i]! + second[pi]![i]!) / 2;
          if (!(Math.abs(mean - g[i]!) <= 1e-6)) expect.fail(`${model.parameters[pi]!.name}[${i}]: whole ${g[i]}, mean of halves ${mean}`);
        }
      });
    });

    it('is deterministic: the same seed gives the same parameters and outputs, another seed others', () => {
      const a = create(suite.tiny);
      const b = create(suite.tiny);
      const c = create({ ...suite.tiny, seed: suite.tiny.seed + 1 });
      a.parameters.forEach((p, i) => expect(b.parameters[i]!.values).toEqual(p.values));
      expect(c.parameters[0]!.values).not.toEqual(a.parameters[0]!.values);
      const batch = suite.batch(suite.tiny, 4, 3);
      expect(b.predict(batch.inputs, 4)).toEqual(a.predict(batch.inputs, 4));
      expect(a.parameterCount).toBe(a.parameters.reduce((sum, p) => sum + p.shape.reduce((x, y) => x * y, 1), 0));
    });

    it('saves and loads an artifact that predicts bit for bit the same', async () => {
      const model = create(suite.task.config);
      trainWithSgd(model, suite.task.batch, suite.task.learningRate, 3);
      const artifact = join(dir, 'saved');
      await engine.saveModel(model, artifact);
      const loaded = await engine.loadModel(artifact);
      created.push(loaded);
      expect(loaded.config).toEqual(model.config);
      loaded.parameters.forEach((p, i) => expect(p.values).toEqual(model.parameters[i]!.values));
      const { inputs, size } = suite.task.batch;
      expect(loaded.predict(inputs, size)).toEqual(model.predict(inputs, size));
      expect(loaded.exampleLosses(suite.task.batch)).toEqual(model.exampleLosses(suite.task.batch));
    });

    it('keeps no state between calls: results depend only on the batch and the parameters', () => {
      const model = create(suite.tiny);
      const a = suite.batch(suite.tiny, 4, 4);
      const b = suite.batch(suite.tiny, 4, 5);
      const c = suite.batch(suite.tiny, 2, 6);
      const first = model.exampleLosses(a);
      const firstPrediction = model.predict(a.inputs, 4);
      model.exampleLosses(b);
      model.lossAndGradients(c, model.parameters.map((p) => new Float32Array(p.values.length)));
      expect(model.exampleLosses(a)).toEqual(first);
      expect(model.predict(a.inputs, 4)).toEqual(firstPrediction);
      // Per-example results do not depend on the other examples of the batch.
      const single = model.exampleLosses({ size: 1, inputs: a.inputs.subarray(model.inputLength, 2 * model.inputLength), targets: a.targets.subarray(model.targetLength, 2 * model.targetLength) });
      expectClose(single, first.subarray(1, 2), 1e-5);
      const losses = model.exampleLosses(a);
      expect(model.loss(a)).toBeCloseTo(losses.reduce((s, v) => s + v, 0) / 4, 6);
    });

    it('predicts many examples in chunks with the same results', () => {
      const model = create(suite.tiny);
      const many = suite.batch(suite.tiny, 1100, 7);
      const all = model.predict(many.inputs, 1100);
      expect(all).toHaveLength(1100 * model.outputLength);
      const tail = model.predict(many.inputs.subarray(1000 * model.inputLength), 100);
      expectClose(all.subarray(1000 * model.outputLength), tail, 1e-5);
      expect(model.exampleLosses(many)).toHaveLength(1100);
      expect(model.predict(new Float32Array(0), 0)).toHaveLength(0);
      expect(model.exampleLosses({ size: 0, inputs: new Float32Array(0), targets: new Float32Array(0) })).toHaveLength(0);
    });

    it('rejects arrays whose lengths do not fit the batch, naming them', () => {
      const model = create(suite.tiny);
      const batch = suite.batch(suite.tiny, 2, 8);
      const gradients = model.parameters.map((p) => new Float32Array(p.values.length));
      const n = model.inputLength;
      const m = model.targetLength;
      const prefix = `cannot train model ${kind}: `;
      expect(() => model.lossAndGradients({ ...batch, inputs: batch.inputs.subarray(1) }, gradients)).toThrow(`${prefix}inputs hold ${2 * n - 1} values, expected ${2 * n} (2 examples of ${n})`);
      expect(() => model.lossAndGradients({ ...batch, size: 3 }, gradients)).toThrow(`${prefix}inputs hold ${2 * n} values, expected ${3 * n} (3 examples of ${n})`);
      expect(() => model.lossAndGradients({ ...batch, targets: new Float32Array(2 * m + 1) }, gradients)).toThrow(`${prefix}targets hold ${2 * m + 1} values, expected ${2 * m} (2 examples of ${m})`);
      expect(() => model.lossAndGradients({ size: 0, inputs: new Float32Array(0), targets: new Float32Array(0) }, gradients)).toThrow(`${prefix}the batch is empty`);
      expect(() => model.lossAndGradients(batch, gradients.slice(1))).toThrow(`${prefix}${gradients.length - 1} gradient arrays for ${gradients.length} parameters`);
      const short = gradients.map((g, i) => (i === 0 ? new Float32Array(g.length - 1) : g));
      expect(() => model.lossAndGradients(batch, short)).toThrow(`${prefix}gradients[0] holds ${gradients[0]!.length - 1} values, expected ${gradients[0]!.length} for ${model.parameters[0]!.name}`);
      expect(() => model.predict(batch.inputs, 3)).toThrow(`cannot predict with model ${kind}: inputs hold ${2 * n} values, expected ${3 * n} (3 examples of ${n})`);
      expect(() => model.predict(batch.inputs, 1.5)).toThrow(`cannot predict with model ${kind}: the batch size must be an integer >= 0, got 1.5`);
      expect(() => model.loss({ ...batch, targets: batch.targets.subarray(1) })).toThrow(`cannot evaluate model ${kind}: targets hold ${2 * m - 1} values`);
      expect(() => model.exampleLosses({ ...batch, size: 1 })).toThrow(`cannot score with model ${kind}: inputs hold ${2 * n} values, expected ${n} (1 examples of ${n})`);
      const nan = batch.inputs.slice();
      nan[n + 1] = Number.NaN;
      expect(() => model.loss({ ...batch, inputs: nan })).toThrow(`cannot evaluate model ${kind}: inputs[${n + 1}] (example 1`);
      model.dispose();
      model.dispose();
      expect(() => model.predict(batch.inputs, 2)).toThrow(`cannot predict with model ${kind}: it was disposed`);
    });
  });
}
