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
  /** Timed steps per round, after the warm-up steps. */
  readonly steps: number;
  /**
   * Rounds of `steps` timed steps in a row (training on), per worker count and for PyTorch alike; the fastest round
   * counts, so a spell of a slower machine in one round does not decide the figure.
   */
  readonly rounds: number;
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
  /** The fastest round's throughput. */
  readonly samplesPerSecond: number;
  /** Every round's throughput, in order: the spread shows how noisy the machine was. */
  readonly roundSamplesPerSecond: readonly number[];
  readonly medianStepMs: number;
  /** Throughput over `workers` times the one-worker throughput (weak scaling: batch per worker fixed). */
  readonly scalingEfficiency: number | null;
  /**
   * The machine's ceiling: `workers` one-worker runs at once, no ring (fastest round, summed); null for one worker. On
   * cores that slow each other down (shared execution units, a shared host) it is well below `workers` × one worker.
   */
  readonly ceilingSamplesPerSecond: number | null;
  /** The ceiling over `workers` times the one-worker throughput: the best scaling efficiency this machine allows. */
  readonly ceilingEfficiency: number | null;
  readonly profile: TimeProfile;
}

export interface TrainBenchResult {
  readonly kind: ModelKind;
  readonly model: ModelConfig;
  readonly source: string;
  readonly parameters: number;
  readonly batchSize: number;
  readonly steps: number;
  readonly rounds: number;
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

/** One round of timed steps within a run. */
interface Round {
  readonly samplesPerSecond: number;
  readonly medianStepMs: number;
  readonly fromMs: number;
  readonly toMs: number;
}

/** One training run of `workers` ranks: the warm-up steps, then every round's timed steps in a row. */
async function timedRun(options: TrainBenchOptions, model: ModelConfig, examples: Examples, workers: number): Promise<{ readonly stepAtMs: readonly number[]; readonly spans: readonly TimelineSpan[] }> {
  const totalSteps = options.warmupSteps + options.rounds * options.steps;
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
  return { stepAtMs, spans: result.spans };
}

/** Round r of a run: its clock starts at the step before its first and stops at its last. */
function roundOf(options: TrainBenchOptions, stepAtMs: readonly number[], r: number, samplesPerStep: number): Round {
  const { steps } = options;
  const before = options.warmupSteps - 1 + r * steps;
  const gaps = Array.from({ length: steps }, (_, i) => stepAtMs[before + i + 1]! - stepAtMs[before + i]!);
  const fromMs = stepAtMs[before]!;
  const toMs = stepAtMs[before + steps]!;
  return { samplesPerSecond: (samplesPerStep * steps * 1000) / (toMs - fromMs), medianStepMs: medianOf(Float64Array.from(gaps), gaps.length), fromMs, toMs };
}

/**
 * `workers` ranks in a ring, the rounds in a row (a machine that slows its cores when they idle gets a run that keeps
 * them busy, as training does); the fastest round counts and the profile is that round's.
 */
async function ringRounds(options: TrainBenchOptions, model: ModelConfig, examples: Examples, workers: number): Promise<Omit<TrainBenchRow, 'scalingEfficiency' | 'ceilingSamplesPerSecond' | 'ceilingEfficiency'>> {
  const run = await timedRun(options, model, examples, workers);
  const rounds = Array.from({ length: options.rounds }, (_, r) => roundOf(options, run.stepAtMs, r, workers * options.batchSize));
  const fastest = rounds.reduce((best, round) => (round.samplesPerSecond > best.samplesPerSecond ? round : best));
  return {
    workers,
    samplesPerSecond: fastest.samplesPerSecond,
    roundSamplesPerSecond: rounds.map((round) => round.samplesPerSecond),
    medianStepMs: fastest.medianStepMs,
    profile: profileOf(run.spans, fastest.fromMs, fastest.toMs, workers),
  };
}

/**
 * The machine's ceiling for `copies` workers: as many one-worker runs at once, each its own ring of one, so nothing
 * waits for anything; their throughputs summed are what the cores give the same work with no ring at all. The
 * rounds are the first copy's; in each, every copy's throughput counts over the steps it ended inside that time (a
 * copy that started late or ended early had a core to itself meanwhile, which no ring gets). The fastest round
 * counts; null when the copies never ran together through half a round.
 */
async function ceilingOf(options: TrainBenchOptions, model: ModelConfig, examples: Examples, copies: number): Promise<number | null> {
  const runs = await Promise.all(Array.from({ length: copies }, () => timedRun(options, model, examples, 1)));
  let best = 0;
  for (let r = 0; r < options.rounds; r++) {
    const { fromMs, toMs } = roundOf(options, runs[0]!.stepAtMs, r, options.batchSize);
    let sum = 0;
    for (const run of runs) {
      const inside = run.stepAtMs.filter((t) => t >= fromMs && t <= toMs);
      const steps = inside.length - 1;
      if (steps < options.steps / 2) {
        sum = 0;
        break;
      }
      sum += (options.batchSize * steps * 1000) / (inside[steps]! - inside[0]!);
    }
    best = Math.max(best, sum);
  }
  return best > 0 ? best : null;
}

/**
 * `vigil bench train`: the same model and data trained data-parallel on 1, 2, … workers (samples per second,
 * weak-scaling efficiency, where the time goes) and by PyTorch on the CPU in the same run.
 */
export async function runTrainBench(options: TrainBenchOptions): Promise<TrainBenchResult> {
  if (options.warmupSteps < 1) throw new Error('cannot benchmark training: at least one warm-up step is needed to start the clock');
  if (!(Number.isInteger(options.rounds) && options.rounds >= 1)) throw new Error(`cannot benchmark training: rounds must be an integer >= 1, got ${options.rounds}`);
  const { model, examples, source } = await benchData(options.kind, options.data);
  const engine = await initEngine();
  const probe = engine.createModel(model);
  const parameters = probe.parameterCount;
  probe.dispose();
  const rows: TrainBenchRow[] = [];
  for (const workers of options.workers) {
    const label = `${options.kind}, batch ${options.batchSize} per worker, ${options.warmupSteps} + ${options.rounds} × ${options.steps} steps`;
    options.note?.(`training ${label} on ${workers} worker(s) in a ring`);
    const row = await ringRounds(options, model, examples, workers);
    let ceilingSamplesPerSecond: number | null = null;
    if (workers > 1) {
      options.note?.(`training ${label} as ${workers} one-worker runs at once (the machine's ceiling)`);
      ceilingSamplesPerSecond = await ceilingOf(options, model, examples, workers);
    }
    const one = rows.find((r) => r.workers === 1);
    rows.push({
      ...row,
      scalingEfficiency: one === undefined ? (workers === 1 ? 1 : null) : row.samplesPerSecond / (workers * one.samplesPerSecond),
      ceilingSamplesPerSecond,
      ceilingEfficiency: one === undefined || ceilingSamplesPerSecond === null ? null : ceilingSamplesPerSecond / (workers * one.samplesPerSecond),
    });
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
        rounds: options.rounds,
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
    rounds: options.rounds,
    transport: options.transport,
    lstmKernels: engine.lstmKernels,
    cpus: { count: availableParallelism(), model: cpuList[0]?.model ?? 'unknown' },
    rows,
    torch,
  };
}
