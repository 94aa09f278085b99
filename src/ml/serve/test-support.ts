import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '../../util/index.js';
import type { Batch, DenseAutoencoderConfig, Engine, LstmAutoencoderConfig, LstmForecasterConfig, ModelConfig } from '../engine/index.js';
import { trainWithAdam } from '../engine/model.testsuite.js';

/** A sine of period ~15.7 points around 10 with amplitude 3 and Gaussian noise of σ `noise`: what the test models learn. */
export function sineSeries(length: number, phase: number, noise: number, seed: number): Float64Array {
  const random = seededRandom(seed);
  const values = new Float64Array(length);
  for (let t = 0; t < length; t++) {
    // Sum of 12 uniforms minus 6: a seeded, near-Gaussian draw with unit variance.
    let gaussian = -6;
    for (let k = 0; k < 12; k++) gaussian += random();
    values[t] = 10 + 3 * Math.sin(0.4 * t + phase) + noise * gaussian;
  }
  return values;
}

export const FORECASTER: LstmForecasterConfig = {
  kind: 'lstm-forecaster',
  window: 16,
  horizon: 1,
  features: 1,
  units: 12,
  layers: 1,
  quantiles: [0.05, 0.5, 0.95],
  normalization: { center: [10], scale: [3] },
  seed: 3,
};

export const SEQUENCE_AUTOENCODER: LstmAutoencoderConfig = { kind: 'lstm-autoencoder', window: 12, features: 1, units: 12, normalization: { center: [10], scale: [3] }, seed: 4 };

/** Windows of noisy sines as a batch for `config` (a one-feature forecaster or sequence autoencoder). */
function sineBatch(config: ModelConfig, size: number, seed: number, noise: number): Batch {
  const window = (config as { window: number }).window;
  const horizon = config.kind === 'lstm-forecaster' ? config.horizon : 0;
  const random = seededRandom(seed);
  const inputs = new Float32Array(size * window);
  const targets = new Float32Array(size * (config.kind === 'lstm-forecaster' ? horizon : window));
  for (let b = 0; b < size; b++) {
    const series = sineSeries(window + horizon, random() * 2 * Math.PI, noise, seed * 1000 + b);
    inputs.set(series.subarray(0, window), b * window);
    if (config.kind === 'lstm-forecaster') targets.set(series.subarray(window), b * horizon);
    else targets.set(series.subarray(0, window), b * window);
  }
  return { size, inputs, targets };
}

/** Trains `config` on noisy sines (σ `noise`) with Adam and saves it to `dir`; seeded, so repeatable. */
export async function trainAndSave(engine: Engine, config: ModelConfig, dir: string, noise = 0.3, steps = 300): Promise<void> {
  const model = engine.createModel(config);
  try {
    trainWithAdam(model, [0, 1, 2, 3].map((i) => sineBatch(config, 64, 50 + i, noise)), steps, 0.01);
    await engine.saveModel(model, dir);
  } finally {
    model.dispose();
  }
}

/** The serving tests' models, saved under a new temporary directory: two forecasters of different seeds and a sequence autoencoder. */
export interface ServingTestModels {
  readonly dir: string;
  readonly v1: string;
  readonly v2: string;
  readonly ae: string;
}

export async function trainServingModels(engine: Engine, prefix: string): Promise<ServingTestModels> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const [v1, v2, ae] = [join(dir, 'v1'), join(dir, 'v2'), join(dir, 'ae')];
  await trainAndSave(engine, FORECASTER, v1);
  await trainAndSave(engine, { ...FORECASTER, seed: 9 }, v2);
  await trainAndSave(engine, SEQUENCE_AUTOENCODER, ae, 0.3, 400);
  return { dir, v1, v2, ae };
}

/**
 * Three metrics of one host that move together: cpu a noisy sine, mem = 2·cpu − 5 and disk = 30 − cpu, each with its
 * own noise of σ `noise`. A value can be normal for its own series and still break the relation: what only a model
 * of the group sees.
 */
export function hostSeries(length: number, phase: number, noise: number, seed: number): [Float64Array, Float64Array, Float64Array] {
  // Each metric's noise: a unit sine's deviations from its mean, scaled (sineSeries draws the seeded Gaussians).
  const gaussian = (offset: number): Float64Array => sineSeries(length, 0, 1, seed + offset).map((v, t) => v - 10 - 3 * Math.sin(0.4 * t));
  const [a, b, c] = [gaussian(0), gaussian(1), gaussian(2)];
  const cpu = new Float64Array(length);
  const mem = new Float64Array(length);
  const disk = new Float64Array(length);
  for (let t = 0; t < length; t++) {
    const level = 10 + 3 * Math.sin(0.4 * t + phase);
    cpu[t] = level + noise * a[t]!;
    mem[t] = 2 * level - 5 + noise * b[t]!;
    disk[t] = 30 - level + noise * c[t]!;
  }
  return [cpu, mem, disk];
}

/** The columns the group models were trained on, as the registry records series read from the store. */
export const HOST_COLUMNS = ['cpu;host=train', 'mem;host=train', 'disk;host=train'];

export const DENSE_GROUP_AUTOENCODER: DenseAutoencoderConfig = { kind: 'dense-autoencoder', features: 3, hidden: [8, 2, 8], normalization: { center: [10, 15, 20], scale: [3, 6, 3] }, seed: 5 };
export const SEQUENCE_GROUP_AUTOENCODER: LstmAutoencoderConfig = { kind: 'lstm-autoencoder', window: 6, features: 3, units: 12, normalization: { center: [10, 15, 20], scale: [3, 6, 3] }, seed: 6 };

/** Trains a group autoencoder on rows (dense) or windows of rows (sequence) of `hostSeries` and saves it to `dir`. */
export async function trainGroupModel(engine: Engine, config: DenseAutoencoderConfig | LstmAutoencoderConfig, dir: string, steps = 400): Promise<void> {
  const window = config.kind === 'lstm-autoencoder' ? config.window : 1;
  const batches: Batch[] = [0, 1, 2, 3].map((i) => {
    const size = 64;
    const inputs = new Float32Array(size * window * 3);
    const random = seededRandom(70 + i);
    for (let b = 0; b < size; b++) {
      const series = hostSeries(window, random() * 2 * Math.PI, 0.2, 900 + i * 100 + b);
      for (let k = 0; k < window; k++) for (let f = 0; f < 3; f++) inputs[(b * window + k) * 3 + f] = series[f]![k]!;
    }
    return { size, inputs, targets: inputs };
  });
  const model = engine.createModel(config);
  try {
    trainWithAdam(model, batches, steps, 0.01);
    await engine.saveModel(model, dir);
  } finally {
    model.dispose();
  }
}
