import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initEngine, MODEL_KINDS, type ModelConfig, type ModelKind, type TrainableModel } from '../ml/engine/index.js';
import { defaultRegistryDir, ModelRegistry, type JsonValue } from '../ml/registry/index.js';
import {
  checkResumable,
  examplesFor,
  heldOutLoss,
  loadLatestCheckpoint,
  modelConfigFor,
  OPTIMIZER_KINDS,
  rankLauncher,
  runTraining,
  saveCheckpoint,
  splitHeldOut,
  TRAIN_TRANSPORTS,
  writeChromeTrace,
  type ModelOverrides,
  type OptimizerKind,
  type TrainJob,
  type TrainState,
  type TrainTransport,
} from '../ml/train/index.js';
import { defaultCreator, loadTrainingData } from './train-data.js';
import { connectTrainHosts, parseTrainHosts } from './train-hosts.js';
import { TrainProgress } from './train-progress.js';

export interface TrainFlags {
  readonly model: string;
  readonly data: string;
  readonly workers: number;
  readonly minWorkers?: number;
  readonly maxWorkers?: number;
  /** Default threads; tcp with --hosts. */
  readonly transport?: string;
  /** Comma-separated HOST:PORT of `vigil train-agent`s: ranks run there, over TCP. */
  readonly hosts?: string;
  readonly agentTokenFile?: string;
  readonly epochs: number;
  readonly batchSize: number;
  readonly optimizer: string;
  readonly learningRate: number;
  readonly window?: number;
  readonly horizon?: number;
  readonly units?: number;
  readonly layers?: number;
  readonly seed: number;
  readonly checkpointDir?: string;
  readonly resume?: boolean;
  readonly commitEvery: number;
  readonly fusionThreshold: number;
  readonly fp16?: boolean;
  readonly timeline?: string;
  readonly name?: string;
  readonly registry?: string;
  readonly dataDir: string;
  readonly creator?: string;
  readonly backend?: string;
  readonly from?: string;
  readonly to?: string;
  readonly step?: string;
  readonly url: string;
  readonly token?: string;
  readonly json?: boolean;
}

function oneOf<T extends string>(what: string, text: string, valid: readonly T[]): T {
  if (!(valid as readonly string[]).includes(text)) throw new Error(`cannot train: unknown ${what} ${JSON.stringify(text)}; expected one of ${valid.join(', ')}`);
  return text as T;
}

/** A plain-data value (configs hold only numbers, strings and arrays) as the registry's JSON type. */
function asJson(value: object): JsonValue {
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}

/** Copies a trained state's parameters into a model. */
function loadState(model: TrainableModel, state: TrainState): void {
  state.parameters.forEach((values, i) => model.parameters[i]!.values.set(values));
}

/**
 * `vigil train`: reads the data, trains a model data-parallel on `--workers` ranks (threads, or processes over TCP),
 * checkpoints every commit when asked, resumes from the newest checkpoint with --resume, measures the held-out loss,
 * and registers the model as a new version in the registry.
 */
