import { describe, expect, it } from 'vitest';
import { parseSeriesKey, validateSeriesRef } from '../../model/index.js';
import { AttributeTextCache } from './attribute-cache.js';
import type { OtlpParsedPoints } from './point-writer.js';
import { decodeOtlpMetrics } from './decode.js';
import { OtlpDecodeError } from './decode-error.js';
import { encodeOtlp, lengthField, nanos, stringAttributes } from './test-support.js';

const T0 = Date.UTC(2024, 5, 15, 12, 0, 0);
const T1 = T0 + 10_000;

interface Decoded {
  readonly points: [string, number, number][];
  readonly parsed: OtlpParsedPoints;
}

function rows(parsed: OtlpParsedPoints): [string, number, number][] {
  const { points } = parsed;
  return Array.from({ length: points.length }, (_, i) => [points.keys[i]!, points.timestampsMs[i]!, points.values[i]!]);
}

/** Decodes `request` (OTLP/JSON form) as JSON and as protobuf; both must give the same points and rejections. */
function decodeBoth(request: object): Decoded {
  const json = decodeOtlpMetrics(Buffer.from(JSON.stringify(request)), 'json');
  const proto = decodeOtlpMetrics(encodeOtlp('ExportMetricsServiceRequest', request), 'protobuf');
  expect(rows(proto)).toEqual(rows(json));
  expect(proto.rejections).toEqual(json.rejections);
  expect([proto.dataPoints, proto.rejectedDataPoints, proto.skippedDataPoints]).toEqual([json.dataPoints, json.rejectedDataPoints, json.skippedDataPoints]);
  return { points: rows(json), parsed: json };
}

function requestOf(metrics: object[], resource: Record<string, string> = { 'service.name': 'checkout' }): object {
  return { resourceMetrics: [{ resource: { attributes: stringAttributes(resource) }, scopeMetrics: [{ scope: { name: 'shop', version: '1.0' }, metrics }] }] };
}

