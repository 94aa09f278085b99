import { parseTimeOffsetSec } from '../attime.js';
import type { Call, EvalContext, GraphiteFunction } from '../function-types.js';
import type { Series } from '../series.js';

/** Index of the first point after `fromSec`: where a series read over the unextended range would start. */
export function firstIndexAfter(s: Series, fromSec: number): number {
  if (fromSec < s.startSec) return 0;
  return Math.floor((fromSec - s.startSec) / s.stepSec) + 1;
}

/** A window given as a number of points or as an interval string. */
export type WindowSize = { readonly points: number; readonly text: string } | { readonly seconds: number; readonly text: string };

export function readWindowSize(call: Call, param: string): WindowSize {
  const raw = call.value(param);
  if (typeof raw === 'string') {
    const seconds = Math.abs(parseTimeOffsetSec(raw));
    return { seconds, text: raw };
  }
  const points = Math.trunc(raw as number);
  if (points < 0) throw call.error(`${param} must not be negative, got ${points}`);
  return { points, text: call.numberText(param) };
}

/**
 * Evaluates a lazy series argument over a range extended back by the window, as graphite-web's
 * moving functions do, so the first points of the range have a full window behind them. A window of
 * N points reaches back N steps of the series (read unextended first to learn the step).
 */
export async function evaluateWithHistory(call: Call, param: string, window: WindowSize): Promise<{ series: Series[]; ctx: EvalContext }> {
  const expr = call.expression(param);
  let previewSec: number;
  if ('seconds' in window) previewSec = window.seconds;
  else {
    const plain = await call.evaluate(expr, call.ctx);
    if (plain.length === 0) return { series: [], ctx: call.ctx };
    previewSec = plain.reduce((max, s) => Math.max(max, s.stepSec), 0) * window.points;
  }
  const ctx = { ...call.ctx, fromSec: call.ctx.fromSec - previewSec };
  return { series: await call.evaluate(expr, ctx), ctx };
}

function windowSum(values: Float64Array, from: number, to: number): [number, number] {
  let sum = 0;
  let count = 0;
  for (let i = from; i < to; i++) {
    const v = values[i]!;
    if (v === v) {
      sum += v;
      count++;
    }
  }
  return [sum, count];
}

export function windowPoints(window: WindowSize, stepSec: number): number {
  return 'points' in window ? window.points : Math.floor(window.seconds / stepSec);
}

export const movingAverage: GraphiteFunction = {
  name: 'movingAverage',
  group: 'Calculate',
  description:
    "The average of the preceding points at each point: a number of points, or a time window such as '5min' (points before the range are read for the first window). A point is null when its window holds no value, or fewer non-null values than xFilesFactor asks.\n\n.. code-block:: none\n\n  &target=movingAverage(Server.instance01.threads.busy,10)\n  &target=movingAverage(Server.instance*.threads.idle,'5min')",
  params: [
    { name: 'seriesList', type: 'seriesList', required: true, lazy: true },
    { name: 'windowSize', type: 'intOrInterval', required: true, suggestions: [5, 7, 10, '1min', '5min', '10min', '30min', '1hour'] },
    { name: 'xFilesFactor', type: 'float' },
  ],
  async apply(call) {
    const window = readWindowSize(call, 'windowSize');
    const xffArg = call.number('xFilesFactor');
    const { series } = await evaluateWithHistory(call, 'seriesList', window);
    return series.map((s) => {
      const w = windowPoints(window, s.stepSec);
      const xFilesFactor = xffArg ?? s.xFilesFactor;
      const first = firstIndexAfter(s, call.ctx.fromSec);
      const values = s.values;
      const out = new Float64Array(Math.max(0, values.length - first));
      let sum = 0;
      let count = 0;
      // The window of point i is values[i - w, i): slide it along, summing it afresh every w points so
      // rounding does not build up (Graphite sums each window afresh).
      for (let i = 0; i < values.length; i++) {
        if (w > 0 && i % w === 0) [sum, count] = windowSum(values, Math.max(0, i - w), i);
        if (i >= first) out[i - first] = w > 0 && count > 0 && count / w >= xFilesFactor ? sum / count : NaN;
        const entering = values[i]!;
        if (entering === entering) {
          sum += entering;
          count++;
        }
        const leaving = i - w >= 0 ? values[i - w]! : NaN;
        if (leaving === leaving) {
          sum -= leaving;
          count--;
        }
      }
      const name = 'points' in window ? `movingAverage(${s.name},${window.text})` : `movingAverage(${s.name},"${window.text}")`;
      return {
        name,
        pathExpression: name,
        tags: { ...s.tags, movingAverage: window.text },
        startSec: s.startSec + first * s.stepSec,
        endSec: s.endSec,
        stepSec: s.stepSec,
        values: out,
        consolidationFunc: s.consolidationFunc,
        xFilesFactor: s.xFilesFactor,
      };
    });
  },
};
