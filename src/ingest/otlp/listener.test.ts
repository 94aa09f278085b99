import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { OtlpConfig } from '../../config/index.js';
import { configSchema } from '../../config/index.js';
import type { KeyedPoints, Rejection } from '../../model/index.js';
import { RecordingPointSink } from '../graphite/test-support.js';
import { stoppedAfterEach } from '../net/test-support.js';
import type { PointSink } from '../sink.js';
import { eventually } from '../test-support.js';
import type { OtlpHttpListenerOptions } from './listener.js';
import { OTLP_HTTP_SOURCE, OtlpHttpListener } from './listener.js';
import type { OtlpEncoding } from './response.js';
import { decodeOtlp, encodeOtlp, nanos, stringAttributes } from './test-support.js';

const T0 = Date.UTC(2024, 5, 15, 12, 0, 0);
const JSON_TYPE = 'application/json';
const PROTOBUF_TYPE = 'application/x-protobuf';
const ENCODINGS: [OtlpEncoding, string][] = [
  ['json', JSON_TYPE],
  ['protobuf', PROTOBUF_TYPE],
];

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly bytes: Buffer;
}

/** A sink whose writes fail, as a closed store's would; it records rejections. */
class FailingSink implements PointSink {
  readonly rejections: Rejection[] = [];
  writeCalls = 0;

  seriesId(): number {
    return 0;
  }

  write(_points: KeyedPoints): Promise<void> {
    this.writeCalls++;
    return Promise.reject(new Error('cannot store points: the store is closed'));
  }

  reject(rejections: readonly Rejection[]): void {
    this.rejections.push(...rejections);
  }
}

const started = stoppedAfterEach<OtlpHttpListener>();

async function startOtlp(sink: PointSink, otlp: Partial<OtlpConfig> = {}, options: Partial<OtlpHttpListenerOptions> = {}) {
  const config = configSchema.parse({ otlp: { host: '127.0.0.1', port: 0, ...otlp } }).otlp;
  const listener = await started(new OtlpHttpListener({ config, ...options }, sink));
  const base = `http://127.0.0.1:${listener.address().port}`;
  const send = async (path: string, init: RequestInit): Promise<Answer> => {
    const response = await fetch(base + path, init);
    return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
  };
  const post = (body: Uint8Array | string, headers: Record<string, string>, path = '/v1/metrics'): Promise<Answer> => send(path, { method: 'POST', body, headers });
  return { listener, post, send };
}

/** `request` (OTLP/JSON form) as a body of `encoding`. */
function bodyOf(request: object, encoding: OtlpEncoding): Uint8Array {
  return encoding === 'json' ? Buffer.from(JSON.stringify(request)) : encodeOtlp('ExportMetricsServiceRequest', request);
}

/** The ExportMetricsServiceResponse or Status of an answer, as plain data whatever its encoding. */
function messageOf(answer: Answer, typeName: 'ExportMetricsServiceResponse' | 'Status'): Record<string, unknown> {
  if (answer.headers.get('content-type') === PROTOBUF_TYPE) return decodeOtlp(typeName, answer.bytes);
  expect(answer.headers.get('content-type')).toBe(JSON_TYPE);
  return JSON.parse(answer.bytes.toString('utf8')) as Record<string, unknown>;
}

function requestOf(dataPoints: object[], name = 'http.server.requests'): object {
  return {
    resourceMetrics: [{ resource: { attributes: stringAttributes({ 'service.name': 'checkout' }) }, scopeMetrics: [{ metrics: [{ name, sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints } }] }] }],
  };
}

const GOOD = requestOf([
  { attributes: stringAttributes({ route: '/cart' }), timeUnixNano: nanos(T0), asInt: '3' },
  { attributes: stringAttributes({ route: '/pay' }), timeUnixNano: nanos(T0), asDouble: 1.5 },
]);

