/**
 * The synthetic series of `vigil bench ingest`, shared by its Graphite and remote write loads so that
 * both protocols carry the same series and the same values.
 */

/** Seconds between two points of a series. */
export const SYNTHETIC_STEP_SECONDS = 10;

/** Graphite name of series `id` (its `__name__` label in remote write). */
export function syntheticSeriesName(id: number): string {
  return `bench.app${id % 50}.metric${id}`;
}

/** Value of the `host` tag (label) of series `id`. */
export function syntheticSeriesHost(id: number): string {
  return `h${id % 200}`;
}

/** Value of point `point` of series `id`: a noisy level, cheap to make, and real work for the detectors. */
export function syntheticValue(id: number, point: number): number {
  return 100 + ((id * 7919 + point * 104_729) % 1000) / 10;
}

/** Timestamp of the first point, in seconds: `pointsPerSeries` points 10 s apart end now. */
export function syntheticStartSeconds(pointsPerSeries: number, nowMs: number): number {
  return Math.floor(nowMs / 1000) - pointsPerSeries * SYNTHETIC_STEP_SECONDS;
}

/** Series ids `[first, first + count)` of each connection: the series split evenly, each sent by one connection. */
export function seriesPerConnection(series: number, connections: number): { readonly first: number; readonly count: number }[] {
  const perConnection = Math.ceil(series / connections);
  const ranges: { first: number; count: number }[] = [];
  for (let first = 0; first < series; first += perConnection) ranges.push({ first, count: Math.min(perConnection, series - first) });
  return ranges;
}
