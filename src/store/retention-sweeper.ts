import { DAY_MS } from '../model/index.js';
import type { Clock, Lifecycle } from '../util/index.js';
import { systemClock } from '../util/index.js';
import type { RetentionResult, Storage } from './storage.js';
import type { StorageLogger } from './duckdb-storage.js';

export interface RetentionSweeperOptions {
  readonly storage: Pick<Storage, 'deleteBefore'>;
  readonly retentionDays: number;
  readonly retentionSweepIntervalMs: number;
  readonly clock?: Clock;
  readonly logger?: StorageLogger;
}

/**
 * Deletes points and anomalies older than the retention period: once at start, then every
 * `retentionSweepIntervalMs`. Sweeps never overlap, and the timer does not keep the process alive.
 */
export class RetentionSweeper implements Lifecycle {
  private readonly clock: Clock;
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<RetentionResult | undefined> | undefined;

  constructor(private readonly options: RetentionSweeperOptions) {
    if (!(options.retentionDays > 0)) throw new Error(`cannot create retention sweeper: retentionDays must be positive, got ${options.retentionDays}`);
    if (!Number.isSafeInteger(options.retentionSweepIntervalMs) || options.retentionSweepIntervalMs <= 0) {
      throw new Error(`cannot create retention sweeper: retentionSweepIntervalMs must be a positive integer, got ${options.retentionSweepIntervalMs}`);
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
   * Deletes everything older than now minus the retention period. Resolves with what was deleted,
   * or undefined when the sweep failed (logged) or one was already running.
   */
  sweep(): Promise<RetentionResult | undefined> {
    if (this.sweeping !== undefined) return Promise.resolve(undefined);
    const cutoffMs = this.clock.nowMs() - this.options.retentionDays * DAY_MS;
    this.sweeping = this.options.storage.deleteBefore(cutoffMs).then(
      (result) => result,
      (error: unknown) => {
        this.options.logger?.warn({ err: error, cutoffMs }, 'cannot sweep expired data');
        return undefined;
      },
    ).finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
  }
}
