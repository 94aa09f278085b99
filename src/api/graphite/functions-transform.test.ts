import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate, minuteRange, openStore, T0_SEC, writeFixture } from './test-support.js';

let store: Awaited<ReturnType<typeof openStore>>;
const run = (target: string, points = 8) => evaluate(store.storage, target, minuteRange(points));
const one = async (target: string, points = 8) => (await run(target, points))[0]!;

beforeAll(async () => {
  store = await openStore();
  await writeFixture(store.storage);
});
afterAll(async () => store.close());

describe('scale and offset', () => {
  it('multiply or add, keep nulls, name the factor as %g and tag it as given', async () => {
    expect(await one('scale(web.b.cpu, 2)')).toMatchObject({ name: 'scale(web.b.cpu,2)', values: [20, null, 60, 80, 100, 120, 140, 160], tags: { name: 'web.b.cpu', scale: '2' } });
    expect(await one('scale(web.a.cpu, 2.0)')).toMatchObject({ name: 'scale(web.a.cpu,2)', tags: { scale: '2.0' } });
    expect((await one('scale(web.a.cpu, 0.5)')).name).toBe('scale(web.a.cpu,0.5)');
    expect(await one('offset(web.b.cpu, -1)')).toMatchObject({ name: 'offset(web.b.cpu,-1)', values: [9, null, 29, 39, 49, 59, 69, 79], tags: { offset: '-1' } });
  });
});

describe('derivative, nonNegativeDerivative, perSecond', () => {
  it('derivative is the difference from the previous value, null next to a null', async () => {
    expect(await one('derivative(web.b.cpu)')).toMatchObject({ name: 'derivative(web.b.cpu)', values: [null, null, null, 10, 10, 10, 10, 10], tags: { derivative: '1' } });
  });

  it('nonNegativeDerivative drops decreases, or counts them as a wrap at maxValue or a reset to minValue', async () => {
    expect(await one('nonNegativeDerivative(ctr.a)')).toMatchObject({ name: 'nonNegativeDerivative(ctr.a)', values: [null, 2, 3, null, 3, null, null, 2] });
    expect((await one('nonNegativeDerivative(ctr.a, 9)')).values).toEqual([null, 2, 3, 6, 3, null, null, null]);
    expect((await one('nonNegativeDerivative(ctr.a, minValue=0)')).values).toEqual([null, 2, 3, 2, 3, null, null, 2]);
  });

  it('perSecond divides by the step, rounded to 6 decimals', async () => {
    expect(await one('perSecond(ctr.a)')).toMatchObject({ name: 'perSecond(ctr.a)', values: [null, 0.033333, 0.05, null, 0.05, null, null, 0.033333], tags: { perSecond: '1' } });
  });
});

