import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerGraphiteRoutes } from './index.js';
import { fixedClock, NOW_SEC, openStore, writeSeries } from './test-support.js';

let store: Awaited<ReturnType<typeof openStore>>;
let app: FastifyInstance;
let base: string;
/** Six hours of one-minute points up to now. */
const SIX_HOURS = 360;
const FIRST_SEC = NOW_SEC - SIX_HOURS * 60;

beforeAll(async () => {
  store = await openStore();
  const minutes = (f: (i: number) => number): number[] => Array.from({ length: SIX_HOURS + 1 }, (_, i) => f(i));
  await writeSeries(store.storage, 'web.a.cpu', FIRST_SEC, 60, minutes((i) => i));
  await writeSeries(store.storage, 'web.b.cpu', FIRST_SEC, 60, minutes(() => 2));
  await writeSeries(store.storage, 'web.a.mem', FIRST_SEC, 60, minutes(() => 5));
  await writeSeries(store.storage, 'web.a', FIRST_SEC, 60, minutes(() => 1));
  await writeSeries(store.storage, 'db.main.qps', FIRST_SEC, 60, minutes(() => 7));
  await writeSeries(store.storage, 'cpu.load;host=h1;dc=eu', FIRST_SEC, 60, minutes(() => 1));
  await writeSeries(store.storage, 'cpu.load;host=h2;dc=us', FIRST_SEC, 60, minutes(() => 2));
  await writeSeries(store.storage, 'cpu.load;host=h3;dc=eu', FIRST_SEC, 60, minutes(() => 3));
  app = Fastify();
  app.setErrorHandler((err, _request, reply) => {
    void reply.code(500).send({ error: `handled by the app: ${(err as Error).message}` });
  });
  registerGraphiteRoutes(app, { storage: store.storage, clock: fixedClock });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
});
afterAll(async () => {
  await app.close();
  await store.close();
});

type RenderBody = { target: string; tags: Record<string, string>; datapoints: [number | null, number][] }[];

/** POST /render as Grafana's Graphite data source sends it: a form body with the targets wrapped in aliasSub. */
async function grafanaRender(targets: readonly string[], options: Record<string, string>): Promise<Response> {
  const params = targets.map((t, i) => `target=${encodeURIComponent(`aliasSub(${t}, "(^.*$)", "\\1 ${'ABCDEFGH'[i]}")`)}`);
  for (const [key, value] of Object.entries(options)) params.push(`${key}=${encodeURIComponent(value)}`);
  return fetch(`${base}/render`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: params.join('&') });
}

