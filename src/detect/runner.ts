import { Worker } from 'node:worker_threads';
import type { DetectionRule, DetectorUse } from '../config/index.js';
import type { DetectorDefinition } from './detector.js';
import type { Anomaly, PointBatch } from '../model/index.js';
import { backoffDelayMs, ChangeSignal } from '../util/index.js';
import type { BackoffOptions, Lifecycle } from '../util/index.js';
import { PartitionRouter } from './partition-router.js';
import { DetectorProfiles } from './profiles.js';
import type { PointChunk } from './partition-router.js';
import { BUILTIN_DETECTORS, DetectorRegistry } from './registry.js';
import { readStateFile, writeStateFile } from './state-file.js';
import { partitionWorkerUrl } from './worker-script.js';
import type { DetectedAnomaly, FromPartitionWorker, PartitionWorkerData, SeriesKeys, SeriesStates, ToPartitionWorker } from './worker-protocol.js';

/** Series per restore message, so a large state file is handed over in pieces. */
const RESTORE_CHUNK_SERIES = 512;
/** Delay before restarting a worker that keeps failing; the first restart is immediate. */
const RESTART_BACKOFF: BackoffOptions = { initialDelayMs: 100, maxDelayMs: 10_000, multiplier: 2, jitter: 0.2 };

export interface DetectionRunnerOptions {
  /** Worker threads; a series belongs to `hashSeriesKey(key) % partitions`, or its group's key's (see DetectorProfiles.routingKeyOf). */
  readonly partitions: number;
  /** Default detector set. */
  readonly detectors: readonly DetectorUse[];
  /** Per-series detector sets by key glob; the first match wins, else `detectors`. */
  readonly rules?: readonly DetectionRule[];
  /** A point whose score is > 0 and reaches this is an anomaly. */
  readonly scoreThreshold: number;
  /** Points submitted to a partition and not yet processed; beyond it `submit` waits. */
  readonly maxQueuedPointsPerPartition: number;
  /** Detector state checkpoint, restored on start and written by `checkpoint()` and `stop()`. */
  readonly stateFile?: string;
  /** Worker entry script; defaults to `partition-worker`. A replacement speaks worker-protocol.ts. */
  readonly workerScript?: URL;
  /**
   * Detectors the worker script's partition extension adds (see partition-extension.ts): known here so that the
   * configured detector sets are validated before any worker starts.
   */
  readonly extensionDetectors?: readonly DetectorDefinition[];
}

export interface DetectionRunnerHooks {
  /** Canonical key of a series id; used for routing and to name the series of an anomaly. */
  seriesKey(seriesId: number): string;
  onAnomalies(anomalies: Anomaly[]): void;
  onBatchDone?(partition: number, points: number, durationNs: number): void;
  /** A worker failure, a state that could not be restored or written, a throwing hook. */
  onError?(error: Error): void;
}

export interface DetectionRunnerStats {
  readonly partitions: number;
  /** Points submitted and not yet processed, per partition; never above maxQueuedPointsPerPartition. */
  readonly queuedPoints: number[];
  readonly pointsProcessed: number;
  readonly anomaliesFound: number;
  readonly seriesTracked: number;
  /** Points lost because their worker failed before processing them. */
  readonly pointsDropped: number;
  readonly workerRestarts: number;
}

interface PendingRequest {
  resolve(message: FromPartitionWorker): void;
  reject(error: Error): void;
}

/** One partition's worker and the runner's books on it. */
interface PartitionSlot {
  readonly index: number;
  /** The current worker; null while a restart is pending. */
  worker: Worker | null;
  /** Whether the worker has its state restored and takes points. */
  up: boolean;
  /** Resolves when the slot next comes up; waiters re-check `up` (a restart may fail again). */
  ready: Promise<void>;
  queuedPoints: number;
  readonly batches: Map<number, number>;
  readonly requests: Map<number, PendingRequest>;
  seriesTracked: number;
  /** Consecutive failures without a processed batch in between; paces restarts. */
  failures: number;
  restartTimer: NodeJS.Timeout | null;
  readonly changed: ChangeSignal;
  /** Series whose key the current worker has been sent (only those of keyed profiles); emptied when a worker starts. */
  readonly keysSent: Set<number>;
}

