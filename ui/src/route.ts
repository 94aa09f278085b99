/**
 * The page state that belongs in a shareable link, kept in the URL hash:
 * `#/series/<encoded key>?from=-6h`, or `#/?from=-6h` with no series selected.
 */

export type RangeId = '1h' | '6h' | '24h' | '7d';

export const RANGES: readonly RangeId[] = ['1h', '6h', '24h', '7d'];

export const DEFAULT_RANGE: RangeId = '1h';

export interface Route {
  readonly seriesKey: string | null;
  readonly range: RangeId;
}

/** The API's relative `from` for a range: `-6h`. */
export function rangeFrom(range: RangeId): string {
  return `-${range}`;
}

function parseRange(from: string | null): RangeId {
  const id = from?.startsWith('-') ? from.slice(1) : from;
  return RANGES.find((r) => r === id) ?? DEFAULT_RANGE;
}

export function parseRoute(hash: string): Route {
  const body = hash.startsWith('#') ? hash.slice(1) : hash;
  const q = body.indexOf('?');
  const path = q < 0 ? body : body.slice(0, q);
  const params = new URLSearchParams(q < 0 ? '' : body.slice(q + 1));
  const range = parseRange(params.get('from'));
  const prefix = '/series/';
  if (!path.startsWith(prefix) || path.length === prefix.length) return { seriesKey: null, range };
  try {
    return { seriesKey: decodeURIComponent(path.slice(prefix.length)), range };
  } catch {
    // A hand-edited link with a broken %-escape: show the series list rather than fail.
    return { seriesKey: null, range };
  }
}

export function formatRoute(route: Route): string {
  const query = `?from=${rangeFrom(route.range)}`;
  if (route.seriesKey === null) return `#/${query}`;
  return `#/series/${encodeURIComponent(route.seriesKey)}${query}`;
}
