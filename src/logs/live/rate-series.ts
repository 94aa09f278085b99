import { KeyedPointsBuilder, seriesKey, type KeyedPoints, type LogSeverity } from '../../model/index.js';

/** Name of the per-template count series: `log.template.count;template=<id>[;host=<host>]`. */
export const TEMPLATE_COUNT_SERIES = 'log.template.count';
/** Name of the per-severity count series: `log.severity.count;severity=<name>[;host=<host>]`. */
export const SEVERITY_COUNT_SERIES = 'log.severity.count';

/** A host name as a tag value: characters a tag value cannot hold become `_`; no host is `unknown`. */
export function hostTag(host: string): string {
  const tag = host.replace(/[\s;~=]/g, '_');
  return tag === '' ? 'unknown' : tag;
}

export function templateSeriesKey(templateId: string, host?: string): string {
  return seriesKey(TEMPLATE_COUNT_SERIES, host === undefined ? { template: templateId } : { template: templateId, host: hostTag(host) });
}

export function severitySeriesKey(severity: LogSeverity, host?: string): string {
  return seriesKey(SEVERITY_COUNT_SERIES, host === undefined ? { severity } : { severity, host: hostTag(host) });
}

export interface LogRateOptions {
  /** Width of one count, in ms. */
  readonly intervalMs: number;
  /** A series that counted records keeps getting zeros for this many intervals, so a drop shows. */
  readonly zeroFillSteps: number;
  /** Hosts with their own series per template; records of further hosts count in the overall series only. */
  readonly maxHostsPerTemplate: number;
}

/**
 * Turns log records into count series per interval: per template and per severity, overall and per
 * host. Counts are kept per interval until the watermark passes its end, then emitted once as points;
 * a record older than what was already emitted is late and not counted (it is still stored).
 */
export class LogRateCounter {
  private readonly open = new Map<number, Map<string, number>>();
  /** Start of the last interval each series had a count in. */
  private readonly lastCountedMs = new Map<string, number>();
  private readonly hostsByTemplate = new Map<string, Set<string>>();
  /** Intervals starting before this are emitted. */
  private closedBeforeMs = Number.NEGATIVE_INFINITY;
  private lateRecords = 0;

  constructor(private readonly options: LogRateOptions) {
    if (!(Number.isInteger(options.intervalMs) && options.intervalMs > 0)) throw new Error(`cannot count log rates: intervalMs ${options.intervalMs} is not a positive integer`);
  }

  /** Records that arrived after their interval was emitted. */
  get late(): number {
    return this.lateRecords;
  }

  /** Counts one record; false when its interval was already emitted. */
  count(timestampMs: number, templateId: string, host: string, severity: LogSeverity): boolean {
    const startMs = Math.floor(timestampMs / this.options.intervalMs) * this.options.intervalMs;
    if (startMs < this.closedBeforeMs) {
      this.lateRecords++;
      return false;
    }
    let counts = this.open.get(startMs);
    if (counts === undefined) this.open.set(startMs, (counts = new Map()));
    const bump = (key: string): void => {
      counts.set(key, (counts.get(key) ?? 0) + 1);
    };
    bump(templateSeriesKey(templateId));
    bump(severitySeriesKey(severity));
    bump(severitySeriesKey(severity, host));
    let hosts = this.hostsByTemplate.get(templateId);
    if (hosts === undefined) this.hostsByTemplate.set(templateId, (hosts = new Set()));
    if (hosts.has(host) || hosts.size < this.options.maxHostsPerTemplate) {
      hosts.add(host);
      bump(templateSeriesKey(templateId, host));
    }
    return true;
  }

  /**
   * Emits every interval that ends at or before `watermarkMs`, oldest first: its counts, and zeros for
   * series that counted within the last `zeroFillSteps` intervals but not in this one.
   */
  close(watermarkMs: number): KeyedPoints {
    const { intervalMs, zeroFillSteps } = this.options;
    const endMs = Math.floor(watermarkMs / intervalMs) * intervalMs;
    const points = new KeyedPointsBuilder(64);
    let startMs = Number.isFinite(this.closedBeforeMs) ? this.closedBeforeMs : this.oldestOpenMs(endMs);
    while (startMs < endMs) {
      if (this.lastCountedMs.size === 0 && !this.open.has(startMs)) {
        startMs = this.oldestOpenMs(endMs);
        continue;
      }
      const counts = this.open.get(startMs);
      if (counts !== undefined) {
        for (const [key, n] of counts) {
          points.push(key, startMs, n);
          this.lastCountedMs.set(key, startMs);
        }
        this.open.delete(startMs);
      }
      for (const [key, lastMs] of this.lastCountedMs) {
        if (lastMs === startMs) continue;
        if (startMs - lastMs <= zeroFillSteps * intervalMs) points.push(key, startMs, 0);
        else this.lastCountedMs.delete(key);
      }
      startMs += intervalMs;
    }
    if (endMs > this.closedBeforeMs) this.closedBeforeMs = endMs;
    return points.finish();
  }

  /** Start of the oldest interval still counting, or `limitMs` when there is none before it. */
  private oldestOpenMs(limitMs: number): number {
    let oldest = limitMs;
    for (const startMs of this.open.keys()) if (startMs < oldest) oldest = startMs;
    return oldest;
  }
}
