import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '../../util/index.js';
import type { Batch, Engine, LstmAutoencoderConfig, LstmForecasterConfig, ModelConfig } from '../engine/index.js';
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
