import { DAY_MS } from '../model/index.js';
import type { Clock, Lifecycle } from '../util/index.js';
import { systemClock } from '../util/index.js';
import type { StorageLogger } from './duckdb-storage.js';

/** How a retention sweeper runs: the configured period and interval, and what it reports to. */
export interface RetentionSettings {
  /** Records older than this many days are deleted. */
  readonly retentionDays: number;
  readonly retentionSweepIntervalMs: number;
  readonly clock?: Clock;
  readonly logger?: StorageLogger;
}

/** What one sweeper sweeps. */
export interface ExpiryTarget<T> {
  /** Names the sweeper in errors: `retention sweeper` gives "cannot create retention sweeper: ...". */
  readonly name: string;
  /** What a failed sweep logs: `logs` gives "cannot sweep expired logs". */
  readonly expired: string;
  /** Deletes everything older than the cut-off and resolves with what it deleted. */
  deleteBefore(cutoffMs: number): Promise<T>;
}

/**
 * Deletes what is older than the retention period: once at start, then every `retentionSweepIntervalMs`.
 * Sweeps never overlap, and the timer does not keep the process alive.
 */
export class ExpirySweeper<T> implements Lifecycle {
  private readonly clock: Clock;
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<T | undefined> | undefined;

  constructor(
    private readonly settings: RetentionSettings,
    private readonly target: ExpiryTarget<T>,
  ) {
    if (!(settings.retentionDays > 0)) throw new Error(`cannot create ${target.name}: retentionDays must be positive, got ${settings.retentionDays}`);
    if (!Number.isSafeInteger(settings.retentionSweepIntervalMs) || settings.retentionSweepIntervalMs <= 0) {
      throw new Error(`cannot create ${target.name}: retentionSweepIntervalMs must be a positive integer, got ${settings.retentionSweepIntervalMs}`);
    }
    this.clock = settings.clock ?? systemClock;
  }

  async start(): Promise<void> {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => void this.sweep(), this.settings.retentionSweepIntervalMs);
    this.timer.unref();
    void this.sweep();
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    await this.sweeping;
  }

  /**
   * Deletes everything older than now minus the retention period. Resolves with what was deleted, or
   * undefined when the sweep failed (logged) or one was already running.
   */
  sweep(): Promise<T | undefined> {
    if (this.sweeping !== undefined) return Promise.resolve(undefined);
    const cutoffMs = this.clock.nowMs() - this.settings.retentionDays * DAY_MS;
    this.sweeping = this.target
      .deleteBefore(cutoffMs)
      .then(
        (deleted) => deleted,
        (error: unknown) => {
          this.settings.logger?.warn({ err: error, cutoffMs }, `cannot sweep expired ${this.target.expired}`);
          return undefined;
        },
      )
      .finally(() => {
        this.sweeping = undefined;
      });
    return this.sweeping;
  }
}
