import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer, type SpawnedServer } from '../bench/index.js';
import type { Anomaly } from '../model/index.js';
import { builtBinPath, eventually, getJson, sendGraphiteTcp, WebhookReceiver } from './test-support.js';

/** Deterministic noise in [-1, 1]. */
function noise(i: number): number {
  const x = Math.sin(i * 12.9898) * 43758.5453;
  return (x - Math.floor(x)) * 2 - 1;
}

describe('end to end: Graphite line in, anomaly stored, alert posted', () => {
  const receiver = new WebhookReceiver();
  let server: SpawnedServer;

  beforeAll(async () => {
    const hookUrl = await receiver.start();
    server = await spawnServer({
      binPath: builtBinPath(),
      configYaml: [
        'detection:',
        '  partitions: 2',
        // The default ensemble judges a level shift once; mad-zscore beside it flags every shifted point
        // until it adapts, so one episode holds many anomalies and must still alert once.
        '  detectors:',
        '    - id: ensemble',
        '    - id: mad-zscore',
        'alerts:',
        '  resolveAfterMs: 3600000',
        '  webhooks:',
        '    - name: test',
        `      url: ${hookUrl}`,
        '      initialBackoffMs: 50',
        '',
      ].join('\n'),
    });
  });

  afterAll(async () => {
    await server?.stop();
    await receiver.stop();
  });

  it('finds a level shift sent over TCP, serves it from the API and posts one alert', async () => {
    const series = 'e2e.latency;host=web-1;service=api';
    const stepSeconds = 10;
    // More history than the ensemble's default warm-up (600 points), then the shift.
    const total = 900;
    const startSeconds = Math.floor(Date.now() / 1000) - total * stepSeconds;
    const shiftIndex = 800;
    let text = '';
    for (let i = 0; i < total; i++) {
      const level = i < shiftIndex ? 100 : 160;
      text += `e2e.latency;host=web-1;service=api ${(level + 3 * noise(i)).toFixed(3)} ${startSeconds + i * stepSeconds}\n`;
      // A calm neighbour that must not alert.
      text += `e2e.latency;service=api;host=web-2 ${(100 + 3 * noise(i + 7)).toFixed(3)} ${startSeconds + i * stepSeconds}\n`;
    }
    await sendGraphiteTcp(server.graphitePort, text);

    const shiftMs = (startSeconds + shiftIndex * stepSeconds) * 1000;
    const anomalies = await eventually(
      async () => {
        const body = await getJson<{ anomalies: Anomaly[] }>(`${server.url}/api/v1/anomalies?from=0&series=${encodeURIComponent('e2e.latency;*')}`);
        return body.anomalies.length > 0 ? body.anomalies : undefined;
      },
      30_000,
      'the level shift anomaly',
    );
    expect(anomalies.filter((a) => a.series !== series)).toEqual([]);
    expect(anomalies.filter((a) => a.detector === 'ensemble').map((a) => a.timestampMs)).toEqual([shiftMs]);
    const first = anomalies[0]!;
    expect(first.timestampMs).toBeGreaterThanOrEqual(shiftMs);
    expect(first.timestampMs).toBeLessThan(shiftMs + 10 * stepSeconds * 1000);
    expect(first.score).toBeGreaterThanOrEqual(0.99);
    expect(first.expected).not.toBeNull();
    expect(Math.abs(first.expected! - 100)).toBeLessThan(10);

    const alert = await eventually(async () => receiver.bodies.find((b) => (b as { status?: string }).status === 'firing'), 30_000, 'the webhook alert');
    expect(alert).toMatchObject({ status: 'firing', series, version: '1' });
    // One episode, not one alert per anomalous point: it fires when the shift starts and, at most once
    // more, updated, when the change-point check finds that the shift lasts.
    type Firing = { status?: string; episodeId: string; kind: string | null };
    await eventually(async () => receiver.bodies.find((b) => (b as Firing).kind === 'level_shift'), 30_000, 'the alert updated as a level shift');
    const firing = receiver.bodies.filter((b) => (b as Firing).status === 'firing') as Firing[];
    expect(firing.map((b) => [b.episodeId, b.kind === 'level_shift'])).toEqual([
      [firing[0]!.episodeId, false],
      [firing[0]!.episodeId, true],
    ]);
    expect(anomalies.length).toBeGreaterThan(1);

    const stored = await getJson<{ values: number[] }>(`${server.url}/api/v1/query?series=${encodeURIComponent(series)}&from=0&step=1d&agg=count`);
    expect(stored.values.reduce((a, b) => a + b, 0)).toBe(total);
  });

  it('rejects malformed input by line and reason, counts it, and keeps the rest of the batch', async () => {
    const nowSeconds = Math.floor(Date.now() / 1000);
    await sendGraphiteTcp(
      server.graphitePort,
      [
        `bad.input.ok 1 ${nowSeconds}`,
        'bad.input.ok NaN',
        'just-one-field',
        `bad.input.ok twelve ${nowSeconds}`,
        `bad.input.ok 2 yesterday`,
        `bad.input.ok 3 ${nowSeconds + 1}`,
        '',
      ].join('\n'),
    );
    const response = await fetch(`${server.url}/api/v1/points`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        { series: 'bad.json', timestampMs: Date.now(), value: 1 },
        { series: 'bad.json', timestampMs: Date.now(), value: 'high' },
        { series: 'has space', timestampMs: Date.now(), value: 2 },
        { series: 'bad.json', timestampMs: Date.now() + 10 * 86_400_000, value: 3 },
        { series: 'bad.json', timestampMs: Date.now() + 1, value: 4 },
      ]),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { accepted: number; rejected: { line: number; reason: string; message: string }[] };
    expect(body.accepted).toBe(2);
    expect(body.rejected.map((r) => [r.line, r.reason])).toEqual([
      [2, 'bad_value'],
      [3, 'bad_series'],
      [4, 'bad_timestamp'],
    ]);
    expect(body.rejected[0]!.message).toContain('"high"');

    const notArray = await fetch(`${server.url}/api/v1/points`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"series":"x"}' });
    expect(notArray.status).toBe(400);
    expect(((await notArray.json()) as { error: string }).error).toMatch(/JSON array/);

    const metrics = await eventually(
      async () => {
        const text = await (await fetch(`${server.url}/metrics`)).text();
        return text.includes('vigil_points_rejected_total{protocol="graphite_tcp",reason="bad_timestamp"} 1') ? text : undefined;
      },
      30_000,
      'rejections to be counted',
    );
    for (const reason of ['nan_value', 'malformed_line', 'bad_value', 'bad_timestamp']) {
      expect(metrics).toContain(`vigil_points_rejected_total{protocol="graphite_tcp",reason="${reason}"} 1`);
    }
    expect(metrics).toContain('vigil_points_rejected_total{protocol="http_json",reason="bad_series"} 1');
    const kept = await eventually(
      async () => {
        const r = await getJson<{ values: number[] }>(`${server.url}/api/v1/query?series=bad.input.ok&from=-1h&to=${Date.now() + 60_000}&step=1s&agg=last`);
        return r.values.length === 2 ? r.values : undefined;
      },
      30_000,
      'the good Graphite lines to be stored',
    );
    expect(kept).toEqual([1, 3]);
  });
});
