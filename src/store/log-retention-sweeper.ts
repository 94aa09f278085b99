import { DAY_MS } from '../model/index.js';
import type { Clock, Lifecycle } from '../util/index.js';
import { systemClock } from '../util/index.js';
import type { StorageLogger } from './duckdb-storage.js';
import type { LogStore } from './log-store.js';

export interface LogRetentionSweeperOptions {
  readonly store: Pick<LogStore, 'deleteBefore'>;
  /** `logs.retentionDays`. */
  readonly retentionDays: number;
  readonly retentionSweepIntervalMs: number;
  readonly clock?: Clock;
  readonly logger?: StorageLogger;
}

/**
 * Deletes log records older than the retention period: once at start, then every
 * `retentionSweepIntervalMs`. Sweeps never overlap, and the timer does not keep the process alive.
 * (RetentionSweeper does the same for points; its store's deleteBefore reports points and anomalies.)
 */
export class LogRetentionSweeper implements Lifecycle {
  private readonly clock: Clock;
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<number | undefined> | undefined;

  constructor(private readonly options: LogRetentionSweeperOptions) {
    if (!(options.retentionDays > 0)) throw new Error(`cannot create log retention sweeper: retentionDays must be positive, got ${options.retentionDays}`);
    if (!Number.isSafeInteger(options.retentionSweepIntervalMs) || options.retentionSweepIntervalMs <= 0) {
      throw new Error(`cannot create log retention sweeper: retentionSweepIntervalMs must be a positive integer, got ${options.retentionSweepIntervalMs}`);
    }
    this.clock = options.clock ?? systemClock;
  }

  async start(): Promise<void> {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => void this.sweep(), this.options.retentionSweepIntervalMs);
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
   * Deletes every record older than now minus the retention period. Resolves with how many were
   * deleted, or undefined when the sweep failed (logged) or one was already running.
   */
  sweep(): Promise<number | undefined> {
    if (this.sweeping !== undefined) return Promise.resolve(undefined);
    const cutoffMs = this.clock.nowMs() - this.options.retentionDays * DAY_MS;
    this.sweeping = this.options.store
      .deleteBefore(cutoffMs)
      .then(
        (deleted) => deleted,
        (error: unknown) => {
          this.options.logger?.warn({ err: error, cutoffMs }, 'cannot sweep expired logs');
          return undefined;
        },
      )
      .finally(() => {
        this.sweeping = undefined;
      });
    return this.sweeping;
  }
}