describe('decodeOtlpMetrics mapping', () => {
  it('writes gauge and sum data points under the metric name, tagged with resource and point attributes', () => {
    const { points, parsed } = decodeBoth(
      requestOf([
        {
          name: 'http.server.requests',
          unit: '1',
          sum: {
            aggregationTemporality: 2,
            isMonotonic: true,
            dataPoints: [
              { attributes: stringAttributes({ route: '/cart', method: 'GET' }), startTimeUnixNano: nanos(T0 - 60_000), timeUnixNano: nanos(T0), asInt: '42' },
              { attributes: stringAttributes({ route: '/pay', method: 'POST' }), timeUnixNano: nanos(T0), asInt: '-7' },
            ],
          },
        },
        { name: 'queue.depth', sum: { aggregationTemporality: 1, isMonotonic: false, dataPoints: [{ timeUnixNano: nanos(T1), asDouble: 2.5 }] } },
        { name: 'process.memory.usage', gauge: { dataPoints: [{ attributes: stringAttributes({ kind: 'heap' }), timeUnixNano: nanos(T1), asDouble: 1234.5 }] } },
      ]),
    );
    expect(points).toEqual([
      ['http.server.requests;method=GET;route=/cart;service.name=checkout', T0, 42],
      ['http.server.requests;method=POST;route=/pay;service.name=checkout', T0, -7],
      ['queue.depth;service.name=checkout', T1, 2.5],
      ['process.memory.usage;kind=heap;service.name=checkout', T1, 1234.5],
    ]);
    expect(parsed.dataPoints).toBe(4);
    expect(parsed.rejections).toEqual([]);
    for (const [key] of points) expect(validateSeriesRef(parseSeriesKey(key))).toBeNull();
  });

  it('writes a histogram as count, sum and cumulative le buckets ending at +Inf', () => {
    const { points } = decodeBoth(
      requestOf([
        {
          name: 'http.server.duration',
          unit: 's',
          histogram: {
            aggregationTemporality: 2,
            dataPoints: [
              {
                attributes: stringAttributes({ route: '/cart' }),
                timeUnixNano: nanos(T0),
                count: '6',
                sum: 4.25,
                bucketCounts: ['1', '2', '0', '3'],
                explicitBounds: [0.1, 0.5, 1],
                min: 0.05,
                max: 2,
              },
              { timeUnixNano: nanos(T1), count: '2', bucketCounts: [], explicitBounds: [] },
            ],
          },
        },
      ]),
    );
    expect(points).toEqual([
      ['http.server.duration.count;route=/cart;service.name=checkout', T0, 6],
      ['http.server.duration.sum;route=/cart;service.name=checkout', T0, 4.25],
      ['http.server.duration.bucket;le=0.1;route=/cart;service.name=checkout', T0, 1],
      ['http.server.duration.bucket;le=0.5;route=/cart;service.name=checkout', T0, 3],
      ['http.server.duration.bucket;le=1;route=/cart;service.name=checkout', T0, 3],
      ['http.server.duration.bucket;le=+Inf;route=/cart;service.name=checkout', T0, 6],
      // No sum and no buckets: the count alone.
      ['http.server.duration.count;service.name=checkout', T1, 2],
    ]);
  });

  it('writes an exponential histogram as count and sum, and a summary as count, sum and quantile series', () => {
    const { points } = decodeBoth(
      requestOf([
        {
          name: 'rpc.latency',
          exponentialHistogram: {
            aggregationTemporality: 1,
            dataPoints: [{ timeUnixNano: nanos(T0), count: '5', sum: 12.5, scale: 2, zeroCount: '1', positive: { offset: 3, bucketCounts: ['1', '3'] } }],
          },
        },
        {
          name: 'gc.pause',
          summary: {
            dataPoints: [
              {
                attributes: stringAttributes({ quantile: 'shadowed' }),
                timeUnixNano: nanos(T0),
                count: '10',
                sum: 3,
                quantileValues: [
                  { quantile: 0.5, value: 0.2 },
                  { quantile: 0.99, value: 0.9 },
                  { quantile: 1, value: 'NaN' },
                ],
              },
            ],
          },
        },
      ]),
    );
    expect(points).toEqual([
      ['rpc.latency.count;service.name=checkout', T0, 5],
      ['rpc.latency.sum;service.name=checkout', T0, 12.5],
      ['gc.pause.count;quantile=shadowed;service.name=checkout', T0, 10],
      ['gc.pause.sum;quantile=shadowed;service.name=checkout', T0, 3],
      // The quantile tag wins over an attribute of that name; a NaN quantile (nothing observed) is left out.
      ['gc.pause;quantile=0.5;service.name=checkout', T0, 0.2],
      ['gc.pause;quantile=0.99;service.name=checkout', T0, 0.9],
    ]);
  });

  it('stringifies attributes of every type the same way in both encodings, and lets point attributes win', () => {
    const attributes = [
      { key: 'ok', value: { boolValue: true } },
      { key: 'code', value: { intValue: '503' } },
      { key: 'big', value: { intValue: '-9007199254740993' } },
      { key: 'ratio', value: { doubleValue: 0.25 } },
      { key: 'raw', value: { bytesValue: Buffer.from([1, 2, 250]).toString('base64') } },
      { key: 'tags', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '2' }, { boolValue: false }] } } },
      { key: 'kv', value: { kvlistValue: { values: [{ key: 'x', value: { doubleValue: 1.5 } }] } } },
      { key: 'host.name', value: { stringValue: 'web-2' } },
      { key: 'empty', value: { stringValue: '' } },
      { key: 'unset', value: {} },
    ];
    const { points } = decodeBoth(requestOf([{ name: 'm', gauge: { dataPoints: [{ attributes, timeUnixNano: nanos(T0), asDouble: 1 }] } }], { 'host.name': 'web-1', 'service.name': 'api' }));
    expect(points).toHaveLength(1);
    expect(parseSeriesKey(points[0]![0]).tags).toEqual({
      ok: 'true',
      code: '503',
      big: '-9007199254740993',
      ratio: '0.25',
      raw: 'AQL6',
      tags: '["a",2,false]',
      kv: '{"x":1.5}',
      'host.name': 'web-2',
      'service.name': 'api',
    });
  });

  it('replaces characters series keys cannot hold, the same way every time', () => {
    const { points } = decodeBoth(
      requestOf(
        [
          {
            name: 'http server;requests',
            gauge: { dataPoints: [{ attributes: stringAttributes({ 'http/route': '/a b;c~d', 'é': 'x' }), timeUnixNano: nanos(T0), asInt: '1' }] },
          },
        ],
        { 'service name': 'my shop' },
      ),
    );
    expect(points.map(([key]) => key)).toEqual(['http_server_requests;_=x;http_route=/a_b_c_d;service_name=my_shop']);
    expect(validateSeriesRef(parseSeriesKey(points[0]![0]))).toBeNull();
  });

  it('skips data points flagged as having no recorded value without rejecting them', () => {
    const { points, parsed } = decodeBoth(
      requestOf([
        {
          name: 'up',
          gauge: {
            dataPoints: [
              { timeUnixNano: nanos(T0), flags: 1 },
              { timeUnixNano: nanos(T1), asDouble: 1 },
            ],
          },
        },
      ]),
    );
    expect(points).toEqual([['up;service.name=checkout', T1, 1]]);
    expect([parsed.dataPoints, parsed.skippedDataPoints, parsed.rejectedDataPoints]).toEqual([2, 1, 0]);
  });

  it('rejects invalid data points alone, naming metric and point index, and keeps the rest', () => {
    const ok = { timeUnixNano: nanos(T0), asDouble: 1 };
    const { points, parsed } = decodeBoth(
      requestOf([
        { name: 'a', gauge: { dataPoints: [ok, { asDouble: 2 }, { timeUnixNano: nanos(T0) }, { timeUnixNano: nanos(T0), asDouble: 'NaN' }, { timeUnixNano: nanos(T0), asDouble: 'Infinity' }] } },
        { name: '', gauge: { dataPoints: [ok] } },
        {
          name: 'h',
          histogram: {
            dataPoints: [
              { timeUnixNano: nanos(T0), count: '3', bucketCounts: ['1', '2'], explicitBounds: [1, 2] },
              { timeUnixNano: nanos(T0), count: '3', bucketCounts: ['1', '1', '1'], explicitBounds: [2, 1] },
              { timeUnixNano: nanos(T0), count: '3', bucketCounts: ['3'], explicitBounds: [] },
            ],
          },
        },
        { name: 's', summary: { dataPoints: [{ timeUnixNano: nanos(T0), count: '1', quantileValues: [{ quantile: 1.5, value: 1 }] }] } },
      ]),
    );
    expect(points).toEqual([
      ['a;service.name=checkout', T0, 1],
      ['h.count;service.name=checkout', T0, 3],
      ['h.bucket;le=+Inf;service.name=checkout', T0, 3],
    ]);
    expect(parsed.dataPoints).toBe(10);
    expect(parsed.rejectedDataPoints).toBe(8);
    expect(parsed.rejections.map(({ line, reason, message }) => [line, reason, message])).toEqual([
      [2, 'bad_timestamp', 'cannot take metric "a" dataPoints[1]: timeUnixNano is missing or 0'],
      [3, 'bad_value', 'cannot take metric "a" dataPoints[2]: it has neither asDouble nor asInt'],
      [4, 'nan_value', 'cannot take metric "a" dataPoints[3]: value is NaN'],
      [5, 'bad_value', 'cannot take metric "a" dataPoints[4]: value Infinity is not finite'],
      [6, 'bad_series', 'cannot take metric "" dataPoints[0]: the metric has no name'],
      [7, 'bad_value', 'cannot take metric "h" dataPoints[0]: it has 2 bucketCounts for 2 explicitBounds (expected 3)'],
      [8, 'bad_value', 'cannot take metric "h" dataPoints[1]: explicitBounds must be finite and increasing, got 1 at index 1'],
      [10, 'bad_value', 'cannot take metric "s" dataPoints[0]: quantileValues[0].quantile 1.5 is outside [0, 1]'],
    ]);
  });

  it('keeps millisecond precision of nanosecond times and reads 64-bit counts', () => {
    const { points } = decodeBoth(
      requestOf([{ name: 'c', sum: { dataPoints: [{ timeUnixNano: '1718452800123999999', asInt: '9007199254740993' }] } }]),
    );
    expect(points).toEqual([['c;service.name=checkout', 1718452800123, 9007199254740992]]);
  });

  it('takes an empty request, and a metric of an unknown kind, as nothing to write', () => {
    for (const request of [{}, { resourceMetrics: [] }, requestOf([{ name: 'future', description: 'no data field' }])]) {
      const { points, parsed } = decodeBoth(request);
      expect(points).toEqual([]);
      expect(parsed.dataPoints).toBe(0);
    }
  });
});

