import type { Call, GraphiteFunction, ParamSpec } from '../function-types.js';
import { longest, normalize } from '../consolidate.js';
import { makeSeries, type Series } from '../series.js';
import { aggKey, aggregateSeries, formatPathExpressions, groupBy } from './aggregate.js';

const SERIES_LISTS: ParamSpec = { name: 'seriesLists', type: 'seriesList', required: true, multiple: true };

function aggregator(name: string, func: string, description: string): GraphiteFunction {
  return {
    name,
    group: 'Combine',
    description,
    params: [SERIES_LISTS],
    aggregator: true,
    apply: (call) => aggregateSeries(call.series('seriesLists'), func, call.ctx.xFilesFactor),
  };
}

export const sumSeries = aggregator('sumSeries', 'sum', 'Adds series together point by point (nulls skipped; null where all are null).\n\n.. code-block:: none\n\n  &target=sumSeries(company.server.*.requests)');
export const sum = aggregator('sum', 'sum', 'Short form of sumSeries.');
export const averageSeries = aggregator('averageSeries', 'average', 'Averages series point by point, over the non-null values.\n\n.. code-block:: none\n\n  &target=averageSeries(company.server.*.threads.busy)');
export const avg = aggregator('avg', 'average', 'Short form of averageSeries.');
export const minSeries = aggregator('minSeries', 'min', 'The lowest value of the series at each point.');
export const maxSeries = aggregator('maxSeries', 'max', 'The highest value of the series at each point.');

export const aggregate: GraphiteFunction = {
  name: 'aggregate',
  group: 'Combine',
  description: 'Aggregates series point by point with the named function (average, avg_zero, median, sum, min, max, diff, stddev, count, range, multiply, last and their aliases).',
  params: [
    { name: 'seriesList', type: 'seriesList', required: true },
    { name: 'func', type: 'aggFunc', required: true },
    { name: 'xFilesFactor', type: 'float' },
  ],
  apply: (call) => aggregateSeries(call.series('seriesList'), call.string('func')!, call.number('xFilesFactor') ?? call.ctx.xFilesFactor),
};

export const group: GraphiteFunction = {
  name: 'group',
  group: 'Combine',
  description: 'Joins series lists into one list, to pass several to a function that takes one.',
  params: [{ name: 'seriesLists', type: 'seriesList', multiple: true }],
  apply: (call) => call.series('seriesLists'),
};

/** groupByNode's callback: an aggregation name or an aggregator function (sumSeries, asPercent, ...). */
function applyCallback(call: Call, callback: string, series: Series[]): Series | undefined {
  if (callback === 'asPercent') return asPercentOf(series, undefined, [], call.ctx.xFilesFactor)[0];
  const func = AGGREGATOR_FUNCS[callback] ?? callback;
  return aggregateSeries(series, func, call.ctx.xFilesFactor)[0];
}

const AGGREGATOR_FUNCS: Readonly<Record<string, string>> = {
  sumSeries: 'sum',
  sum: 'sum',
  averageSeries: 'average',
  avg: 'average',
  minSeries: 'min',
  maxSeries: 'max',
};

export const groupByNode: GraphiteFunction = {
  name: 'groupByNode',
  group: 'Combine',
  description:
    'Groups series by one node of their names (0-based; a tag name works too) and combines each group with the callback (an aggregation such as sum or average, or sumSeries); each result is named by its node.\n\n.. code-block:: none\n\n  &target=groupByNode(ganglia.by-function.*.*.cpu.load5,2,"sumSeries")',
  params: [
    { name: 'seriesList', type: 'seriesList', required: true },
    { name: 'nodeNum', type: 'nodeOrTag', required: true },
    { name: 'callback', type: 'aggOrSeriesFunc', default: 'average' },
  ],
  apply(call) {
    const node = call.value('nodeNum')!;
    const callback = call.string('callback')!;
    const results: Series[] = [];
    for (const [key, members] of groupBy(call.series('seriesList'), (s) => aggKey(s, [node as number | string]))) {
      const combined = applyCallback(call, callback, members);
      if (combined !== undefined) results.push({ ...combined, name: key });
    }
    return results;
  },
};

function percent(value: number, total: number): number {
  if (value !== value || total !== total || total === 0) return NaN;
  return (value / total) * 100;
}

function percentValues(values: Float64Array, totals: Float64Array | number): Float64Array {
  const n = typeof totals === 'number' ? values.length : Math.max(values.length, totals.length);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = i < values.length ? values[i]! : NaN;
    const t = typeof totals === 'number' ? totals : i < totals.length ? totals[i]! : NaN;
    out[i] = percent(v, t);
  }
  return out;
}

function nullSeries(name: string, like: Series, xFilesFactor: number): Series {
  return makeSeries({ name, startSec: like.startSec, endSec: like.endSec, stepSec: like.stepSec, values: new Float64Array(like.values.length).fill(NaN), xFilesFactor });
}

/** Point-by-point sum (Graphite's safeSum over izip_longest), as one column. */
function sumColumns(columns: readonly Float64Array[]): Float64Array {
  const n = longest(columns);
  const out = new Float64Array(n).fill(NaN);
  for (let i = 0; i < n; i++) {
    for (const c of columns) {
      const v = i < c.length ? c[i]! : NaN;
      if (v === v) out[i] = out[i] === out[i] ? out[i]! + v : v;
    }
  }
  return out;
}

