import type { RetentionSettings } from './expiry-sweeper.js';
import { ExpirySweeper } from './expiry-sweeper.js';
import type { RetentionResult, Storage } from './storage.js';

export interface RetentionSweeperOptions extends RetentionSettings {
  readonly storage: Pick<Storage, 'deleteBefore'>;
}

/**
 * Deletes points and anomalies older than the retention period: once at start, then every
 * `retentionSweepIntervalMs`; sweep() reports what it deleted of each.
 */
export class RetentionSweeper extends ExpirySweeper<RetentionResult> {
  constructor(options: RetentionSweeperOptions) {
    super(options, { name: 'retention sweeper', expired: 'data', deleteBefore: (cutoffMs) => options.storage.deleteBefore(cutoffMs) });
  }
}