describe('decodeOtlpMetrics protobuf', () => {
  const point = { attributes: stringAttributes({ zone: 'b' }), timeUnixNano: nanos(T0), asDouble: 3 };

  it('reads fields in any order: the resource after the metrics, the name after the data', () => {
    const metric = Buffer.concat([encodeOtlp('Metric', { gauge: { dataPoints: [point] } }), encodeOtlp('Metric', { name: 'late.name' })]);
    const resourceMetrics = Buffer.concat([
      lengthField(2, lengthField(2, metric)),
      encodeOtlp('ResourceMetrics', { resource: { attributes: stringAttributes({ 'service.name': 'late' }) } }),
    ]);
    const parsed = decodeOtlpMetrics(lengthField(1, resourceMetrics), 'protobuf');
    expect(rows(parsed)).toEqual([['late.name;service.name=late;zone=b', T0, 3]]);
  });

  it('reads unpacked bucket counts and bounds as well as packed ones', () => {
    const dataPoint = encodeOtlp('UnpackedHistogramDataPoint', { timeUnixNano: nanos(T0), count: '3', sum: 1, bucketCounts: ['1', '2'], explicitBounds: [0.5] });
    const metric = Buffer.concat([encodeOtlp('Metric', { name: 'h' }), lengthField(9, lengthField(1, dataPoint))]);
    const parsed = decodeOtlpMetrics(lengthField(1, lengthField(2, lengthField(2, metric))), 'protobuf');
    expect(rows(parsed)).toEqual([
      ['h.count', T0, 3],
      ['h.sum', T0, 1],
      ['h.bucket;le=0.5', T0, 1],
      ['h.bucket;le=+Inf', T0, 3],
    ]);
  });

  it('refuses bytes that are not a well-formed message, naming the offset', () => {
    const whole = encodeOtlp('ExportMetricsServiceRequest', requestOf([{ name: 'm', gauge: { dataPoints: [point] } }]));
    const cases: [Uint8Array, RegExp][] = [
      [whole.subarray(0, whole.length - 3), /runs past the end|overruns/],
      [Buffer.from([0x0a, 0x05, 0x12, 0x10, 0x00]), /runs past the end|overruns/],
      [Buffer.from([0x00, 0x01]), /field number 0/],
      [Buffer.from([0x0b]), /wire type 3 is not supported/],
      [Buffer.from('{"resourceMetrics":[]}'), /./],
    ];
    for (const [bytes, cause] of cases) {
      expect(() => decodeOtlpMetrics(bytes, 'protobuf')).toThrow(OtlpDecodeError);
      expect(() => decodeOtlpMetrics(bytes, 'protobuf')).toThrow(cause);
      expect(() => decodeOtlpMetrics(bytes, 'protobuf')).toThrow(/^cannot decode protobuf ExportMetricsServiceRequest: .* at byte \d+$/);
    }
  });

  it('refuses attribute values nested deeper than the stack guard allows', () => {
    let value: object = { stringValue: 'leaf' };
    for (let i = 0; i < 40; i++) value = { arrayValue: { values: [value] } };
    const request = requestOf([{ name: 'm', gauge: { dataPoints: [{ ...point, attributes: [{ key: 'deep', value }] }] } }]);
    expect(() => decodeOtlpMetrics(encodeOtlp('ExportMetricsServiceRequest', request), 'protobuf')).toThrow(/nest deeper than 32 levels/);
  });
});