export async function trainCommand(flags: TrainFlags): Promise<number> {
  const kind = oneOf<ModelKind>('model kind', flags.model, MODEL_KINDS);
  const hosts = flags.hosts === undefined ? undefined : parseTrainHosts(flags.hosts);
  if (hosts !== undefined && flags.transport !== undefined && flags.transport !== 'tcp') throw new Error(`cannot train: --hosts runs the ranks on other machines over tcp; it cannot go with --transport ${flags.transport}`);
  if (hosts === undefined && flags.agentTokenFile !== undefined) throw new Error('cannot train: --agent-token-file is for the agents of --hosts; give --hosts too');
  const transport = oneOf<TrainTransport>('transport', flags.transport ?? (hosts === undefined ? 'threads' : 'tcp'), TRAIN_TRANSPORTS);
  const optimizerKind = oneOf<OptimizerKind>('optimizer', flags.optimizer, OPTIMIZER_KINDS);
  const backend = flags.backend === undefined ? undefined : oneOf<'wasm' | 'cpu'>('backend', flags.backend, ['wasm', 'cpu']);
  if (flags.resume === true && flags.checkpointDir === undefined) throw new Error('cannot resume: --resume needs --checkpoint-dir');
  const loaded = await loadTrainingData(flags, kind === 'deeplog');
  if (loaded.rejected.length > 0) {
    process.stderr.write(`vigil train: ${loaded.rejected.length} line(s) of ${loaded.source} rejected; the rest is used\n`);
    for (const r of loaded.rejected.slice(0, 5)) process.stderr.write(`  line ${r.line}: ${r.reason}\n`);
  }
  const job: TrainJob = {
    optimizer: { kind: optimizerKind, learningRate: flags.learningRate },
    batchSize: flags.batchSize,
    epochs: flags.epochs,
    seed: flags.seed,
    fusionThresholdBytes: flags.fusionThreshold,
    compression: flags.fp16 === true ? 'fp16' : 'none',
    commitEverySteps: flags.commitEvery,
  };
  const overrides: ModelOverrides = {
    ...(flags.window === undefined ? {} : { window: flags.window }),
    ...(flags.horizon === undefined ? {} : { horizon: flags.horizon }),
    ...(flags.units === undefined ? {} : { units: flags.units }),
    ...(flags.layers === undefined ? {} : { layers: flags.layers }),
    seed: flags.seed,
  };
  let config: ModelConfig = modelConfigFor(kind, loaded.data, overrides);
  let start: TrainState | undefined;
  if (flags.resume === true) {
    const checkpoint = await loadLatestCheckpoint(flags.checkpointDir!);
    if (checkpoint === undefined) process.stderr.write(`vigil train: no checkpoint in ${flags.checkpointDir}; starting from the beginning\n`);
    else {
      checkResumable(checkpoint.meta, kind, overrides, job);
      config = checkpoint.meta.model;
      start = checkpoint.state;
      process.stderr.write(`vigil train: resuming from ${checkpoint.path} (step ${start.position.step}, epoch ${start.position.epoch})\n`);
    }
  }
  const { train, heldOut } = splitHeldOut(examplesFor(config, loaded.data));
  const stepsPerEpoch = Math.floor(train.count / (flags.workers * flags.batchSize));
  if (stepsPerEpoch < 1) throw new Error(`cannot train: ${train.count} training examples are fewer than one global batch (${flags.workers} workers × batch ${flags.batchSize})`);
  // Agents first: a host that cannot be reached fails the run before the progress bar starts.
  const launcher = hosts === undefined ? rankLauncher(transport) : await connectTrainHosts(hosts, flags.agentTokenFile, (line) => progress.note(line));
  const progress = new TrainProgress(stepsPerEpoch * flags.epochs);
  const result = await runTraining({
    model: config,
    job,
    examples: train,
    launcher,
    workers: flags.workers,
    ...(flags.minWorkers === undefined ? {} : { minWorkers: flags.minWorkers }),
    ...(flags.maxWorkers === undefined ? {} : { maxWorkers: flags.maxWorkers }),
    ...(start === undefined ? {} : { start }),
    ...(backend === undefined ? {} : { backend }),
    timeline: flags.timeline !== undefined,
    onStep: (report) => progress.step(report),
    onCommit: async (state) => {
      if (flags.checkpointDir !== undefined) await saveCheckpoint(flags.checkpointDir, config, job, state);
    },
    onMembership: (event) => {
      if (event.reason !== 'start') progress.note(`vigil train: ring generation ${event.generation}: ${event.reason} (${event.size} workers)`);
    },
  });
  const { elapsedMs, samples } = progress.finish();
  if (flags.timeline !== undefined) await writeChromeTrace(flags.timeline, result.spans);

  const engine = await initEngine(backend === undefined ? {} : { backend });
  const model = engine.createModel(config);
  const artifactDir = await mkdtemp(join(tmpdir(), 'vigil-train-'));
  try {
    loadState(model, result.state);
    const metrics: Record<string, number> = {
      heldOutLoss: heldOutLoss(model, heldOut),
      trainExamples: train.count,
      heldOutExamples: heldOut.count,
      steps: result.state.position.step,
      epochs: result.state.position.epoch,
      workers: result.finalWorkers,
      samplesPerSecond: elapsedMs > 0 ? (samples / elapsedMs) * 1000 : 0,
    };
    await engine.saveModel(model, artifactDir);
    const registry = new ModelRegistry({ root: flags.registry ?? defaultRegistryDir(flags.dataDir) });
    const version = await registry.register({
      name: flags.name ?? kind,
      artifactDir,
      kind,
      parameters: { model: asJson(config), job: asJson(job) },
      trainingData: { source: loaded.source, fromMs: loaded.fromMs, toMs: loaded.toMs, ...('columns' in loaded.data ? { columns: loaded.data.columns } : {}) },
      metrics,
      creator: flags.creator ?? defaultCreator(),
    });
    const summary = { name: version.name, version: version.version, kind, metrics, generations: result.generations, elapsedMs };
    if (flags.json === true) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else {
      process.stdout.write(`registered ${version.name} version ${version.version} (${kind}): held-out loss ${metrics.heldOutLoss!.toPrecision(4)}, ${metrics.steps} steps on ${result.finalWorkers} worker(s), ${metrics.samplesPerSecond!.toFixed(0)} samples/s\n`);
      if (flags.timeline !== undefined) process.stdout.write(`timeline written to ${flags.timeline} (open it in chrome://tracing or ui.perfetto.dev)\n`);
    }
    return 0;
  } finally {
    model.dispose();
    await rm(artifactDir, { recursive: true, force: true });
  }
}