/** A pair normalized to a common step, as asPercent does for a series and its total. */
function percentOfPair(name: string, series: Series, total: Series, xFilesFactor: number): Series {
  const n = normalize([series, total])!;
  return makeSeries({ name, startSec: n.startSec, endSec: n.endSec, stepSec: n.stepSec, values: percentValues(n.values[0]!, n.values[1]!), xFilesFactor });
}

/** One total per key: the series itself, or the sum of several (named sumSeries(...)). */
function totalOfGroup(members: Series[], xFilesFactor: number): Series {
  if (members.length === 1) return members[0]!;
  const n = normalize(members)!;
  return makeSeries({ name: `sumSeries(${formatPathExpressions(members)})`, startSec: n.startSec, endSec: n.endSec, stepSec: n.stepSec, values: sumColumns(n.values), xFilesFactor });
}

/** A total: series, or a number with the text Python would print for it in the name. */
type Total = Series[] | { readonly value: number; readonly text: string };

/** graphite-web's asPercent, `total` being a series list, a number or absent. */
function asPercentOf(seriesIn: Series[], total: Total | undefined, nodes: readonly (number | string)[], xFilesFactor: number): Series[] {
  const normalized = normalize(seriesIn);
  if (normalized === null) return [];
  const series = seriesIn.map((s, i) => ({ ...s, values: normalized.values[i]!, stepSec: normalized.stepSec }));

  if (nodes.length > 0) {
    if (total !== undefined && !Array.isArray(total)) throw new Error('total must be None or a seriesList when nodes are given');
    const groups = groupBy(series, (s) => aggKey(s, nodes));
    const keys = [...groups.keys()];
    const totals = new Map<string, Series>();
    if (total === undefined) {
      for (const [key, members] of groups) totals.set(key, totalOfGroup(members, xFilesFactor));
    } else {
      for (const [key, members] of groupBy(total, (s) => aggKey(s, nodes))) {
        totals.set(key, totalOfGroup(members, xFilesFactor));
        if (!keys.includes(key)) keys.push(key);
      }
    }
    const results: Series[] = [];
    for (const key of keys) {
      const members = groups.get(key);
      const t = totals.get(key);
      if (members === undefined) {
        results.push(nullSeries(`asPercent(MISSING,${t!.name})`, t!, xFilesFactor));
        continue;
      }
      for (const s of members) {
        results.push(t === undefined ? nullSeries(`asPercent(${s.name},MISSING)`, s, xFilesFactor) : percentOfPair(`asPercent(${s.name},${t.name})`, s, t, xFilesFactor));
      }
    }
    return results;
  }

  if (Array.isArray(total) && total.length === series.length) {
    const byName = (a: Series, b: Series): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    const left = [...series].sort(byName);
    const right = [...total].sort(byName);
    return left.map((s, i) => percentOfPair(`asPercent(${s.name},${right[i]!.name})`, s, right[i]!, xFilesFactor));
  }
  let totals: Float64Array | number;
  let totalText: string;
  if (total === undefined) {
    totals = sumColumns(series.map((s) => s.values));
    totalText = `sumSeries(${formatPathExpressions(series)})`;
  } else if (Array.isArray(total)) {
    if (total.length !== 1) {
      throw new Error('asPercent second argument must be missing, a single digit, reference exactly 1 series or reference the same number of series as the first argument');
    }
    const n = normalize([...seriesIn, total[0]!])!;
    totals = n.values[n.values.length - 1]!;
    totalText = total[0]!.name;
    return seriesIn.map((s, i) =>
      makeSeries({ name: `asPercent(${s.name},${totalText})`, startSec: s.startSec, endSec: s.endSec, stepSec: n.stepSec, values: percentValues(n.values[i]!, totals), xFilesFactor }),
    );
  } else {
    totals = total.value;
    totalText = total.text;
  }
  return series.map((s) =>
    makeSeries({ name: `asPercent(${s.name},${totalText})`, startSec: s.startSec, endSec: s.endSec, stepSec: s.stepSec, values: percentValues(s.values, totals), xFilesFactor }),
  );
}

export const asPercent: GraphiteFunction = {
  name: 'asPercent',
  group: 'Combine',
  description:
    'Each series as a percentage of a total: the sum of the list when total is absent, a single series, a list of as many series (paired by sorted name), or a number. With nodes, series and totals are paired by those nodes (or tags); unmatched ones give asPercent(x,MISSING) with null values.\n\n.. code-block:: none\n\n  &target=asPercent(Server01.connections.{failed,succeeded}, Server01.connections.attempted)\n  &target=asPercent(apache01.threads.busy,1500)',
  params: [
    { name: 'seriesList', type: 'seriesList', required: true },
    { name: 'total', type: 'any' },
    { name: 'nodes', type: 'nodeOrTag', multiple: true },
  ],
  aggregator: true,
  apply(call) {
    let total: Total | undefined;
    if (call.isSeries('total')) total = call.series('total');
    else if (call.has('total')) total = { value: call.number('total')!, text: call.numberText('total') };
    try {
      return asPercentOf(call.series('seriesList'), total, call.scalars('nodes') as (number | string)[], call.ctx.xFilesFactor);
    } catch (err) {
      throw call.error((err as Error).message);
    }
  },
};
