/** How a series is consolidated when several of its values become one point (Graphite's consolidateBy). */
export type ConsolidationFunc = 'sum' | 'average' | 'avg' | 'avg_zero' | 'min' | 'max' | 'first' | 'last';
export const CONSOLIDATION_FUNCS: readonly ConsolidationFunc[] = ['sum', 'average', 'avg', 'avg_zero', 'min', 'max', 'first', 'last'];

/**
 * A Graphite time series: one value per step from `startSec`, columnar. NaN stands for null (no value),
 * as Graphite's None. `endSec` is kept apart from the value count because Graphite functions set it
 * (timeShift, summarize); a response lists min(values, timestamps from start to end) points.
 *
 * Series are immutable: functions build new ones, so series fetched once can be shared.
 */
export interface Series {
  readonly name: string;
  /** The expression that produced the series (sumSeries(a.*) names its result by these). */
  readonly pathExpression: string;
  /** Tag values are strings, as in graphite-web. */
  readonly tags: Readonly<Record<string, string>>;
  readonly startSec: number;
  readonly endSec: number;
  readonly stepSec: number;
  readonly values: Float64Array;
  readonly consolidationFunc: ConsolidationFunc;
  readonly xFilesFactor: number;
  /** The stored series it was read from, while its values are still the stored ones (anomalies() needs it). */
  readonly seriesId?: number;
}

const FUNCTION_NAME = /^[a-z]+[(].+[)]$/i;

/**
 * Tags Graphite gives a series made under `name`: a function-like name gets `{name}`, a path is parsed
 * as `metric;tag=value;...` (the `name` tag is the metric).
 */
function tagsForName(name: string): Record<string, string> {
  if (FUNCTION_NAME.test(name)) return { name };
  const segments = name.split(';');
  const metric = segments[0]!;
  if (metric === '') return { name };
  const tags: Record<string, string> = {};
  for (let i = 1; i < segments.length; i++) {
    const segment = segments[i]!;
    const eq = segment.indexOf('=');
    if (eq <= 0) return { name };
    tags[segment.slice(0, eq)] = segment.slice(eq + 1);
  }
  tags.name = metric;
  return tags;
}

/** A new series; tags default to those parsed from the name, pathExpression to the name. */
export function makeSeries(fields: {
  readonly name: string;
  readonly startSec: number;
  readonly endSec: number;
  readonly stepSec: number;
  readonly values: Float64Array;
  readonly xFilesFactor: number;
  readonly tags?: Readonly<Record<string, string>>;
  readonly pathExpression?: string;
  readonly consolidationFunc?: ConsolidationFunc;
  readonly seriesId?: number;
}): Series {
  return {
    name: fields.name,
    pathExpression: fields.pathExpression ?? fields.name,
    tags: fields.tags ?? tagsForName(fields.name),
    startSec: fields.startSec,
    endSec: fields.endSec,
    stepSec: fields.stepSec,
    values: fields.values,
    consolidationFunc: fields.consolidationFunc ?? 'average',
    xFilesFactor: fields.xFilesFactor,
    ...(fields.seriesId === undefined ? {} : { seriesId: fields.seriesId }),
  };
}

/**
 * Graphite's `series.copy(name=..., values=...)`: same times, tags and consolidation, new values; the
 * pathExpression becomes the new name and the series is no longer the stored one.
 */
export function derive(series: Series, name: string, values: Float64Array, extraTags: Readonly<Record<string, string>> = {}): Series {
  return {
    name,
    pathExpression: name,
    tags: { ...series.tags, ...extraTags },
    startSec: series.startSec,
    endSec: series.endSec,
    stepSec: series.stepSec,
    values,
    consolidationFunc: series.consolidationFunc,
    xFilesFactor: series.xFilesFactor,
  };
}

/** The same series with other fields replaced; values untouched, so a stored series stays stored. */
export function withFields(series: Series, fields: Partial<Omit<Series, 'values' | 'seriesId'>>): Series {
  return { ...series, ...fields };
}
