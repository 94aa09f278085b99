import { describe, expect, it } from 'vitest';
import { INVALID_SERIES_ID, seriesKey } from '../../model/index.js';
import { seededRandom, shuffleInPlace } from '../../util/index.js';
import { RemoteWriteDecoder } from './decoder.js';
import { STALE_MARKER, encodeTimeSeries, encodeWriteRequest, formatErrorOf, keyedDecoder, lengthDelimited, remoteWriteBody, snappy, type TestSeries } from './test-support.js';

const LIMIT = 64 * 1024 * 1024;
const T0 = 1_700_000_000_000;

function decoder(): ReturnType<typeof keyedDecoder> {
  return keyedDecoder({ maxDecodedBytes: LIMIT, keyCacheEntries: 1000 });
}

function points(batch: ReturnType<ReturnType<typeof keyedDecoder>['decode']>): [string, number, number][] {
  const { keys, timestampsMs, values, length } = batch.points;
  return Array.from({ length }, (_, i) => [keys[i]!, timestampsMs[i]!, values[i]!]);
}

describe('RemoteWriteDecoder', () => {
  it('turns many series with labels in any order into points keyed by name and sorted tags', () => {
    const random = seededRandom(7);
    const series: TestSeries[] = [];
    const expected: [string, number, number][] = [];
    for (let s = 0; s < 500; s++) {
      const tags: Record<string, string> = { instance: `host-${s % 37}:9100`, job: 'node', mode: ['idle', 'user', 'system'][s % 3]!, cpu: String(s % 8), le: String(s) };
      const labels: [string, string][] = [['__name__', `node_cpu_seconds_total_${s % 5}`], ...Object.entries(tags)];
      const order = Uint32Array.from(labels.keys());
      shuffleInPlace(order, random);
      const samples = Array.from({ length: 1 + (s % 4) }, (_, k) => ({ value: s * 10 + k + 0.25, timestampMs: T0 + k * 15_000 }));
      series.push({ labels: Array.from(order, (i) => labels[i]!), samples });
      for (const sample of samples) expected.push([seriesKey(`node_cpu_seconds_total_${s % 5}`, tags), sample.timestampMs, sample.value]);
    }
    const batch = decoder().decode(remoteWriteBody(series, ['node_cpu_seconds_total']));
    expect(points(batch)).toEqual(expected);
    expect(batch.rejections).toEqual([]);
    expect(batch.counts).toEqual({ timeseries: 500, samples: expected.length, staleMarkers: 0, histograms: 0, invalidSamples: 0, firstInvalid: '' });
  });

  it('gives one series the same key string whatever order its labels come in, and from the cache', () => {
    const d = decoder();
    const a: TestSeries = { labels: [['__name__', 'up'], ['job', 'api'], ['instance', 'a:1']], samples: [{ value: 1, timestampMs: T0 }] };
    const b: TestSeries = { labels: [['instance', 'a:1'], ['job', 'api'], ['__name__', 'up']], samples: [{ value: 0, timestampMs: T0 + 1 }] };
    const first = d.decode(remoteWriteBody([a, b, a]));
    const second = d.decode(remoteWriteBody([a]));
    expect(first.points.keys).toEqual(['up;instance=a:1;job=api', 'up;instance=a:1;job=api', 'up;instance=a:1;job=api']);
    expect(second.points.keys[0]).toBe(first.points.keys[0]);
  });

  it('creates a series only for a sample it keeps, asks for each label set once, and rejects the samples of a series the store refuses', () => {
    const asked: string[] = [];
    const d = new RemoteWriteDecoder({
      maxDecodedBytes: LIMIT,
      seriesIds: { seriesId: (key) => (asked.push(key), key === 'full' ? INVALID_SERIES_ID : asked.length) },
    });
    const only = (name: string, ...values: number[]): TestSeries => ({ labels: [['__name__', name]], samples: values.map((value, k) => ({ value, timestampMs: T0 + k })) });
    const first = d.decode(remoteWriteBody([only('stale', STALE_MARKER), only('nan', NaN), only('kept', 1, 2), only('full', 3), only('nan', 4)]));
    const second = d.decode(remoteWriteBody([only('kept', 5), only('nan', 6)]));
    expect(asked).toEqual(['kept', 'full', 'nan']);
    expect(Array.from(first.points.seriesIds)).toEqual([1, 1, 3]);
    expect(Array.from(second.points.seriesIds)).toEqual([1, 3]);
    expect(first.rejections.map((r) => [r.line, r.reason, r.message])).toEqual([
      [2, 'nan_value', 'timeseries 2 sample 1: value NaN is not stored (nan)'],
      [4, 'bad_series', 'timeseries 4 sample 1: series full cannot be stored: the store refused its key'],
    ]);
    expect(first.counts).toMatchObject({ staleMarkers: 1, invalidSamples: 1 });
  });

  it('drops and counts stale markers, and rejects NaN and ±Inf as values Vigil does not store', () => {
    const batch = decoder().decode(
      remoteWriteBody([
        {
          labels: [['__name__', 'temp']],
          samples: [
            { value: 20, timestampMs: T0 },
            { value: STALE_MARKER, timestampMs: T0 + 1 },
            { value: Number.NaN, timestampMs: T0 + 2 },
            { value: Number.POSITIVE_INFINITY, timestampMs: T0 + 3 },
            { value: Number.NEGATIVE_INFINITY, timestampMs: T0 + 4 },
            { value: -0.5, timestampMs: T0 + 5 },
          ],
        },
      ]),
    );
    expect(points(batch)).toEqual([
      ['temp', T0, 20],
      ['temp', T0 + 5, -0.5],
    ]);
    expect(batch.rejections).toEqual([
      { line: 1, reason: 'nan_value', message: 'timeseries 1 sample 3: value NaN is not stored (temp)' },
      { line: 1, reason: 'bad_value', message: 'timeseries 1 sample 4: value Infinity is not stored (temp)' },
      { line: 1, reason: 'bad_value', message: 'timeseries 1 sample 5: value -Infinity is not stored (temp)' },
    ]);
    expect(batch.counts).toMatchObject({ samples: 6, staleMarkers: 1, invalidSamples: 0 });
  });

  it('keeps timestamps from 0 to 8.64e15 ms exactly and rejects negative and huge int64 ones', () => {
    const timestamps = ['0', '8640000000000000', '9007199254740993', '9223372036854775807', '-1', '-9223372036854775808', '8640000000000001'];
    const batch = decoder().decode(remoteWriteBody([{ labels: [['__name__', 'ts']], samples: timestamps.map((t, i) => ({ value: i + 1, timestampMs: t })) }]));
    expect(points(batch)).toEqual([
      ['ts', 0, 1],
      ['ts', 8.64e15, 2],
    ]);
    expect(batch.rejections.map((r) => [r.reason, r.message])).toEqual([
      ['bad_timestamp', 'timeseries 1 sample 3: timestamp 9007199254740992 ms is outside 0..8640000000000000 (1970 to the year 275760)'],
      ['bad_timestamp', 'timeseries 1 sample 4: timestamp 9223372036854776000 ms is outside 0..8640000000000000 (1970 to the year 275760)'],
      ['bad_timestamp', 'timeseries 1 sample 5: timestamp -1 ms is outside 0..8640000000000000 (1970 to the year 275760)'],
      ['bad_timestamp', 'timeseries 1 sample 6: timestamp -9223372036854776000 ms is outside 0..8640000000000000 (1970 to the year 275760)'],
      ['bad_timestamp', 'timeseries 1 sample 7: timestamp 8640000000000001 ms is outside 0..8640000000000000 (1970 to the year 275760)'],
    ]);
    expect(batch.counts).toMatchObject({ samples: 7, invalidSamples: 5, firstInvalid: batch.rejections[0]!.message });
  });

  it('reads zero values and timestamps, which proto3 leaves out of the sample', () => {
    const batch = decoder().decode(remoteWriteBody([{ labels: [['__name__', 'zero']], samples: [{ value: 0, timestampMs: 0 }] }]));
    expect(points(batch)).toEqual([['zero', 0, 0]]);
  });

  it('accepts an empty request, and series without samples', () => {
    expect(decoder().decode(snappy(Buffer.alloc(0))).points.length).toBe(0);
    const batch = decoder().decode(remoteWriteBody([{ labels: [['__name__', 'idle']], samples: [] }, { labels: [], samples: [] }]));
    expect(batch.points.length).toBe(0);
    expect(batch.rejections).toEqual([]);
    expect(batch.counts).toMatchObject({ timeseries: 2, samples: 0 });
  });

  it('skips metadata, exemplars and native histograms, counting the histograms', () => {
    const batch = decoder().decode(
      remoteWriteBody([{ labels: [['__name__', 'req'], ['job', 'x']], samples: [{ value: 3, timestampMs: T0 }], exemplars: 2, histograms: 3 }], ['req', 'other']),
    );
    expect(points(batch)).toEqual([['req;job=x', T0, 3]]);
    expect(batch.counts).toMatchObject({ samples: 1, histograms: 3 });
  });

  it('reads a TimeSeries whose samples come before its labels', () => {
    const samples = encodeTimeSeries({ labels: [], samples: [{ value: 7, timestampMs: T0 }] });
    const labels = encodeTimeSeries({ labels: [['job', 'late'], ['__name__', 'order']], samples: [] });
    // Concatenated protobuf messages merge: their repeated fields append.
    const body = snappy(lengthDelimited(0x0a, Buffer.concat([samples, labels])));
    expect(points(decoder().decode(body))).toEqual([['order;job=late', T0, 7]]);
  });

  it('reads a TimeSeries whose labels are split by its samples, each time it comes', () => {
    const name = encodeTimeSeries({ labels: [['__name__', 'split']], samples: [] });
    const samples = encodeTimeSeries({ labels: [], samples: [{ value: 8, timestampMs: T0 }] });
    const job = encodeTimeSeries({ labels: [['job', 'a']], samples: [] });
    const otherJob = encodeTimeSeries({ labels: [['job', 'b']], samples: [] });
    const d = decoder();
    const body = snappy(Buffer.concat([lengthDelimited(0x0a, Buffer.concat([name, samples, job])), lengthDelimited(0x0a, Buffer.concat([name, samples, otherJob]))]));
    expect(points(d.decode(body))).toEqual([
      ['split;job=a', T0, 8],
      ['split;job=b', T0, 8],
    ]);
    expect(points(d.decode(body))).toEqual(points(d.decode(body)));
  });

  it('percent-encodes what a tag value cannot hold, one-to-one, and leaves out empty values', () => {
    const batch = decoder().decode(
      remoteWriteBody([
        { labels: [['__name__', 'http_requests_total'], ['path', '/a b;c~d%e\tf'], ['empty', ''], ['city', 'Zürich']], samples: [{ value: 1, timestampMs: T0 }] },
        { labels: [['__name__', 'http_requests_total'], ['path', '/a%20b;c~d%e\tf']], samples: [{ value: 2, timestampMs: T0 }] },
        { labels: [['__name__', 'x'], ['v', 'nbsp\u00a0here']], samples: [{ value: 3, timestampMs: T0 }] },
      ]),
    );
    expect(batch.points.keys).toEqual(['http_requests_total;city=Zürich;path=/a%20b%3Bc%7Ed%25e%09f', 'http_requests_total;path=/a%2520b%3Bc%7Ed%25e%09f', 'x;v=nbsp%C2%A0here']);
  });

  it('rejects each sample of a series whose labels cannot name a Vigil series, and keeps the rest', () => {
    const ok = (name: string): TestSeries => ({ labels: [['__name__', name]], samples: [{ value: 1, timestampMs: T0 }] });
    const bad = (labels: [string, string][]): TestSeries => ({ labels, samples: [{ value: 1, timestampMs: T0 }, { value: 2, timestampMs: T0 + 1 }] });
    const batch = decoder().decode(
      remoteWriteBody([
        ok('first'),
        bad([['job', 'x']]),
        bad([['__name__', 'a'], ['job', 'x'], ['job', 'y']]),
        bad([['__name__', 'a'], ['__name__', 'b']]),
        bad([['__name__', 'a'], ['bad label', 'x']]),
        bad([['__name__', 'has space']]),
        bad([['__name__', 'a'], ['', 'x']]),
        ok('last'),
      ]),
    );
    expect(points(batch)).toEqual([
      ['first', T0, 1],
      ['last', T0, 1],
    ]);
    const causes = [
      'timeseries 2: series {job="x"} is invalid: it has no __name__ label',
      'timeseries 3: series a{job="x",job="y"} is invalid: label job is repeated',
      'timeseries 4: series a{__name__="b"} is invalid: label __name__ is repeated',
      'timeseries 5: series a{bad label="x"} is invalid: tag name "bad label" must match [A-Za-z0-9_.-]+',
      'timeseries 6: series has space{} is invalid: series name "has space" contains whitespace or \';\'',
      'timeseries 7: series a{="x"} is invalid: label 2 has an empty name',
    ];
    expect(batch.rejections).toEqual(causes.flatMap((message, i) => [{ line: i + 2, reason: 'bad_series', message }, { line: i + 2, reason: 'bad_series', message }]));
    expect(batch.counts).toMatchObject({ timeseries: 8, samples: 14, invalidSamples: 12, firstInvalid: causes[0] });
  });

  it('quotes at most 200 characters of an invalid label set', () => {
    const batch = decoder().decode(remoteWriteBody([{ labels: [['job', 'x'.repeat(5000)]], samples: [{ value: 1, timestampMs: T0 }] }]));
    expect(batch.rejections[0]!.message).toBe(`timeseries 1: series {job="${'x'.repeat(194)}… is invalid: it has no __name__ label`);
  });

  it('rejects a label value that is not UTF-8', () => {
    const series = encodeTimeSeries({ labels: [['__name__', 'u'], ['v', 'XX']], samples: [{ value: 1, timestampMs: T0 }] });
    series[series.indexOf('XX')] = 0xff;
    const batch = decoder().decode(snappy(lengthDelimited(0x0a, series)));
    expect(batch.rejections.map((r) => r.message)).toEqual(['timeseries 1: series u{v="�X"} is invalid: label 2 is not valid UTF-8']);
  });

  it('refuses every cut of a body with a message that says where, keeping nothing', () => {
    const body = encodeWriteRequest([
      { labels: [['__name__', 'a'], ['job', 'j']], samples: [{ value: 1.5, timestampMs: T0 }] },
      { labels: [['__name__', 'b']], samples: [{ value: 2.5, timestampMs: T0 }, { value: 3.5, timestampMs: T0 + 1 }] },
    ]);
    const d = decoder();
    const firstSeriesEnd = 2 + body[1]!;
    for (let cut = 1; cut < body.length; cut++) {
      if (cut === firstSeriesEnd) continue;
      const err = formatErrorOf(() => d.decode(snappy(body.subarray(0, cut))));
      expect(err.problem).toBe('malformed');
      expect(err.message).toMatch(/^cannot decode WriteRequest: (timeseries [12]|WriteRequest)\b.* (is cut off|ends inside a varint)/);
    }
    expect(formatErrorOf(() => d.decode(snappy(body.subarray(0, body.length - 3)))).message).toMatch(/^cannot decode WriteRequest: timeseries 2 is cut off: \d+ bytes from byte \d+ run past byte \d+$/);
    expect(points(d.decode(snappy(body.subarray(0, firstSeriesEnd))))).toEqual([['a;job=j', T0, 1.5]]);
  });

  it('refuses wire types proto3 does not use, field number 0 and over-long varints', () => {
    const d = decoder();
    expect(formatErrorOf(() => d.decode(snappy(Buffer.from([0x0b])))).message).toBe(
      'cannot decode WriteRequest: WriteRequest has field 1 with wire type 3, which proto3 does not use, at byte 1',
    );
    expect(formatErrorOf(() => d.decode(snappy(Buffer.from([0x02, 0x00])))).message).toBe('cannot decode WriteRequest: WriteRequest has field number 0 at byte 1');
    const longVarint = Buffer.from([0x18, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02]);
    expect(formatErrorOf(() => d.decode(snappy(longVarint))).message).toBe('cannot decode WriteRequest: WriteRequest has a varint longer than 64 bits at byte 1');
    const longTag = Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]);
    expect(formatErrorOf(() => d.decode(snappy(longTag))).message).toBe('cannot decode WriteRequest: WriteRequest has a varint longer than 32 bits at byte 0');
  });

  it('skips unknown fields of every wire type', () => {
    const series = encodeTimeSeries({ labels: [['__name__', 'u']], samples: [{ value: 4, timestampMs: T0 }] });
    const unknown = Buffer.from([0x28, 0x96, 0x01, 0x31, 1, 2, 3, 4, 5, 6, 7, 8, 0x3d, 1, 2, 3, 4, 0x42, 0x02, 0xaa, 0xbb]);
    const body = Buffer.concat([unknown, lengthDelimited(0x0a, Buffer.concat([series, unknown])), unknown]);
    expect(points(decoder().decode(snappy(body)))).toEqual([['u', T0, 4]]);
  });

  it('refuses a body that declares more than maxDecodedBytes as too large', () => {
    const body = remoteWriteBody([{ labels: [['__name__', 'big']], samples: [{ value: 1, timestampMs: T0 }] }]);
    const err = formatErrorOf(() => keyedDecoder({ maxDecodedBytes: 10 }).decode(body));
    expect(err.problem).toBe('too_large');
    expect(err.message).toMatch(/^cannot decompress snappy body: it declares \d+ bytes, more than the 10 byte limit$/);
  });

  it('refuses a maxDecodedBytes that is not a positive integer', () => {
    expect(() => keyedDecoder({ maxDecodedBytes: 0 })).toThrow('cannot create remote write decoder: maxDecodedBytes must be a positive integer, got 0');
  });
});
