import { mkdtemp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ModelConfig } from '../engine/model.js';
import { checkResumable, loadLatestCheckpoint, saveCheckpoint } from './checkpoint.js';
import type { TrainJob, TrainState } from './data-parallel.js';

const model: ModelConfig = { kind: 'dense-autoencoder', features: 2, hidden: [1], normalization: { center: [0, 0], scale: [1, 1] }, seed: 1 };
const job: TrainJob = { optimizer: { kind: 'adam', learningRate: 0.01 }, batchSize: 4, epochs: 2, seed: 7, fusionThresholdBytes: 1 << 20, compression: 'none', commitEverySteps: 10 };
const state = (step: number): TrainState => ({
  position: { epoch: 0, offset: step * 4, step },
  parameters: [Float32Array.of(step, 0.5), Float32Array.of(-1)],
  optimizer: { steps: step, moments: [Float32Array.of(1, 2, 3, 4), Float32Array.of(5, 6)] },
});

describe('checkpoints', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-checkpoint-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('returns undefined where there is none, and the newest one bit for bit', async () => {
    expect(await loadLatestCheckpoint(dir)).toBeUndefined();
    await saveCheckpoint(dir, model, job, state(10));
    await saveCheckpoint(dir, model, job, state(20));
    const latest = (await loadLatestCheckpoint(dir))!;
    expect(latest.state.position).toEqual({ epoch: 0, offset: 80, step: 20 });
    expect(latest.state.parameters).toEqual(state(20).parameters);
    expect(latest.state.optimizer).toEqual(state(20).optimizer);
    expect(latest.meta.model).toEqual(model);
  });

  it('keeps the last few, and an interrupted write leaves the previous one readable', async () => {
    for (const step of [1, 2, 3, 4, 5]) await saveCheckpoint(dir, model, job, state(step));
    expect((await readdir(dir)).filter((e) => e.startsWith('step-')).sort()).toEqual(['step-000000003', 'step-000000004', 'step-000000005']);
    // A crash while writing step 6: its staging folder exists half written, `latest` still names step 5.
    await mkdir(join(dir, '.step-000000006.tmp'));
    await writeFile(join(dir, '.step-000000006.tmp', 'parameters.bin'), 'partial');
    expect((await loadLatestCheckpoint(dir))!.state.position.step).toBe(5);
  });

  it('names a truncated tensor file', async () => {
    const path = await saveCheckpoint(dir, model, job, state(1));
    await writeFile(join(path, 'parameters.bin'), new Uint8Array(4));
    await expect(loadLatestCheckpoint(dir)).rejects.toThrow(/parameters.bin holds 4 bytes, expected 12/);
  });

  it('refuses to resume another model or other run settings', () => {
    const meta = { version: 1 as const, model, job, position: state(1).position, optimizerSteps: 1, parameterLengths: [2, 1], momentLengths: [4, 2], savedAtMs: 0 };
    expect(() => checkResumable(meta, 'dense-autoencoder', { seed: 1 }, { ...job, epochs: 5 })).not.toThrow();
    expect(() => checkResumable(meta, 'dense-autoencoder', {}, { ...job, batchSize: 8 })).toThrow(/batchSize is 4, this run's 8/);
    expect(() => checkResumable(meta, 'dense-autoencoder', { seed: 2 }, job)).toThrow(/model has seed 1, this run asks for 2/);
    expect(() => checkResumable(meta, 'lstm-forecaster', {}, job)).toThrow(/dense-autoencoder model, not lstm-forecaster/);
  });
});