describe('OtlpHttpListener', () => {
  for (const [encoding, contentType] of ENCODINGS) {
    it(`answers a ${encoding} request 200 with an empty ExportMetricsServiceResponse once the sink took its points`, async () => {
      const sink = new RecordingPointSink('sync');
      const otlp = await startOtlp(sink);
      const answer = await otlp.post(bodyOf(GOOD, encoding), { 'content-type': contentType });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe(contentType);
      expect(messageOf(answer, 'ExportMetricsServiceResponse')).toEqual({});
      expect(sink.keys).toEqual(['http.server.requests;route=/cart;service.name=checkout', 'http.server.requests;route=/pay;service.name=checkout']);
      expect(sink.values).toEqual([3, 1.5]);
      expect(sink.timestampsMs).toEqual([T0, T0]);
      expect([...sink.sources]).toEqual([OTLP_HTTP_SOURCE]);
      expect(otlp.listener.stats()).toMatchObject({ requests: 1, dataPoints: 2, rejectedDataPoints: 0, points: 2, errors: 0, inFlightPoints: 0 });
    });

    it(`answers a partly invalid ${encoding} request 200 with partialSuccess, writes the rest and hands the rejections to the sink`, async () => {
      const sink = new RecordingPointSink('sync');
      const otlp = await startOtlp(sink);
      const request = requestOf([{ timeUnixNano: nanos(T0), asInt: '1' }, { asInt: '2' }, { timeUnixNano: nanos(T0), asDouble: 'NaN' }]);
      const answer = await otlp.post(bodyOf(request, encoding), { 'content-type': `${contentType}; charset=utf-8` });
      expect(answer.status).toBe(200);
      expect(messageOf(answer, 'ExportMetricsServiceResponse')).toEqual({
        partialSuccess: {
          rejectedDataPoints: '2',
          errorMessage:
            '2 of 3 data points rejected: cannot take metric "http.server.requests" dataPoints[1]: timeUnixNano is missing or 0; ' +
            'cannot take metric "http.server.requests" dataPoints[2]: value is NaN',
        },
      });
      expect(sink.keys).toEqual(['http.server.requests;service.name=checkout']);
      expect(sink.rejections.map((r) => [r.line, r.reason])).toEqual([
        [2, 'bad_timestamp'],
        [3, 'nan_value'],
      ]);
      expect(otlp.listener.stats()).toMatchObject({ dataPoints: 3, rejectedDataPoints: 2, points: 1 });
    });

    it(`takes a gzipped ${encoding} body`, async () => {
      const sink = new RecordingPointSink('sync');
      const otlp = await startOtlp(sink);
      const answer = await otlp.post(gzipSync(bodyOf(GOOD, encoding)), { 'content-type': contentType, 'content-encoding': 'gzip' });
      expect(answer.status).toBe(200);
      expect(sink.values).toEqual([3, 1.5]);
    });

    it(`refuses an undecodable ${encoding} body with 400 and a Status, writing nothing`, async () => {
      const sink = new RecordingPointSink('sync');
      const otlp = await startOtlp(sink);
      const whole = bodyOf(GOOD, encoding);
      const answer = await otlp.post(whole.subarray(0, whole.length - 5), { 'content-type': contentType });
      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toBe(contentType);
      expect(messageOf(answer, 'Status')['message']).toMatch(new RegExp(`^cannot decode ${encoding === 'json' ? 'JSON' : 'protobuf'} ExportMetricsServiceRequest: `));
      const badGzip = await otlp.post(Buffer.from('not gzip at all'), { 'content-type': contentType, 'content-encoding': 'gzip' });
      expect(badGzip.status).toBe(400);
      expect(messageOf(badGzip, 'Status')['message']).toMatch(/^cannot gunzip the body: /);
      expect(sink.writeCalls).toBe(0);
      expect(sink.rejections).toEqual([]);
      expect(otlp.listener.stats()).toMatchObject({ requests: 2, errors: 2, dataPoints: 0 });
    });

    it(`answers 503 with Retry-After to a ${encoding} request when the sink refuses the points, and leaves the rejections to the retry`, async () => {
      const sink = new FailingSink();
      const otlp = await startOtlp(sink, {}, { retryAfterSeconds: 7 });
      const answer = await otlp.post(bodyOf(requestOf([{ timeUnixNano: nanos(T0), asInt: '1' }, { asInt: '2' }]), encoding), { 'content-type': contentType });
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).toBe('7');
      expect(messageOf(answer, 'Status')).toEqual({ message: 'cannot take points: the store refused them' });
      expect(sink.writeCalls).toBe(1);
      expect(sink.rejections).toEqual([]);
      expect(otlp.listener.stats()).toMatchObject({ errors: 1, points: 0, dataPoints: 0, inFlightPoints: 0 });
    });
  }

  it('answers an empty body, in either encoding, 200 without writing', async () => {
    const sink = new RecordingPointSink('sync');
    const otlp = await startOtlp(sink);
    for (const [, contentType] of ENCODINGS) expect((await otlp.post('', { 'content-type': contentType })).status).toBe(200);
    expect(sink.writeCalls).toBe(0);
  });

  it('answers 413 to a body over maxBodyBytes, as sent or once gunzipped', async () => {
    const sink = new RecordingPointSink('sync');
    const otlp = await startOtlp(sink, { maxBodyBytes: 2048 });
    const big = Buffer.from(JSON.stringify({ resourceMetrics: [], padding: 'x'.repeat(4096) }));
    const sent = await otlp.post(big, { 'content-type': JSON_TYPE });
    expect(sent.status).toBe(413);
    expect(messageOf(sent, 'Status')['message']).toMatch(/over the 2048 byte limit|longer than 2048 bytes/);
    const zipped = gzipSync(big);
    expect(zipped.length).toBeLessThan(2048);
    const unzipped = await otlp.post(zipped, { 'content-type': JSON_TYPE, 'content-encoding': 'gzip' });
    expect(unzipped.status).toBe(413);
    expect(messageOf(unzipped, 'Status')['message']).toBe('cannot read the body: the body decodes to more than 2048 bytes');
    expect(sink.writeCalls).toBe(0);
  });

  it('answers 415 to another Content-Type or Content-Encoding', async () => {
    const otlp = await startOtlp(new RecordingPointSink('sync'));
    const text = await otlp.post(JSON.stringify(GOOD), { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    expect(messageOf(text, 'Status')).toEqual({ message: 'cannot read Content-Type "text/plain": send application/x-protobuf or application/json' });
    const brotli = await otlp.post(JSON.stringify(GOOD), { 'content-type': JSON_TYPE, 'content-encoding': 'br' });
    expect(brotli.status).toBe(415);
    expect(messageOf(brotli, 'Status')['message']).toBe('cannot read the body: Content-Encoding "br" is neither gzip nor identity');
  });

  it('answers 404 off /v1/metrics and 405 to other methods', async () => {
    const otlp = await startOtlp(new RecordingPointSink('sync'));
    const traces = await otlp.post(JSON.stringify({}), { 'content-type': JSON_TYPE }, '/v1/traces');
    expect(traces.status).toBe(404);
    expect(messageOf(traces, 'Status')['message']).toBe('cannot find /v1/traces: OTLP metrics go to POST /v1/metrics');
    const get = await otlp.send('/v1/metrics', { method: 'GET' });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it('answers only once the sink has taken the points, and 503 while too many wait for it', async () => {
    const sink = new RecordingPointSink('hold');
    const otlp = await startOtlp(sink, {}, { maxInFlightPoints: 2 });
    let answered = false;
    const first = otlp.post(bodyOf(GOOD, 'json'), { 'content-type': JSON_TYPE }).then((answer) => {
      answered = true;
      return answer;
    });
    await eventually(() => sink.heldPoints === 2, 'the first write to be held');
    expect(otlp.listener.stats().inFlightPoints).toBe(2);
    const second = await otlp.post(bodyOf(GOOD, 'protobuf'), { 'content-type': PROTOBUF_TYPE });
    expect(second.status).toBe(503);
    expect(second.headers.get('retry-after')).toBe('1');
    expect(messageOf(second, 'Status')).toEqual({ message: 'cannot take points: 2 points are waiting for the store' });
    expect(answered).toBe(false);
    sink.releaseAll();
    expect((await first).status).toBe(200);
    expect(otlp.listener.stats()).toMatchObject({ requests: 2, points: 2, inFlightPoints: 0, errors: 1 });
  });

  it('stop() waits for writes in progress to settle', async () => {
    const sink = new RecordingPointSink('hold');
    const otlp = await startOtlp(sink, {}, { stopGraceMs: 60_000 });
    const answer = otlp.post(bodyOf(GOOD, 'json'), { 'content-type': JSON_TYPE });
    await eventually(() => sink.heldPoints === 2, 'the write to be held');
    let stopped = false;
    const stopping = otlp.listener.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stopped).toBe(false);
    sink.releaseAll();
    expect((await answer).status).toBe(200);
    await stopping;
    expect(otlp.listener.stats().inFlightPoints).toBe(0);
  });
});