type RunnerState = 'new' | 'starting' | 'running' | 'stopping' | 'stopped';

/** Resolves when the worker says it listens; rejects if it fails or exits first. */
function workerReady(worker: Worker, partition: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (cause: string): void => reject(new Error(`cannot start detection partition ${partition}: ${cause}`));
    worker.on('message', (message: FromPartitionWorker) => {
      if (message.type === 'ready') resolve();
    });
    worker.once('error', (error) => fail(error.message));
    worker.once('exit', (code) => fail(`worker exited with code ${code}`));
  });
}

function requirePositiveInteger(name: string, value: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new Error(`cannot create detection runner: ${name} must be an integer in [1, ${max}], got ${value}`);
  }
}

/**
 * Streams points through the configured detectors on `partitions` worker threads. Each series belongs
 * to one partition, whose worker keeps one instance of each detector per series, so a series' points
 * are scored in order by a single thread. Batches cross to workers as transferred column buffers;
 * `submit` waits while a partition has `maxQueuedPointsPerPartition` points in flight.
 */
export class DetectionRunner implements Lifecycle {
  private readonly router: PartitionRouter;
  private readonly profiles: DetectorProfiles;
  private readonly workerUrl: URL;
  private readonly slots: PartitionSlot[] = [];
  private readonly anyChange = new ChangeSignal();
  private state: RunnerState = 'new';
  private starting: Promise<void> | null = null;
  private stopping: Promise<void> | null = null;
  private terminating = false;
  private submitTail: Promise<void> = Promise.resolve();
  private checkpointTail: Promise<void> = Promise.resolve();
  private nextBatchId = 0;
  private nextRequestId = 0;
  private pointsProcessed = 0;
  private anomaliesFound = 0;
  private pointsDropped = 0;
  private workerRestarts = 0;
  /** The extension configuration every worker starts with and is sent on change; undefined: none. */
  private extension: unknown = undefined;

  constructor(
    private readonly options: DetectionRunnerOptions,
    private readonly hooks: DetectionRunnerHooks,
  ) {
    requirePositiveInteger('partitions', options.partitions, 64);
    requirePositiveInteger('maxQueuedPointsPerPartition', options.maxQueuedPointsPerPartition);
    if (!(options.scoreThreshold >= 0 && options.scoreThreshold <= 1)) {
      throw new Error(`cannot create detection runner: scoreThreshold must be a number in [0, 1], got ${options.scoreThreshold}`);
    }
    try {
      this.profiles = new DetectorProfiles(options.detectors, options.rules ?? [], new DetectorRegistry([...BUILTIN_DETECTORS, ...(options.extensionDetectors ?? [])]));
    } catch (error) {
      throw new Error(`cannot create detection runner: ${(error as Error).message}`, { cause: error });
    }
    const profiles = this.profiles;
    this.router = new PartitionRouter(
      options.partitions,
      (id) => hooks.seriesKey(id),
      (key) => profiles.profileOf(key),
      (key) => profiles.routingKeyOf(key),
    );
    this.workerUrl = partitionWorkerUrl(options.workerScript);
  }

  start(): Promise<void> {
    if (this.state === 'stopping' || this.state === 'stopped') return Promise.reject(new Error('cannot start detection runner: it has been stopped'));
    if (this.starting === null) this.starting = this.doStart();
    return this.starting;
  }