describe('decodeOtlpMetrics JSON', () => {
  const json = (text: string): OtlpParsedPoints => decodeOtlpMetrics(Buffer.from(text), 'json');

  it('refuses text that is not JSON, and structure above the data points that is wrong', () => {
    const cases: [string, RegExp][] = [
      ['{"resourceMetrics": [', /^cannot decode JSON ExportMetricsServiceRequest: /],
      ['[]', /^cannot decode the body: expected an object, got \[\]$/],
      ['{"resourceMetrics": {}}', /^cannot decode ExportMetricsServiceRequest.resourceMetrics: expected an array, got \{\}$/],
      ['{"resourceMetrics": [{"scopeMetrics": [{"metrics": [7]}]}]}', /^cannot decode resourceMetrics\[0\].scopeMetrics\[0\].metrics\[0\]: expected an object, got 7$/],
      ['{"resourceMetrics": [{"scopeMetrics": [{"metrics": [{"name": 5, "gauge": {}}]}]}]}', /metrics\[0\].name: expected a string, got 5$/],
      ['{"resourceMetrics": [{"scopeMetrics": [{"metrics": [{"name": "m", "gauge": {"dataPoints": {}}}]}]}]}', /metrics\[0\].dataPoints: expected an array/],
      ['{"resourceMetrics": [{"resource": {"attributes": [{"key": "k", "value": {"intValue": "x"}}]}}]}', /resource.attributes\[0\].value.intValue: expected an integer, got "x"$/],
    ];
    for (const [text, cause] of cases) {
      expect(() => json(text)).toThrow(OtlpDecodeError);
      expect(() => json(text)).toThrow(cause);
    }
  });

  it('rejects a data point whose fields have the wrong JSON type, keeping the others', () => {
    const dataPoints = [
      { timeUnixNano: 'soon', asDouble: 1 },
      { timeUnixNano: nanos(T0), asDouble: 'many' },
      { timeUnixNano: nanos(T0), asInt: 1.5 },
      { timeUnixNano: nanos(T0), asDouble: 1, attributes: [{ key: 'k', value: { boolValue: 'yes' } }] },
      { timeUnixNano: Number(T0) * 1e6, asDouble: '2.5' },
    ];
    const parsed = json(JSON.stringify(requestOf([{ name: 'm', gauge: { dataPoints } }])));
    expect(rows(parsed)).toEqual([['m;service.name=checkout', T0, 2.5]]);
    expect(parsed.rejections.map((r) => [r.reason, r.message])).toEqual([
      ['bad_timestamp', 'cannot take metric "m" dataPoints[0]: timeUnixNano must be unsigned nanoseconds, got "soon"'],
      ['bad_value', 'cannot take metric "m" dataPoints[1]: asDouble must be a number, got "many"'],
      ['bad_value', 'cannot take metric "m" dataPoints[2]: asInt must be an integer, got 1.5'],
      ['bad_series', 'cannot take metric "m" dataPoints[3]: cannot decode attributes[0].value.boolValue: expected a boolean, got "yes"'],
    ]);
  });

  it('ignores keys it does not know, as OTLP/JSON receivers must', () => {
    const parsed = json(
      JSON.stringify({ resourceMetrics: [{ futureField: 1, scopeMetrics: [{ metrics: [{ name: 'm', metadata: [], gauge: { dataPoints: [{ timeUnixNano: nanos(T0), asInt: 4, exemplars: [{}], novel: true }] } }] }] }] }),
    );
    expect(rows(parsed)).toEqual([['m', T0, 4]]);
  });
});

