import { CollectiveError, type AllreduceOptions, type Collective, type PhaseListener, type WireFormat } from '../dist/collective.js';
import type { TrainableModel } from '../engine/model.js';
import { seededRandom, shuffleInPlace, wallClockMs } from '../../util/index.js';
import { gatherBatch, type Examples } from './examples.js';
import { fusionGroups } from './fusion.js';
import { createOptimizer, type OptimizerConfig, type OptimizerState } from './optimizer.js';
import type { SpanRecorder } from './timeline.js';

/** How every rank trains: the same on all ranks of a run. */
export interface TrainJob {
  readonly optimizer: OptimizerConfig;
  /** Examples per rank per step; a step consumes `ranks × batchSize` examples. */
  readonly batchSize: number;
  readonly epochs: number;
  /** Seed of the per-epoch shuffle. */
  readonly seed: number;
  /** Tensor fusion threshold; 0 sends each gradient tensor in its own allreduce. */
  readonly fusionThresholdBytes: number;
  /**
   * fp16: gradients travel between ranks as IEEE half floats (half the bytes; the allreduce's float16 wire, whose
   * partial sums are rounded to half precision at each ring hop), so the averaged gradients every rank applies are half
   * values. The step's loss stays float32. none: float32 throughout.
   */
  readonly compression: 'none' | 'fp16';
  /** A commit (the state elastic recovery rolls back to, and a checkpoint) every this many steps and at each epoch's end. */
  readonly commitEverySteps: number;
}

/** Where a run stands: `offset` examples of epoch `epoch`'s shuffled order are consumed; `step` counts all steps. */
export interface TrainPosition {
  readonly epoch: number;
  readonly offset: number;
  readonly step: number;
}

/** Everything needed to continue a run exactly: checkpoints and elastic commits hold this. */
export interface TrainState {
  readonly position: TrainPosition;
  readonly parameters: readonly Float32Array[];
  readonly optimizer: OptimizerState;
}

export interface StepReport {
  readonly step: number;
  readonly epoch: number;
  /** Mean training loss of the step over every rank's shard. */
  readonly loss: number;
  /** Examples the step consumed on all ranks. */
  readonly samples: number;
  readonly ranks: number;
}

/** What a rank reports while it trains; only rank 0 reports commits (every rank keeps its own copy). */
export interface RankCallbacks {
  onStep?(report: StepReport): void;
  onCommit?(state: TrainState): void | Promise<void>;
  /**
   * Called on every rank at every commit; a collective returned here replaces the ring from the next step (new ranks
   * joined) and rank 0 of it broadcasts the committed state to them.
   */
  atCommit?(state: TrainState): Promise<Collective | undefined>;
}

/** The examples epoch `epoch` visits, in order: a seeded shuffle, the same on every rank. */
export function epochOrder(count: number, seed: number, epoch: number): Uint32Array {
  const order = Uint32Array.from({ length: count }, (_, i) => i);
  shuffleInPlace(order, seededRandom((seed * 1_000_003 + epoch * 7_919) >>> 0));
  return order;
}

/** Thrown by trainRank when the ring broke; carries the last commits this rank holds, newest last. */
export class RingBroken extends Error {
  constructor(
    readonly reason: Error,
    readonly commits: readonly TrainState[],
  ) {
    super(`training ring broke: ${reason.message}`);
    this.name = 'RingBroken';
  }
}

function copyState(position: TrainPosition, parameters: readonly Float32Array[], optimizer: OptimizerState): TrainState {
  return { position, parameters: parameters.map((p) => p.slice()), optimizer };
}

/**
 * Synchronous data-parallel training on one rank: rank 0's state is broadcast to the ring; each step every rank
 * computes the gradient of its shard of the global batch, the gradients are averaged by allreduce (fused into groups
 * under the threshold), and every rank applies the same update, so all ranks hold the same weights after every step.
 * The global batch of step k is the same examples whatever the number of ranks, so N ranks with batch B take exactly
 * the steps one rank with batch N·B takes.
 */
