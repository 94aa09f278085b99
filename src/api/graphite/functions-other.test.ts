import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate, minuteRange, openStore, T0_SEC, writeAnomalies, writeFixture } from './test-support.js';

let store: Awaited<ReturnType<typeof openStore>>;
const run = (target: string) => evaluate(store.storage, target);
const names = async (target: string) => (await run(target)).map((s) => s.name);

beforeAll(async () => {
  store = await openStore();
  const ids = await writeFixture(store.storage);
  const cpu = ids['web.a.cpu']!;
  await writeAnomalies(store.storage, [
    { seriesId: cpu, timestampMs: (T0_SEC + 120) * 1000, value: 3, score: 0.9, detector: 'mad-zscore' },
    { seriesId: cpu, timestampMs: (T0_SEC + 130) * 1000, value: 99, score: 0.5, detector: 'ensemble' },
    { seriesId: cpu, timestampMs: (T0_SEC + 300) * 1000, value: 6, score: 0.7, detector: 'mad-zscore' },
    { seriesId: ids['web.b.cpu']!, timestampMs: (T0_SEC + 60) * 1000, value: 1, score: 0.6, detector: 'mad-zscore' },
  ]);
});
afterAll(async () => store.close());

describe('alias, aliasByNode, aliasByTags, aliasSub', () => {
  it('rename series without touching their values', async () => {
    expect((await run("alias(web.a.cpu, 'CPU a')"))[0]).toMatchObject({ name: 'CPU a', values: [1, 2, 3, 4, 5, 6, 7, 8], tags: { name: 'web.a.cpu' } });
    expect(await names('aliasByNode(web.*.cpu, 1)')).toEqual(['a', 'b', 'c']);
    expect(await names('aliasByNode(web.a.cpu, 0, -1)')).toEqual(['web.cpu']);
    expect(await names('aliasByNode(web.a.cpu, 5)')).toEqual(['']);
    expect(await names('aliasByNode(sumSeries(web.*.cpu), 1, 2)')).toEqual(['*.cpu']);
    expect(await names("aliasByNode(seriesByTag('name=cpu.load','dc=us'), 1, 'host')")).toEqual(['load.h2']);
    expect(await names("aliasByTags(seriesByTag('name=cpu.load'), 'host', 'name')")).toEqual(['h1.cpu.load', 'h3.cpu.load', 'h2.cpu.load']);
    expect(await names("aliasSub(web.*.cpu, '^web\\.(\\w+)\\.cpu$', '\\1-cpu')")).toEqual(['a-cpu', 'b-cpu', 'c-cpu']);
    expect(await names('aliasSub(sumSeries(web.*.cpu), "(^.*$)", "\\1 A")')).toEqual(['sumSeries(web.*.cpu) A']);
  });
});

describe('highestMax, highestAverage, sortByMaxima', () => {
  it('order by an aggregate of each series, highest first, series without values last', async () => {
    expect(await names('highestMax(web.*.cpu, 2)')).toEqual(['web.b.cpu', 'web.a.cpu']);
    expect(await names('highestAverage(web.*.cpu, 2)')).toEqual(['web.b.cpu', 'web.c.cpu']);
    expect(await names('sortByMaxima(web.*.cpu)')).toEqual(['web.b.cpu', 'web.a.cpu', 'web.c.cpu']);
    expect(await names('sortByMaxima(group(empty.x, web.c.cpu, scale(web.c.cpu, 1)))')).toEqual(['web.c.cpu', 'scale(web.c.cpu,1)', 'empty.x']);
  });
});

describe('constantLine', () => {
  it('is three points across the range, named by the value as written', async () => {
    const range = { fromSec: T0_SEC, untilSec: T0_SEC + 3600 };
    const [line] = await evaluate(store.storage, 'constantLine(100)', range);
    expect(line).toEqual({ name: '100', startSec: T0_SEC, stepSec: 1800, values: [100, 100, 100], tags: { name: '100' } });
    expect((await evaluate(store.storage, 'constantLine(2.0)', range))[0]!.name).toBe('2.0');
    expect((await evaluate(store.storage, 'sumSeries(constantLine(1.5))', range))[0]!.name).toBe('sumSeries(constantLine(1.5))');
  });
});

