import { LOG_SEVERITIES, type LogSeverity } from '../../model/index.js';

/** What is known of one template handle of the miner. */
export interface TemplateStats {
  count: number;
  firstSeenMs: number;
  lastSeenMs: number;
  /** Syslog code of the most severe record seen (0 is emergency). */
  worstSeverityCode: number;
  /** The latest example lines, oldest first. */
  examples: string[];
}

/** Plain-data form of a catalog, for the snapshot file. */
export type TemplateCatalogSnapshot = readonly (TemplateStats | null)[];

/** Longest example line kept, so that one huge message cannot bloat the catalog. */
const MAX_EXAMPLE_CHARS = 2_000;

/**
 * Counts, first and last times, worst severity and latest example lines per miner handle. Kept by
 * handle rather than template id because handles never change while templates merge; callers fold
 * the handles of one template together (see `merge`).
 */
export class TemplateCatalog {
  private readonly byHandle: (TemplateStats | null)[] = [];

  constructor(private readonly examplesPerTemplate: number) {}

  record(handle: number, timestampMs: number, severity: LogSeverity, message: string): void {
    while (this.byHandle.length <= handle) this.byHandle.push(null);
    const code = LOG_SEVERITIES.indexOf(severity);
    const example = message.length > MAX_EXAMPLE_CHARS ? `${message.slice(0, MAX_EXAMPLE_CHARS)}…` : message;
    const stats = this.byHandle[handle];
    if (stats === null || stats === undefined) {
      this.byHandle[handle] = { count: 1, firstSeenMs: timestampMs, lastSeenMs: timestampMs, worstSeverityCode: code, examples: [example] };
      return;
    }
    stats.count++;
    if (timestampMs < stats.firstSeenMs) stats.firstSeenMs = timestampMs;
    if (timestampMs > stats.lastSeenMs) stats.lastSeenMs = timestampMs;
    if (code < stats.worstSeverityCode) stats.worstSeverityCode = code;
    if (!stats.examples.includes(example)) {
      stats.examples.push(example);
      if (stats.examples.length > this.examplesPerTemplate) stats.examples.shift();
    }
  }

  /** The stats of several handles (those of one template) as one; null when none has any. */
  merge(handles: readonly number[]): TemplateStats | null {
    let merged: TemplateStats | null = null;
    for (const handle of handles) {
      const stats = this.byHandle[handle];
      if (stats === null || stats === undefined) continue;
      if (merged === null) {
        merged = { ...stats, examples: [...stats.examples] };
        continue;
      }
      merged.count += stats.count;
      merged.firstSeenMs = Math.min(merged.firstSeenMs, stats.firstSeenMs);
      merged.lastSeenMs = Math.max(merged.lastSeenMs, stats.lastSeenMs);
      merged.worstSeverityCode = Math.min(merged.worstSeverityCode, stats.worstSeverityCode);
      for (const example of stats.examples) if (!merged.examples.includes(example)) merged.examples.push(example);
    }
    if (merged !== null && merged.examples.length > this.examplesPerTemplate) merged.examples = merged.examples.slice(-this.examplesPerTemplate);
    return merged;
  }

  snapshot(): TemplateCatalogSnapshot {
    return this.byHandle.map((s) => (s === null ? null : { ...s, examples: [...s.examples] }));
  }

  static restore(snapshot: TemplateCatalogSnapshot, examplesPerTemplate: number): TemplateCatalog {
    if (!Array.isArray(snapshot)) throw new Error('cannot restore template catalog: snapshot is not an array');
    const catalog = new TemplateCatalog(examplesPerTemplate);
    snapshot.forEach((s, handle) => {
      if (s === null) {
        catalog.byHandle.push(null);
        return;
      }
      const valid = typeof s === 'object' && Number.isInteger(s.count) && Number.isFinite(s.firstSeenMs) && Number.isFinite(s.lastSeenMs) && Number.isInteger(s.worstSeverityCode) && Array.isArray(s.examples);
      if (!valid) throw new Error(`cannot restore template catalog: entry ${handle} lacks count, times, severity or examples`);
      catalog.byHandle.push({ count: s.count, firstSeenMs: s.firstSeenMs, lastSeenMs: s.lastSeenMs, worstSeverityCode: s.worstSeverityCode, examples: s.examples.map(String).slice(-examplesPerTemplate) });
    });
    return catalog;
  }
}
