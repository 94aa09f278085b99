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
    const series = 'e2e.latency;service=api;host=web-1';
    const stepSeconds = 10;
    const startSeconds = Math.floor(Date.now() / 1000) - 400 * stepSeconds;
    const shiftIndex = 300;
    let text = '';
    for (let i = 0; i < 400; i++) {
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
    expect(anomalies.every((a) => a.series === series)).toBe(true);
    const first = anomalies[0]!;
    expect(first.timestampMs).toBeGreaterThanOrEqual(shiftMs);
    expect(first.timestampMs).toBeLessThan(shiftMs + 10 * stepSeconds * 1000);
    expect(first.score).toBeGreaterThanOrEqual(0.99);
    expect(first.expected).not.toBeNull();
    expect(Math.abs(first.expected! - 100)).toBeLessThan(10);

    const alert = await eventually(async () => receiver.bodies.find((b) => (b as { status?: string }).status === 'firing'), 30_000, 'the webhook alert');
    expect(alert).toMatchObject({ status: 'firing', series, version: '1' });
    // One alert per episode, not one per anomalous point.
    expect(receiver.bodies.filter((b) => (b as { status?: string }).status === 'firing')).toHaveLength(1);
    expect(anomalies.length).toBeGreaterThan(1);

    const stored = await getJson<{ values: number[] }>(`${server.url}/api/v1/query?series=${encodeURIComponent(series)}&from=0&step=1d&agg=count`);
    expect(stored.values.reduce((a, b) => a + b, 0)).toBe(400);
  });
});
