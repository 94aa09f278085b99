import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LstmForecasterConfig, ModelConfig } from '../../ml/engine/index.js';
import { pythonFinds, venvPython } from '../python-venv.js';
import { defaultTorchVenvDir, exampleLengths, parseTorchOutput, runTorchPeer, torchRun, writeTorchRunnerInput } from './torch-peer.js';
import type { TorchExamples, TorchPeerOptions } from './torch-peer.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-torch-peer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const forecaster: LstmForecasterConfig = {
  kind: 'lstm-forecaster',
  window: 4,
  horizon: 2,
  features: 2,
  units: 3,
  layers: 1,
  quantiles: [0.1, 0.5, 0.9],
  normalization: { center: [5, 5], scale: [2, 2] },
  seed: 7,
};

/** Examples shaped for `model`, with values that tell positions apart. */
function examplesFor(model: ModelConfig, count: number): TorchExamples {
  const { inputLength, targetLength } = exampleLengths(model);
  // DeepLog reads template ids: small integers below its vocabulary.
  const value = model.kind === 'deeplog' ? (i: number): number => i % model.vocabularySize : (i: number): number => 5 + 2 * Math.sin(i / 3);
  return {
    count,
    inputLength,
    targetLength,
    inputs: Float32Array.from({ length: count * inputLength }, (_, i) => value(i)),
    targets: Float32Array.from({ length: count * targetLength }, (_, i) => value(i + 1)),
  };
}

const options: TorchPeerOptions = { model: forecaster, examples: examplesFor(forecaster, 16), batchSize: 4, steps: 3, learningRate: 0.01 };

/** What torch_runner.py printed for `options` with warmupSteps 1, rounds 2 and threads 1 (PyTorch 2.15.0, CPU). */
const recorded = readFileSync(new URL('./testdata/torch-runner-output.json', import.meta.url), 'utf8');

