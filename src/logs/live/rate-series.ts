import { KeyedPointsBuilder, LOG_SEVERITIES, seriesKey, type KeyedPoints, type LogSeverity } from '../../model/index.js';

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

/** A template's series: its overall one, and its per-host ones by raw host name. */
interface TemplateSeries {
  readonly slot: number;
  readonly hostSlots: Map<string, number>;
}

/** No series yet for this severity of a host. */
const NO_SLOT = -1;

/**
 * Turns log records into count series per interval: per template and per severity, overall and per
 * host. Counts are kept per interval until the watermark passes its end, then emitted once as points;
 * a record older than what was already emitted is late and not counted (it is still stored).
 *
 * Every series has a small integer slot, found from the record's own strings (template id, host,
 * severity) through maps, so counting a record builds no key text: a series' key is built once, when
 * the series is first counted. Hosts that map to one tag value share their slots, so their counts add up
 * in one series. Per-host severity slots are freed once their series has gone quiet, so hosts that come
 * and go do not pile up.
 */
export class LogRateCounter {
  /** Counts by slot, per interval start, in the order each slot was first counted in the interval. */
  private readonly open = new Map<number, Map<number, number>>();
  /** Start of the last interval each slot had a count in, in the order the series were first counted. */
  private readonly lastCountedMs = new Map<number, number>();
  private readonly templates = new Map<string, TemplateSeries>();
  private readonly severitySlots = new Int32Array(LOG_SEVERITIES.length).fill(NO_SLOT);
  /** Per raw host name: its per-severity slots. */
  private readonly hostSeveritySlots = new Map<string, Int32Array>();
  private readonly slotByKey = new Map<string, number>();
  private readonly slotKeys: string[] = [];
  private readonly freeSlots: number[] = [];
  /** The interval last counted in, and its counts: most records fall in the same one as the record before. */
  private currentStartMs = Number.NaN;
  private currentCounts: Map<number, number> | null = null;
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
    let counts = this.currentCounts;
    if (startMs !== this.currentStartMs || counts === null) {
      counts = this.open.get(startMs) ?? null;
      if (counts === null) this.open.set(startMs, (counts = new Map()));
      this.currentStartMs = startMs;
      this.currentCounts = counts;
    }
    const code = LOG_SEVERITIES.indexOf(severity);
    let template = this.templates.get(templateId);
    if (template === undefined) this.templates.set(templateId, (template = { slot: this.slotOf(templateSeriesKey(templateId)), hostSlots: new Map() }));
    bump(counts, template.slot);
    let slot = this.severitySlots[code]!;
    if (slot === NO_SLOT) this.severitySlots[code] = slot = this.slotOf(severitySeriesKey(severity));
    bump(counts, slot);
    let hostSlots = this.hostSeveritySlots.get(host);
    if (hostSlots === undefined) this.hostSeveritySlots.set(host, (hostSlots = new Int32Array(LOG_SEVERITIES.length).fill(NO_SLOT)));
    slot = hostSlots[code]!;
    if (slot === NO_SLOT) hostSlots[code] = slot = this.slotOf(severitySeriesKey(severity, host));
    bump(counts, slot);
    let hostSlot = template.hostSlots.get(host);
    if (hostSlot === undefined && template.hostSlots.size < this.options.maxHostsPerTemplate) template.hostSlots.set(host, (hostSlot = this.slotOf(templateSeriesKey(templateId, host))));
    if (hostSlot !== undefined) bump(counts, hostSlot);
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
    const keys = this.slotKeys;
    let quiet = false;
    let startMs = Number.isFinite(this.closedBeforeMs) ? this.closedBeforeMs : this.oldestOpenMs(endMs);
    while (startMs < endMs) {
      if (this.lastCountedMs.size === 0 && !this.open.has(startMs)) {
        startMs = this.oldestOpenMs(endMs);
        continue;
      }
      const counts = this.open.get(startMs);
      if (counts !== undefined) {
        for (const [slot, n] of counts) {
          points.push(keys[slot]!, startMs, n);
          this.lastCountedMs.set(slot, startMs);
        }
        this.open.delete(startMs);
        if (counts === this.currentCounts) this.currentCounts = null;
      }
      for (const [slot, lastMs] of this.lastCountedMs) {
        if (lastMs === startMs) continue;
        if (startMs - lastMs <= zeroFillSteps * intervalMs) points.push(keys[slot]!, startMs, 0);
        else {
          this.lastCountedMs.delete(slot);
          quiet = true;
        }
      }
      startMs += intervalMs;
    }
    if (endMs > this.closedBeforeMs) this.closedBeforeMs = endMs;
    if (quiet) this.freeQuietHostSeverities();
    return points.finish();
  }

  /** The slot of a series key, taking a free one for a key not counted yet. */
  private slotOf(key: string): number {
    let slot = this.slotByKey.get(key);
    if (slot === undefined) {
      slot = this.freeSlots.pop() ?? this.slotKeys.length;
      this.slotKeys[slot] = key;
      this.slotByKey.set(key, slot);
    }
    return slot;
  }

  /** Frees the per-host severity slots no open interval counts in and no zero-fill still needs. */
  private freeQuietHostSeverities(): void {
    for (const [host, slots] of this.hostSeveritySlots) {
      let kept = 0;
      for (let code = 0; code < slots.length; code++) {
        const slot = slots[code]!;
        if (slot === NO_SLOT) continue;
        if (this.isLive(slot)) {
          kept++;
          continue;
        }
        slots[code] = NO_SLOT;
        const key = this.slotKeys[slot]!;
        // Hosts sharing a tag share the slot: free it once.
        if (this.slotByKey.get(key) === slot) {
          this.slotByKey.delete(key);
          this.slotKeys[slot] = '';
          this.freeSlots.push(slot);
        }
      }
      if (kept === 0) this.hostSeveritySlots.delete(host);
    }
  }

  private isLive(slot: number): boolean {
    if (this.lastCountedMs.has(slot)) return true;
    for (const counts of this.open.values()) if (counts.has(slot)) return true;
    return false;
  }

  /** Start of the oldest interval still counting, or `limitMs` when there is none before it. */
  private oldestOpenMs(limitMs: number): number {
    let oldest = limitMs;
    for (const startMs of this.open.keys()) if (startMs < oldest) oldest = startMs;
    return oldest;
  }
}

function bump(counts: Map<number, number>, slot: number): void {
  counts.set(slot, (counts.get(slot) ?? 0) + 1);
}
