import { aggFunc } from '../agg-funcs.js';
import { parseTimeOffsetSec } from '../attime.js';
import type { Call, GraphiteFunction, ParamSpec } from '../function-types.js';
import { formatG, round6 } from '../py-format.js';
import { CONSOLIDATION_FUNCS, derive, withFields, type ConsolidationFunc, type Series } from '../series.js';

const SERIES_LIST: ParamSpec = { name: 'seriesList', type: 'seriesList', required: true };

function mapValues(values: Float64Array, f: (v: number) => number): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    out[i] = v === v ? f(v) : NaN;
  }
  return out;
}

export const scale: GraphiteFunction = {
  name: 'scale',
  group: 'Transform',
  description: 'Multiplies each value by a constant.\n\n.. code-block:: none\n\n  &target=scale(Server.instance01.threads.busy,10)',
  params: [SERIES_LIST, { name: 'factor', type: 'float', required: true }],
  apply(call) {
    const factor = call.number('factor')!;
    const name = (s: Series): string => `scale(${s.name},${formatG(factor)})`;
    return call.series('seriesList').map((s) => derive(s, name(s), mapValues(s.values, (v) => v * factor), { scale: call.numberText('factor') }));
  },
};

export const offset: GraphiteFunction = {
  name: 'offset',
  group: 'Transform',
  description: 'Adds a constant to each value.\n\n.. code-block:: none\n\n  &target=offset(Server.instance01.threads.busy,10)',
  params: [SERIES_LIST, { name: 'factor', type: 'float', required: true }],
  apply(call) {
    const factor = call.number('factor')!;
    return call.series('seriesList').map((s) => derive(s, `offset(${s.name},${formatG(factor)})`, mapValues(s.values, (v) => v + factor), { offset: call.numberText('factor') }));
  },
};

export const derivative: GraphiteFunction = {
  name: 'derivative',
  group: 'Transform',
  description: 'The difference between each value and the one before it (null after a null); see perSecond for a rate.\n\n.. code-block:: none\n\n  &target=derivative(company.server.application01.ifconfig.TXPackets)',
  params: [SERIES_LIST],
  apply(call) {
    return call.series('seriesList').map((s) => {
      const out = new Float64Array(s.values.length);
      let prev = NaN;
      for (let i = 0; i < s.values.length; i++) {
        const v = s.values[i]!;
        out[i] = v - prev;
        prev = v;
      }
      return derive(s, `derivative(${s.name})`, out, { derivative: '1' });
    });
  },
};

/**
 * Graphite's _nonNegativeDelta for one step: values above maxValue or below minValue are dropped (and
 * forget the previous value); a counter that went down is a wrap past maxValue, a reset to minValue, or
 * null when neither is given.
 */
function counterDeltas(values: Float64Array, maxValue: number | undefined, minValue: number | undefined): Float64Array {
  const out = new Float64Array(values.length);
  let prev = NaN;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if ((maxValue !== undefined && v > maxValue) || (minValue !== undefined && v < minValue)) {
      out[i] = NaN;
      prev = NaN;
      continue;
    }
    if (v !== v || prev !== prev) out[i] = NaN;
    else if (v >= prev) out[i] = v - prev;
    else if (maxValue !== undefined) out[i] = maxValue + 1 + v - prev - (minValue ?? 0);
    else if (minValue !== undefined) out[i] = v - minValue;
    else out[i] = NaN;
    prev = v;
  }
  return out;
}

const COUNTER_PARAMS: readonly ParamSpec[] = [SERIES_LIST, { name: 'maxValue', type: 'float' }, { name: 'minValue', type: 'float' }];

export const nonNegativeDerivative: GraphiteFunction = {
  name: 'nonNegativeDerivative',
  group: 'Transform',
  description:
    'Like derivative, for counters: a decrease is null, or with maxValue the counter is taken to have wrapped at maxValue, with minValue to have reset to minValue. Values above maxValue or below minValue are null.\n\n.. code-block:: none\n\n  &target=nonNegativeDerivative(company.server.application01.ifconfig.TXPackets)',
  params: COUNTER_PARAMS,
  apply(call) {
    const max = call.number('maxValue');
    const min = call.number('minValue');
    return call.series('seriesList').map((s) => derive(s, `nonNegativeDerivative(${s.name})`, counterDeltas(s.values, max, min), { nonNegativeDerivative: '1' }));
  },
};