describe('the PyTorch peer of vigil bench train', () => {
  it('writes the examples as raw little-endian float32 files beside a JSON request', () => {
    const runDir = mkdtempSync(join(dir, 'input-'));
    const { args, request } = writeTorchRunnerInput(runDir, options);
    expect(basename(args[0]!)).toBe('torch_runner.py');
    expect(existsSync(args[0]!)).toBe(true);
    expect(JSON.parse(readFileSync(args[1]!, 'utf8'))).toEqual(request);
    expect(request).toEqual({
      model: forecaster,
      count: 16,
      inputLength: 8,
      targetLength: 2,
      inputsPath: join(runDir, 'inputs.f32'),
      targetsPath: join(runDir, 'targets.f32'),
      batchSize: 4,
      steps: 3,
      warmupSteps: 5,
      rounds: 1,
      learningRate: 0.01,
      threads: null,
      seed: 7,
      denseActivation: 'tanh',
    });
    const inputs = readFileSync(request.inputsPath);
    expect(inputs.length).toBe(16 * 8 * 4);
    expect(inputs.readFloatLE(4 * 9)).toBe(options.examples.inputs[9]);
    const targets = readFileSync(request.targetsPath);
    expect(new Float32Array(targets.buffer, targets.byteOffset, targets.length / 4)).toEqual(options.examples.targets);

    const chosen = writeTorchRunnerInput(runDir, { ...options, threads: 1, warmupSteps: 0, seed: 3, denseActivation: 'relu' }).request;
    expect(chosen).toMatchObject({ threads: 1, warmupSteps: 0, seed: 3, denseActivation: 'relu' });
  });

  it('rejects examples that do not fit the model and batches larger than the examples, naming them', () => {
    const runDir = mkdtempSync(join(dir, 'bad-'));
    const autoencoder: ModelConfig = { kind: 'dense-autoencoder', features: 4, hidden: [3, 2, 3], normalization: { center: [0, 0, 0, 0], scale: [1, 1, 1, 1] }, seed: 1 };
    expect(() => writeTorchRunnerInput(runDir, { ...options, model: autoencoder })).toThrow(
      'cannot train dense-autoencoder with PyTorch: examples of 8 inputs and 2 targets, the model reads 4 and is scored against 4',
    );
    expect(() => writeTorchRunnerInput(runDir, { ...options, batchSize: 17 })).toThrow('cannot train lstm-forecaster with PyTorch: batchSize 17 exceeds the 16 examples');
    expect(() => writeTorchRunnerInput(runDir, { ...options, examples: { ...options.examples, inputs: new Float32Array(3) } })).toThrow(/inputs hold 3 values, expected 128/);
    expect(() => writeTorchRunnerInput(runDir, { ...options, threads: 0 })).toThrow(/threads must be an integer >= 1, got 0/);
  });

  it('gives every kind the layouts of Vigil’s examples', () => {
    expect(exampleLengths(forecaster)).toEqual({ inputLength: 8, targetLength: 2 });
    expect(exampleLengths({ kind: 'lstm-autoencoder', window: 5, features: 3, units: 4, normalization: { center: [0, 0, 0], scale: [1, 1, 1] }, seed: 1 })).toEqual({ inputLength: 15, targetLength: 15 });
    expect(exampleLengths({ kind: 'deeplog', window: 10, vocabularySize: 30, units: 8, layers: 2, seed: 1 })).toEqual({ inputLength: 10, targetLength: 1 });
  });

  it('turns the recorded runner output into the fastest round’s samples per second and median step', () => {
    const output = parseTorchOutput(recorded, { model: forecaster, batchSize: 4, steps: 3, rounds: 2 });
    expect(output).toMatchObject({ torchVersion: '2.15.0+cu132', threads: 1, kind: 'lstm-forecaster', parameterCount: 108, warmupSteps: 1 });
    const run = torchRun(output);
    expect(run).toMatchObject({ ran: true, threads: 1, torchVersion: '2.15.0+cu132', batchSize: 4, steps: 3 });
    // The second round was the faster.
    expect(run.samplesPerSecond).toBeCloseTo((4 * 3) / 0.006207906000781804, 6);
    expect(run.roundSamplesPerSecond.map((sps) => Math.round(sps))).toEqual([Math.round(12 / 0.007184078000136651), Math.round(12 / 0.006207906000781804)]);
    expect(run.stepMs).toBe(1.791497998056002);
    expect(run.finalLoss).toBe(0.3142881393432617);
  });

  it('rejects runner output that does not answer the request', () => {
    const request = { model: forecaster, batchSize: 4, steps: 3, rounds: 2 };
    expect(() => parseTorchOutput('Traceback (most recent call last):', request)).toThrow(/^cannot read PyTorch runner output: /);
    expect(() => parseTorchOutput(recorded, { ...request, steps: 4 })).toThrow('cannot read PyTorch runner output: steps 3 is not the requested 4');
    expect(() => parseTorchOutput(recorded, { ...request, rounds: 1 })).toThrow('cannot read PyTorch runner output: rounds is not an array of 1 rounds');
    const sample = JSON.parse(recorded) as { rounds: { seconds: number; stepMs: number[] }[]; losses: (number | null)[] };
    const short = structuredClone(sample);
    short.rounds[1]!.stepMs.pop();
    expect(() => parseTorchOutput(JSON.stringify(short), request)).toThrow('rounds[1].stepMs is not an array of 3 values');
    // The runner writes a diverged loss as null (JSON has no NaN).
    const diverged = torchRun(parseTorchOutput(JSON.stringify({ ...sample, losses: [0.2, 0.3, null] }), request));
    expect(diverged.finalLoss).toBeNaN();
  });

  it('says why PyTorch is skipped when no Python can make its environment', async () => {
    const outcome = await runTorchPeer({ ...options, venvDir: join(dir, 'venv'), python: join(dir, 'no-such-python3') });
    expect(outcome).toEqual({ ran: false, reason: expect.stringMatching(/^cannot run .*no-such-python3: .*ENOENT/) as unknown as string });
  });

  // Runs PyTorch only where an environment with it already exists (a development one, or the one an earlier
  // `vigil bench train` left): tests never install.
  const venvDir = [defaultTorchVenvDir(), '/tmp/torchenv'].find((d) => pythonFinds(venvPython(d), ['torch']));
  if (venvDir === undefined) console.log(`skipping the PyTorch runs: neither ${defaultTorchVenvDir()} nor /tmp/torchenv has PyTorch`);

  it.runIf(venvDir !== undefined)('trains the forecaster with PyTorch for a few steps', { timeout: 120_000 }, async () => {
    const outcome = await runTorchPeer({ ...options, venvDir, threads: 1, warmupSteps: 1, rounds: 2 });
    if (!outcome.ran) throw new Error(`PyTorch was skipped: ${outcome.reason}`);
    expect(outcome).toMatchObject({ ran: true, threads: 1, batchSize: 4, steps: 3, parameterCount: 108 });
    expect(outcome.torchVersion).toMatch(/^\d+\.\d+/);
    expect(outcome.roundSamplesPerSecond).toHaveLength(2);
    expect(outcome.samplesPerSecond).toBe(Math.max(...outcome.roundSamplesPerSecond));
    expect(outcome.stepMs).toBeGreaterThan(0);
    expect(Number.isFinite(outcome.finalLoss)).toBe(true);
  });

  it.runIf(venvDir !== undefined)('builds and trains every other kind', { timeout: 180_000 }, async () => {
    const norm = (n: number): { center: number[]; scale: number[] } => ({ center: Array<number>(n).fill(5), scale: Array<number>(n).fill(2) });
    const models: ModelConfig[] = [
      { kind: 'lstm-autoencoder', window: 5, features: 3, units: 4, normalization: norm(3), seed: 1 },
      { kind: 'dense-autoencoder', features: 6, hidden: [4, 2, 4], normalization: norm(6), seed: 1 },
      { kind: 'deeplog', window: 5, vocabularySize: 7, units: 4, layers: 2, seed: 1 },
    ];
    // One LSTM layer has 4·units·(inputs + units) weights and two bias vectors of 4·units.
    const lstm = (inputs: number, units: number): number => 4 * units * (inputs + units) + 8 * units;
    const expected = [lstm(3, 4) + lstm(4, 4) + 4 * 3 + 3, 6 * 4 + 4 + 4 * 2 + 2 + 2 * 4 + 4 + 4 * 6 + 6, lstm(7, 4) + lstm(4, 4) + 4 * 7 + 7];
    // Concurrently: each run spends seconds importing PyTorch.
    const outcomes = await Promise.all(
      models.map((model) => runTorchPeer({ model, examples: examplesFor(model, 8), batchSize: 4, steps: 1, warmupSteps: 0, learningRate: 0.01, threads: 1, venvDir })),
    );
    outcomes.forEach((outcome, i) => {
      const kind = models[i]!.kind;
      if (!outcome.ran) throw new Error(`PyTorch was skipped for ${kind}: ${outcome.reason}`);
      expect(outcome.parameterCount, kind).toBe(expected[i]);
      expect(Number.isFinite(outcome.finalLoss), kind).toBe(true);
    });
  });
});
