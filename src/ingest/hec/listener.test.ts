import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { HecConfig } from '../../config/index.js';
import { configSchema } from '../../config/index.js';
import { stoppedAfterEach } from '../net/test-support.js';
import { CollectingLogSink } from '../test-support.js';
import type { HecListenerOptions } from './listener.js';
import { HEC_SOURCE, HecListener } from './listener.js';

const START_MS = Date.UTC(2024, 5, 15, 12, 0, 0);
const APP = '11111111-1111-1111-1111-111111111111';
const ACKED = '22222222-2222-2222-2222-222222222222';
const OFF = '33333333-3333-3333-3333-333333333333';
const WEB = '44444444-4444-4444-4444-444444444444';
const CHANNEL = 'fdeb6d3a-7ea4-4c33-8f0c-0a4a3c4b5e6f';
const OTHER_CHANNEL = '0aa3b6a2-41b5-4b53-9d3a-1f8b2e4c5d6a';

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

interface Harness {
  readonly listener: HecListener;
  readonly sink: CollectingLogSink;
  readonly clock: { nowMs: number };
  post(path: string, body: string | Buffer, headers?: Record<string, string>): Promise<Answer>;
  get(path: string): Promise<Answer>;
  /** Polls the ack endpoint until `ackId` is true; fails after many tries. */
  waitForAck(channel: string, ackId: number): Promise<void>;
}

const started = stoppedAfterEach<HecListener>();

