import { ValueType } from '@opentelemetry/api';
import { OTLPMetricExporter as OtlpHttpJsonExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as OtlpHttpProtoExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { AggregationTemporality, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../config/index.js';
import { parseSeriesKey } from '../../model/index.js';
import { RecordingPointSink } from '../graphite/test-support.js';
import { stoppedAfterEach } from '../net/test-support.js';
import { OTLP_HTTP_SOURCE, OtlpHttpListener } from './listener.js';

/** The exporters' CompressionAlgorithm.GZIP, an enum of otlp-exporter-base (not a dependency of Vigil's): its value is 'gzip'. */
const GZIP = 'gzip' as NonNullable<NonNullable<ConstructorParameters<typeof OtlpHttpJsonExporter>[0]>['compression']>;

const RESOURCE = { 'service.name': 'checkout', 'service.version': '1.2.3' };

const started = stoppedAfterEach<OtlpHttpListener>();

async function startListener(): Promise<{ listener: OtlpHttpListener; sink: RecordingPointSink; url: string }> {
  const config = configSchema.parse({ otlp: { host: '127.0.0.1', port: 0 } }).otlp;
  const sink = new RecordingPointSink('sync');
  const listener = await started(new OtlpHttpListener({ config }, sink));
  return { listener, sink, url: `http://127.0.0.1:${listener.address().port}/v1/metrics` };
}

/**
 * Records counters, an up-down counter, an observable gauge and a histogram with the SDK, then flushes
 * them through `exporter`; the caller shuts the provider down (which exports once more).
 */
async function recordAndFlush(exporter: PushMetricExporter): Promise<MeterProvider> {
  // The interval is never reached: forceFlush() does the one export.
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000, exportTimeoutMillis: 60_000 });
  const provider = new MeterProvider({ resource: resourceFromAttributes(RESOURCE), readers: [reader] });
  const meter = provider.getMeter('vigil-test', '0.1.0');
  const requests = meter.createCounter('http.server.requests', { valueType: ValueType.INT });
  requests.add(3, { 'http.route': '/cart', 'http.response.status_code': 200 });
  requests.add(2, { 'http.route': '/cart', 'http.response.status_code': 200 });
  requests.add(1, { 'http.route': '/pay', 'http.response.status_code': 500 });
  const depth = meter.createUpDownCounter('queue.depth');
  depth.add(5, { queue: 'orders' });
  depth.add(-1.5, { queue: 'orders' });
  meter.createObservableGauge('process.memory.usage', { unit: 'By' }).addCallback((result) => {
    result.observe(1024, { kind: 'heap' });
    result.observe(2048.5, { kind: 'rss' });
  });
  const duration = meter.createHistogram('http.server.duration', { unit: 's', advice: { explicitBucketBoundaries: [0.1, 0.5, 1] } });
  for (const seconds of [0.05, 0.3, 2]) duration.record(seconds, { 'http.route': '/cart', cached: false });
  await provider.forceFlush();
  return provider;
}

/** Points by series key, after checking every key carries the resource's tags. */
function pointsByKey(sink: RecordingPointSink): Map<string, number> {
  const points = new Map<string, number>();
  sink.keys.forEach((key, i) => {
    expect(parseSeriesKey(key).tags).toMatchObject(RESOURCE);
    points.set(key, sink.values[i]!);
  });
  return points;
}

const TAGS = 'service.name=checkout;service.version=1.2.3';

const EXPECTED: [string, number][] = [
  [`http.server.requests;http.response.status_code=200;http.route=/cart;${TAGS}`, 5],
  [`http.server.requests;http.response.status_code=500;http.route=/pay;${TAGS}`, 1],
  [`queue.depth;queue=orders;${TAGS}`, 3.5],
  [`process.memory.usage;kind=heap;${TAGS}`, 1024],
  [`process.memory.usage;kind=rss;${TAGS}`, 2048.5],
  [`http.server.duration.count;cached=false;http.route=/cart;${TAGS}`, 3],
  [`http.server.duration.sum;cached=false;http.route=/cart;${TAGS}`, 2.35],
  [`http.server.duration.bucket;cached=false;http.route=/cart;le=0.1;${TAGS}`, 1],
  [`http.server.duration.bucket;cached=false;http.route=/cart;le=0.5;${TAGS}`, 2],
  [`http.server.duration.bucket;cached=false;http.route=/cart;le=1;${TAGS}`, 2],
  [`http.server.duration.bucket;cached=false;http.route=/cart;le=+Inf;${TAGS}`, 3],
];

describe('OtlpHttpListener with the OpenTelemetry JS SDK exporters', () => {
  const exporters: [string, (url: string) => PushMetricExporter][] = [
    ['exporter-metrics-otlp-http (JSON)', (url) => new OtlpHttpJsonExporter({ url })],
    ['exporter-metrics-otlp-http (JSON, gzip, delta temporality)', (url) => new OtlpHttpJsonExporter({ url, compression: GZIP, temporalityPreference: AggregationTemporality.DELTA })],
    ['exporter-metrics-otlp-proto (protobuf)', (url) => new OtlpHttpProtoExporter({ url })],
    ['exporter-metrics-otlp-proto (protobuf, gzip)', (url) => new OtlpHttpProtoExporter({ url, compression: GZIP })],
  ];

  for (const [name, createExporter] of exporters) {
    it(`takes what ${name} sends: counters, up-down counters, observable gauges and histograms with their attributes and resource`, async () => {
      const { listener, sink, url } = await startListener();
      const beforeMs = Date.now();
      const provider = await recordAndFlush(createExporter(url));
      const afterMs = Date.now();
      const points = pointsByKey(sink);
      expect([...points.keys()].sort()).toEqual(EXPECTED.map(([key]) => key).sort());
      for (const [key, value] of EXPECTED) expect(points.get(key), key).toBeCloseTo(value, 9);
      // The SDK's clock is performance.timeOrigin + performance.now(), which may drift from Date.now() by
      // a little: a minute either side still catches nanoseconds taken for anything but milliseconds.
      for (const timestampMs of sink.timestampsMs) {
        expect(timestampMs).toBeGreaterThanOrEqual(beforeMs - 60_000);
        expect(timestampMs).toBeLessThanOrEqual(afterMs + 60_000);
      }
      expect([...sink.sources]).toEqual([OTLP_HTTP_SOURCE]);
      expect(sink.rejections).toEqual([]);
      expect(listener.stats()).toMatchObject({ requests: 1, errors: 0, rejectedDataPoints: 0, dataPoints: 6, points: EXPECTED.length });
      await provider.shutdown();
    });
  }
});