describe('/render', () => {
  it("answers Grafana's data source test: constantLine(100) over the last hour, maxDataPoints 300", async () => {
    const from = NOW_SEC - 3600;
    const response = await grafanaRender(['constantLine(100)'], { from: String(from), until: String(NOW_SEC), format: 'json', maxDataPoints: '300' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.json()).toEqual([
      {
        target: '100 A',
        tags: { name: '100' },
        datapoints: [
          [100, from],
          [100, from + 1800],
          [100, from + 3600],
        ],
      },
    ]);
  });

  it('answers a Grafana panel query: relative from/until, several targets, maxDataPoints above the point count', async () => {
    const response = await grafanaRender(['sumSeries(web.*.cpu)', 'web.a.cpu'], { from: '-6h', until: 'now', format: 'json', maxDataPoints: '1234' });
    const body = (await response.json()) as RenderBody;
    expect(body.map((s) => s.target)).toEqual(['sumSeries(web.*.cpu) A', 'web.a.cpu B']);
    expect(body[0]!.tags).toEqual({ name: 'sumSeries(web.*.cpu)', aggregatedBy: 'sum' });
    const points = body[1]!.datapoints;
    // Whisper's buckets: from the minute after `from` to the minute holding `until`.
    expect(points).toHaveLength(SIX_HOURS);
    expect(points[0]).toEqual([1, FIRST_SEC + 60]);
    expect(points[SIX_HOURS - 1]).toEqual([SIX_HOURS, NOW_SEC]);
    expect(body[0]!.datapoints[0]).toEqual([3, FIRST_SEC + 60]);
  });

  it('consolidates to maxDataPoints by average, or as consolidateBy says', async () => {
    const response = await grafanaRender(['web.a.cpu', "consolidateBy(web.a.cpu, 'max')"], { from: '-6h', until: 'now', format: 'json', maxDataPoints: '100' });
    const [avg, max] = (await response.json()) as RenderBody;
    // 361 one-minute points over 6 h 1 min become bands of 4 minutes starting at multiples of 240 s.
    expect(avg!.datapoints.length).toBeLessThanOrEqual(100);
    const [firstValue, firstTs] = avg!.datapoints[0]!;
    expect(firstTs % 240).toBe(0);
    const firstIndex = (firstTs - FIRST_SEC) / 60;
    expect(firstValue).toBe(firstIndex + 1.5);
    expect(max!.target).toBe('consolidateBy(web.a.cpu,"max") B');
    expect(max!.datapoints[0]).toEqual([firstIndex + 3, firstTs]);
  });

  it('reads GET parameters and JSON bodies, targets repeated; noNullPoints drops nulls', async () => {
    const get = await fetch(`${base}/render?target=web.b.cpu&target=web.a.mem&from=-2min&until=now&format=json&noNullPoints`);
    expect(((await get.json()) as RenderBody).map((s) => [s.target, s.datapoints])).toEqual([
      ['web.b.cpu', [[2, NOW_SEC - 60], [2, NOW_SEC]]],
      ['web.a.mem', [[5, NOW_SEC - 60], [5, NOW_SEC]]],
    ]);
    const json = await fetch(`${base}/render/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ target: ['web.b.cpu'], from: '-2min', format: 'json' }) });
    expect(((await json.json()) as RenderBody)[0]!.datapoints).toEqual([
      [2, NOW_SEC - 60],
      [2, NOW_SEC],
    ]);
    const later = await fetch(`${base}/render?target=web.b.cpu&from=-2min&until=now%2B1min`);
    expect(((await later.json()) as RenderBody)[0]!.datapoints).toEqual([
      [2, NOW_SEC - 60],
      [2, NOW_SEC],
      [null, NOW_SEC + 60],
    ]);
    expect(await (await fetch(`${base}/render?format=json`)).json()).toEqual([]);
  });

  it('wraps the body for jsonp and indents it with pretty', async () => {
    const jsonp = await fetch(`${base}/render?target=web.b.cpu&from=-1min&jsonp=cb`);
    expect(jsonp.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await jsonp.text()).toMatch(/^cb\(\[\{"target":"web\.b\.cpu"/);
    expect(await (await fetch(`${base}/render?target=web.b.cpu&from=-1min&pretty=1`)).text()).toContain('\n  {\n    "target": "web.b.cpu"');
  });

  it('answers bad input with 400 and a message naming the problem and position', async () => {
    const syntax = await grafanaRender(['sumSeries(web.*.cpu'], { from: '-1h', format: 'json' });
    expect(syntax.status).toBe(400);
    const body = (await syntax.json()) as { error: string; message: string; field: string };
    expect(body.message).toBe(body.error);
    expect(body.field).toBe('target');
    expect(body.error).toBe(`cannot parse target "aliasSub(sumSeries(web.*.cpu, \\"(^.*$)\\", \\"\\\\1 A\\")": expected ',' or ')' to continue the arguments of aliasSub() at position 47 (end of target)`);
    const unknown = await fetch(`${base}/render?target=nosuch(a)&from=-1h`);
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: string }).error).toContain('unknown function nosuch');
    const time = await fetch(`${base}/render?target=a&from=-5m`);
    expect(((await time.json()) as { error: string }).error).toBe('cannot read from: cannot parse time offset: unit "m" is not one of s, min, h, d, w, mon, y');
    expect((await fetch(`${base}/render?target=a&from=-1h&until=-1h`)).status).toBe(400);
    expect((await fetch(`${base}/render?target=a&format=png`)).status).toBe(400);
    expect((await fetch(`${base}/render?target=a&jsonp=alert(1)`)).status).toBe(400);
  });
});

describe('/metrics/find and /metrics/expand', () => {
  it("lists path nodes in treejson for Grafana's metric finder (POST form, from/until in the query string)", async () => {
    const response = await fetch(`${base}/metrics/find?from=${NOW_SEC - 3600}&until=${NOW_SEC}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'query=web.a.*' });
    expect(await response.json()).toEqual([
      { text: 'cpu', id: 'web.a.cpu', leaf: 1, expandable: 0, allowChildren: 0 },
      { text: 'mem', id: 'web.a.mem', leaf: 1, expandable: 0, allowChildren: 0 },
    ]);
    expect(await (await fetch(`${base}/metrics/find?query=*`)).json()).toEqual([
      { text: 'db', id: 'db', leaf: 0, expandable: 1, allowChildren: 1 },
      { text: 'web', id: 'web', leaf: 0, expandable: 1, allowChildren: 1 },
    ]);
  });

  it('lists branches before leaves, a series that is also a prefix once as an expandable leaf, and * with wildcards', async () => {
    expect(await (await fetch(`${base}/metrics/find?query=web.*&wildcards=1`)).json()).toEqual([
      { text: '*', id: 'web.*', leaf: 0, expandable: 1, allowChildren: 1 },
      { text: 'a', id: 'web.a', leaf: 1, expandable: 1, allowChildren: 1 },
      { text: 'b', id: 'web.b', leaf: 0, expandable: 1, allowChildren: 1 },
    ]);
    expect(await (await fetch(`${base}/metrics/find?query=web.{a,b}.c[o-p]u`)).json()).toEqual([{ text: 'cpu', id: 'web.{a,b}.cpu', leaf: 1, expandable: 0, allowChildren: 0 }]);
    expect(await (await fetch(`${base}/metrics/find?query=web.*&leavesOnly=1`)).json()).toEqual([{ text: 'a', id: 'web.a', leaf: 1, expandable: 0, allowChildren: 0 }]);
  });

  it('lists paths in the completer format', async () => {
    expect(await (await fetch(`${base}/metrics/find?query=web.a.c&format=completer`)).json()).toEqual({ metrics: [{ path: 'web.a.cpu', name: 'cpu', is_leaf: '1' }] });
    expect(await (await fetch(`${base}/metrics/find?query=w&format=completer`)).json()).toEqual({ metrics: [{ path: 'web.', name: 'web', is_leaf: '0' }] });
  });

  it('expands queries to full paths, merged or grouped by query', async () => {
    expect(await (await fetch(`${base}/metrics/expand?query=web.*.cpu&query=db.*.*`)).json()).toEqual({ results: ['db.main.qps', 'web.a.cpu', 'web.b.cpu'] });
    expect(await (await fetch(`${base}/metrics/expand?query=web.*&query=web.a.*&groupByExpr=1&leavesOnly=1`)).json()).toEqual({ results: { 'web.*': ['web.a'], 'web.a.*': ['web.a.cpu', 'web.a.mem'] } });
  });

  it('wants a query', async () => {
    const response = await fetch(`${base}/metrics/find`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'cannot find metrics: parameter "query" is required', field: 'query' });
  });
});

