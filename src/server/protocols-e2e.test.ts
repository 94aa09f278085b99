import { spawnSync } from 'node:child_process';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { StatsD } from 'hot-shots';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer, type SpawnedServer } from '../bench/index.js';
import { encodeWriteRequest, snappy } from '../ingest/remote-write/test-support.js';
import { builtBinPath, eventually, getJson } from './test-support.js';

interface SeriesJson {
  key: string;
}

async function seriesMatching(url: string, glob: string): Promise<string[]> {
  return (await getJson<{ series: SeriesJson[] }>(`${url}/api/v1/series?match=${encodeURIComponent(glob)}`)).series.map((s) => s.key);
}

/** The series' last value today, once its points are durable (a series is listed as soon as it is named). */
async function lastValueOf(url: string, key: string): Promise<number> {
  return eventually(
    async () => (await getJson<{ values: number[] }>(`${url}/api/v1/query?series=${encodeURIComponent(key)}&from=-1h&step=1d&agg=last`)).values.at(-1),
    30_000,
    `the points of ${key}`,
  );
}

/** The metric listeners of `vigil serve`, each fed by a real client of its protocol or its encoding. */
describe('end to end: Graphite pickle, StatsD, OTLP/HTTP and Prometheus remote write into vigil serve', () => {
  let server: SpawnedServer;

  beforeAll(async () => {
    server = await spawnServer({ binPath: builtBinPath(), configYaml: 'statsd:\n  flushIntervalMs: 500\n' });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('stores what a carbon-style Python sender pickles to port 2004', async () => {
    const nowS = Math.floor(Date.now() / 1000);
    const script = [
      'import pickle, socket, struct, sys',
      `batch = [('e2e.pickle.load;host=h%d' % i, (${nowS}, i * 1.5)) for i in range(3)]`,
      'payload = pickle.dumps(batch, protocol=2)',
      `s = socket.create_connection(('127.0.0.1', ${server.graphitePicklePort}))`,
      's.sendall(struct.pack("!L", len(payload)) + payload)',
      's.close()',
    ].join('\n');
    const run = spawnSync('python3', ['-c', script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const keys = await eventually(async () => {
      const found = await seriesMatching(server.url, 'e2e.pickle.load;**');
      return found.length === 3 ? found : undefined;
    }, 30_000, 'the pickled series');
    expect(keys).toEqual(['e2e.pickle.load;host=h0', 'e2e.pickle.load;host=h1', 'e2e.pickle.load;host=h2']);
    expect(await lastValueOf(server.url, 'e2e.pickle.load;host=h2')).toBe(3);

    // Read back the way Grafana's Graphite data source asks: POST /render with a form body.
    const response = await fetch(`${server.url}/render`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ target: "sumSeries(seriesByTag('name=e2e.pickle.load'))", from: '-1h', until: 'now', format: 'json', maxDataPoints: '100' }).toString(),
    });
    expect(response.status).toBe(200);
    const rendered = (await response.json()) as { target: string; datapoints: [number | null, number][] }[];
    expect(rendered).toHaveLength(1);
    expect(rendered[0]!.datapoints.filter(([v]) => v !== null).map(([v]) => v)).toEqual([4.5]);
    expect(await (await fetch(`${server.url}/version`)).text()).toMatch(/^1\.1\./);
  });

  it('aggregates what the hot-shots StatsD client sends and writes it at each flush', async () => {
    const client = new StatsD({ host: '127.0.0.1', port: server.statsdPort, errorHandler: () => undefined });
    const sent = (call: (done: (error?: Error) => void) => void): Promise<void> => new Promise((resolve, reject) => call((error) => (error ? reject(error) : resolve())));
    await sent((done) => client.increment('e2e.requests', 3, done));
    await sent((done) => client.gauge('e2e.queue_depth', 17, done));
    await sent((done) => client.timing('e2e.latency', 120, done));
    await new Promise<void>((resolve) => client.close(() => resolve()));
    const gauge = await eventually(async () => {
      const found = await seriesMatching(server.url, 'stats.gauges.e2e.queue_depth');
      return found.length === 1 ? found[0] : undefined;
    }, 30_000, 'the flushed StatsD gauge');
    expect(await lastValueOf(server.url, gauge!)).toBe(17);
    expect(await seriesMatching(server.url, 'stats.counters.e2e.requests.*')).toEqual(['stats.counters.e2e.requests.count', 'stats.counters.e2e.requests.rate']);
    expect(await seriesMatching(server.url, 'stats.timers.e2e.latency.upper')).toEqual(['stats.timers.e2e.latency.upper']);
  });

  it('stores what the OpenTelemetry SDK exports over OTLP/HTTP protobuf', async () => {
    const exporter = new OTLPMetricExporter({ url: `http://127.0.0.1:${server.otlpPort}/v1/metrics` });
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000, exportTimeoutMillis: 60_000 });
    const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': 'checkout' }), readers: [reader] });
    provider.getMeter('e2e').createCounter('e2e.orders').add(5, { region: 'eu' });
    await provider.forceFlush();
    await provider.shutdown();
    const key = await eventually(async () => {
      const found = await seriesMatching(server.url, 'e2e.orders;**');
      return found.length > 0 ? found[0] : undefined;
    }, 30_000, 'the OTLP counter');
    expect(key).toContain('region=eu');
    expect(key).toContain('service.name=checkout');
    expect(await lastValueOf(server.url, key!)).toBe(5);
  });

  it('stores a Prometheus remote write request and answers 204 once durable', async () => {
    const nowMs = Date.now();
    const body = snappy(
      encodeWriteRequest([
        { labels: [['__name__', 'e2e_http_requests_total'], ['job', 'api'], ['instance', '10.0.0.1:9100']], samples: [{ value: 42, timestampMs: nowMs }] },
      ]),
    );
    const response = await fetch(`${server.url}/api/v1/write`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy', 'x-prometheus-remote-write-version': '0.1.0' },
      body,
    });
    expect(response.status).toBe(204);
    const key = 'e2e_http_requests_total;instance=10.0.0.1:9100;job=api';
    expect(await seriesMatching(server.url, 'e2e_http_requests_total;**')).toEqual([key]);
    expect(await lastValueOf(server.url, key)).toBe(42);

    // Each listener reports itself in /metrics (the tests above ran first, in this order).
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^vigil_remote_write_requests 1$/m);
    expect(metrics).toMatch(/^vigil_graphite_pickle_frames 1$/m);
    expect(metrics).toMatch(/^vigil_otlp_requests [1-9]\d*$/m);
    expect(metrics).toMatch(/^vigil_statsd_datagrams [1-9]\d*$/m);
    expect(metrics).toMatch(/^vigil_points_received_total\{protocol="remote_write"\} 1$/m);
  });
});
