import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelArtifactJson } from './artifact.js';
import { initEngine } from './engine.js';
import type { Engine } from './engine.js';
import type { LstmForecasterConfig, TrainableModel } from './model.js';

const config: LstmForecasterConfig = {
  kind: 'lstm-forecaster',
  window: 5,
  horizon: 2,
  features: 1,
  units: 4,
  layers: 2,
  quantiles: [0.1, 0.5, 0.9],
  normalization: { center: [3], scale: [2] },
  seed: 17,
};

describe('model artifacts', () => {
  let engine: Engine;
  let model: TrainableModel;
  let root: string;
  let version: string;

  beforeAll(async () => {
    engine = await initEngine();
    model = engine.createModel(config);
    root = await mkdtemp(join(tmpdir(), 'vigil-artifact-'));
    version = (JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  });
  afterAll(async () => {
    model.dispose();
    await rm(root, { recursive: true, force: true });
  });

  /** Saves the model into a fresh directory and returns it. */
  async function saved(name: string): Promise<string> {
    const dir = join(root, name);
    await engine.saveModel(model, dir);
    return dir;
  }

  it("writes TensorFlow.js's model.json and weights.bin, which tf.io can decode", async () => {
    const dir = await saved('plain');
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as ModelArtifactJson;
    expect(json.format).toBe('vigil/lstm-forecaster');
    expect(json.generatedBy).toBe(`vigil ${version}`);
    expect(json.modelTopology).toBeNull();
    expect(json.userDefinedMetadata.config).toEqual(config);
    expect(json.weightsManifest).toEqual([
      {
        paths: ['weights.bin'],
        weights: [
          { name: 'lstm_0/weights', shape: [1 + 4 + 1, 16], dtype: 'float32' },
          { name: 'lstm_1/weights', shape: [4 + 4 + 1, 16], dtype: 'float32' },
          { name: 'head/weights', shape: [5, 6], dtype: 'float32' },
        ],
      },
    ]);
    const bytes = await readFile(join(dir, 'weights.bin'));
    expect(bytes.length).toBe(model.parameterCount * 4);
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const decoded = tf.io.decodeWeights(buffer, json.weightsManifest[0].weights.map((w) => ({ ...w, shape: [...w.shape] })));
    for (const p of model.parameters) {
      expect(decoded[p.name]!.shape).toEqual(p.shape);
      expect(decoded[p.name]!.dataSync()).toEqual(p.values);
    }
    tf.dispose(Object.values(decoded));
  });

  it('replaces an existing artifact and leaves no temporary files', async () => {
    const dir = await saved('twice');
    const other = engine.createModel({ ...config, seed: 18 });
    try {
      await engine.saveModel(other, dir);
      expect((await readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
      const loaded = await engine.loadModel(dir);
      expect(loaded.config.seed).toBe(18);
      expect(loaded.parameters[0]!.values).toEqual(other.parameters[0]!.values);
      loaded.dispose();
    } finally {
      other.dispose();
    }
  });

  it('names a missing file', async () => {
    const dir = await saved('missing');
    await rm(join(dir, 'weights.bin'));
    await expect(engine.loadModel(dir)).rejects.toThrow(`cannot load model from ${dir}: missing weights.bin`);
    await expect(engine.loadModel(join(root, 'nowhere'))).rejects.toThrow(`cannot load model from ${join(root, 'nowhere')}: missing model.json`);
  });

  it('names a bad field of model.json', async () => {
    const dir = await saved('fields');
    const original = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as Record<string, unknown>;
    const write = (json: unknown) => writeFile(join(dir, 'model.json'), typeof json === 'string' ? json : JSON.stringify(json));
    const metadata = original.userDefinedMetadata as Record<string, unknown>;
    const cases: [unknown, string][] = [
      ['{ not json', 'model.json is not valid JSON'],
      [{ ...original, format: 'vigil/deeplog' }, "model.json: format must be 'vigil/lstm-forecaster' for its config, got \"vigil/deeplog\""],
      [{ ...original, userDefinedMetadata: { ...metadata, config: { ...config, units: 0 } } }, 'model.json: userDefinedMetadata.config: units must be an integer >= 1, got 0'],
      [{ ...original, userDefinedMetadata: undefined }, "model.json: userDefinedMetadata must be an object holding Vigil's config, got nothing"],
      [{ ...original, weightsManifest: [] }, 'model.json: weightsManifest must hold one group, got []'],
    ];
    for (const [json, message] of cases) {
      await write(json);
      await expect(engine.loadModel(dir), message).rejects.toThrow(`cannot load model from ${dir}: ${message}`);
    }
    const manifest = original.weightsManifest as { weights: { name: string; shape: number[] }[] }[];
    manifest[0]!.weights[2]!.shape = [5, 7];
    await write(original);
    await expect(engine.loadModel(dir)).rejects.toThrow('model.json: weightsManifest[0].weights[2] (head/weights) has shape [5, 7], the config gives [5, 6]');
  });

  it('names a weights file of the wrong size or from another save', async () => {
    const dir = await saved('weights');
    await truncate(join(dir, 'weights.bin'), 100);
    await expect(engine.loadModel(dir)).rejects.toThrow(`cannot load model from ${dir}: weights.bin holds 100 bytes, the manifest needs ${model.parameterCount * 4} (${model.parameterCount} float32 values)`);
    await engine.saveModel(model, dir);
    const bytes = await readFile(join(dir, 'weights.bin'));
    bytes[7] = bytes[7]! ^ 1;
    await writeFile(join(dir, 'weights.bin'), bytes);
    await expect(engine.loadModel(dir)).rejects.toThrow('weights.bin does not match the checksum in model.json (userDefinedMetadata.weightsSha256); was a save interrupted?');
  });
});
