import { consolidateValues } from './consolidate.js';
import { JsonWriter } from './json-writer.js';
import type { Series } from './series.js';

export interface RenderJsonOptions {
  /** Most points per series (Grafana sends the panel width); absent lists every point. */
  readonly maxDataPoints?: number;
  /** Leave out null points, and series left with none. */
  readonly noNullPoints: boolean;
}

/** A series as the response lists it: points from `startSec` every `stepSec`, values possibly consolidated. */
interface Listed {
  readonly startSec: number;
  readonly stepSec: number;
  readonly values: Float64Array;
  readonly count: number;
}

/**
 * graphite-web's maxDataPoints consolidation: a series with more points over the response's time range
 * than maxDataPoints is consolidated by its consolidation function (average unless consolidateBy says
 * otherwise) in bands of ceil(points / maxDataPoints) values. Bands start at multiples of the band
 * width, so they do not shift between refreshes; values before the first band are dropped. (graphite-web
 * keeps one value more there, which labels every band one step late; Vigil labels a band by the time of
 * its first value.) With maxDataPoints 1 a series is one point at its start.
 */
function listed(series: Series, options: RenderJsonOptions, rangeSec: number): Listed {
  const maxDataPoints = options.maxDataPoints;
  let { startSec, stepSec, values } = series;
  if (maxDataPoints === 1) {
    values = consolidateValues(values, Math.max(1, values.length), series.consolidationFunc, series.xFilesFactor);
    stepSec = Math.max(stepSec, series.endSec - startSec + stepSec);
  } else if (maxDataPoints !== undefined && maxDataPoints < rangeSec / stepSec) {
    const valuesPerPoint = Math.ceil(rangeSec / stepSec / maxDataPoints);
    const secondsPerPoint = valuesPerPoint * stepSec;
    const nudge = secondsPerPoint + mod(startSec, stepSec) - mod(startSec, secondsPerPoint);
    startSec += nudge;
    values = consolidateValues(values.subarray(Math.min(values.length, Math.round(nudge / stepSec))), valuesPerPoint, series.consolidationFunc, series.xFilesFactor);
    stepSec = secondsPerPoint;
  }
  const timestamps = series.endSec >= startSec ? Math.floor((series.endSec - startSec) / stepSec) + 1 : 0;
  return { startSec, stepSec, values, count: Math.min(values.length, timestamps) };
}

function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

/**
 * The body of /render?format=json: `[{"target": name, "tags": {...}, "datapoints": [[value, ts], ...]}]`,
 * timestamps in Unix seconds, written as bytes (no object per point).
 */
export function renderJson(series: readonly Series[], options: RenderJsonOptions): Buffer {
  let rangeSec = 0;
  if (series.some((s) => s.values.length > 0)) {
    let startSec = Infinity;
    let endSec = -Infinity;
    for (const s of series) {
      startSec = Math.min(startSec, s.startSec);
      endSec = Math.max(endSec, s.endSec);
    }
    rangeSec = endSec - startSec;
  }
  const out = new JsonWriter();
  out.raw('[');
  let first = true;
  for (const s of series) {
    const { startSec, stepSec, values, count } = listed(s, options, rangeSec);
    if (options.noNullPoints && !hasValue(values, count)) continue;
    out.raw(`${first ? '' : ','}{"target":${JSON.stringify(s.name)},"tags":${JSON.stringify(s.tags)},"datapoints":[`);
    first = false;
    let written = 0;
    for (let i = 0; i < count; i++) {
      const v = values[i]!;
      if (options.noNullPoints && v !== v) continue;
      out.point(v, startSec + i * stepSec, written++ === 0);
    }
    out.raw(']}');
  }
  return out.raw(']').bytes();
}

function hasValue(values: Float64Array, count: number): boolean {
  for (let i = 0; i < count; i++) if (values[i] === values[i]) return true;
  return false;
}
