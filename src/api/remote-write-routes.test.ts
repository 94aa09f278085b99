import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { STALE_MARKER, encodeWriteRequest, remoteWriteBody, snappy, type TestSeries } from '../ingest/remote-write/test-support.js';
import { RecordingPointWriter, remoteWriteApp, type RemoteWriteApp } from './remote-write.testsuite.js';
import { registerRemoteWriteRoutes } from './remote-write-routes.js';

const T0 = 1_700_000_000_000;
const HEADERS = {
  'content-type': 'application/x-protobuf',
  'content-encoding': 'snappy',
  'x-prometheus-remote-write-version': '0.1.0',
  'user-agent': 'Prometheus/2.42.0',
};

const opened: RemoteWriteApp[] = [];

function open(writer: RecordingPointWriter, options: Parameters<typeof remoteWriteApp>[1] = {}): RemoteWriteApp {
  const app = remoteWriteApp(writer, options);
  opened.push(app);
  return app;
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map(({ app }) => app.close()));
});

async function post(app: RemoteWriteApp, payload: Buffer, headers: Record<string, string> = HEADERS): Promise<{ statusCode: number; error: string | undefined; body: string }> {
  const response = await app.app.inject({ method: 'POST', url: '/api/v1/write', headers, payload });
  const error = response.body === '' ? undefined : (JSON.parse(response.body) as { error?: string }).error;
  return { statusCode: response.statusCode, error, body: response.body };
}

function series(name: string, value: number, labels: [string, string][] = []): TestSeries {
  return { labels: [['__name__', name], ...labels], samples: [{ value, timestampMs: T0 }] };
}

