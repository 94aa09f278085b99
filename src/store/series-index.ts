import { globToRegExp } from '../util/index.js';
import { INVALID_SERIES_ID, parseSeriesKey, seriesKey, validateSeriesRef } from '../model/index.js';
import type { SeriesInfo, SeriesRef } from '../model/index.js';

/**
 * The in-memory series index: canonical key to dense id and back. New series are handed out
 * synchronously and kept in `pending` until a commit makes them durable.
 */
export class SeriesIndex {
  private readonly byKey = new Map<string, SeriesInfo>();
  private readonly byId: SeriesInfo[] = [];
  private pending: SeriesInfo[] = [];

  get size(): number {
    return this.byId.length;
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  /** Adds a series read back from the store; ids must arrive in order 0, 1, 2, ... */
  load(id: number, key: string): void {
    if (id !== this.byId.length) throw new Error(`cannot load series index: expected id ${this.byId.length}, got ${id} for ${JSON.stringify(key)}`);
    this.add(key);
  }

  resolve(keys: readonly string[]): Uint32Array {
    const ids = new Uint32Array(keys.length);
    for (let i = 0; i < keys.length; i++) ids[i] = this.resolveOne(keys[i]!);
    return ids;
  }

  /** The id of one key, creating the series if it is new; INVALID_SERIES_ID for an invalid key. */
  resolveOne(key: string): number {
    const known = this.byKey.get(key);
    return known !== undefined ? known.id : this.resolveNew(key);
  }

  byIdOrUndefined(id: number): SeriesInfo | undefined {
    return this.byId[id];
  }

  byKeyOrUndefined(key: string): SeriesInfo | undefined {
    return this.byKey.get(key);
  }

  find(glob: string, limit: number): SeriesInfo[] {
    const pattern = globToRegExp(glob);
    const matches: SeriesInfo[] = [];
    for (const info of this.byId) if (pattern.test(info.key)) matches.push(info);
    matches.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const max = limit > 0 ? Math.floor(limit) : 0;
    return matches.length > max ? matches.slice(0, max) : matches;
  }

  /** Hands the series created since the last call to a commit. */
  takePending(): SeriesInfo[] {
    const taken = this.pending;
    this.pending = [];
    return taken;
  }

  /** Puts back series whose commit failed, so that the next commit writes them. */
  restorePending(series: readonly SeriesInfo[]): void {
    this.pending = series.concat(this.pending);
  }

  /** Canonicalises a key not found as given; an invalid one maps to INVALID_SERIES_ID. */
  private resolveNew(key: string): number {
    let ref: SeriesRef;
    let canonical: string;
    try {
      ref = parseSeriesKey(key);
      if (validateSeriesRef(ref) !== null) return INVALID_SERIES_ID;
      canonical = seriesKey(ref.name, ref.tags);
    } catch {
      return INVALID_SERIES_ID;
    }
    // Parsers hand over canonical keys, so the lookup by the canonical form is nearly always the one just made.
    if (canonical !== key) {
      const known = this.byKey.get(canonical);
      if (known !== undefined) return known.id;
    }
    if (this.byId.length >= INVALID_SERIES_ID) return INVALID_SERIES_ID;
    // The parsed tags keep the order they were written in, which is the canonical order only when the key was.
    const info = canonical === key ? this.add(canonical, ref) : this.add(canonical);
    this.pending.push(info);
    return info.id;
  }

  private add(key: string, ref: SeriesRef = parseSeriesKey(key)): SeriesInfo {
    const info: SeriesInfo = Object.freeze({ id: this.byId.length, key, name: ref.name, tags: Object.freeze(ref.tags) });
    this.byId.push(info);
    this.byKey.set(key, info);
    return info;
  }
}