export async function trainRank(options: {
  readonly collective: Collective;
  readonly model: TrainableModel;
  readonly examples: Examples;
  readonly job: TrainJob;
  /** The state to start from (a checkpoint or a commit); rank 0's copy wins. Default: the model's own weights. */
  readonly start?: TrainState;
  readonly callbacks?: RankCallbacks;
  readonly timeline?: SpanRecorder;
}): Promise<TrainState> {
  const { model, examples, job, callbacks = {}, timeline } = options;
  let collective = options.collective;
  const parameters = model.parameters;
  const optimizer = createOptimizer(job.optimizer, parameters);
  let position: TrainPosition = options.start?.position ?? { epoch: 0, offset: 0, step: 0 };
  if (options.start !== undefined) {
    options.start.parameters.forEach((values, i) => parameters[i]!.values.set(values));
    optimizer.restore(options.start.optimizer);
  }
  const gradients = parameters.map((p) => new Float32Array(p.values.length));
  // The step's loss is averaged too: it rides in the last fused group rather than costing a ring pass of its own.
  const lossBuffer = new Float32Array(1);
  const planned = fusionGroups(
    gradients.map((g) => g.length),
    job.fusionThresholdBytes,
  );
  // With fp16 compression the gradients go as half floats and the loss, beside them in the last group, as float32: the
  // allreduce takes a wire format per buffer, so the loss stays exact at no extra ring pass.
  const wire = (buffers: readonly Float32Array[]): AllreduceOptions =>
    job.compression === 'fp16' ? { wire: buffers.map((b): WireFormat => (b === lossBuffer ? 'float32' : 'float16')) } : {};
  const groups = planned.map((indices, g) => {
    const detail = `${indices.length} tensors, ${indices.reduce((sum, i) => sum + gradients[i]!.length * 4, 0)} bytes`;
    const last = g === planned.length - 1;
    const buffers = last ? [...indices.map((i) => gradients[i]!), lossBuffer] : indices.map((i) => gradients[i]!);
    return { buffers, detail: last ? `${detail} and the loss` : detail, options: wire(buffers) };
  });
  if (groups.length === 0) groups.push({ buffers: [lossBuffer], detail: 'the loss', options: {} });
  const inputs = new Float32Array(job.batchSize * examples.inputLength);
  const targets = new Float32Array(job.batchSize * examples.targetLength);
  const commits: TrainState[] = [];
  // The collective tells the listener of each allreduce's phases before the call resolves, so the detail set just
  // before the call is the one its spans get. One listener for the whole run: nothing is made per call.
  let allreduceDetail = groups[0]!.detail;
  const phaseListener: PhaseListener | undefined = timeline === undefined ? undefined : (phase, startMs, endMs) => timeline.add(phase, startMs, endMs, allreduceDetail);
  if (phaseListener !== undefined) collective.setPhaseListener(phaseListener);

  const synchronise = async (): Promise<void> => {
    // Weights and optimiser moments from rank 0, so a joining or restarted rank continues from the same state.
    const state = optimizer.state();
    await collective.broadcast([...parameters.map((p) => p.values), ...state.moments], 0);
    optimizer.restore(state);
  };
  const commit = async (): Promise<void> => {
    const state = copyState(position, parameters.map((p) => p.values), optimizer.state());
    commits.push(state);
    if (commits.length > 2) commits.shift();
    if (collective.rank === 0) await callbacks.onCommit?.(state);
    const next = await callbacks.atCommit?.(state);
    if (next !== undefined) {
      if (phaseListener !== undefined) {
        collective.setPhaseListener(undefined);
        next.setPhaseListener(phaseListener);
      }
      collective = next;
      await synchronise();
    }
  };

  try {
    await synchronise();
    commits.push(copyState(position, parameters.map((p) => p.values), optimizer.state()));
    let order = epochOrder(examples.count, job.seed, position.epoch);
    while (position.epoch < job.epochs) {
      const ranks = collective.size;
      const globalBatch = ranks * job.batchSize;
      if (examples.count < globalBatch) throw new Error(`cannot train: ${examples.count} examples are fewer than one global batch (${ranks} ranks × ${job.batchSize})`);
      const first = position.offset + collective.rank * job.batchSize;
      const batch = gatherBatch(examples, order.subarray(first, first + job.batchSize), inputs, targets);
      const computeStartMs = wallClockMs();
      lossBuffer[0] = model.lossAndGradients(batch, gradients);
      const computeEndMs = wallClockMs();
      timeline?.add('compute', computeStartMs, computeEndMs);
      // From the gradients to the first allreduce: what fusion costs before anything goes on the ring.
      if (timeline !== undefined) timeline.add('queue', computeEndMs, wallClockMs());
      for (const group of groups) {
        allreduceDetail = group.detail;
        await collective.allreduce(group.buffers, 'mean', group.options);
      }
      const applyStartMs = wallClockMs();
      optimizer.step(parameters, gradients);
      timeline?.add('apply', applyStartMs, wallClockMs());
      let offset = position.offset + globalBatch;
      let epoch = position.epoch;
      const endOfEpoch = offset + globalBatch > examples.count;
      if (endOfEpoch) {
        epoch++;
        offset = 0;
        order = epochOrder(examples.count, job.seed, epoch);
      }
      position = { epoch, offset, step: position.step + 1 };
      callbacks.onStep?.({ step: position.step, epoch: position.epoch, loss: lossBuffer[0]!, samples: globalBatch, ranks });
      if (endOfEpoch || position.step % job.commitEverySteps === 0) {
        const startMs = wallClockMs();
        await commit();
        timeline?.add('commit', startMs, wallClockMs());
      }
    }
  } catch (err) {
    if (err instanceof CollectiveError) throw new RingBroken(err, commits);
    throw err;
  } finally {
    // The caller keeps the collective (to close it, or to go on with it): it must not keep writing to this timeline.
    if (phaseListener !== undefined) collective.setPhaseListener(undefined);
  }
  return copyState(position, parameters.map((p) => p.values), optimizer.state());
}
