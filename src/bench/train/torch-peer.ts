import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { endianness, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelConfig } from '../../ml/engine/index.js';
import { ensurePythonVenv, oneLine } from '../python-venv.js';

/**
 * The PyTorch release the comparison installs from PyPI: pinned, so figures stay comparable. PyPI's Linux wheel
 * brings CUDA libraries (about 3 GB to download); it imports and trains on a machine without a GPU.
 */
export const TORCH_PACKAGE = 'torch==2.15.0';

/** The runner sits beside this file in the source tree; compiled files sit as deep under dist/. */
const RUNNER_PATH = fileURLToPath(new URL('../../../src/bench/train/torch_runner.py', import.meta.url));

/** pip downloads gigabytes for PyTorch; a slow link needs far longer than Drain3's install. */
const INSTALL_TIMEOUT_MS = 1_800_000;
const DEFAULT_RUN_TIMEOUT_MS = 600_000;
const DEFAULT_WARMUP_STEPS = 5;

/** The activations the runner's dense autoencoder knows. */
export type DenseActivation = 'tanh' | 'relu' | 'sigmoid';

/** What Vigil's dense autoencoder (src/ml/engine/models/dense-autoencoder.ts) applies after every hidden layer; its output layer is linear. */
export const VIGIL_DENSE_ACTIVATION: DenseActivation = 'tanh';

/** Examples in the layout of Vigil's `Examples` (src/ml/train/examples.ts): row-major, raw (unnormalised) values. */
export interface TorchExamples {
  readonly count: number;
  readonly inputLength: number;
  readonly targetLength: number;
  /** `count * inputLength` values. */
  readonly inputs: Float32Array;
  /** `count * targetLength` values. */
  readonly targets: Float32Array;
}

export interface TorchPeerOptions {
  /** The model Vigil trains; PyTorch builds the same layers, normalisation and loss. */
  readonly model: ModelConfig;
  readonly examples: TorchExamples;
  readonly batchSize: number;
  /** Timed optimiser steps. */
  readonly steps: number;
  /** Adam's step size (PyTorch's defaults otherwise, as Vigil's Adam). */
  readonly learningRate: number;
  /** `torch.set_num_threads`; PyTorch's default (one per core) unless given. */
  readonly threads?: number;
  /**
   * Untimed steps first (5 unless given), so one-off work stays out of the figure: PyTorch's first optimiser step
   * imports its compiler modules (seconds), and the first passes allocate.
   */
  readonly warmupSteps?: number;
  /** Times the `steps` timed steps run in a row (training on); the fastest round counts, as for a noisy machine's peers. 1 unless given. */
  readonly rounds?: number;
  /** Seed of the batch order; the model's seed unless given. */
  readonly seed?: number;
  /** The dense autoencoder's hidden activation; Vigil's unless given. */
  readonly denseActivation?: DenseActivation;
  /** Virtual environment PyTorch is installed into, reused when it already has PyTorch. */
  readonly venvDir?: string;
  /** Python that creates the virtual environment. */
  readonly python?: string;
  /** Limit on the training run (not the install). */
  readonly timeoutMs?: number;
  /** Progress notes (installing, training); none by default. */
  readonly note?: (line: string) => void;
}

/** A PyTorch run's figures. */
export interface TorchRun {
  readonly ran: true;
  /** batchSize × steps over the wall-clock seconds of the fastest round's timed steps. */
  readonly samplesPerSecond: number;
  /** Median of the fastest round's step milliseconds. */
  readonly stepMs: number;
  /** `torch.get_num_threads()` during the run. */
  readonly threads: number;
  readonly torchVersion: string;
  /** The last timed step's loss; NaN when it was not finite. */
  readonly finalLoss: number;
  /** PyTorch's trainable scalars: each LSTM layer has 4 × units more than Vigil's (PyTorch keeps two bias vectors). */
  readonly parameterCount: number;
  readonly batchSize: number;
  /** Timed steps per round. */
  readonly steps: number;
  /** Samples per second of every round, in order: the spread shows how noisy the machine was. */
  readonly roundSamplesPerSecond: readonly number[];
}

