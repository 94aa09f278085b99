import type { RetentionSettings } from './expiry-sweeper.js';
import { ExpirySweeper } from './expiry-sweeper.js';
import type { LogStore } from './log-store.js';

/** `retentionDays` is `logs.retentionDays`. */
export interface LogRetentionSweeperOptions extends RetentionSettings {
  readonly store: Pick<LogStore, 'deleteBefore'>;
}

/**
 * Deletes log records older than the retention period: once at start, then every
 * `retentionSweepIntervalMs`; sweep() reports how many it deleted.
 */
export class LogRetentionSweeper extends ExpirySweeper<number> {
  constructor(options: LogRetentionSweeperOptions) {
    super(options, { name: 'log retention sweeper', expired: 'logs', deleteBefore: (cutoffMs) => options.store.deleteBefore(cutoffMs) });
  }
}
