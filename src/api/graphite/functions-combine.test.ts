import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate, openStore, T0_SEC, writeFixture } from './test-support.js';

let store: Awaited<ReturnType<typeof openStore>>;
const run = (target: string) => evaluate(store.storage, target);
const values = async (target: string) => (await run(target)).map((s) => s.values);

beforeAll(async () => {
  store = await openStore();
  await writeFixture(store.storage);
});
afterAll(async () => store.close());

describe('fetching paths', () => {
  it('reads every series a glob matches, sorted by name, at its one-minute step, null where a minute has no point', async () => {
    const series = await run('web.*.cpu');
    expect(series.map((s) => [s.name, s.startSec, s.stepSec])).toEqual([
      ['web.a.cpu', T0_SEC, 60],
      ['web.b.cpu', T0_SEC, 60],
      ['web.c.cpu', T0_SEC, 60],
    ]);
    expect(series[1]!.values).toEqual([10, null, 30, 40, 50, 60, 70, 80]);
    expect(series[0]!.tags).toEqual({ name: 'web.a.cpu' });
    expect((await run('web.{a,c}.c[p]u')).map((s) => s.name)).toEqual(['web.a.cpu', 'web.c.cpu']);
    expect(await run('no.such.*')).toEqual([]);
  });

  it('reads a tagged path (tags in any order) as that one series, and leaves tagged series out of globs', async () => {
    const [series] = await run('cpu.load;host=h3;dc=eu');
    expect(series).toMatchObject({ name: 'cpu.load;dc=eu;host=h3', tags: { name: 'cpu.load', dc: 'eu', host: 'h3' }, values: [3, 3, 3, 3, 3, 3, 3, 3] });
    expect(await run('cpu.*')).toEqual([]);
  });
});

describe('sumSeries, averageSeries, minSeries, maxSeries, sum, avg, aggregate', () => {
  it('combine point by point, skipping nulls, named after the path expressions', async () => {
    const [sum] = await run('sumSeries(web.*.cpu)');
    expect(sum).toMatchObject({ name: 'sumSeries(web.*.cpu)', startSec: T0_SEC, stepSec: 60, values: [16, 7, 38, 49, 60, 71, 82, 93] });
    expect(sum!.tags).toEqual({ name: 'sumSeries(web.*.cpu)', aggregatedBy: 'sum' });
    expect(await values('averageSeries(web.*.cpu)')).toEqual([[16 / 3, 3.5, 38 / 3, 49 / 3, 20, 71 / 3, 82 / 3, 31]]);
    expect(await values('minSeries(web.*.cpu)')).toEqual([[1, 2, 3, 4, 5, 5, 5, 5]]);
    expect(await values('maxSeries(web.*.cpu)')).toEqual([[10, 5, 30, 40, 50, 60, 70, 80]]);
    expect((await run('sumSeries(web.a.cpu, web.c.cpu, web.a.cpu)'))[0]).toMatchObject({ name: 'sumSeries(web.a.cpu,web.c.cpu)', values: [7, 9, 11, 13, 15, 17, 19, 21] });
    expect((await run('sum(web.a.cpu,web.c.cpu)'))[0]!.name).toBe('sumSeries(web.a.cpu,web.c.cpu)');
    expect((await run('avg(web.a.cpu,web.c.cpu)'))[0]).toMatchObject({ name: 'averageSeries(web.a.cpu,web.c.cpu)', values: [3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5] });
    expect(await run('sumSeries(no.such.*)')).toEqual([]);
  });

  it('keep tags all series share, and name nested results by their names', async () => {
    const [sum] = await run("sumSeries(seriesByTag('name=cpu.load','dc=eu'))");
    expect(sum).toMatchObject({ name: "sumSeries(seriesByTag('name=cpu.load','dc=eu'))", values: [4, 4, 4, 4, 4, 4, 4, 4] });
    expect(sum!.tags).toEqual({ name: 'cpu.load', dc: 'eu', aggregatedBy: 'sum' });
    expect((await run('sumSeries(scale(web.{a,c}.cpu,2))'))[0]!.name).toBe('sumSeries(scale(web.a.cpu,2),scale(web.c.cpu,2))');
  });

  it('aggregate applies any aggregation function and honours xFilesFactor', async () => {
    expect((await run("aggregate(web.*.cpu, 'median')"))[0]).toMatchObject({ name: 'medianSeries(web.*.cpu)', values: [5, 3.5, 5, 5, 5, 6, 7, 8] });
    expect(await values("aggregate(web.*.cpu, 'sum', 1)")).toEqual([[16, null, 38, 49, 60, 71, 82, 93]]);
    expect(await values("aggregate(web.*.cpu, 'count')")).toEqual([[3, 2, 3, 3, 3, 3, 3, 3]]);
    expect(await values("aggregate(web.*.cpu, 'multiply')")).toEqual([[50, null, 450, 800, 1250, 1800, 2450, 3200]]);
    await expect(run("aggregate(web.*.cpu, 'nope')")).rejects.toThrow('cannot evaluate aggregate() at position 0: invalid aggFunc value for parameter "func" at position 21: got "nope"');
  });
});

