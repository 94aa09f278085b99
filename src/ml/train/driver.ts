import type { ModelConfig } from '../engine/model.js';
import type { StepReport, TrainJob, TrainState } from './data-parallel.js';
import type { Examples } from './examples.js';
import type { DriverMessage, RankMessage, RankSetup, RingSpec } from './protocol.js';
import type { TimelineSpan } from './timeline.js';

/** One rank's thread or process as the driver sees it. */
export interface RankProcess {
  readonly workerId: number;
  send(message: DriverMessage): void;
  /** Ends the rank now (a rank declared dead, or the run stopping). */
  terminate(): Promise<void>;
}

/** A ring the driver formed: one spec per member in rank order, and a way to fail its pending operations. */
export interface FormedRing {
  readonly specs: readonly RingSpec[];
  /** Makes every pending and later operation on this ring fail, so ranks blocked on a dead peer wake up. */
  abort(): void;
}

/** Starts ranks and forms rings for one transport. */
export interface RankLauncher {
  launch(setup: RankSetup, events: RankEvents): RankProcess;
  /** A ring over these ranks, in this order; ranks learn their places from the specs. */
  formRing(generation: number, members: readonly RankProcess[]): Promise<FormedRing>;
  /** Frees what the launcher holds (ports, shared memory). */
  close(): Promise<void>;
}

export interface RankEvents {
  message(message: RankMessage): void;
  /** The rank ended; `error` when it threw or crashed. */
  exit(code: number, error?: Error): void;
}

export interface TrainRunOptions {
  readonly model: ModelConfig;
  readonly job: TrainJob;
  readonly examples: Examples;
  readonly launcher: RankLauncher;
  /** Ranks to run; replacements are started for ranks that die, up to this many. */
  readonly workers: number;
  /** Fewer live ranks than this stops the run. Default 1. */
  readonly minWorkers?: number;
  /** Never more ranks than this. Default `workers`. */
  readonly maxWorkers?: number;
  readonly start?: TrainState;
  readonly timeline?: boolean;
  readonly backend?: 'wasm' | 'cpu';
  /** How long survivors wait for a silent rank after the ring broke before it is declared dead. Default 30 s. */
  readonly heartbeatTimeoutMs?: number;
  /** Tests: worker `workerId` exits abruptly at `step`. */
  readonly crash?: { readonly workerId: number; readonly step: number };
  onStep?(report: StepReport): void;
  /** Rank 0's commits, in order; the run waits for the returned promise before the next commit is handed over. */
  onCommit?(state: TrainState): Promise<void>;
  /** Membership changes, for the log. */
  onMembership?(event: MembershipEvent): void;
}

export interface MembershipEvent {
  readonly generation: number;
  readonly size: number;
  readonly reason: string;
  /** The step the ranks go on from (a rollback when it is before the latest step). */
  readonly fromStep: number;
}

export interface TrainRunResult {
  readonly state: TrainState;
  readonly spans: readonly TimelineSpan[];
  readonly generations: number;
  readonly finalWorkers: number;
}

interface Member {
  readonly process: RankProcess;
  done?: TrainState;
  /** Where the rank stopped when the ring broke: its commit steps (at-commit counts as a commit), or undefined. */
  stoppedWith?: readonly number[];
  atCommit?: number;
}

/**
 * The `vigil train` driver: rendezvous (ranks start, the driver forms the ring and tells each its place), commits
 * handed to the checkpoint writer, and elastic membership: when a rank dies, the survivors stop, report the commits
 * they hold, and go on in a re-formed ring from the newest commit they all hold; replacements join at the next commit.
 */
