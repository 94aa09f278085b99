/** Tags of a series: label name to value. Order never matters; the canonical key sorts them. */
export type Tags = Readonly<Record<string, string>>;

/** A series as users name it: a dotted metric path plus optional tags. */
export interface SeriesRef {
  readonly name: string;
  readonly tags: Tags;
}

/** A series known to the index: its dense id is stable across restarts. */
export interface SeriesInfo extends SeriesRef {
  readonly id: number;
  /** Canonical key, `name;k1=v1;k2=v2` with tags sorted by name (Graphite's tagged-path form). */
  readonly key: string;
}

const TAG_NAME = /^[A-Za-z0-9_.\-]+$/;

/** Why a series name or tag set cannot be used; null when it can. */
export function validateSeriesRef(ref: SeriesRef): string | null {
  if (ref.name.length === 0) return 'empty series name';
  if (/[\s;]/.test(ref.name)) return `series name ${JSON.stringify(ref.name)} contains whitespace or ';'`;
  for (const [k, v] of Object.entries(ref.tags)) {
    if (!TAG_NAME.test(k)) return `tag name ${JSON.stringify(k)} must match [A-Za-z0-9_.-]+`;
    if (v.length === 0 || /[\s;~]/.test(v)) return `tag ${k} has invalid value ${JSON.stringify(v)}`;
  }
  return null;
}

/** Canonical key: the name, then `;k=v` for each tag sorted by tag name. */
export function seriesKey(name: string, tags: Tags = {}): string {
  const names = Object.keys(tags);
  if (names.length === 0) return name;
  names.sort();
  let key = name;
  for (const k of names) key += `;${k}=${tags[k]}`;
  return key;
}

/** Inverse of seriesKey; also canonicalises an unsorted tagged path (`a.b;z=1;y=2`). */
export function parseSeriesKey(path: string): SeriesRef {
  const parts = path.split(';');
  const name = parts[0] ?? '';
  const tags: Record<string, string> = {};
  for (let i = 1; i < parts.length; i++) {
    const p = parts[i]!;
    const eq = p.indexOf('=');
    if (eq <= 0) throw new Error(`cannot parse tag ${JSON.stringify(p)} in series ${JSON.stringify(path)}: expected name=value`);
    tags[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return { name, tags };
}

/** Stable 32-bit FNV-1a hash of a series key: the partition of a series is hash mod P. */
export function hashSeriesKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The series id a store gives a key it cannot keep (not a valid series, or no ids left); appends
 * reject points with it as bad_series. Real ids are dense from 0 and never change while a store runs.
 */
export const INVALID_SERIES_ID = 0xffff_ffff;
