import { availableParallelism, cpus } from 'node:os';
import { initEngine, type ModelConfig, type ModelKind } from '../../ml/engine/index.js';
import { rankLauncher, runTraining, type Examples, type TimelinePhase, type TimelineSpan, type TrainJob, type TrainTransport } from '../../ml/train/index.js';
import { medianOf } from '../../util/index.js';
import { benchData } from './bench-data.js';
import { runTorchPeer, type TorchOutcome } from './torch-peer.js';

export interface TrainBenchOptions {
  readonly kind: ModelKind;
  /** Worker counts to measure, e.g. [1, 2]. */
  readonly workers: readonly number[];
  /** Examples per worker per step. */
  readonly batchSize: number;
  /** Timed steps per worker count, after the warm-up steps. */
  readonly steps: number;
  readonly warmupSteps: number;
  readonly transport: TrainTransport;
  readonly data?: string;
  /** Run PyTorch beside Vigil (installed into a scratch environment); false skips it. */
  readonly torch: boolean;
  readonly torchVenvDir?: string;
  readonly note?: (line: string) => void;
}

/** Where a step's time goes, as shares of the measured wall time of every worker. */
export type TimeProfile = { readonly [phase in TimelinePhase | 'other']?: number };

export interface TrainBenchRow {
  readonly workers: number;
  readonly samplesPerSecond: number;
  readonly medianStepMs: number;
  /** Throughput over `workers` times the one-worker throughput (weak scaling: batch per worker fixed). */
  readonly scalingEfficiency: number | null;
  readonly profile: TimeProfile;
}

export interface TrainBenchResult {
  readonly kind: ModelKind;
  readonly model: ModelConfig;
  readonly source: string;
  readonly parameters: number;
  readonly batchSize: number;
  readonly steps: number;
  readonly transport: TrainTransport;
  readonly lstmKernels: string;
  readonly cpus: { readonly count: number; readonly model: string };
  readonly rows: readonly TrainBenchRow[];
  /** PyTorch at the largest global batch (workers × batch), its default threads; and at the per-worker batch on one thread. */
  readonly torch: { readonly globalBatch: TorchOutcome; readonly oneThread: TorchOutcome } | null;
}

/** At least `count` examples: the data repeated as often as needed (views of one shared copy). */
function atLeast(examples: Examples, count: number): Examples {
  if (examples.count >= count) return examples;
  const copies = Math.ceil(count / examples.count);
  const inputs = new Float32Array(new SharedArrayBuffer(examples.inputs.length * copies * 4));
  const targets = new Float32Array(new SharedArrayBuffer(examples.targets.length * copies * 4));
  for (let k = 0; k < copies; k++) {
    inputs.set(examples.inputs, k * examples.inputs.length);
    targets.set(examples.targets, k * examples.targets.length);
  }
  return { ...examples, count: examples.count * copies, inputs, targets };
}

/** Shares of the measured interval per phase, over all workers; what no span covers is 'other'. */
function profileOf(spans: readonly TimelineSpan[], fromMs: number, toMs: number, workers: number): TimeProfile {
  const totals = new Map<TimelinePhase, number>();
  for (const s of spans) {
    const overlap = Math.min(s.endMs, toMs) - Math.max(s.startMs, fromMs);
    if (overlap > 0) totals.set(s.phase, (totals.get(s.phase) ?? 0) + overlap);
  }
  const wallMs = (toMs - fromMs) * workers;
  const profile: Record<string, number> = {};
  let covered = 0;
  for (const [phase, ms] of totals) {
    profile[phase] = ms / wallMs;
    covered += ms;
  }
  profile.other = Math.max(0, 1 - covered / wallMs);
  return profile;
}

async function measure(options: TrainBenchOptions, model: ModelConfig, examples: Examples, workers: number): Promise<Omit<TrainBenchRow, 'scalingEfficiency'>> {
  const totalSteps = options.warmupSteps + options.steps;
  const globalBatch = workers * options.batchSize;
  // One epoch of exactly the steps measured; the commit at its end falls outside the timed steps.
  const data = atLeast(examples, globalBatch * totalSteps);
  const job: TrainJob = {
    optimizer: { kind: 'adam', learningRate: 0.001 },
    batchSize: options.batchSize,
    epochs: 1,
    seed: 1,
    fusionThresholdBytes: 64 * 1024 * 1024,
    compression: 'none',
    commitEverySteps: totalSteps + 1,
  };
  const stepAtMs: number[] = [];
  const result = await runTraining({
    model,
    job,
    examples: { ...data, count: globalBatch * totalSteps },
    launcher: rankLauncher(options.transport),
    workers,
    timeline: true,
    onStep: () => stepAtMs.push(performance.timeOrigin + performance.now()),
  });
  const fromMs = stepAtMs[options.warmupSteps - 1]!;
  const toMs = stepAtMs[totalSteps - 1]!;
  const gaps = stepAtMs.slice(options.warmupSteps).map((t, i) => t - stepAtMs[options.warmupSteps - 1 + i]!);
  return {
    workers,
    samplesPerSecond: (globalBatch * options.steps * 1000) / (toMs - fromMs),
    medianStepMs: medianOf(Float64Array.from(gaps), gaps.length),
    profile: profileOf(result.spans, fromMs, toMs, workers),
  };
}

/**
 * `vigil bench train`: the same model and data trained data-parallel on 1, 2, … workers (samples per second,
 * weak-scaling efficiency, where the time goes) and by PyTorch on the CPU in the same run.
 */
export async function runTrainBench(options: TrainBenchOptions): Promise<TrainBenchResult> {
  if (options.warmupSteps < 1) throw new Error('cannot benchmark training: at least one warm-up step is needed to start the clock');
  const { model, examples, source } = await benchData(options.kind, options.data);
  const engine = await initEngine();
  const probe = engine.createModel(model);
  const parameters = probe.parameterCount;
  probe.dispose();
  const rows: TrainBenchRow[] = [];
  for (const workers of options.workers) {
    options.note?.(`training ${options.kind} on ${workers} worker(s), batch ${options.batchSize} each, ${options.warmupSteps} + ${options.steps} steps`);
    const row = await measure(options, model, examples, workers);
    const one = rows.find((r) => r.workers === 1);
    rows.push({ ...row, scalingEfficiency: one === undefined ? (workers === 1 ? 1 : null) : row.samplesPerSecond / (workers * one.samplesPerSecond) });
  }
  let torch: TrainBenchResult['torch'] = null;
  if (options.torch) {
    const largest = Math.max(...options.workers);
    const peer = (batchSize: number, threads?: number): Promise<TorchOutcome> =>
      runTorchPeer({
        model,
        examples: atLeast(examples, batchSize),
        batchSize,
        steps: options.steps,
        warmupSteps: options.warmupSteps,
        learningRate: 0.001,
        ...(threads === undefined ? {} : { threads }),
        ...(options.torchVenvDir === undefined ? {} : { venvDir: options.torchVenvDir }),
        ...(options.note === undefined ? {} : { note: options.note }),
      });
    torch = { globalBatch: await peer(largest * options.batchSize), oneThread: await peer(options.batchSize, 1) };
  }
  const cpuList = cpus();
  return {
    kind: options.kind,
    model,
    source,
    parameters,
    batchSize: options.batchSize,
    steps: options.steps,
    transport: options.transport,
    lstmKernels: engine.lstmKernels,
    cpus: { count: availableParallelism(), model: cpuList[0]?.model ?? 'unknown' },
    rows,
    torch,
  };
}