export type TorchOutcome = TorchRun | { readonly ran: false; readonly reason: string };

/** What torch-peer.ts writes for `torch_runner.py`: the request file's contents. */
export interface TorchRunnerRequest {
  readonly model: ModelConfig;
  readonly count: number;
  readonly inputLength: number;
  readonly targetLength: number;
  readonly inputsPath: string;
  readonly targetsPath: string;
  readonly batchSize: number;
  readonly steps: number;
  readonly warmupSteps: number;
  readonly rounds: number;
  readonly learningRate: number;
  readonly threads: number | null;
  readonly seed: number;
  readonly denseActivation: DenseActivation;
}

/** What `torch_runner.py` prints, checked. */
export interface TorchRunnerOutput {
  readonly torchVersion: string;
  readonly threads: number;
  readonly kind: ModelConfig['kind'];
  readonly parameterCount: number;
  readonly batchSize: number;
  readonly warmupSteps: number;
  readonly steps: number;
  /** Per round: the timed steps' wall-clock seconds together and each step's milliseconds. */
  readonly rounds: readonly { readonly seconds: number; readonly stepMs: readonly number[] }[];
  /** Each step's loss in the last round; NaN where the runner reported a non-finite loss (JSON null). */
  readonly losses: readonly number[];
}

export function defaultTorchVenvDir(): string {
  return join(tmpdir(), 'vigil-bench-torch', 'venv');
}

/** Values per example a model of this configuration reads and is scored against (Vigil's layouts). */
export function exampleLengths(model: ModelConfig): { readonly inputLength: number; readonly targetLength: number } {
  switch (model.kind) {
    case 'lstm-forecaster':
      return { inputLength: model.window * model.features, targetLength: model.horizon };
    case 'lstm-autoencoder':
      return { inputLength: model.window * model.features, targetLength: model.window * model.features };
    case 'deeplog':
      return { inputLength: model.window, targetLength: 1 };
    case 'dense-autoencoder':
      return { inputLength: model.features, targetLength: model.features };
  }
}

/** Throws on options that cannot describe a run: a caller's mistake, not a missing peer. */
function checkOptions(options: TorchPeerOptions): void {
  const { model, examples } = options;
  const { inputLength, targetLength } = exampleLengths(model);
  const fail = (cause: string): never => {
    throw new Error(`cannot train ${model.kind} with PyTorch: ${cause}`);
  };
  const positiveInteger = (value: number | undefined, name: string): void => {
    if (value !== undefined && !(Number.isInteger(value) && value >= 1)) fail(`${name} must be an integer >= 1, got ${value}`);
  };
  if (examples.inputLength !== inputLength || examples.targetLength !== targetLength) {
    fail(`examples of ${examples.inputLength} inputs and ${examples.targetLength} targets, the model reads ${inputLength} and is scored against ${targetLength}`);
  }
  if (examples.inputs.length !== examples.count * inputLength) fail(`inputs hold ${examples.inputs.length} values, expected ${examples.count * inputLength}`);
  if (examples.targets.length !== examples.count * targetLength) fail(`targets hold ${examples.targets.length} values, expected ${examples.count * targetLength}`);
  positiveInteger(options.batchSize, 'batchSize');
  positiveInteger(options.steps, 'steps');
  positiveInteger(options.threads, 'threads');
  positiveInteger(options.rounds, 'rounds');
  if (options.warmupSteps !== undefined && !(Number.isInteger(options.warmupSteps) && options.warmupSteps >= 0)) fail(`warmupSteps must be an integer >= 0, got ${options.warmupSteps}`);
  if (options.batchSize > examples.count) fail(`batchSize ${options.batchSize} exceeds the ${examples.count} examples`);
  if (!(options.learningRate > 0 && Number.isFinite(options.learningRate))) fail(`learningRate must be a finite number > 0, got ${options.learningRate}`);
}

