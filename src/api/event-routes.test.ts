import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../config/index.js';
import type { OpsEvent } from '../model/index.js';
import { DuckDbEventStore } from '../store/index.js';
import type { Storage } from '../store/index.js';
import { HttpApi, type HttpApiDeps, type StatusBody } from './http-server.js';
import { SelfMetrics } from './self-metrics.js';

/** 2024-01-02T00:00:00Z: the fixed "now" of these tests. */
const NOW_MS = Date.UTC(2024, 0, 2);
const HOUR_MS = 3_600_000;
const TOKEN = 'event-token-0123456789';

interface Api {
  readonly url: string;
  readonly events: DuckDbEventStore;
  readonly metrics: SelfMetrics;
}

const running: { http: HttpApi; events: DuckDbEventStore }[] = [];

afterEach(async () => {
  for (const { http, events } of running.splice(0)) {
    await http.stop();
    await events.stop();
  }
});

/** The real HTTP API on a free port, with an in-memory event store; the rest of its dependencies are never reached. */
async function openApi(options: { authToken?: string } = {}): Promise<Api> {
  const events = new DuckDbEventStore({ path: ':memory:' });
  await events.start();
  const metrics = new SelfMetrics();
  const unused = (): never => {
    throw new Error('not used by the event routes');
  };
  const deps: HttpApiDeps = {
    storage: {} as Storage,
    writer: { write: unused, reject: unused } as unknown as HttpApiDeps['writer'],
    metrics,
    status: () => ({}) as StatusBody,
    ready: () => true,
    clock: { nowMs: () => NOW_MS },
    logger: pino({ level: 'silent' }),
    replay: unused,
    logs: {} as HttpApiDeps['logs'],
    events,
  };
  const http = new HttpApi({ host: '127.0.0.1', port: 0, maxBodyBytes: 1024 * 1024, uiDir: null, remoteWrite: configSchema.parse({}).remoteWrite, ...options }, deps);
  await http.start();
  running.push({ http, events });
  return { url: `http://127.0.0.1:${http.port}`, events, metrics };
}