describe('group', () => {
  it('joins lists', async () => {
    expect((await run('group(web.c.cpu, web.a.*)')).map((s) => s.name)).toEqual(['web.c.cpu', 'web.a.cpu', 'web.a.mem']);
  });
});

describe('groupByNode', () => {
  it('groups by a node in order of first appearance and names each group by it', async () => {
    const groups = await run("groupByNode(web.*.*, 2, 'sumSeries')");
    expect(groups.map((s) => [s.name, s.values])).toEqual([
      ['cpu', [16, 7, 38, 49, 60, 71, 82, 93]],
      ['mem', [100, 200, 300, 400, 500, 600, 700, 800]],
    ]);
    expect(groups[1]!.tags).toEqual({ name: 'web.a.mem', aggregatedBy: 'sum' });
    expect((await run('groupByNode(web.*.cpu, 1)')).map((s) => [s.name, s.values[1]])).toEqual([
      ['a', 2],
      ['b', null],
      ['c', 5],
    ]);
    expect(await values("groupByNode(web.*.cpu, -1, 'max')")).toEqual([[10, 5, 30, 40, 50, 60, 70, 80]]);
  });

  it('groups by a tag', async () => {
    const groups = await run("groupByNode(seriesByTag('name=cpu.load'), 'dc', 'avg')");
    expect(groups.map((s) => [s.name, s.values[0]])).toEqual([
      ['eu', 2],
      ['us', 2],
    ]);
  });
});

describe('asPercent', () => {
  it('of the sum of the list', async () => {
    const [a, b] = await run('asPercent(web.{a,b}.cpu)');
    expect(a).toMatchObject({ name: 'asPercent(web.a.cpu,sumSeries(web.{a,b}.cpu))', values: [(1 / 11) * 100, 100, (3 / 33) * 100, (4 / 44) * 100, (5 / 55) * 100, (6 / 66) * 100, (7 / 77) * 100, (8 / 88) * 100] });
    expect(b!.values[1]).toBeNull();
    expect(a!.tags).toEqual({ name: 'asPercent(web.a.cpu,sumSeries(web.{a,b}.cpu))' });
  });

  it('of a number, printed in the name as given', async () => {
    expect((await run('asPercent(web.a.cpu, 10)'))[0]).toMatchObject({ name: 'asPercent(web.a.cpu,10)', values: [1, 2, 3, 4, 5, 6, 7, 8].map((v) => (v / 10) * 100) });
    expect((await run('asPercent(web.a.cpu, 10.0)'))[0]!.name).toBe('asPercent(web.a.cpu,10.0)');
    expect((await run('asPercent(web.a.cpu, 0)'))[0]!.values).toEqual([null, null, null, null, null, null, null, null]);
  });

  it('of one total series, or of as many series paired by sorted name', async () => {
    const single = await run('asPercent(web.{a,c}.cpu, web.b.cpu)');
    expect(single.map((s) => s.name)).toEqual(['asPercent(web.a.cpu,web.b.cpu)', 'asPercent(web.c.cpu,web.b.cpu)']);
    expect(single[1]!.values).toEqual([50, null, 5 / 30 * 100, 5 / 40 * 100, 10, 5 / 60 * 100, 5 / 70 * 100, 5 / 80 * 100]);
    const paired = await run('asPercent(web.{c,a}.cpu, web.{b,a}.cpu)');
    expect(paired.map((s) => s.name)).toEqual(['asPercent(web.a.cpu,web.a.cpu)', 'asPercent(web.c.cpu,web.b.cpu)']);
    expect(paired[0]!.values).toEqual([100, 100, 100, 100, 100, 100, 100, 100]);
    await expect(run('asPercent(web.*.cpu, web.{a,c}.cpu)')).rejects.toThrow('asPercent second argument must be missing, a single digit, reference exactly 1 series or reference the same number of series as the first argument');
  });

  it('by nodes: series and totals paired by node, MISSING where one side has no match', async () => {
    const results = await run('asPercent(pct.*.used, pct.*.total, 1)');
    expect(results.map((s) => [s.name, s.values[0]])).toEqual([
      ['asPercent(pct.x.used,pct.x.total)', 10],
      ['asPercent(pct.y.used,MISSING)', null],
      ['asPercent(MISSING,pct.z.total)', null],
    ]);
    const withinGroup = await run('asPercent(web.*.*, None, 1)');
    expect(withinGroup.map((s) => s.name)).toEqual([
      'asPercent(web.a.cpu,sumSeries(web.*.*))',
      'asPercent(web.a.mem,sumSeries(web.*.*))',
      'asPercent(web.b.cpu,web.b.cpu)',
      'asPercent(web.c.cpu,web.c.cpu)',
    ]);
    expect(withinGroup[1]!.values[0]).toBe((100 / 101) * 100);
  });
});