/** The values as little-endian float32 bytes: a view on little-endian hosts, a swapped copy elsewhere. */
export function littleEndianBytes(values: Float32Array): Uint8Array {
  if (endianness() === 'LE') return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  return bytes;
}

/**
 * Writes the runner's input into `dir`: `inputs.f32` and `targets.f32` (raw little-endian float32, the examples'
 * row-major layout) and `request.json`; returns the runner's arguments and the request. Checks the options first.
 */
export function writeTorchRunnerInput(dir: string, options: TorchPeerOptions): { readonly args: readonly string[]; readonly request: TorchRunnerRequest } {
  checkOptions(options);
  const { model, examples } = options;
  const inputsPath = join(dir, 'inputs.f32');
  const targetsPath = join(dir, 'targets.f32');
  writeFileSync(inputsPath, littleEndianBytes(examples.inputs));
  writeFileSync(targetsPath, littleEndianBytes(examples.targets));
  const request: TorchRunnerRequest = {
    model,
    count: examples.count,
    inputLength: examples.inputLength,
    targetLength: examples.targetLength,
    inputsPath,
    targetsPath,
    batchSize: options.batchSize,
    steps: options.steps,
    warmupSteps: options.warmupSteps ?? DEFAULT_WARMUP_STEPS,
    rounds: options.rounds ?? 1,
    learningRate: options.learningRate,
    threads: options.threads ?? null,
    seed: options.seed ?? model.seed,
    denseActivation: options.denseActivation ?? VIGIL_DENSE_ACTIVATION,
  };
  const requestPath = join(dir, 'request.json');
  writeFileSync(requestPath, `${JSON.stringify(request)}\n`);
  return { args: [RUNNER_PATH, requestPath], request };
}

