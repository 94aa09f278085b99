import type { EventStore } from './event-store.js';
import type { RetentionSettings } from './expiry-sweeper.js';
import { ExpirySweeper } from './expiry-sweeper.js';

/** `retentionDays` is the points' (`storage.retentionDays`): events mark charts of points. */
export interface EventRetentionSweeperOptions extends RetentionSettings {
  readonly store: Pick<EventStore, 'deleteBefore'>;
}

/**
 * Deletes events older than the retention period: once at start, then every
 * `retentionSweepIntervalMs`; sweep() reports how many it deleted.
 */
export class EventRetentionSweeper extends ExpirySweeper<number> {
  constructor(options: EventRetentionSweeperOptions) {
    super(options, { name: 'event retention sweeper', expired: 'events', deleteBefore: (cutoffMs) => options.store.deleteBefore(cutoffMs) });
  }
}