export function runTraining(options: TrainRunOptions): Promise<TrainRunResult> {
  const minWorkers = options.minWorkers ?? 1;
  const maxWorkers = Math.max(options.maxWorkers ?? options.workers, 1);
  const targetWorkers = Math.min(options.workers, maxWorkers);
  const heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? 30_000;
  if (!(Number.isInteger(options.workers) && options.workers >= 1)) return Promise.reject(new Error(`cannot train: workers must be an integer >= 1, got ${options.workers}`));
  if (minWorkers > targetWorkers) return Promise.reject(new Error(`cannot train: min workers ${minWorkers} is more than the ${targetWorkers} workers asked for`));

  return new Promise<TrainRunResult>((resolve, reject) => {
    const spans: TimelineSpan[] = [];
    let members: Member[] = [];
    let joiners: Member[] = [];
    let generation = 0;
    let ring: FormedRing | undefined;
    let nextWorkerId = 0;
    let lastCommit: TrainState | undefined = options.start;
    let commitChain = Promise.resolve();
    let finished = false;
    let breakTimer: NodeJS.Timeout | undefined;

    const finish = (error: Error | undefined, result?: TrainRunResult): void => {
      if (finished) return;
      finished = true;
      clearTimeout(breakTimer);
      const all = [...members, ...joiners];
      void Promise.allSettled(all.map((m) => m.process.terminate()))
        .then(() => options.launcher.close())
        .then(
          () => (error === undefined ? resolve(result!) : reject(error)),
          (closeError: Error) => reject(error ?? closeError),
        );
    };

    const launch = (start: TrainState | undefined): Member => {
      const workerId = nextWorkerId++;
      const setup: RankSetup = {
        workerId,
        model: options.model,
        job: options.job,
        examples: options.examples,
        timeline: options.timeline ?? false,
        ...(start === undefined ? {} : { start }),
        ...(options.backend === undefined ? {} : { backend: options.backend }),
        ...(options.crash?.workerId === workerId ? { exitAtStep: options.crash.step } : {}),
      };
      let member: Member | undefined;
      const process = options.launcher.launch(setup, {
        message: (message) => member !== undefined && onMessage(member, message),
        exit: (code, error) => member !== undefined && onExit(member, code, error),
      });
      member = { process };
      return member;
    };

    const form = async (next: Member[], reason: string, fromStep: number, send: (member: Member, spec: RingSpec) => DriverMessage): Promise<void> => {
      generation++;
      ring = await options.launcher.formRing(generation, next.map((m) => m.process));
      members = next;
      for (const m of members) {
        m.stoppedWith = undefined;
        m.atCommit = undefined;
      }
      options.onMembership?.({ generation, size: members.length, reason, fromStep });
      members.forEach((m, rank) => m.process.send(send(m, ring!.specs[rank]!)));
    };

    const fail = (error: unknown): void => finish(error instanceof Error ? error : new Error(String(error)));

    /** Every live member has answered at this commit: go on, with joiners if any are ready. */
    const atCommitComplete = (step: number): void => {
      const ready = joiners.length > 0 && members.length + joiners.length <= maxWorkers;
      if (!ready) {
        for (const m of members) {
          m.atCommit = undefined;
          m.process.send({ type: 'membership', step });
        }
        return;
      }
      ring?.abort();
      const joining = new Set(joiners);
      const next = [...members, ...joiners];
      joiners = [];
      form(next, `${joining.size} worker(s) joined at the commit of step ${step}`, step, (m, spec) => ({ type: 'membership', step, ring: spec, ...(joining.has(m) && lastCommit !== undefined ? { start: lastCommit } : {}) })).catch(fail);
    };

    /** Every live member stopped after the ring broke: roll back to the newest commit all of them hold. */
    const tryReform = (): void => {
      if (members.some((m) => m.stoppedWith === undefined)) return;
      clearTimeout(breakTimer);
      breakTimer = undefined;
      if (members.length < minWorkers) {
        fail(new Error(`cannot go on training: ${members.length} worker(s) left, fewer than the minimum ${minWorkers}`));
        return;
      }
      const common = members.map((m) => new Set(m.stoppedWith)).reduce((a, b) => new Set([...a].filter((s) => b.has(s))));
      const rollbackStep = Math.max(...common);
      if (!Number.isFinite(rollbackStep)) {
        fail(new Error('cannot re-form the training ring: the survivors hold no commit in common'));
        return;
      }
      // Replacements start loading now and join once the survivors reach their next commit.
      while (members.length + joiners.length < targetWorkers) joiners.push(launch(undefined));
      form([...members], `a worker was lost; ${members.length} go on from the commit of step ${rollbackStep}`, rollbackStep, (_m, spec) => ({ type: 'reform', ring: spec, rollbackStep })).catch(fail);
    };

    const ringBroke = (): void => {
      ring?.abort();
      if (breakTimer === undefined) {
        breakTimer = setTimeout(() => {
          breakTimer = undefined;
          // Ranks that never reported are hung or dead: drop them.
          const silent = members.filter((m) => m.stoppedWith === undefined);
          members = members.filter((m) => m.stoppedWith !== undefined);
          for (const m of silent) void m.process.terminate();
          tryReform();
        }, heartbeatTimeoutMs);
      }
    };

    function onMessage(member: Member, message: RankMessage): void {
      if (finished) return;
      switch (message.type) {
        case 'step':
          options.onStep?.(message.report);
          return;
        case 'commit': {
          lastCommit = message.state;
          const state = message.state;
          commitChain = commitChain.then(() => options.onCommit?.(state)).catch(fail);
          return;
        }
        case 'spans':
          spans.push(...message.spans);
          return;
        case 'at-commit': {
          if (message.generation !== generation) return;
          member.atCommit = message.step;
          if (breakTimer !== undefined) {
            // The ring is breaking: a rank waiting at a commit holds it and the one before.
            member.stoppedWith = [message.step];
            tryReform();
            return;
          }
          if (members.every((m) => m.atCommit === message.step)) commitChain.then(() => atCommitComplete(message.step)).catch(fail);
          return;
        }
        case 'broken': {
          member.stoppedWith = message.commitSteps;
          // Ranks waiting at a commit will not notice the break themselves: count them as stopped there.
          for (const m of members) if (m.stoppedWith === undefined && m.atCommit !== undefined) m.stoppedWith = [m.atCommit];
          ringBroke();
          tryReform();
          return;
        }
        case 'done':
          member.done = message.state;
          if (members.every((m) => m.done !== undefined)) {
            commitChain.then(() => finish(undefined, { state: members[0]!.done!, spans, generations: generation, finalWorkers: members.length })).catch(fail);
          }
          return;
        case 'failed':
          fail(new Error(`a training worker failed: ${message.message}`));
          return;
        case 'endpoint':
          // The launcher's business (it forms TCP rings); nothing for the driver.
          return;
      }
    }

    function onExit(member: Member, code: number, error?: Error): void {
      if (finished || member.done !== undefined) return;
      joiners = joiners.filter((m) => m !== member);
      if (!members.includes(member)) return;
      members = members.filter((m) => m !== member);
      if (members.length === 0) {
        fail(new Error(`cannot go on training: the last worker ended (${error?.message ?? `exit code ${code}`})`));
        return;
      }
      for (const m of members) if (m.stoppedWith === undefined && m.atCommit !== undefined) m.stoppedWith = [m.atCommit];
      ringBroke();
      tryReform();
    }

    for (let i = 0; i < targetWorkers; i++) members.push(launch(options.start));
    form(members, 'start', options.start?.position.step ?? 0, (_m, spec) => ({ type: 'membership', step: options.start?.position.step ?? 0, ring: spec })).catch(fail);
  });
}