function badOutput(why: string): never {
  throw new Error(`cannot read PyTorch runner output: ${why}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numbersOrNaN(value: unknown, name: string, length: number): number[] {
  if (!Array.isArray(value) || value.length !== length) badOutput(`${name} is not an array of ${length} values`);
  return value.map((v, i) => {
    if (v === null) return Number.NaN;
    if (typeof v !== 'number') badOutput(`${name}[${i}] is not a number`);
    return v;
  });
}

/** Checks the runner's JSON against the request it was given: the model kind, batch size and one entry per timed step. */
export function parseTorchOutput(text: string, request: Pick<TorchRunnerRequest, 'model' | 'batchSize' | 'steps' | 'rounds'>): TorchRunnerOutput {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    badOutput(err instanceof Error ? err.message : String(err));
  }
  if (!isRecord(parsed)) badOutput('not a JSON object');
  const { torchVersion, threads, kind, parameterCount, batchSize, warmupSteps, steps, rounds } = parsed;
  if (typeof torchVersion !== 'string') badOutput('torchVersion is not a string');
  if (typeof threads !== 'number' || !(Number.isInteger(threads) && threads >= 1)) badOutput(`threads ${String(threads)} is not an integer >= 1`);
  if (kind !== request.model.kind) badOutput(`kind ${String(kind)} is not the requested ${request.model.kind}`);
  if (typeof parameterCount !== 'number' || !(parameterCount >= 1)) badOutput(`parameterCount ${String(parameterCount)} is not a positive number`);
  if (batchSize !== request.batchSize) badOutput(`batchSize ${String(batchSize)} is not the requested ${request.batchSize}`);
  if (steps !== request.steps) badOutput(`steps ${String(steps)} is not the requested ${request.steps}`);
  if (typeof warmupSteps !== 'number' || !(warmupSteps >= 0)) badOutput(`warmupSteps ${String(warmupSteps)} is not a number >= 0`);
  if (!Array.isArray(rounds) || rounds.length !== request.rounds) badOutput(`rounds is not an array of ${request.rounds} rounds`);
  const checkedRounds = rounds.map((round: unknown, r) => {
    if (!isRecord(round)) badOutput(`rounds[${r}] is not an object`);
    const { seconds } = round;
    if (typeof seconds !== 'number' || !(seconds > 0)) badOutput(`rounds[${r}].seconds ${String(seconds)} is not a positive number`);
    const stepMs = numbersOrNaN(round.stepMs, `rounds[${r}].stepMs`, request.steps);
    if (stepMs.some((ms) => !(ms >= 0))) badOutput(`rounds[${r}].stepMs holds a value that is not a number >= 0`);
    return { seconds, stepMs };
  });
  const losses = numbersOrNaN(parsed.losses, 'losses', request.steps);
  return { torchVersion, threads, kind: request.model.kind, parameterCount, batchSize, warmupSteps, steps, rounds: checkedRounds, losses };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The figures of a checked runner output: the fastest round's. */
export function torchRun(output: TorchRunnerOutput): TorchRun {
  const samples = output.batchSize * output.steps;
  const fastest = output.rounds.reduce((best, round) => (round.seconds < best.seconds ? round : best));
  const finalLoss = output.losses[output.losses.length - 1]!;
  return {
    ran: true,
    samplesPerSecond: samples / fastest.seconds,
    stepMs: median(fastest.stepMs),
    threads: output.threads,
    torchVersion: output.torchVersion,
    finalLoss: Number.isFinite(finalLoss) ? finalLoss : Number.NaN,
    parameterCount: output.parameterCount,
    batchSize: output.batchSize,
    steps: output.steps,
    roundSamplesPerSecond: output.rounds.map((round) => samples / round.seconds),
  };
}

/** Runs a command to completion without blocking the event loop; rejects only when it cannot start. */
function runProcess(command: string, args: readonly string[], timeoutMs: number): Promise<{ readonly status: number | null; readonly signal: string | null; readonly stdout: string; readonly stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') }));
  });
}

/**
 * The PyTorch side of `vigil bench train`: installs PyTorch into a scratch virtual environment when needed, then
 * trains the same model on the same examples on the CPU through `torch_runner.py` and reports samples per second.
 * Anything missing or failing (no Python, no venv, no network for pip, a runner error) gives `ran: false` with the
 * reason; options that cannot describe a run (examples of the wrong length, a batch larger than the examples) throw.
 */
export async function runTorchPeer(options: TorchPeerOptions): Promise<TorchOutcome> {
  checkOptions(options);
  const venvDir = options.venvDir ?? defaultTorchVenvDir();
  const setup = ensurePythonVenv({ venvDir, packages: [TORCH_PACKAGE], imports: ['torch'], python: options.python, installTimeoutMs: INSTALL_TIMEOUT_MS, note: options.note });
  if ('skipped' in setup) return { ran: false, reason: setup.skipped };
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-torch-run-'));
  try {
    const { args, request } = writeTorchRunnerInput(dir, options);
    const threads = request.threads === null ? "PyTorch's default threads" : `${request.threads} threads`;
    options.note?.(`training ${request.model.kind} with PyTorch on the CPU, batch ${request.batchSize}, ${request.warmupSteps} + ${request.rounds} × ${request.steps} steps, ${threads} (${setup.python})`);
    let run: Awaited<ReturnType<typeof runProcess>>;
    try {
      run = await runProcess(setup.python, args, options.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS);
    } catch (err) {
      return { ran: false, reason: `cannot run ${setup.python} ${RUNNER_PATH}: ${err instanceof Error ? err.message : String(err)}` };
    }
    if (run.status !== 0) {
      const cause = run.signal !== null ? `killed by ${run.signal}${run.signal === 'SIGTERM' ? ' (time limit)' : ''}` : oneLine(run.stderr, `exit status ${String(run.status)}`);
      return { ran: false, reason: `cannot run ${RUNNER_PATH}: ${cause}` };
    }
    try {
      return torchRun(parseTorchOutput(run.stdout, request));
    } catch (err) {
      return { ran: false, reason: err instanceof Error ? err.message : String(err) };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