describe('/tags', () => {
  it("completes tag names and values as Grafana's tag editor asks", async () => {
    expect(await (await fetch(`${base}/tags/autoComplete/tags?expr=${encodeURIComponent('name=cpu.load')}`)).json()).toEqual(['dc', 'host']);
    expect(await (await fetch(`${base}/tags/autoComplete/tags`)).json()).toEqual(['dc', 'host', 'name']);
    expect(await (await fetch(`${base}/tags/autoComplete/tags?tagPrefix=h&limit=10`)).json()).toEqual(['host']);
    expect(await (await fetch(`${base}/tags/autoComplete/tags?limit=1`)).json()).toEqual(['dc']);
    const values = `${base}/tags/autoComplete/values?expr=${encodeURIComponent('name=cpu.load')}&expr=${encodeURIComponent('dc=eu')}&tag=host`;
    expect(await (await fetch(values)).json()).toEqual(['h1', 'h3']);
    expect(await (await fetch(`${base}/tags/autoComplete/values?tag=host&valuePrefix=h2`)).json()).toEqual(['h2']);
    expect(await (await fetch(`${base}/tags/autoComplete/values?tag=name&expr[]=${encodeURIComponent('host!=h2')}&expr[]=${encodeURIComponent('dc=~e')}`)).json()).toEqual(['cpu.load']);
    expect(await (await fetch(`${base}/tags/autoComplete/values?tag=name&valuePrefix=web`)).json()).toEqual(['web.a', 'web.a.cpu', 'web.a.mem', 'web.b.cpu']);
    expect((await fetch(`${base}/tags/autoComplete/values`)).status).toBe(400);
    expect((await fetch(`${base}/tags/autoComplete/tags?expr=${encodeURIComponent('dc!=eu')}`)).status).toBe(400);
  });

  it('lists tags, the values of one tag with counts, and series by tag expressions', async () => {
    expect(await (await fetch(`${base}/tags?filter=^(dc|host)`)).json()).toEqual([{ tag: 'dc' }, { tag: 'host' }]);
    expect(await (await fetch(`${base}/tags/dc`)).json()).toEqual({ tag: 'dc', values: [{ value: 'eu', count: 2 }, { value: 'us', count: 1 }] });
    expect(await (await fetch(`${base}/tags/rack`)).json()).toBeNull();
    expect(await (await fetch(`${base}/tags/findSeries?expr=dc=eu`)).json()).toEqual(['cpu.load;dc=eu;host=h1', 'cpu.load;dc=eu;host=h3']);
  });

  it('renders seriesByTag targets with their tags', async () => {
    const response = await grafanaRender(["seriesByTag('name=cpu.load', 'dc=eu')"], { from: '-1min', until: 'now', format: 'json' });
    const body = (await response.json()) as RenderBody;
    expect(body.map((s) => [s.target, s.tags])).toEqual([
      ['cpu.load;dc=eu;host=h1 A', { name: 'cpu.load', dc: 'eu', host: 'h1' }],
      ['cpu.load;dc=eu;host=h3 A', { name: 'cpu.load', dc: 'eu', host: 'h3' }],
    ]);
  });
});

