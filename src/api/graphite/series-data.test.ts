import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeriesCatalog } from './catalog.js';
import { resolveGraphiteOptions, type GraphiteApiOptions } from './options.js';
import { StoredSeriesData } from './series-data.js';
import { openStore, T0_SEC, writeAnomalies, writeSeries } from './test-support.js';

let store: Awaited<ReturnType<typeof openStore>>;
const HOUR = 3600;

function data(options: Partial<GraphiteApiOptions> = {}): StoredSeriesData {
  return new StoredSeriesData(store.storage, new SeriesCatalog(store.storage), resolveGraphiteOptions(options), 0);
}

beforeAll(async () => {
  store = await openStore();
  await writeSeries(store.storage, 'rate.ten', T0_SEC, 10, Array.from({ length: 360 }, (_, i) => i));
  await writeSeries(store.storage, 'rate.fifteen', T0_SEC, 15, Array.from({ length: 240 }, () => 1));
  await writeSeries(store.storage, 'rate.jitter', T0_SEC, 61, Array.from({ length: 59 }, () => 1));
  await writeSeries(store.storage, 'rate.second', T0_SEC, 1, Array.from({ length: 3600 }, (_, i) => i));
  for (let k = 0; k < 4; k++) await writeSeries(store.storage, `farm.a${k}.load`, T0_SEC - 10 * HOUR, 30, [1, 2]);
  for (let k = 4; k < 12; k++) await writeSeries(store.storage, `farm.a${k.toString().padStart(2, '0')}.load`, T0_SEC, 30, Array.from({ length: 120 }, () => k));
});
afterAll(async () => store.close());

describe('StoredSeriesData', () => {
  it('reads each series at the round step of its point spacing', async () => {
    const series = await data().fetchPath('rate.*', T0_SEC - 1, T0_SEC + HOUR - 1);
    expect(series.map((s) => [s.name, s.stepSec, s.startSec])).toEqual([
      ['rate.fifteen', 15, T0_SEC],
      ['rate.jitter', 60, T0_SEC],
      ['rate.second', 1, T0_SEC],
      ['rate.ten', 10, T0_SEC],
    ]);
    const ten = series[3]!;
    expect(ten.values.length).toBe(360);
    expect(Array.from(ten.values.subarray(0, 3))).toEqual([0, 1, 2]);
    expect(ten.seriesId).toBe(store.storage.seriesByKey('rate.ten')!.id);
  });

  it('reads coarser steps (averaged) when the range needs more values than the budget', async () => {
    const [second] = await data({ maxPointsPerSeries: 100 }).fetchPath('rate.second', T0_SEC - 1, T0_SEC + HOUR - 1);
    // 3600 s / 100 values = 36 s → the 60 s step; each bucket averages 60 one-second points.
    expect(second!.stepSec).toBe(60);
    expect(Array.from(second!.values.subarray(0, 2))).toEqual([29.5, 89.5]);
    const shared = await data({ maxPointsPerFetch: 400 }).fetchPath('rate.{second,ten}', T0_SEC - 1, T0_SEC + HOUR - 1);
    expect(shared.map((s) => s.stepSec)).toEqual([20, 20]);
  });

  it('measures on series that hold points, gives the others the most common step, and 60 s when none can be measured', async () => {
    const farm = await data().fetchPath('farm.*.load', T0_SEC - 1, T0_SEC + HOUR - 1);
    expect(farm).toHaveLength(12);
    expect(new Set(farm.map((s) => s.stepSec))).toEqual(new Set([30]));
    expect(farm[0]!.values.every((v) => Number.isNaN(v))).toBe(true);
    const [empty] = await data().fetchPath('farm.a0.load', T0_SEC - 1, T0_SEC + HOUR - 1);
    expect(empty!.stepSec).toBe(60);
  });

  it('keeps a series at its step for the request and reads a repeated fetch once', async () => {
    const request = data();
    const [first] = await request.fetchPath('rate.ten', T0_SEC - 1, T0_SEC + HOUR - 1);
    const [wide] = await request.fetchPath('rate.ten', T0_SEC - 1, T0_SEC + 100 * HOUR);
    expect(wide!.stepSec).toBe(first!.stepSec);
    expect(await request.fetchPath('rate.ten', T0_SEC - 1, T0_SEC + HOUR - 1)).toEqual([first]);
    expect((await request.fetchPath('rate.ten', T0_SEC - 1, T0_SEC + HOUR - 1))[0]).toBe(first);
  });

  it('refuses a fetch over more series than allowed, and more anomalies than allowed', async () => {
    await expect(data({ maxSeriesPerFetch: 3 }).fetchPath('rate.*', T0_SEC, T0_SEC + HOUR)).rejects.toThrow(
      'cannot fetch rate.*: it matches 4 series, more than the 3 one fetch may read; narrow the pattern',
    );
    const id = store.storage.seriesByKey('rate.ten')!.id;
    await writeAnomalies(store.storage, [1, 2, 3].map((i) => ({ seriesId: id, timestampMs: (T0_SEC + i * 10) * 1000, value: i, score: 0.9, detector: 'd' })));
    expect(await data().anomalies([id], T0_SEC, T0_SEC + HOUR)).toHaveLength(3);
    await expect(data({ maxAnomalies: 2 }).anomalies([id], T0_SEC, T0_SEC + HOUR)).rejects.toThrow('cannot read anomalies: more than 2 in the range');
  });
});

describe('StoredSeriesData limits', () => {
  it('refuses a fetch that would read more values than allowed at steps kept from a shorter range', async () => {
    const request = data({ maxPointsPerFetch: 1000 });
    await request.fetchPath('rate.ten', T0_SEC - 1, T0_SEC + 600);
    await expect(request.fetchPath('rate.ten', T0_SEC - 1 - 100 * HOUR, T0_SEC + 600)).rejects.toThrow(
      "cannot fetch rate.ten: 36062 values over the range at the series' steps, more than the 1000 one fetch may read; shorten the range or the window",
    );
  });
});