describe('decodeOtlpMetrics attribute cache', () => {
  it('gives the keys a fresh decode gives, across requests whose attributes change', () => {
    const requests = [0, 1, 2, 3].map((round) =>
      requestOf(
        [
          {
            name: 'm',
            gauge: {
              dataPoints: [
                { attributes: stringAttributes({ zone: `z${round % 2}`, 'odd key': 'a b', [`k${round}`]: 'v' }), timeUnixNano: nanos(T0), asDouble: round },
                { attributes: stringAttributes({ zone: 'z1', [`v${round}`]: `k${round}` }), timeUnixNano: nanos(T0), asDouble: round },
              ],
            },
          },
        ],
        { 'service.name': `svc-${round % 3}` },
      ),
    );
    const cache = new AttributeTextCache();
    let last: [string, number, number][] = [];
    for (const request of requests) {
      const body = encodeOtlp('ExportMetricsServiceRequest', request);
      last = rows(decodeOtlpMetrics(body, 'protobuf', cache));
      expect(last).toEqual(rows(decodeOtlpMetrics(body, 'protobuf')));
    }
    expect(last.map(([key]) => key)).toEqual(['m;k3=v;odd_key=a_b;service.name=svc-0;zone=z1', 'm;service.name=svc-0;v3=k3;zone=z1']);
  });
});