describe('keepLastValue and transformNull', () => {
  it('keepLastValue fills runs of nulls up to the limit with the value before them', async () => {
    expect(await one('keepLastValue(gap.a)', 10)).toMatchObject({ name: 'keepLastValue(gap.a)', values: [1, 1, 1, 4, 5, 6, 6, 8, 9, 9] });
    expect((await one('keepLastValue(gap.a, 1)', 10)).values).toEqual([1, null, null, 4, 5, 6, 6, 8, 9, 9]);
    expect((await one('keepLastValue(gap.ref)', 10)).values).toEqual([null, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('transformNull replaces nulls, only where a reference series has a value when given one', async () => {
    expect(await one('transformNull(gap.a)', 10)).toMatchObject({ name: 'transformNull(gap.a,0)', values: [1, 0, 0, 4, 5, 6, 0, 8, 9, 0], tags: { transformNull: '0' } });
    expect(await one('transformNull(gap.a, -1.5)', 10)).toMatchObject({ name: 'transformNull(gap.a,-1.5)', values: [1, -1.5, -1.5, 4, 5, 6, -1.5, 8, 9, -1.5] });
    expect(await one('transformNull(gap.a, 0, gap.ref)', 10)).toMatchObject({
      name: 'transformNull(gap.a,0,referenceSeries)',
      values: [1, 0, 0, 4, 5, 6, null, 8, 9, 0],
      tags: { transformNull: '0', referenceSeries: '1' },
    });
  });
});

describe('summarize', () => {
  it('sums into buckets aligned to the interval, one past the end (as graphite-web)', async () => {
    expect(await one("summarize(web.a.cpu, '2min')")).toMatchObject({
      name: 'summarize(web.a.cpu, "2min", "sum")',
      startSec: T0_SEC,
      stepSec: 120,
      values: [3, 7, 11, 15, null],
      tags: { summarize: '2min', summarizeFunction: 'sum' },
    });
    expect((await one("summarize(web.a.cpu, '2min', 'avg')")).values).toEqual([1.5, 3.5, 5.5, 7.5, null]);
    const shifted = (await evaluate(store.storage, "summarize(web.a.cpu, '2min')", { fromSec: T0_SEC + 59, untilSec: T0_SEC + 420 }))[0]!;
    expect(shifted).toMatchObject({ startSec: T0_SEC, values: [2, 7, 11, 15, null] });
  });

  it('aligns buckets to the start of the series with alignToFrom', async () => {
    expect(await one("summarize(web.a.cpu, '3min', 'max', true)")).toMatchObject({ name: 'summarize(web.a.cpu, "3min", "max", true)', startSec: T0_SEC, stepSec: 180, values: [3, 6, 8] });
    await expect(run("summarize(web.a.cpu, 'soon')")).rejects.toThrow('invalid interval value for parameter "intervalString"');
  });
});

describe('timeShift', () => {
  it('draws the series as it was earlier (or later with +) on the same time axis', async () => {
    expect(await one("timeShift(shift.a, '2min')")).toMatchObject({ name: 'timeShift(shift.a, "-2min")', startSec: T0_SEC, values: [8, 9, 10, 11, 12, 13, 14, 15], tags: { timeShift: '-2min' } });
    expect((await one("timeShift(shift.a, '+2min')")).values).toEqual([12, 13, 14, 15, 16, 17, null, null]);
    expect((await one("timeShift(sumSeries(shift.a, shift.a), '1min')")).values).toEqual([18, 20, 22, 24, 26, 28, 30, 32]);
    expect(await run("timeShift(no.such, '1d')")).toEqual([]);
  });
});

describe('consolidateBy', () => {
  it('sets the consolidation function and names it; values unchanged', async () => {
    expect(await one("consolidateBy(web.a.cpu, 'max')")).toMatchObject({ name: 'consolidateBy(web.a.cpu,"max")', values: [1, 2, 3, 4, 5, 6, 7, 8], tags: { consolidateBy: 'max' } });
    await expect(run("consolidateBy(web.a.cpu, 'mean')")).rejects.toThrow('"mean" is not one of sum, average, avg, avg_zero, min, max, first, last');
  });
});

describe('movingAverage', () => {
  it('averages the preceding points, reading history before the range', async () => {
    expect(await one('movingAverage(ma.a, 3)')).toMatchObject({ name: 'movingAverage(ma.a,3)', startSec: T0_SEC, values: [4, 5, 6, 7, 8, 9, 10, 11], tags: { movingAverage: '3' } });
    expect(await one("movingAverage(ma.a, '2min')")).toMatchObject({ name: 'movingAverage(ma.a,"2min")', values: [4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5, 11.5], tags: { movingAverage: '2min' } });
  });

  it('skips nulls in the window; a window short of xFilesFactor is null', async () => {
    expect((await one('movingAverage(web.b.cpu, 2)')).values).toEqual([null, 10, 10, 30, 35, 45, 55, 65]);
    expect((await one('movingAverage(web.b.cpu, 2, 1)')).values).toEqual([null, null, null, null, 35, 45, 55, 65]);
  });
});