export const perSecond: GraphiteFunction = {
  name: 'perSecond',
  group: 'Transform',
  description: 'nonNegativeDerivative divided by the step in seconds (rounded to 6 decimals, as Graphite does): a counter as a rate per second.\n\n.. code-block:: none\n\n  &target=perSecond(company.server.application01.ifconfig.TXPackets)',
  params: COUNTER_PARAMS,
  apply(call) {
    const max = call.number('maxValue');
    const min = call.number('minValue');
    return call.series('seriesList').map((s) => {
      const deltas = counterDeltas(s.values, max, min);
      return derive(s, `perSecond(${s.name})`, mapValues(deltas, (d) => round6(d / s.stepSec)), { perSecond: '1' });
    });
  },
};

export const keepLastValue: GraphiteFunction = {
  name: 'keepLastValue',
  group: 'Transform',
  description:
    'Fills runs of nulls with the last value before them, for runs of at most `limit` nulls (longer runs stay null); leading nulls stay null.\n\n.. code-block:: none\n\n  &target=keepLastValue(Server01.connections.handled)\n  &target=keepLastValue(Server01.connections.handled, 10)',
  params: [SERIES_LIST, { name: 'limit', type: 'intOrInf', default: Infinity }],
  apply(call) {
    const limit = call.number('limit')!;
    return call.series('seriesList').map((s) => {
      const out = Float64Array.from(s.values);
      let nulls = 0;
      let last = NaN;
      for (let i = 0; i < out.length; i++) {
        const v = out[i]!;
        if (v !== v) {
          nulls++;
          continue;
        }
        if (nulls > 0 && nulls <= limit && last === last) out.fill(last, i - nulls, i);
        nulls = 0;
        last = v;
      }
      if (nulls > 0 && nulls <= limit && last === last) out.fill(last, out.length - nulls);
      return derive(s, `keepLastValue(${s.name})`, out);
    });
  },
};

export const transformNull: GraphiteFunction = {
  name: 'transformNull',
  group: 'Transform',
  description:
    'Replaces nulls with `default` (0 when not given). With referenceSeries, only where at least one of those series has a value at the same point.\n\n.. code-block:: none\n\n  &target=transformNull(webapp.pages.*.views,-1)',
  params: [SERIES_LIST, { name: 'default', type: 'float', default: 0 }, { name: 'referenceSeries', type: 'seriesList' }],
  apply(call) {
    const fill = call.number('default')!;
    const reference = call.series('referenceSeries');
    const text = call.numberText('default');
    let defaults: Float64Array | null = null;
    if (reference.length > 0) {
      defaults = new Float64Array(reference.reduce((n, r) => Math.max(n, r.values.length), 0)).fill(NaN);
      for (const r of reference) for (let i = 0; i < r.values.length; i++) if (r.values[i] === r.values[i]) defaults[i] = fill;
      if (defaults.length === 0) defaults = null;
    }
    return call.series('seriesList').map((s) => {
      const n = defaults === null ? s.values.length : Math.max(s.values.length, defaults.length);
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = i < s.values.length ? s.values[i]! : NaN;
        out[i] = v === v ? v : defaults === null ? fill : i < defaults.length ? defaults[i]! : NaN;
      }
      const name = defaults === null ? `transformNull(${s.name},${formatG(fill)})` : `transformNull(${s.name},${formatG(fill)},referenceSeries)`;
      return derive(s, name, out, defaults === null ? { transformNull: text } : { transformNull: text, referenceSeries: '1' });
    });
  },
};

/** Seconds of a positive interval such as `1h` or `5min`; throws a call error otherwise. */
function intervalSec(call: Call, param: string): number {
  const text = call.string(param)!;
  const sec = parseTimeOffsetSec(text);
  if (!(sec > 0)) throw call.error(`${param} must be a positive interval such as 1h or 5min, got ${JSON.stringify(text)}`);
  return sec;
}

/**
 * graphite-web's _summarizeValues: a bucket every `interval` from `start`; each takes the points whose
 * timestamps fall in it, is null when none of them has a value (or fewer than xFilesFactor of the
 * bucket's expected points), and returns the end of its last bucket.
 */
function summarizeValues(s: Series, func: (v: Float64Array, from: number, to: number) => number, interval: number, start: number, end: number): { values: number[]; alignedEnd: number } {
  const numPoints = Math.min(s.values.length, Math.max(0, Math.ceil((s.endSec - s.startSec) / s.stepSec)));
  const intervalPoints = interval / s.stepSec;
  const values: number[] = [];
  let i = 0;
  let t = start;
  while (t < end) {
    let from = i;
    let nonNull = 0;
    while (i < numPoints && s.startSec + i * s.stepSec < t + interval) {
      const ts = s.startSec + i * s.stepSec;
      if (ts <= t) from = i;
      if (ts >= t && s.values[i] === s.values[i]) nonNull++;
      i++;
    }
    values.push(nonNull > 0 && nonNull / intervalPoints >= s.xFilesFactor ? func(s.values, from, i) : NaN);
    t += interval;
  }
  return { values, alignedEnd: t };
}