describe('seriesByTag', () => {
  it('finds series by =, !=, =~ and !=~ (regular expressions anchored at the start), named by tagged path', async () => {
    const series = await run("seriesByTag('name=cpu.load', 'dc=eu')");
    expect(series.map((s) => s.name)).toEqual(['cpu.load;dc=eu;host=h1', 'cpu.load;dc=eu;host=h3']);
    expect(series[0]!.tags).toEqual({ name: 'cpu.load', dc: 'eu', host: 'h1' });
    expect(await names("seriesByTag('name=~cpu', 'host!=~h[12]')")).toEqual(['cpu.load;dc=eu;host=h3']);
    expect(await names("seriesByTag('name=~load')")).toEqual([]);
    expect(await names("seriesByTag('host=h1')")).toEqual(['cpu.load;dc=eu;host=h1', 'mem.free;dc=eu;host=h1']);
    expect(await names("seriesByTag('name=cpu.load', 'rack=')")).toHaveLength(3);
    expect(await names("seriesByTag('name!=cpu.load', 'dc!=')")).toEqual(['mem.free;dc=eu;host=h1']);
    expect(await names("seriesByTag('name=web.a.cpu')")).toEqual(['web.a.cpu']);
  });

  it('refuses expressions that all match the empty value, or do not parse', async () => {
    await expect(run("seriesByTag('dc!=eu')")).rejects.toThrow('at least one of "dc!=eu" must not match the empty value');
    await expect(run("seriesByTag('dc')")).rejects.toThrow('cannot parse tag expression "dc"');
    await expect(run("seriesByTag('dc=~(')")).rejects.toThrow('cannot compile regular expression');
  });
});

describe('anomalies, anomalyScore', () => {
  it('draw stored anomalies: the value of the best-scoring one per step, null elsewhere', async () => {
    const [series] = await run('anomalies(web.a.cpu)');
    expect(series).toMatchObject({ name: 'anomalies(web.a.cpu)', startSec: T0_SEC, stepSec: 60, values: [null, null, 3, null, null, 6, null, null], tags: { anomalies: '1' } });
    expect((await run("anomalies(alias(web.*.cpu, 'x'))")).map((s) => s.values[1])).toEqual([null, 1, null]);
  });

  it('draw stored scores: the highest per step, 0 where none is stored', async () => {
    expect((await run('anomalyScore(web.a.cpu)'))[0]).toMatchObject({ name: 'anomalyScore(web.a.cpu)', values: [0, 0, 0.9, 0, 0, 0.7, 0, 0] });
  });

  it('take series as stored only', async () => {
    await expect(run('anomalies(sumSeries(web.*.cpu))')).rejects.toThrow('series "sumSeries(web.*.cpu)" is not a stored series; anomalies() reads anomalies of series as stored');
  });
});

describe('expectedBand', () => {
  it('is the rolling median of the preceding points ± k × 1.4826 × MAD, reading history before the range', async () => {
    const [expected, lower, upper] = await run('expectedBand(band.a, 4, 2)');
    expect(expected).toMatchObject({ name: 'band.a.expected', startSec: T0_SEC, values: [2.5, 3.5, 4.5, 5.5, 6.5, 6.5, 7.5, 8.5], tags: { expectedBand: 'expected' } });
    expect(lower!.name).toBe('band.a.lower');
    expect(upper!.name).toBe('band.a.upper');
    for (let i = 0; i < 8; i++) {
      expect(lower!.values[i]).toBeCloseTo(expected!.values[i]! - 2 * 1.4826, 10);
      expect(upper!.values[i]).toBeCloseTo(expected!.values[i]! + 2 * 1.4826, 10);
    }
    expect((await run("expectedBand(band.a, '4min', 2)"))[0]!.values).toEqual(expected!.values);
  });

  it('is null where the window holds fewer than 3 values; the window is 60 points and k 3 by default', async () => {
    const [expected, lower] = await run('expectedBand(web.a.cpu, 4)');
    expect(expected!.values.slice(0, 4)).toEqual([null, null, null, 2]);
    expect(lower!.values[3]).toBeCloseTo(2 - 3 * 1.4826, 10);
    const [byDefault, lowerByDefault] = await run('expectedBand(web.a.cpu)');
    expect(byDefault!.values).toEqual([null, null, null, 2, 2.5, 3, 3.5, 4]);
    expect(lowerByDefault!.values[4]).toBeCloseTo(2.5 - 3 * 1.4826, 10);
  });
});

describe('evaluation errors', () => {
  it('name the function, the position and the problem', async () => {
    await expect(run('nosuch(web.a.cpu)')).rejects.toThrow('cannot evaluate target: unknown function nosuch at position 0');
    await expect(run('scale(web.a.cpu)')).rejects.toThrow('cannot evaluate scale() at position 0: missing required parameter "factor"');
    await expect(run("scale(web.a.cpu, 'x')")).rejects.toThrow('invalid float value for parameter "factor" at position 17: got "x"');
    await expect(run('derivative(web.a.cpu, 1)')).rejects.toThrow('too many arguments: takes at most 1 (seriesList), got 2');
    await expect(run('scale(2, 3)')).rejects.toThrow('invalid seriesList value for parameter "seriesList" at position 6');
    await expect(run('scale(web.a.cpu, web.b.cpu)')).rejects.toThrow('parameter "factor" takes a float, got a series list at position 17');
    await expect(run('scale(web.a.cpu, factor=2, bogus=1)')).rejects.toThrow('unknown keyword argument "bogus"');
    await expect(run('sumSeries(web.a.cpu, scale(web.b.cpu))')).rejects.toThrow('cannot evaluate scale() at position 21');
    await expect(evaluate(store.storage, 'aliasByNode(web.a.cpu)', minuteRange(2))).rejects.toThrow('give at least one node');
  });
});
