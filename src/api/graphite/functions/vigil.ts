import type { Anomaly } from '../../../model/index.js';
import type { Call, GraphiteFunction } from '../function-types.js';
import { robustCentre } from '../robust-window.js';
import { derive, type Series } from '../series.js';
import { evaluateWithHistory, firstIndexAfter, readWindowSize, windowPoints } from './calculate.js';

/** Stored anomalies of each series of the list over its own range, by series id. */
async function storedAnomalies(call: Call, series: readonly Series[]): Promise<Map<number, Anomaly[]>> {
  for (const s of series) {
    if (s.seriesId === undefined) {
      throw call.error(`series ${JSON.stringify(s.name)} is not a stored series; ${call.name}() reads anomalies of series as stored (a path or seriesByTag, aliased or not)`);
    }
  }
  const byId = new Map<number, Anomaly[]>();
  if (series.length === 0) return byId;
  const fromSec = series.reduce((min, s) => Math.min(min, s.startSec), Infinity);
  const untilSec = series.reduce((max, s) => Math.max(max, s.endSec), -Infinity);
  const ids = [...new Set(series.map((s) => s.seriesId!))];
  for (const a of await call.ctx.data.anomalies(ids, fromSec, untilSec)) {
    const list = byId.get(a.seriesId);
    if (list === undefined) byId.set(a.seriesId, [a]);
    else list.push(a);
  }
  return byId;
}

/** The step of `s` an anomaly falls in, or -1 outside the series. */
function bucketOf(s: Series, timestampMs: number): number {
  const index = Math.floor((timestampMs / 1000 - s.startSec) / s.stepSec);
  return index >= 0 && index < s.values.length ? index : -1;
}

export const anomalies: GraphiteFunction = {
  name: 'anomalies',
  group: 'Vigil',
  description:
    "Vigil's stored anomalies as a series: at each step that holds an anomaly, the value of the anomalous point (of the highest-scoring one when there are several); null elsewhere. Reads what detection stored; takes series as stored (paths or seriesByTag, aliases allowed).\n\n.. code-block:: none\n\n  &target=anomalies(servers.web01.cpu.user)",
  params: [{ name: 'seriesList', type: 'seriesList', required: true }],
  async apply(call) {
    const series = call.series('seriesList');
    const byId = await storedAnomalies(call, series);
    return series.map((s) => {
      const values = new Float64Array(s.values.length).fill(NaN);
      const best = new Float64Array(s.values.length).fill(-Infinity);
      for (const a of byId.get(s.seriesId!) ?? []) {
        const i = bucketOf(s, a.timestampMs);
        if (i < 0 || a.score < best[i]!) continue;
        best[i] = a.score;
        values[i] = a.value;
      }
      return derive(s, `anomalies(${s.name})`, values, { anomalies: '1' });
    });
  },
};

export const anomalyScore: GraphiteFunction = {
  name: 'anomalyScore',
  group: 'Vigil',
  description:
    "Vigil's stored anomaly scores (0 to 1) as a series: the highest score stored in each step, 0 where none is stored. Reads what detection stored (scores of points that were not anomalous are not stored); takes series as stored.\n\n.. code-block:: none\n\n  &target=anomalyScore(servers.web01.cpu.user)",
  params: [{ name: 'seriesList', type: 'seriesList', required: true }],
  async apply(call) {
    const series = call.series('seriesList');
    const byId = await storedAnomalies(call, series);
    return series.map((s) => {
      const values = new Float64Array(s.values.length);
      for (const a of byId.get(s.seriesId!) ?? []) {
        const i = bucketOf(s, a.timestampMs);
        if (i >= 0 && a.score > values[i]!) values[i] = a.score;
      }
      return derive(s, `anomalyScore(${s.name})`, values, { anomalyScore: '1' });
    });
  },
};

/** Fewer values than this in a window say nothing about its centre or spread. */
const MIN_BAND_POINTS = 3;

export const expectedBand: GraphiteFunction = {
  name: 'expectedBand',
  group: 'Vigil',
  description:
    "A robust expected band, computed from the series itself (no detector): at each point the median of the preceding `windowSize` points (a count, or a time window such as '1h') and that median ± k × 1.4826 × MAD (the median absolute deviation, scaled to a standard deviation; 1.2533 × mean absolute deviation when the MAD is 0). Gives three series per input: <name>.expected, <name>.lower, <name>.upper; null where the window holds fewer than 3 values.\n\n.. code-block:: none\n\n  &target=expectedBand(servers.web01.cpu.user, '1h', 3)",
  params: [
    { name: 'seriesList', type: 'seriesList', required: true, lazy: true },
    { name: 'windowSize', type: 'intOrInterval', default: 60, suggestions: [30, 60, 120, '1h', '6h', '1d'] },
    { name: 'k', type: 'float', default: 3 },
  ],
  async apply(call) {
    const window = readWindowSize(call, 'windowSize');
    const k = call.number('k')!;
    if (!(k >= 0)) throw call.error(`k must be a non-negative number, got ${k}`);
    const { series } = await evaluateWithHistory(call, 'seriesList', window);
    return series.flatMap((s) => {
      const w = windowPoints(window, s.stepSec);
      const first = firstIndexAfter(s, call.ctx.fromSec);
      const n = Math.max(0, s.values.length - first);
      const expected = new Float64Array(n);
      const lower = new Float64Array(n);
      const upper = new Float64Array(n);
      const buffer = new Float64Array(Math.max(1, w));
      const scratch = new Float64Array(Math.max(1, w));
      for (let i = first; i < s.values.length; i++) {
        let count = 0;
        for (let j = Math.max(0, i - w); j < i; j++) {
          const v = s.values[j]!;
          if (v === v) buffer[count++] = v;
        }
        const o = i - first;
        if (count < MIN_BAND_POINTS) {
          expected[o] = lower[o] = upper[o] = NaN;
          continue;
        }
        const { median, sigma } = robustCentre(buffer, count, scratch);
        expected[o] = median;
        lower[o] = median - k * sigma;
        upper[o] = median + k * sigma;
      }
      const startSec = s.startSec + first * s.stepSec;
      return (
        [
          ['expected', expected],
          ['lower', lower],
          ['upper', upper],
        ] as const
      ).map(([part, values]) => ({ ...derive(s, `${s.name}.${part}`, values, { expectedBand: part }), startSec }));
    });
  },
};