describe('/functions and /version', () => {
  it("lists functions with graphite-web's fields and parameter types, as Grafana's function editor reads them", async () => {
    const response = await fetch(`${base}/functions`);
    const text = await response.text();
    expect(text).not.toContain('Infinity');
    const functions = JSON.parse(text) as Record<string, { name: string; group: string; function: string; params: { name: string; type: string; required?: boolean; multiple?: boolean; default?: unknown; options?: string[] }[] }>;
    expect(functions.sumSeries).toMatchObject({
      name: 'sumSeries',
      function: 'sumSeries(*seriesLists)',
      module: 'graphite.render.functions',
      group: 'Combine',
      params: [{ name: 'seriesLists', type: 'seriesList', required: true, multiple: true }],
    });
    expect(functions.movingAverage!.function).toBe('movingAverage(seriesList, windowSize, xFilesFactor=None)');
    expect(functions.keepLastValue!.params[1]).toEqual({ name: 'limit', type: 'intOrInf', default: Infinity });
    expect(functions.summarize!.params[2]).toMatchObject({ name: 'func', type: 'aggFunc', default: 'sum' });
    expect(functions.summarize!.params[2]!.options).toContain('median');
    expect(functions.groupByNode!.params[2]!.options).toContain('sumSeries');
    expect(functions.anomalies).toMatchObject({ group: 'Vigil', params: [{ name: 'seriesList', type: 'seriesList', required: true }] });
    for (const fn of Object.values(functions)) {
      if (!['constantLine', 'seriesByTag'].includes(fn.name)) expect(fn.params[0]!.type, fn.name).toBe('seriesList');
    }
  });

  it('filters by group, groups, indents with pretty and describes one function', async () => {
    const grouped = (await (await fetch(`${base}/functions?grouped=true`)).json()) as Record<string, Record<string, unknown>>;
    expect(Object.keys(grouped.Alias!).sort()).toEqual(['alias', 'aliasByNode', 'aliasByTags', 'aliasSub']);
    expect(Object.keys((await (await fetch(`${base}/functions?group=Vigil`)).json()) as object).sort()).toEqual(['anomalies', 'anomalyScore', 'expectedBand']);
    expect(await (await fetch(`${base}/functions?pretty=1`)).text()).toContain('\n  "aggregate": {\n    "name": "aggregate"');
    expect(await (await fetch(`${base}/functions/timeShift`)).json()).toMatchObject({ name: 'timeShift', group: 'Transform' });
    expect((await fetch(`${base}/functions/nosuch`)).status).toBe(404);
  });

  it('answers /version with a graphite-web version Grafana accepts', async () => {
    const response = await fetch(`${base}/version`);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await response.text()).toBe('1.1.10');
  });
});

describe('errors that are not bad input', () => {
  it("go to the app's error handler", async () => {
    await store.storage.stop();
    const response = await fetch(`${base}/render?target=web.b.cpu&from=-1min`);
    expect(response.status).toBe(500);
    expect(((await response.json()) as { error: string }).error).toMatch(/^handled by the app: cannot query series: storage is/);
  });
});