describe('POST /api/v1/write', () => {
  it('stores every sample and answers 204 with an empty body once the writer has them', async () => {
    const writer = new RecordingPointWriter();
    const app = open(writer);
    const many = Array.from({ length: 300 }, (_, i) => ({
      labels: [['job', 'node'], ['__name__', 'node_load1'], ['instance', `host-${i}:9100`]] as [string, string][],
      samples: [
        { value: i / 10, timestampMs: T0 },
        { value: i / 10 + 1, timestampMs: T0 + 15_000 },
      ],
    }));
    const response = await post(app, remoteWriteBody(many, ['node_load1']));
    expect(response).toEqual({ statusCode: 204, error: undefined, body: '' });
    expect(writer.points).toHaveLength(600);
    expect(writer.points.slice(0, 2)).toEqual([
      ['node_load1;instance=host-0:9100;job=node', T0, 0],
      ['node_load1;instance=host-0:9100;job=node', T0 + 15_000, 1],
    ]);
    expect(writer.protocols).toEqual(new Set(['remote_write']));
    expect(writer.rejections).toEqual([]);
    expect(app.stats).toEqual({ requests: 1, failedRequests: 0, samples: 600, staleMarkers: 0, histograms: 0 });
  });

  it('answers 204 to an empty request without writing, as senders probing the version send', async () => {
    const writer = new RecordingPointWriter();
    const app = open(writer);
    expect((await post(app, snappy(Buffer.alloc(0)))).statusCode).toBe(204);
    expect(writer.writes).toBe(0);
  });

  it('takes missing Content-Type, Content-Encoding and version headers as remote write 1.0 defaults', async () => {
    const writer = new RecordingPointWriter();
    const app = open(writer);
    expect((await post(app, remoteWriteBody([series('up', 1)]), {})).statusCode).toBe(204);
    expect(writer.points).toEqual([['up', T0, 1]]);
  });

  it('drops stale markers and counts NaN as rejected, still answering 204', async () => {
    const writer = new RecordingPointWriter();
    const app = open(writer);
    const body = remoteWriteBody([
      { labels: [['__name__', 'gone']], samples: [{ value: 5, timestampMs: T0 }, { value: STALE_MARKER, timestampMs: T0 + 15_000 }] },
      { labels: [['__name__', 'rpc_duration_seconds'], ['quantile', '0.99']], samples: [{ value: Number.NaN, timestampMs: T0 }] },
    ]);
    expect((await post(app, body)).statusCode).toBe(204);
    expect(writer.points).toEqual([['gone', T0, 5]]);
    expect(writer.rejections.map((r) => r.reason)).toEqual(['nan_value']);
    expect(app.stats).toMatchObject({ samples: 3, staleMarkers: 1 });
  });

  it('keeps the valid samples of a request with invalid ones and answers 400 naming the first', async () => {
    const writer = new RecordingPointWriter();
    const app = open(writer);
    const body = remoteWriteBody([
      series('ok_before', 1),
      { labels: [['job', 'no-name']], samples: [{ value: 2, timestampMs: T0 }] },
      { labels: [['__name__', 'future']], samples: [{ value: 3, timestampMs: '9000000000000000' }] },
      series('ok_after', 4),
    ]);
    const response = await post(app, body);
    expect(response.statusCode).toBe(400);
    expect(response.error).toBe('cannot write 2 of 4 samples (the other samples were stored): timeseries 2: series {job="no-name"} is invalid: it has no __name__ label');
    expect(writer.points).toEqual([
      ['ok_before', T0, 1],
      ['ok_after', T0, 4],
    ]);
    expect(writer.rejections.map((r) => [r.line, r.reason])).toEqual([
      [2, 'bad_series'],
      [3, 'bad_timestamp'],
    ]);
    expect(app.stats).toMatchObject({ requests: 1, failedRequests: 1 });
  });

  it('answers 400 when the store refuses points for good (out of retention), which the writer counted', async () => {
    const writer = new RecordingPointWriter('rejectAll');
    const app = open(writer);
    const response = await post(app, remoteWriteBody([series('old', 1), series('older', 2)]));
    expect(response.statusCode).toBe(400);
    expect(response.error).toBe('cannot write 2 of 2 samples (the other samples were stored): old: older than the 30 day retention');
  });

  it.each([
    ['a body that is not snappy', Buffer.from('not snappy at all'), /^cannot decompress snappy body: /],
    ['an empty body', Buffer.alloc(0), /^cannot decompress snappy body: the stream ends inside its length preamble \(0 bytes\)$/],
    ['an uncompressed WriteRequest', encodeWriteRequest([series('raw', 1)]), /^cannot decompress snappy body: /],
    ['a truncated WriteRequest', snappy(encodeWriteRequest([series('cut', 1)]).subarray(0, 20)), /^cannot decode WriteRequest: timeseries 1 is cut off: \d+ bytes from byte 2 run past byte 20$/],
    ['a framed snappy stream', Buffer.from('ff060000734e61507059', 'hex'), /^cannot decompress snappy body: it is in snappy's framed format; remote write sends the block format$/],
  ])('answers 400 to %s with a clear error, counted, and stores nothing', async (_name, payload, message) => {
    const writer = new RecordingPointWriter();
    const app = open(writer);
    const response = await post(app, payload);
    expect(response.statusCode).toBe(400);
    expect(response.error).toMatch(message);
    expect(writer.writes).toBe(0);
    expect(writer.rejections).toEqual([{ line: 0, reason: 'malformed_line', message: response.error }]);
  });

  it.each([
    ['Content-Type application/json', { 'content-type': 'application/json' }, 'cannot read remote write request: Content-Type must be application/x-protobuf, got "application/json"'],
    [
      'a remote write 2.0 message',
      { 'content-type': 'application/x-protobuf;proto=io.prometheus.write.v2.Request' },
      'cannot read remote write request: only remote write 1.0 (proto=prometheus.WriteRequest) is supported, got "application/x-protobuf;proto=io.prometheus.write.v2.Request"',
    ],
    ['Content-Encoding gzip', { 'content-encoding': 'gzip' }, 'cannot read remote write request: Content-Encoding must be snappy, got "gzip"'],
  ])('answers 415 to %s, counted, so that the sender does not retry', async (_name, headers, message) => {
    const writer = new RecordingPointWriter();
    const app = open(writer);
    const response = await post(app, remoteWriteBody([series('up', 1)]), { ...HEADERS, ...headers });
    expect(response).toMatchObject({ statusCode: 415, error: message });
    expect(writer.writes).toBe(0);
    expect(writer.rejections).toEqual([{ line: 0, reason: 'malformed_line', message }]);
  });

  it('accepts the 1.0 proto parameter and header values in any case', async () => {
    const app = open(new RecordingPointWriter());
    const headers = { 'content-type': 'Application/X-Protobuf; proto=prometheus.WriteRequest', 'content-encoding': 'Snappy' };
    expect((await post(app, remoteWriteBody([series('up', 1)]), headers)).statusCode).toBe(204);
  });

  it('answers 413 to a body that declares more than maxDecodedBytes, and to a body larger than any such', async () => {
    const writer = new RecordingPointWriter();
    const app = open(writer, { maxDecodedBytes: 1000 });
    const big = Array.from({ length: 50 }, (_, i) => series(`metric_${i}`, i));
    const declared = await post(app, remoteWriteBody(big));
    expect(declared.statusCode).toBe(413);
    expect(declared.error).toMatch(/^cannot decompress snappy body: it declares \d+ bytes, more than the 1000 byte limit$/);
    expect(writer.rejections.map((r) => r.reason)).toEqual(['line_too_long']);
    const huge = await post(app, Buffer.alloc(2000, 0x61));
    expect(huge.statusCode).toBe(413);
    expect(writer.writes).toBe(0);
  });

  it('answers 503 when the store cannot take the points, so that the sender retries', async () => {
    const writer = new RecordingPointWriter('fail');
    const app = open(writer);
    const response = await post(app, remoteWriteBody([series('up', 1)]));
    expect(response).toMatchObject({ statusCode: 503, error: 'cannot store samples: the store is closed' });
    writer.mode = 'durable';
    expect((await post(app, remoteWriteBody([series('up', 1)]))).statusCode).toBe(204);
    expect(writer.points).toEqual([['up', T0, 1]]);
    expect(app.stats).toMatchObject({ requests: 2, failedRequests: 1 });
  });

  it('needs the API token when auth is on', async () => {
    const writer = new RecordingPointWriter();
    const app = open(writer, { token: 's3cret' });
    expect((await post(app, remoteWriteBody([series('up', 1)]))).statusCode).toBe(401);
    expect((await post(app, remoteWriteBody([series('up', 1)]), { ...HEADERS, authorization: 'Bearer s3cret' })).statusCode).toBe(204);
    expect(writer.points).toHaveLength(1);
  });

  it('registers nothing when remote write is disabled', async () => {
    const app = open(new RecordingPointWriter(), { enabled: false });
    expect((await post(app, remoteWriteBody([series('up', 1)]))).statusCode).toBe(404);
  });

  it("leaves other routes' body parsers as they are", async () => {
    const app = Fastify();
    app.post('/json', async (request) => ({ got: request.body }));
    registerRemoteWriteRoutes(app, { writer: new RecordingPointWriter(), config: { enabled: true, maxDecodedBytes: 1024 }, requireToken: async () => undefined });
    const response = await app.inject({ method: 'POST', url: '/json', payload: { a: 1 } });
    expect(response.json()).toEqual({ got: { a: 1 } });
    expect((await app.inject({ method: 'POST', url: '/json', headers: { 'content-type': 'application/x-protobuf' }, payload: Buffer.from([1]) })).statusCode).toBe(415);
    await app.close();
  });
});
