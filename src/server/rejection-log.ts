import type { Logger } from 'pino';
import type { Rejection } from '../model/index.js';
import type { Clock } from '../util/index.js';

/**
 * Logs rejected input without flooding: the first rejection of each interval per protocol is logged
 * with its line and reason, and how many more were rejected since. Every rejection is counted in metrics.
 * NaN values are only counted: senders such as collectd emit them routinely, so they are not news.
 */
export class RejectionLog {
  private readonly last = new Map<string, { atMs: number; suppressed: number }>();

  constructor(
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly intervalMs = 10_000,
  ) {}

  /** `protocol` is the listener's label: an ingest protocol of points, or a log source (`hec`, `syslog_tcp`, ...). */
  record(all: readonly Rejection[], protocol: string): void {
    const rejections = all.filter((r) => r.reason !== 'nan_value');
    const first = rejections[0];
    if (first === undefined) return;
    const nowMs = this.clock.nowMs();
    const state = this.last.get(protocol);
    if (state !== undefined && nowMs - state.atMs < this.intervalMs) {
      state.suppressed += rejections.length;
      return;
    }
    const suppressed = (state?.suppressed ?? 0) + rejections.length - 1;
    this.last.set(protocol, { atMs: nowMs, suppressed: 0 });
    this.logger.warn({ protocol, line: first.line, reason: first.reason, alsoRejected: suppressed }, `rejected input: ${first.message}`);
  }
}
