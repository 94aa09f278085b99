import type { Collective } from '../dist/collective.js';
import { CollectiveError } from '../dist/collective.js';
import { initEngine } from '../engine/index.js';
import { RingBroken, trainRank, type TrainState } from './data-parallel.js';
import type { DriverMessage, RankMessage, RankSetup, RingSpec } from './protocol.js';
import { SpanRecorder } from './timeline.js';

/** A rank's channel to the driver: a worker thread's port or a child process's IPC channel. */
export interface RankLink {
  send(message: RankMessage): void;
  /** The driver's next message, in order. */
  next(): Promise<DriverMessage>;
}

/** Joins a ring described by the driver. */
export type RingConnector = (ring: RingSpec) => Promise<Collective>;

async function expect<T extends DriverMessage['type']>(link: RankLink, type: T): Promise<Extract<DriverMessage, { type: T }>> {
  const message = await link.next();
  if (message.type === 'stop') throw new Error(`training stopped by the driver: ${message.reason}`);
  if (message.type !== type) throw new Error(`cannot follow the driver: expected ${type}, got ${message.type}`);
  return message as Extract<DriverMessage, { type: T }>;
}

/**
 * One rank of a data-parallel run: builds the model, joins the ring the driver names, trains, and when the ring
 * breaks reports its commits, joins the re-formed ring and goes on from the commit the driver picks. Returns when
 * the run is done (rank 0 reports the final state).
 */
export async function runRank(setup: RankSetup, link: RankLink, connect: RingConnector): Promise<void> {
  const engine = await initEngine(setup.backend === undefined ? {} : { backend: setup.backend });
  const model = engine.createModel(setup.model);
  try {
    const first = await expect(link, 'membership');
    let ring = first.ring;
    if (ring === undefined) throw new Error('cannot join the training ring: the driver sent no ring');
    let collective = await connect(ring);
    let start: TrainState | undefined = first.start ?? setup.start;
    const timeline = setup.timeline ? new SpanRecorder(setup.workerId) : undefined;
    // A re-formed ring the driver sent while this rank waited at a commit.
    let reform: Extract<DriverMessage, { type: 'reform' }> | undefined;
    const ship = (): void => {
      const spans = timeline?.drain() ?? [];
      if (spans.length > 0) link.send({ type: 'spans', spans });
    };
    for (;;) {
      try {
        const state = await trainRank({
          collective,
          model,
          examples: setup.examples,
          job: setup.job,
          ...(start === undefined ? {} : { start }),
          ...(timeline === undefined ? {} : { timeline }),
          callbacks: {
            onStep: (report) => {
              if (collective.rank === 0) link.send({ type: 'step', report });
              // Tests: die as a crashed process would, mid-run and without a word to anyone.
              if (setup.exitAtStep !== undefined && report.step >= setup.exitAtStep) process.exit(1);
            },
            onCommit: (committed) => link.send({ type: 'commit', state: committed }),
            atCommit: async (committed) => {
              ship();
              link.send({ type: 'at-commit', generation: ring!.generation, step: committed.position.step });
              const answer = await link.next();
              if (answer.type === 'reform') {
                reform = answer;
                throw new CollectiveError(`ring re-formed as generation ${answer.ring.generation}`);
              }
              if (answer.type !== 'membership') throw new Error(`cannot follow the driver: expected membership, got ${answer.type}`);
              if (answer.ring === undefined) return undefined;
              await collective.close();
              ring = answer.ring;
              collective = await connect(ring);
              return collective;
            },
          },
        });
        ship();
        link.send({ type: 'done', state });
        await collective.close();
        return;
      } catch (err) {
        if (!(err instanceof RingBroken)) throw err;
        await collective.close();
        if (reform === undefined) {
          link.send({ type: 'broken', generation: ring.generation, commitSteps: err.commits.map((c) => c.position.step), reason: err.reason.message });
          reform = await expect(link, 'reform');
        }
        const rollbackStep = reform.rollbackStep;
        start = err.commits.find((c) => c.position.step === rollbackStep);
        if (start === undefined) throw new Error(`cannot roll back to step ${rollbackStep}: this rank holds commits of steps ${err.commits.map((c) => c.position.step).join(', ')}`);
        ring = reform.ring;
        reform = undefined;
        collective = await connect(ring);
      }
    }
  } catch (err) {
    link.send({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
    throw err;
  } finally {
    model.dispose();
  }
}
