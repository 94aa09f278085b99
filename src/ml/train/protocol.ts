import type { ThreadGroupHandle } from '../dist/index.js';
import type { ModelConfig } from '../engine/model.js';
import type { Examples } from './examples.js';
import type { StepReport, TrainJob, TrainState } from './data-parallel.js';
import type { TimelineSpan } from './timeline.js';

/**
 * How a rank reaches its ring, as plain data the driver sends: a threads group's shared memory, or the TCP
 * addresses of every rank (rendezvous through the driver). `generation` grows each time the ring is re-formed.
 */
export type RingSpec =
  | { readonly transport: 'threads'; readonly generation: number; readonly rank: number; readonly size: number; readonly group: ThreadGroupHandle }
  | { readonly transport: 'tcp'; readonly generation: number; readonly rank: number; readonly size: number; readonly peers: readonly { readonly host: string; readonly port: number }[] };

/**
 * What a rank needs to start; the examples travel as SharedArrayBuffer views (threads) or in the process's
 * message. The ring comes afterwards in the first `membership` message, once the driver knows every rank.
 */
export interface RankSetup {
  /** Stable for the worker's life, unlike its rank, which changes when the ring is re-formed; names its timeline row. */
  readonly workerId: number;
  readonly model: ModelConfig;
  readonly job: TrainJob;
  readonly examples: Examples;
  /** Where to start: a checkpoint, a commit (a joining rank), or the model's seeded weights. */
  readonly start?: TrainState;
  readonly timeline: boolean;
  readonly backend?: 'wasm' | 'cpu';
  /** Tests: the rank exits abruptly when it reaches this step, as a crashed process would. */
  readonly exitAtStep?: number;
}

/** Rank → driver. */
export type RankMessage =
  | { readonly type: 'step'; readonly report: StepReport }
  | { readonly type: 'commit'; readonly state: TrainState }
  | { readonly type: 'at-commit'; readonly generation: number; readonly step: number }
  | { readonly type: 'broken'; readonly generation: number; readonly commitSteps: readonly number[]; readonly reason: string }
  | { readonly type: 'spans'; readonly spans: readonly TimelineSpan[] }
  | { readonly type: 'done'; readonly state: TrainState }
  | { readonly type: 'failed'; readonly message: string }
  /** TCP ranks: a listening endpoint is open at this address for the next ring the driver forms. */
  | { readonly type: 'endpoint'; readonly address: { readonly host: string; readonly port: number } };

/** Driver → a rank process, first: its setup (a worker thread gets it as workerData instead). */
export interface SetupMessage {
  readonly type: 'setup';
  readonly setup: RankSetup;
}

/** Driver → rank. */
export type DriverMessage =
  /**
   * The first message, and the answer to at-commit: the ring to go on with (`ring` absent: the same one). A rank
   * joining a running ring also gets the commit it joins at, `start`.
   */
  | { readonly type: 'membership'; readonly step: number; readonly ring?: RingSpec; readonly start?: TrainState }
  /** The answer to broken: the re-formed ring and the commit (by step) to roll back to. */
  | { readonly type: 'reform'; readonly ring: RingSpec; readonly rollbackStep: number }
  | { readonly type: 'stop'; readonly reason: string };
