import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelKind } from '../engine/index.js';
import type { RegisterRequest } from './types.js';

/**
 * Writes a small stand-in for a saved TensorFlow.js model: a model.json with the vigil format and a
 * weights manifest, and a weights.bin of `weightBytes` bytes. The registry never reads the tensors.
 */
export async function writeFakeArtifact(dir: string, options: { kind?: ModelKind; weightBytes?: number; seed?: number } = {}): Promise<string> {
  const kind = options.kind ?? 'lstm-forecaster';
  const weightBytes = options.weightBytes ?? 64;
  await mkdir(dir, { recursive: true });
  const weights = Buffer.alloc(weightBytes);
  for (let i = 0; i < weightBytes; i++) weights[i] = (i * 31 + (options.seed ?? 7)) & 0xff;
  await writeFile(join(dir, 'weights.bin'), weights);
  const modelJson = {
    format: `vigil/${kind}`,
    generatedBy: 'registry test',
    modelTopology: { kind },
    weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'dense/kernel', shape: [weightBytes / 4], dtype: 'float32' }] }],
  };
  await writeFile(join(dir, 'model.json'), JSON.stringify(modelJson));
  return dir;
}

export function fakeRegisterRequest(name: string, artifactDir: string, overrides: Partial<RegisterRequest> = {}): RegisterRequest {
  return {
    name,
    artifactDir,
    kind: 'lstm-forecaster',
    parameters: { window: 32, horizon: 4, units: 16, learningRate: 0.001, epochs: 3 },
    trainingData: { source: 'shop.checkout.latency_p99_ms', fromMs: Date.UTC(2024, 0, 1), toMs: Date.UTC(2024, 0, 8) },
    metrics: { finalLoss: 0.0123, heldOutMae: 4.5, samplesPerS: 1200 },
    creator: 'alice',
    ...overrides,
  };
}