async function post(api: Api, path: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${api.url}${path}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function get<T>(api: Api, path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${api.url}${path}`);
  return { status: response.status, body: (await response.json()) as T };
}

async function counted(api: Api): Promise<Record<string, number>> {
  const metric = await api.metrics.eventsReceived.get();
  return Object.fromEntries(metric.values.map((v) => [`${v.labels.source}/${v.labels.outcome}`, v.value]));
}

describe('POST and GET /api/v1/events', () => {
  it('stores one event object, defaulting its time to now, and lists it', async () => {
    const api = await openApi();
    const sent = await post(api, '/api/v1/events', { type: 'deploy', service: 'api', version: '1.4.2', tags: { region: 'eu' }, description: 'canary passed' });
    expect(sent.status).toBe(200);
    expect(sent.body).toEqual({ accepted: 1, ids: [expect.any(String)], rejected: [] });
    const listed = await get<{ fromMs: number; toMs: number; events: OpsEvent[] }>(api, '/api/v1/events');
    expect(listed.body).toEqual({
      fromMs: NOW_MS + 1 - 24 * HOUR_MS,
      toMs: NOW_MS + 1,
      events: [{ id: (sent.body.ids as string[])[0], type: 'deploy', service: 'api', version: '1.4.2', timestampMs: NOW_MS, tags: { region: 'eu' }, description: 'canary passed' }],
    });
    expect(await counted(api)).toEqual({ 'api/accepted': 1 });
  });

  it('keeps the good events of a batch and rejects each bad one by index and field', async () => {
    const api = await openApi();
    const sent = await post(api, '/api/v1/events', [
      { type: 'Deploy', service: 'api', timestampMs: NOW_MS - HOUR_MS },
      { type: 'deploy', timestampMs: 'yesterday' },
      { service: 'db' },
      { type: 'config', tags: { owner: 7 } },
      { type: 'config', timestampMS: NOW_MS },
      'deploy',
      { type: 'rollback', service: 'api', time: '2024-01-01T22:30:00Z' },
      { type: 'deploy', time: 'soon' },
    ]);
    expect(sent.status).toBe(200);
    const ids = sent.body.ids as (string | null)[];
    expect(sent.body.accepted).toBe(2);
    expect(ids.map((id) => id !== null)).toEqual([true, false, false, false, false, false, true, false]);
    const rejected = sent.body.rejected as { index: number; field: string; message: string }[];
    expect(rejected.map((r) => [r.index, r.field])).toEqual([
      [1, 'timestampMs'],
      [2, 'type'],
      [3, 'tags.owner'],
      [4, 'timestampMS'],
      [5, 'body'],
      [7, 'time'],
    ]);
    expect(rejected[0]!.message).toBe('event 1: field "timestampMs" must be Unix milliseconds from 0 to 8640000000000000, got "yesterday"');
    expect(rejected[3]!.message).toContain('unknown field "timestampMS"');
    const listed = await get<{ events: OpsEvent[] }>(api, '/api/v1/events?service=api');
    expect(listed.body.events.map((e) => [e.id, e.type, e.timestampMs])).toEqual([
      [ids[6], 'rollback', Date.UTC(2024, 0, 1, 22, 30)],
      [ids[0], 'deploy', NOW_MS - HOUR_MS],
    ]);
    expect(await counted(api)).toEqual({ 'api/accepted': 2, 'api/rejected': 6 });
  });

  it('answers 400 when nothing could be kept, with the same answer shape', async () => {
    const api = await openApi();
    const sent = await post(api, '/api/v1/events', { type: 'deploy', service: '' });
    expect(sent.status).toBe(400);
    expect(sent.body).toMatchObject({ field: 'service', accepted: 0, ids: [null], rejected: [{ index: 0, field: 'service' }] });
    expect(sent.body.error).toMatch(/^event 0: field "service" must be a non-empty string/);
    const broken = await post(api, '/api/v1/events', '{"type": "deploy"');
    expect(broken.status).toBe(400);
    const empty = await post(api, '/api/v1/events', '', { 'content-type': 'text/plain' });
    expect(empty).toMatchObject({ status: 400, body: { field: 'body' } });
    expect(await counted(api)).toEqual({ 'api/rejected': 3 });
  });

  it('reads JSON sent form-encoded, as curl -d sends it', async () => {
    const api = await openApi();
    const sent = await post(api, '/api/v1/events', '{"type":"config","service":"api"}', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(sent).toMatchObject({ status: 200, body: { accepted: 1 } });
  });

  it('is idempotent on a client id', async () => {
    const api = await openApi();
    const event = { id: 'ci-run-42', type: 'deploy', service: 'api', timestampMs: NOW_MS - 5000 };
    expect((await post(api, '/api/v1/events', event)).body.ids).toEqual(['ci-run-42']);
    expect((await post(api, '/api/v1/events', { ...event, timestampMs: NOW_MS })).body.ids).toEqual(['ci-run-42']);
    const listed = await get<{ events: OpsEvent[] }>(api, '/api/v1/events');
    expect(listed.body.events.map((e) => [e.id, e.timestampMs])).toEqual([['ci-run-42', NOW_MS - 5000]]);
  });

  it('filters by time range, service and type, and limits to the newest', async () => {
    const api = await openApi();
    await post(
      api,
      '/api/v1/events',
      Array.from({ length: 6 }, (_, i) => ({ id: `e${i}`, type: i % 2 === 0 ? 'deploy' : 'config', service: i < 3 ? 'api' : 'db', timestampMs: NOW_MS - (6 - i) * HOUR_MS })),
    );
    const ids = async (query: string): Promise<string[]> => (await get<{ events: OpsEvent[] }>(api, `/api/v1/events?${query}`)).body.events.map((e) => e.id);
    expect(await ids('from=-4h')).toEqual(['e2', 'e3', 'e4', 'e5']);
    expect(await ids('from=-1d&to=-3h')).toEqual(['e0', 'e1', 'e2']);
    expect(await ids('type=deploy')).toEqual(['e0', 'e2', 'e4']);
    expect(await ids('service=db&type=config')).toEqual(['e3', 'e5']);
    expect(await ids('limit=2')).toEqual(['e4', 'e5']);
    const bad = await get<{ error: string; field: string }>(api, '/api/v1/events?from=later');
    expect(bad).toMatchObject({ status: 400, body: { field: 'from' } });
    expect((await get<{ field: string }>(api, '/api/v1/events?limit=0')).body.field).toBe('limit');
  });
});

describe('Graphite events: POST /events/ and GET /events/get_data', () => {
  interface GraphiteEvent {
    when: number;
    what: string;
    tags: string[];
    data: string;
    id: string;
  }

  it('stores a graphite-web event and serves it back for Grafana annotations', async () => {
    const api = await openApi();
    const whenSec = NOW_MS / 1000 - 600;
    // graphite-web's own example, as `curl -X POST <host>/events/ -d '{...}'` sends it.
    const sent = await post(api, '/events/', JSON.stringify({ what: 'Deployed api 1.4.2', tags: 'deploy service:api version=1.4.2 env=prod canary', when: whenSec, data: 'commit abc123' }), {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(sent.status).toBe(200);
    const id = sent.body.id as string;

    const native = await get<{ events: OpsEvent[] }>(api, '/api/v1/events');
    expect(native.body.events).toEqual([
      { id, type: 'deploy', service: 'api', version: '1.4.2', timestampMs: whenSec * 1000, tags: { env: 'prod', canary: '', data: 'commit abc123' }, description: 'Deployed api 1.4.2' },
    ]);

    const expected: GraphiteEvent = { when: whenSec, what: 'Deployed api 1.4.2', tags: ['deploy', 'service=api', 'version=1.4.2', 'env=prod', 'canary'], data: 'commit abc123', id };
    const read = await get<GraphiteEvent[]>(api, '/events/get_data?from=-1h&until=now&tags=deploy');
    expect(read).toEqual({ status: 200, body: [expected] });
    expect((await get<GraphiteEvent[]>(api, '/events/get_data?tags=deploy%20service:api')).body).toEqual([expected]);
    expect((await get<GraphiteEvent[]>(api, '/events/get_data?tags=deploy,service=db')).body).toEqual([]);
    expect((await get<GraphiteEvent[]>(api, '/events/get_data?tags=deploy,service=db&set=union')).body).toEqual([expected]);
    expect((await get<GraphiteEvent[]>(api, '/events/get_data?from=-5min')).body).toEqual([]);
    expect(await counted(api)).toEqual({ 'graphite/accepted': 1 });
  });

  it('accepts tags as an array, a missing when (now) and no type word (type event), and lists native events too', async () => {
    const api = await openApi();
    const sent = await post(api, '/events', { what: 'cache flushed', tags: ['ops', 'service=cache'] });
    expect(sent.status).toBe(200);
    await post(api, '/api/v1/events', { type: 'config', service: 'db', version: '7', timestampMs: NOW_MS - 1000 });
    const read = await get<GraphiteEvent[]>(api, '/events/get_data/');
    expect(read.body).toEqual([
      { when: NOW_MS / 1000 - 1, what: 'config db 7', tags: ['config', 'service=db', 'version=7'], data: '', id: expect.any(String) },
      { when: NOW_MS / 1000, what: 'cache flushed', tags: ['service=cache', 'ops'], data: '', id: sent.body.id },
    ]);
    const native = await get<{ events: OpsEvent[] }>(api, '/api/v1/events?type=event');
    expect(native.body.events.map((e) => [e.service, e.tags])).toEqual([['cache', { ops: '' }]]);
  });

  it('rejects a bad Graphite event naming the field, and a bad time with a message Grafana shows', async () => {
    const api = await openApi();
    expect(await post(api, '/events/', { what: 'x', when: 'tomorrow' })).toMatchObject({ status: 400, body: { field: 'when' } });
    expect(await post(api, '/events/', { what: 'x', tags: [1, 2] })).toMatchObject({ status: 400, body: { field: 'tags' } });
    expect(await post(api, '/events/', { what: 'x', tags: 'type=Not/A/Word' })).toMatchObject({ status: 400, body: { field: 'type' } });
    expect(await post(api, '/events/', 'not json', { 'content-type': 'text/plain' })).toMatchObject({ status: 400, body: { field: 'body' } });
    const bad = await get<{ error: string; message: string; field: string }>(api, '/events/get_data?from=whenever');
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('from');
    expect(bad.body.message).toBe(bad.body.error);
    expect(await counted(api)).toEqual({ 'graphite/rejected': 4 });
  });
});

describe('event writes with a token configured', () => {
  it('refuse a missing or wrong token on both POST routes, and reads need none', async () => {
    const api = await openApi({ authToken: TOKEN });
    const event = { type: 'deploy', service: 'api' };
    expect((await post(api, '/api/v1/events', event)).status).toBe(401);
    expect((await post(api, '/api/v1/events', event, { 'content-type': 'application/json', authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await post(api, '/events/', { what: 'x', tags: 'deploy' })).status).toBe(401);
    expect(await api.events.query({ fromMs: 0, toMs: Number.MAX_SAFE_INTEGER, limit: 10 })).toEqual([]);

    const auth = { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` };
    expect((await post(api, '/api/v1/events', event, auth)).status).toBe(200);
    expect((await post(api, '/events/', { what: 'x', tags: 'deploy' }, auth)).status).toBe(200);
    expect((await get<{ events: unknown[] }>(api, '/api/v1/events')).body.events).toHaveLength(2);
    expect((await get<unknown[]>(api, '/events/get_data')).body).toHaveLength(2);
  });
});