async function startHec(hec: Partial<HecConfig> = {}, options: Partial<HecListenerOptions> = {}): Promise<Harness> {
  const config = configSchema.parse({
    hec: {
      host: '127.0.0.1',
      port: 0,
      tokens: [
        { token: APP, name: 'app' },
        { token: ACKED, name: 'acked', useAck: true },
        { token: OFF, name: 'off', disabled: true },
        { token: WEB, name: 'web', host: 'web-1', source: 'nginx', sourcetype: 'access_combined', index: 'web' },
      ],
      ...hec,
    },
  }).hec;
  const clock = { nowMs: START_MS };
  const sink = new CollectingLogSink();
  const listener = await started(new HecListener({ config, nowMs: () => clock.nowMs, ...options }, sink));
  const base = `http://127.0.0.1:${listener.address().port}`;
  const read = async (response: Response): Promise<Answer> => ({ status: response.status, body: (await response.json()) as Record<string, unknown> });
  const post = async (path: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<Answer> =>
    read(await fetch(base + path, { method: 'POST', body, headers }));
  const get = async (path: string): Promise<Answer> => read(await fetch(base + path));
  const waitForAck = async (channel: string, ackId: number): Promise<void> => {
    for (let attempt = 0; attempt < 500; attempt++) {
      const { body } = await post(`/services/collector/ack?channel=${channel}`, JSON.stringify({ acks: [ackId] }), { authorization: `Splunk ${ACKED}` });
      if ((body['acks'] as Record<string, boolean>)[String(ackId)]) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`ack ${ackId} of channel ${channel} never turned true`);
  };
  return { listener, sink, clock, post, get, waitForAck };
}

const auth = (token: string): Record<string, string> => ({ authorization: `Splunk ${token}` });
const acked = (channel = CHANNEL): Record<string, string> => ({ ...auth(ACKED), 'x-splunk-request-channel': channel });

describe('HecListener event endpoint', () => {
  it('takes concatenated envelopes on every event path, with the token name, sender address and receive time as defaults', async () => {
    const hec = await startHec();
    for (const path of ['/services/collector/event', '/services/collector', '/services/collector/event/1.0']) {
      const answer = await hec.post(path, `{"event":"via ${path}"}{"event":{"msg":"two","level":"error"},"time":1718452800.5,"host":"db-1"}`, auth(APP));
      expect(answer).toEqual({ status: 200, body: { text: 'Success', code: 0 } });
    }
    expect(hec.sink.records).toHaveLength(6);
    expect(hec.sink.records[0]).toEqual({
      timestampMs: START_MS,
      host: '127.0.0.1',
      source: 'http:app',
      sourcetype: 'httpevent',
      severity: 'info',
      message: 'via /services/collector/event',
      fields: {},
    });
    expect(hec.sink.records[1]).toMatchObject({ timestampMs: 1718452800500, host: 'db-1', severity: 'error', message: '{"msg":"two","level":"error"}' });
    expect(new Set(hec.sink.sources)).toEqual(new Set([HEC_SOURCE]));
    expect(hec.listener.stats()).toMatchObject({ requests: 3, events: 6, errors: 0 });
  });

  it('takes metadata from the token, overridden by query parameters, overridden by the envelope', async () => {
    const hec = await startHec();
    await hec.post('/services/collector/event', '{"event":"a"}', auth(WEB));
    await hec.post('/services/collector/event?host=web-2&source=access.log&sourcetype=nginx&index=edge', '{"event":"b"}{"event":"c","index":"main","source":"own"}', auth(WEB));
    expect(hec.sink.records.map(({ host, source, sourcetype, fields }) => ({ host, source, sourcetype, index: fields['index'] }))).toEqual([
      { host: 'web-1', source: 'nginx', sourcetype: 'access_combined', index: 'web' },
      { host: 'web-2', source: 'access.log', sourcetype: 'nginx', index: 'edge' },
      { host: 'web-2', source: 'own', sourcetype: 'nginx', index: 'main' },
    ]);
  });

  it('accepts basic authentication with the token as password, as Splunk does', async () => {
    const hec = await startHec();
    const basic = `Basic ${Buffer.from(`x:${APP}`).toString('base64')}`;
    expect(await hec.post('/services/collector/event', '{"event":"a"}', { authorization: basic })).toEqual({ status: 200, body: { text: 'Success', code: 0 } });
    expect(hec.sink.records).toHaveLength(1);
  });

  it('answers Success only once the sink has made the records durable, and Server is busy when it refuses them', async () => {
    const hec = await startHec();
    hec.sink.hold();
    const answer = hec.post('/services/collector/event', '{"event":"a"}{"event":"b"}', auth(APP));
    await hec.sink.whenHeld(1);
    expect(hec.listener.stats().inFlightRecords).toBe(2);
    hec.sink.failHeld();
    expect(await answer).toEqual({ status: 503, body: { text: 'Server is busy', code: 9 } });
    expect(hec.sink.records).toHaveLength(0);
    expect(hec.listener.stats()).toMatchObject({ events: 0, errors: 1, inFlightRecords: 0 });

    const second = hec.post('/services/collector/event', '{"event":"c"}', auth(APP));
    await hec.sink.whenHeld(1);
    hec.sink.stopHolding();
    expect(await second).toEqual({ status: 200, body: { text: 'Success', code: 0 } });
    expect(hec.sink.records.map((r) => r.message)).toEqual(['c']);
  });

  it('keeps the events before the first invalid one, names it in the answer and rejects it with its number', async () => {
    const hec = await startHec();
    const answer = await hec.post('/services/collector/event', '{"event":"a"}{"event":"b"}{"event":"c"}{"event"', auth(APP));
    expect(answer).toEqual({ status: 400, body: { text: 'Invalid data format', code: 6, 'invalid-event-number': 3 } });
    expect(hec.sink.records.map((r) => r.message)).toEqual(['a', 'b', 'c']);
    expect(hec.sink.rejections).toEqual([{ line: 4, reason: 'malformed_line', message: 'cannot parse hec event: event 3 at character 39: JSON is cut short' }]);

    expect(await hec.post('/services/collector/event', '{"event":"d"}{"host":"x"}', auth(APP))).toEqual({
      status: 400,
      body: { text: 'Event field is required', code: 12, 'invalid-event-number': 1 },
    });
    expect(await hec.post('/services/collector/event', '{"event":""}', auth(APP))).toEqual({
      status: 400,
      body: { text: 'Event field cannot be blank', code: 13, 'invalid-event-number': 0 },
    });
    expect(hec.sink.records.map((r) => r.message)).toEqual(['a', 'b', 'c', 'd']);
    expect(hec.sink.rejections.map((r) => r.line)).toEqual([4, 2, 1]);
    expect(hec.listener.stats()).toMatchObject({ requests: 3, events: 4, errors: 3 });
  });

  it('answers No data for an empty body without rejecting anything', async () => {
    const hec = await startHec();
    expect(await hec.post('/services/collector/event', '', auth(APP))).toEqual({ status: 400, body: { text: 'No data', code: 5 } });
    expect(await hec.post('/services/collector/event', ' \n', auth(APP))).toEqual({ status: 400, body: { text: 'No data', code: 5 } });
    expect(hec.sink.rejections).toEqual([]);
  });
});

describe('HecListener authentication and routing', () => {
  it('answers Splunk\'s codes for a missing, malformed, unknown, disabled or query-string token', async () => {
    const hec = await startHec();
    const body = '{"event":"a"}';
    expect(await hec.post('/services/collector/event', body)).toEqual({ status: 401, body: { text: 'Token is required', code: 2 } });
    expect(await hec.post('/services/collector/event', body, { authorization: `Bearer ${APP}` })).toEqual({ status: 401, body: { text: 'Invalid authorization', code: 3 } });
    expect(await hec.post('/services/collector/event', body, { authorization: 'Basic bm90LWEtcGFpcg==' })).toEqual({ status: 401, body: { text: 'Invalid authorization', code: 3 } });
    expect(await hec.post('/services/collector/event', body, auth('99999999-9999-9999-9999-999999999999'))).toEqual({ status: 403, body: { text: 'Invalid token', code: 4 } });
    expect(await hec.post('/services/collector/event', body, auth(OFF))).toEqual({ status: 403, body: { text: 'Token disabled', code: 1 } });
    expect(await hec.post(`/services/collector/event?token=${APP}`, body)).toEqual({
      status: 400,
      body: { text: 'Query string authorization is not enabled', code: 16 },
    });
    expect(hec.sink.records).toEqual([]);
    expect(hec.listener.stats()).toMatchObject({ requests: 6, errors: 6 });
  });

  it('answers 404 for unknown paths and 405 for the wrong method', async () => {
    const hec = await startHec();
    expect(await hec.post('/services/collector/metrics', '{}', auth(APP))).toEqual({ status: 404, body: { text: 'The requested URL was not found on this server.', code: 404 } });
    expect(await hec.get('/services/collector/event')).toEqual({ status: 405, body: { text: 'Method Not Allowed', code: 405 } });
  });

  it('refuses a channel that is not a GUID', async () => {
    const hec = await startHec();
    expect(await hec.post('/services/collector/event', '{"event":"a"}', { ...auth(APP), 'x-splunk-request-channel': 'not-a-guid' })).toEqual({
      status: 400,
      body: { text: 'Invalid data channel', code: 11 },
    });
  });
});

describe('HecListener raw endpoint', () => {
  it('takes one record per line, with the channel from the header or the query string', async () => {
    const hec = await startHec();
    const lines = 'GET /a 200\r\n\nGET /b 404\n';
    expect(await hec.post('/services/collector/raw?sourcetype=access_combined&index=web', lines, { ...auth(APP), 'x-splunk-request-channel': CHANNEL })).toEqual({
      status: 200,
      body: { text: 'Success', code: 0 },
    });
    expect(await hec.post(`/services/collector/raw/1.0?channel=${CHANNEL}&host=edge-1`, 'GET /c 500', auth(APP))).toEqual({ status: 200, body: { text: 'Success', code: 0 } });
    expect(hec.sink.records).toEqual([
      { timestampMs: START_MS, host: '127.0.0.1', source: 'http:app', sourcetype: 'access_combined', severity: 'info', message: 'GET /a 200', fields: { index: 'web' } },
      { timestampMs: START_MS, host: '127.0.0.1', source: 'http:app', sourcetype: 'access_combined', severity: 'info', message: 'GET /b 404', fields: { index: 'web' } },
      { timestampMs: START_MS, host: 'edge-1', source: 'http:app', sourcetype: 'httpevent', severity: 'info', message: 'GET /c 500', fields: {} },
    ]);
  });

  it('answers Data channel is missing without a channel', async () => {
    const hec = await startHec();
    expect(await hec.post('/services/collector/raw', 'line', auth(APP))).toEqual({ status: 400, body: { text: 'Data channel is missing', code: 10 } });
    expect(hec.sink.records).toEqual([]);
  });
});

describe('HecListener gzip bodies', () => {
  it('reads gzip event and raw bodies', async () => {
    const hec = await startHec();
    const gzip = { ...auth(APP), 'content-encoding': 'gzip' };
    expect(await hec.post('/services/collector/event', gzipSync('{"event":"zipped"}{"event":"twice"}'), gzip)).toEqual({ status: 200, body: { text: 'Success', code: 0 } });
    expect(await hec.post(`/services/collector/raw?channel=${CHANNEL}`, gzipSync('raw one\nraw two\n'), gzip)).toEqual({ status: 200, body: { text: 'Success', code: 0 } });
    expect(hec.sink.records.map((r) => r.message)).toEqual(['zipped', 'twice', 'raw one', 'raw two']);
  });

  it('applies maxBodyBytes to the decoded body, and refuses a broken gzip stream or an unknown encoding', async () => {
    const hec = await startHec({ maxBodyBytes: 1024 });
    const bomb = gzipSync(`{"event":"${'x'.repeat(100_000)}"}`);
    expect(bomb.length).toBeLessThan(1024);
    expect(await hec.post('/services/collector/event', bomb, { ...auth(APP), 'content-encoding': 'gzip' })).toEqual({
      status: 413,
      body: { text: 'Request entity too large', code: 413 },
    });
    expect(await hec.post('/services/collector/event', `{"event":"${'y'.repeat(2000)}"}`, auth(APP))).toEqual({
      status: 413,
      body: { text: 'Request entity too large', code: 413 },
    });
    expect(await hec.post('/services/collector/event', Buffer.from('not gzip at all'), { ...auth(APP), 'content-encoding': 'gzip' })).toEqual({
      status: 400,
      body: { text: 'Invalid data format', code: 6 },
    });
    expect(await hec.post('/services/collector/event', '{"event":"a"}', { ...auth(APP), 'content-encoding': 'br' })).toEqual({
      status: 400,
      body: { text: 'Invalid data format', code: 6 },
    });
    expect(await hec.post('/services/collector/event', `{"event":"${'z'.repeat(900)}"}`, auth(APP))).toEqual({ status: 200, body: { text: 'Success', code: 0 } });
    expect(hec.sink.records).toHaveLength(1);
  });
});

describe('HecListener health and load', () => {
  it('reports healthy, and full queues while records in flight reach maxInFlightRecords, when new posts are Server is busy', async () => {
    const hec = await startHec({}, { maxInFlightRecords: 2 });
    for (const path of ['/services/collector/health', '/services/collector/health/1.0']) {
      expect(await hec.get(path)).toEqual({ status: 200, body: { text: 'HEC is healthy', code: 17 } });
    }
    hec.sink.hold();
    const first = hec.post('/services/collector/event', '{"event":"a"}{"event":"b"}', auth(APP));
    await hec.sink.whenHeld(1);
    expect(await hec.get('/services/collector/health')).toEqual({ status: 503, body: { text: 'HEC is unhealthy, queues are full', code: 18 } });
    expect(await hec.post('/services/collector/event', '{"event":"c"}', auth(APP))).toEqual({ status: 503, body: { text: 'Server is busy', code: 9 } });
    hec.sink.stopHolding();
    expect((await first).status).toBe(200);
    expect(await hec.get('/services/collector/health')).toEqual({ status: 200, body: { text: 'HEC is healthy', code: 17 } });
    expect(await hec.post('/services/collector/event', '{"event":"c"}', auth(APP))).toEqual({ status: 200, body: { text: 'Success', code: 0 } });
  });
});

describe('HecListener indexer acknowledgment', () => {
  it('answers an ackId at once and turns it true only once the sink has resolved; a true ack is then forgotten', async () => {
    const hec = await startHec();
    hec.sink.hold();
    expect(await hec.post('/services/collector/event', '{"event":"a"}', acked())).toEqual({ status: 200, body: { text: 'Success', code: 0, ackId: 0 } });
    expect(await hec.post(`/services/collector/raw?channel=${CHANNEL}`, 'b\nc', { authorization: `Splunk ${ACKED}` })).toEqual({
      status: 200,
      body: { text: 'Success', code: 0, ackId: 1 },
    });
    expect(await hec.post('/services/collector/event', '{"event":"d"}', acked(OTHER_CHANNEL))).toEqual({ status: 200, body: { text: 'Success', code: 0, ackId: 0 } });
    await hec.sink.whenHeld(3);
    expect(hec.listener.stats()).toMatchObject({ pendingAcks: 3, channels: 2 });

    const query = (acks: number[], channel = CHANNEL): Promise<Answer> => hec.post('/services/collector/ack', JSON.stringify({ acks }), acked(channel));
    expect(await query([0, 1, 7])).toEqual({ status: 200, body: { acks: { '0': false, '1': false, '7': false } } });
    expect(hec.sink.records).toEqual([]);

    hec.sink.stopHolding();
    await hec.waitForAck(CHANNEL, 0);
    expect(hec.sink.records.map((r) => r.message).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(await query([0, 1])).toEqual({ status: 200, body: { acks: { '0': false, '1': true } } });
    expect(await query([1])).toEqual({ status: 200, body: { acks: { '1': false } } });
    expect(await query([0], OTHER_CHANNEL)).toEqual({ status: 200, body: { acks: { '0': true } } });
    expect(hec.listener.stats()).toMatchObject({ pendingAcks: 0, events: 4 });
  });

  it('never turns true the ackId of a write the sink refused', async () => {
    const hec = await startHec();
    hec.sink.hold();
    expect((await hec.post('/services/collector/event', '{"event":"lost"}', acked())).body['ackId']).toBe(0);
    await hec.sink.whenHeld(1);
    hec.sink.failHeld();
    expect((await hec.post('/services/collector/event', '{"event":"kept"}', acked())).body['ackId']).toBe(1);
    await hec.sink.whenHeld(1);
    hec.sink.stopHolding();
    await hec.waitForAck(CHANNEL, 1);
    expect(await hec.post('/services/collector/ack', '{"acks":[0]}', acked())).toEqual({ status: 200, body: { acks: { '0': false } } });
    expect(hec.sink.records.map((r) => r.message)).toEqual(['kept']);
    expect(hec.listener.stats()).toMatchObject({ pendingAcks: 0, events: 1 });
  });

  it('requires a channel from acknowledging tokens and answers ACK is disabled to others', async () => {
    const hec = await startHec();
    expect(await hec.post('/services/collector/event', '{"event":"a"}', auth(ACKED))).toEqual({ status: 400, body: { text: 'Data channel is missing', code: 10 } });
    expect(await hec.post('/services/collector/ack', '{"acks":[0]}', auth(ACKED))).toEqual({ status: 400, body: { text: 'Data channel is missing', code: 10 } });
    expect(await hec.post('/services/collector/ack', '{"acks":[0]}', { ...auth(APP), 'x-splunk-request-channel': CHANNEL })).toEqual({
      status: 400,
      body: { text: 'ACK is disabled', code: 14 },
    });
    expect(await hec.post('/services/collector/ack', '{"acks":"0"}', acked())).toEqual({ status: 400, body: { text: 'Invalid data format', code: 6 } });
    expect(await hec.post('/services/collector/ack', '{"acks":[-1]}', acked())).toEqual({ status: 400, body: { text: 'Invalid data format', code: 6 } });
    expect(hec.sink.records).toEqual([]);
  });

  it('answers Server is busy beyond maxPendingAcksPerChannel until the sender polls', async () => {
    const hec = await startHec({ maxPendingAcksPerChannel: 2 });
    for (const ackId of [0, 1]) expect((await hec.post('/services/collector/event', '{"event":"a"}', acked())).body['ackId']).toBe(ackId);
    expect(await hec.post('/services/collector/event', '{"event":"a"}', acked())).toEqual({ status: 503, body: { text: 'Server is busy', code: 9 } });
    expect((await hec.post('/services/collector/event', '{"event":"a"}', acked(OTHER_CHANNEL))).body['ackId']).toBe(0);
    await hec.waitForAck(CHANNEL, 0);
    expect((await hec.post('/services/collector/event', '{"event":"a"}', acked())).body['ackId']).toBe(2);
  });

  it('forgets a channel idle for channelIdleMs, with its unpolled acknowledgments', async () => {
    const hec = await startHec({ channelIdleMs: 60_000 });
    expect((await hec.post('/services/collector/event', '{"event":"a"}', acked())).body['ackId']).toBe(0);
    hec.clock.nowMs += 30_000;
    expect((await hec.post('/services/collector/event', '{"event":"b"}', acked(OTHER_CHANNEL))).body['ackId']).toBe(0);
    expect(hec.listener.stats()).toMatchObject({ channels: 2, pendingAcks: 2 });
    hec.clock.nowMs += 30_000;
    expect(await hec.post('/services/collector/ack', '{"acks":[0]}', acked(OTHER_CHANNEL))).toEqual({ status: 200, body: { acks: { '0': true } } });
    expect(hec.listener.stats()).toMatchObject({ channels: 1, pendingAcks: 0 });
    expect(await hec.post('/services/collector/ack', '{"acks":[0]}', acked())).toEqual({ status: 200, body: { acks: { '0': false } } });
    expect((await hec.post('/services/collector/event', '{"event":"c"}', acked())).body['ackId']).toBe(0);
  });
});

describe('HecListener lifecycle', () => {
  it('stop waits for writes in flight, and start and stop are idempotent', async () => {
    const hec = await startHec();
    await hec.listener.start();
    hec.sink.hold();
    expect((await hec.post('/services/collector/event', '{"event":"a"}', acked())).body['ackId']).toBe(0);
    await hec.sink.whenHeld(1);
    let stopped = false;
    const stopping = hec.listener.stop().then(() => (stopped = true));
    // Time for the server to close; a slow machine only makes the check below stricter.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stopped).toBe(false);
    hec.sink.stopHolding();
    await stopping;
    await hec.listener.stop();
    expect(hec.listener.stats().events).toBe(1);
    await expect(hec.listener.start()).rejects.toThrow('cannot start hec listener: it was stopped');
  });
});