  /**
   * Queues the points for detection. The batch is copied before this returns, so the caller may reuse
   * its arrays at once. Resolves when every point has been handed to its worker; waits (back-pressure)
   * while a partition is full. Calls are served in order, so a series' points stay in order.
   */
  submit(batch: PointBatch): Promise<void> {
    if (this.state !== 'running') return Promise.reject(new Error(`cannot submit points: detection runner is ${this.state}`));
    if (batch.length === 0) return this.submitTail;
    let chunks: PointChunk[][];
    try {
      chunks = this.router.split(batch, this.options.maxQueuedPointsPerPartition);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const dispatched = this.submitTail.then(() => this.dispatch(chunks));
    this.submitTail = dispatched.catch(() => undefined);
    return dispatched;
  }

  /** Resolves once every point submitted so far has been processed (or dropped by a failed worker). */
  async flush(): Promise<void> {
    await this.submitTail;
    while (this.slots.some((slot) => slot.queuedPoints > 0)) await this.anyChange.wait();
  }

  /** Writes every series' detector states to the state file (atomically), as of the points processed. */
  checkpoint(): Promise<void> {
    const file = this.options.stateFile;
    if (file === undefined) return Promise.reject(new Error('cannot checkpoint detector state: no stateFile is configured'));
    if (this.state !== 'running' && this.state !== 'stopping') return Promise.reject(new Error(`cannot checkpoint detector state: detection runner is ${this.state}`));
    const run = this.checkpointTail.then(async () => {
      const parts = await Promise.all(this.slots.map((slot) => this.snapshotOf(slot)));
      await writeStateFile(file, this.profiles.detectorIds(), parts);
    });
    this.checkpointTail = run.catch(() => undefined);
    return run;
  }

  /** Processes what was submitted, writes the state file when configured, then ends the workers. */
  stop(): Promise<void> {
    if (this.state === 'new' || this.state === 'stopped') return Promise.resolve();
    if (this.stopping === null) this.stopping = this.doStop();
    return this.stopping;
  }

  /**
   * Puts a partition-extension configuration in effect: workers started later get it, running ones are sent it.
   * Resolves with what the workers could not set up, each problem once (a worker restarting meanwhile gets it on
   * start). Before `start` it only records the configuration.
   */
  async configureExtension(extension: unknown): Promise<string[]> {
    this.extension = extension;
    if (this.state !== 'running') return [];
    const replies = await Promise.allSettled(this.slots.filter((slot) => slot.up).map((slot) => this.request(slot, (requestId) => ({ type: 'configure', requestId, extension }))));
    const problems = new Set<string>();
    for (const reply of replies) {
      if (reply.status === 'rejected') problems.add((reply.reason as Error).message);
      else if (reply.value.type === 'configured') for (const problem of reply.value.problems) problems.add(problem);
    }
    return [...problems];
  }

  /** Every running partition's extension report, in partition order (partitions restarting are left out). */
  async extensionReports(): Promise<unknown[]> {
    if (this.state !== 'running') return [];
    const replies = await Promise.allSettled(this.slots.filter((slot) => slot.up).map((slot) => this.request(slot, (requestId) => ({ type: 'report', requestId }))));
    return replies.flatMap((reply) => (reply.status === 'fulfilled' && reply.value.type === 'report' ? [reply.value.report] : []));
  }

  stats(): DetectionRunnerStats {
    return {
      partitions: this.options.partitions,
      queuedPoints: this.slots.map((slot) => slot.queuedPoints),
      pointsProcessed: this.pointsProcessed,
      anomaliesFound: this.anomaliesFound,
      seriesTracked: this.slots.reduce((sum, slot) => sum + slot.seriesTracked, 0),
      pointsDropped: this.pointsDropped,
      workerRestarts: this.workerRestarts,
    };
  }

  private async doStart(): Promise<void> {
    this.state = 'starting';
    for (let p = 0; p < this.options.partitions; p++) {
      this.slots.push({
        index: p,
        worker: null,
        up: false,
        ready: Promise.resolve(),
        queuedPoints: 0,
        batches: new Map(),
        requests: new Map(),
        seriesTracked: 0,
        failures: 0,
        restartTimer: null,
        changed: new ChangeSignal(),
        keysSent: new Set(),
      });
    }
    try {
      const spawned = this.slots.map((slot) => (slot.worker = this.spawn(slot)));
      // Fail fast when a worker cannot even load (a broken install), instead of restarting forever.
      await Promise.all(spawned.map((worker, p) => workerReady(worker, p)));
      await this.restoreState(this.slots);
      // A worker that failed meanwhile comes up through its restart instead.
      for (const slot of this.slots) if (slot.worker === spawned[slot.index]) slot.up = true;
    } catch (error) {
      this.state = 'stopped';
      await this.terminateWorkers();
      throw error;
    }
    this.state = 'running';
  }

  private async doStop(): Promise<void> {
    if (this.starting !== null) await this.starting.catch(() => undefined);
    if (this.state === 'stopped') return;
    this.state = 'stopping';
    try {
      await this.flush();
      if (this.options.stateFile !== undefined) await this.checkpoint();
    } catch (error) {
      this.report(error);
    } finally {
      await this.terminateWorkers();
      this.state = 'stopped';
    }
  }

  private async terminateWorkers(): Promise<void> {
    this.terminating = true;
    const exiting: Promise<number>[] = [];
    for (const slot of this.slots) {
      if (slot.restartTimer !== null) clearTimeout(slot.restartTimer);
      slot.restartTimer = null;
      if (slot.worker !== null) exiting.push(slot.worker.terminate());
      slot.worker = null;
      slot.up = false;
      this.failRequests(slot, 'detection runner stopped');
    }
    await Promise.all(exiting);
  }

  private spawn(slot: PartitionSlot): Worker {
    const workerData: PartitionWorkerData = {
      partition: slot.index,
      profiles: this.profiles.sets,
      scoreThreshold: this.options.scoreThreshold,
      ...(this.extension === undefined ? {} : { extension: this.extension }),
    };
    const worker = new Worker(this.workerUrl, { workerData, execArgv: [], name: `vigil-detect-${slot.index}` });
    // A new worker knows no keys: they are sent again, in restore entries or with the series' next points.
    slot.keysSent.clear();
    worker.on('message', (message: FromPartitionWorker) => {
      if (slot.worker === worker) this.onMessage(slot, message);
    });
    worker.on('error', (error) => {
      if (slot.worker === worker) this.report(new Error(`cannot run detection partition ${slot.index}: ${error.message}`, { cause: error }));
    });
    worker.on('exit', (code) => {
      if (slot.worker === worker && !this.terminating) this.onWorkerExit(slot, code);
    });
    return worker;
  }

  private onMessage(slot: PartitionSlot, message: FromPartitionWorker): void {
    if (message.type === 'ready') {
      const problems = message.problems ?? [];
      if (problems.length > 0) this.report(new Error(`detection partition ${slot.index} started without everything its configuration asks for: ${problems.join('; ')}`));
      return;
    }
    if (message.type !== 'done') {
      if (message.type === 'restored') slot.seriesTracked = message.seriesTracked;
      const request = slot.requests.get(message.requestId);
      slot.requests.delete(message.requestId);
      request?.resolve(message);
      return;
    }
    const points = slot.batches.get(message.batchId) ?? 0;
    slot.batches.delete(message.batchId);
    slot.queuedPoints -= points;
    slot.seriesTracked = message.seriesTracked;
    slot.failures = 0;
    this.pointsProcessed += points;
    this.anomaliesFound += message.anomalies.length;
    if (message.anomalies.length > 0) this.deliver(message.anomalies);
    if (this.hooks.onBatchDone !== undefined) {
      try {
        this.hooks.onBatchDone(slot.index, points, message.durationNs);
      } catch (error) {
        this.report(error);
      }
    }
    slot.changed.notify();
    this.anyChange.notify();
  }

  private deliver(detected: readonly DetectedAnomaly[]): void {
    try {
      const anomalies: Anomaly[] = detected.map((a) => ({
        seriesId: a.seriesId,
        series: this.hooks.seriesKey(a.seriesId),
        timestampMs: a.timestampMs,
        value: a.value,
        score: a.score,
        kind: a.kind,
        expected: a.expected,
        detector: a.detector,
        ...(a.evidence === undefined ? {} : { evidence: a.evidence }),
      }));
      this.hooks.onAnomalies(anomalies);
    } catch (error) {
      this.report(new Error(`cannot deliver ${detected.length} anomalies: ${(error as Error).message}`, { cause: error }));
    }
  }

  /** A worker ended on its own: its queued points are lost; start a new one from the last checkpoint. */
  private onWorkerExit(slot: PartitionSlot, code: number): void {
    const dropped = slot.queuedPoints;
    this.pointsDropped += dropped;
    slot.queuedPoints = 0;
    slot.batches.clear();
    slot.seriesTracked = 0;
    slot.worker = null;
    slot.up = false;
    this.failRequests(slot, `partition ${slot.index} worker exited`);
    this.workerRestarts++;
    const delayMs = slot.failures === 0 ? 0 : backoffDelayMs(slot.failures - 1, RESTART_BACKOFF);
    slot.failures++;
    this.report(new Error(`detection partition ${slot.index} worker exited with code ${code}; dropped ${dropped} queued points; restarting in ${delayMs} ms`));
    slot.ready = new Promise((resolve) => {
      slot.restartTimer = setTimeout(() => {
        slot.restartTimer = null;
        const worker = this.spawn(slot);
        slot.worker = worker;
        this.restoreState([slot])
          .catch((error: unknown) => this.report(error))
          .finally(() => {
            if (slot.worker === worker) slot.up = true;
            resolve();
            slot.changed.notify();
          });
      }, delayMs);
    });
    slot.changed.notify();
    this.anyChange.notify();
  }

  private async dispatch(chunks: PointChunk[][]): Promise<void> {
    await Promise.all(chunks.map((list, p) => this.dispatchTo(this.slots[p]!, list)));
  }

  private async dispatchTo(slot: PartitionSlot, chunks: readonly PointChunk[]): Promise<void> {
    const max = this.options.maxQueuedPointsPerPartition;
    for (const chunk of chunks) {
      const size = chunk.seriesIds.length;
      for (;;) {
        if (this.terminating) throw new Error('cannot submit points: detection runner stopped');
        if (!slot.up) await slot.ready;
        else if (slot.queuedPoints > 0 && slot.queuedPoints + size > max) await slot.changed.wait();
        else break;
      }
      const keys = this.keysToSend(slot, chunk);
      const batchId = ++this.nextBatchId;
      slot.batches.set(batchId, size);
      slot.queuedPoints += size;
      const message: ToPartitionWorker = { type: 'points', batchId, ...chunk, ...(keys === null ? {} : { keys }) };
      slot.worker!.postMessage(message, [chunk.seriesIds.buffer, chunk.profiles.buffer, chunk.timestampsMs.buffer, chunk.values.buffer]);
    }
  }

  /**
   * Keys of the chunk's series of keyed profiles that the slot's current worker has not been sent, marked as sent;
   * null when there are none (always when no profile is keyed, without looking at the points).
   */
  private keysToSend(slot: PartitionSlot, chunk: PointChunk): SeriesKeys | null {
    if (!this.profiles.anyKeyed) return null;
    // Made only when a chunk has a new keyed series: once keys are sent, chunks allocate nothing here.
    let fresh: Set<number> | null = null;
    for (let i = 0; i < chunk.seriesIds.length; i++) {
      const seriesId = chunk.seriesIds[i]!;
      if (this.profiles.keyed(chunk.profiles[i]!) && !slot.keysSent.has(seriesId)) (fresh ??= new Set()).add(seriesId);
    }
    if (fresh === null) return null;
    const seriesIds = [...fresh];
    // Looked up before any is marked sent, so a failing lookup leaves them all to be sent with a later chunk.
    const keys = seriesIds.map((id) => this.hooks.seriesKey(id));
    for (const id of seriesIds) slot.keysSent.add(id);
    return { seriesIds, keys };
  }

  private async snapshotOf(slot: PartitionSlot): Promise<readonly SeriesStates[]> {
    while (!slot.up) {
      if (this.terminating) throw new Error(`cannot reach detection partition ${slot.index}: detection runner stopped`);
      await slot.ready;
    }
    const reply = await this.request(slot, (requestId) => ({ type: 'snapshot', requestId }));
    return reply.type === 'snapshot' ? reply.entries : [];
  }

  /** Sends a request to the slot's current worker (which must exist) and awaits its reply. */
  private request(slot: PartitionSlot, build: (requestId: number) => ToPartitionWorker): Promise<FromPartitionWorker> {
    const worker = slot.worker;
    if (worker === null) return Promise.reject(new Error(`cannot reach detection partition ${slot.index}: its worker is restarting`));
    const requestId = ++this.nextRequestId;
    return new Promise((resolve, reject) => {
      slot.requests.set(requestId, { resolve, reject });
      worker.postMessage(build(requestId));
    });
  }

  private failRequests(slot: PartitionSlot, cause: string): void {
    for (const request of slot.requests.values()) request.reject(new Error(`cannot complete request to detection partition ${slot.index}: ${cause}`));
    slot.requests.clear();
  }

  /**
   * Hands the checkpointed states of the given partitions to their workers, routing each series by
   * the current partition count. A missing file means a first start; an unreadable one is reported and
   * the detectors start fresh (their state is rebuilt from data, never authoritative).
   */
  private async restoreState(targets: readonly PartitionSlot[]): Promise<void> {
    const file = this.options.stateFile;
    if (file === undefined) return;
    const wanted = new Set(targets.map((slot) => slot.index));
    const pending = new Map<number, SeriesStates[]>(targets.map((slot) => [slot.index, []]));
    const replies: Promise<FromPartitionWorker>[] = [];
    let unroutable = 0;
    const send = (p: number): void => {
      const entries = pending.get(p)!;
      if (entries.length === 0) return;
      pending.set(p, []);
      const slot = this.slots[p]!;
      replies.push(this.request(slot, (requestId) => ({ type: 'restore', requestId, entries })));
      // The worker learns these keys from the entries; the series' next points need not carry them again.
      for (const entry of entries) if (entry.key !== undefined) slot.keysSent.add(entry.seriesId);
    };
    try {
      await readStateFile(file, (entry) => {
        let p: number;
        let profile: number;
        let key: string | undefined;
        try {
          p = this.router.partitionOf(entry.seriesId);
          // The profile follows today's rules, so a series whose rule changed restarts the detectors it lost.
          profile = this.router.profileOf(entry.seriesId);
          // Grouping detectors are re-created knowing their series' key.
          key = this.profiles.keyed(profile) ? this.hooks.seriesKey(entry.seriesId) : undefined;
        } catch {
          unroutable++;
          return;
        }
        if (!wanted.has(p)) return;
        const entries = pending.get(p)!;
        entries.push(key === undefined ? { ...entry, profile } : { ...entry, profile, key });
        if (entries.length >= RESTORE_CHUNK_SERIES) send(p);
      });
      for (const p of wanted) send(p);
    } catch (error) {
      this.report(error);
    }
    const problems: string[] = [];
    for (const reply of await Promise.allSettled(replies)) {
      if (reply.status === 'rejected') problems.push((reply.reason as Error).message);
      else if (reply.value.type === 'restored') problems.push(...reply.value.problems);
    }
    if (unroutable > 0) problems.push(`${unroutable} series have no key any more`);
    if (problems.length > 0) this.report(new Error(`cannot restore all detector state from ${file}: ${problems.join('; ')}`));
  }

  private report(error: unknown): void {
    const err = error instanceof Error ? error : new Error(String(error));
    if (this.hooks.onError !== undefined) this.hooks.onError(err);
    else process.emitWarning(err);
  }
}