export const summarize: GraphiteFunction = {
  name: 'summarize',
  group: 'Transform',
  description:
    'Summarizes each series into buckets of `intervalString` with `func` (sum by default; average, median, min, max, last, ...). Buckets align to multiples of the interval, or with alignToFrom to the start of the series.\n\n.. code-block:: none\n\n  &target=summarize(counter.errors, "1hour")\n  &target=summarize(queue.size, "1hour", "avg")',
  params: [
    SERIES_LIST,
    { name: 'intervalString', type: 'interval', required: true, suggestions: ['10min', '1h', '1d'] },
    { name: 'func', type: 'aggFunc', default: 'sum' },
    { name: 'alignToFrom', type: 'boolean', default: false },
  ],
  apply(call) {
    const intervalString = call.string('intervalString')!;
    const interval = intervalSec(call, 'intervalString');
    const funcName = call.string('func')!;
    const func = aggFunc(funcName.replace(/Series$/, ''));
    if (func === undefined) throw call.error(`unsupported aggregation function ${JSON.stringify(funcName)}`);
    const alignToFrom = call.boolean('alignToFrom')!;
    return call.series('seriesList').map((s) => {
      const start = alignToFrom ? s.startSec : s.startSec - mod(s.startSec, interval);
      let end = alignToFrom ? s.endSec : s.endSec - mod(s.endSec, interval) + interval;
      const summarized = summarizeValues(s, func, interval, start, end);
      if (alignToFrom) end = summarized.alignedEnd;
      const name = `summarize(${s.name}, "${intervalString}", "${funcName}"${alignToFrom ? ', true' : ''})`;
      const out = derive(s, name, Float64Array.from(summarized.values), { summarize: intervalString, summarizeFunction: funcName });
      return withFields(out, { startSec: start, endSec: end, stepSec: interval });
    });
  },
};

/** Python's modulo (never negative for a positive divisor). */
function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

export const timeShift: GraphiteFunction = {
  name: 'timeShift',
  group: 'Transform',
  description:
    'Draws the series as they were `timeShift` earlier (a plain "1d" means "-1d"; "+1h" shifts forward), over the same time axis. With resetEnd false the shifted series keeps its own length.\n\n.. code-block:: none\n\n  &target=timeShift(Sales.widgets.largeBlue,"7d")',
  params: [
    SERIES_LIST,
    { name: 'timeShift', type: 'interval', required: true, suggestions: ['1h', '6h', '12h', '1d', '2d', '7d', '14d', '30d'] },
    { name: 'resetEnd', type: 'boolean', default: true },
  ],
  async apply(call) {
    const series = call.series('seriesList');
    if (series.length === 0) return [];
    let shift = call.string('timeShift')!;
    if (/^\d/.test(shift)) shift = `-${shift}`;
    const deltaSec = parseTimeOffsetSec(shift);
    const reference = series[0]!;
    const resetEnd = call.boolean('resetEnd')!;
    const ctx = { ...call.ctx, fromSec: call.ctx.fromSec + deltaSec, untilSec: call.ctx.untilSec + deltaSec };
    const shifted = await call.evaluate(call.expression('seriesList'), ctx);
    return shifted.map((s) => {
      const endSec = resetEnd ? reference.endSec : s.endSec - s.startSec + reference.startSec;
      return {
        ...derive(s, `timeShift(${s.name}, "${shift}")`, s.values, { timeShift: shift }),
        startSec: reference.startSec,
        endSec,
      };
    });
  },
};

export const consolidateBy: GraphiteFunction = {
  name: 'consolidateBy',
  group: 'Special',
  description:
    "How points are combined when a response has more points than maxDataPoints (average by default): 'sum', 'average'/'avg', 'avg_zero', 'min', 'max', 'first' or 'last'.\n\n.. code-block:: none\n\n  &target=consolidateBy(Sales.widgets.largeBlue, 'sum')",
  params: [SERIES_LIST, { name: 'consolidationFunc', type: 'string', required: true, options: [...CONSOLIDATION_FUNCS] }],
  apply(call) {
    const func = call.string('consolidationFunc') as ConsolidationFunc;
    return call.series('seriesList').map((s) => {
      const name = `consolidateBy(${s.name},"${func}")`;
      return withFields(s, { name, pathExpression: name, consolidationFunc: func, tags: { ...s.tags, consolidateBy: func } });
    });
  },
};
