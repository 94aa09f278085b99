import { once } from 'node:events';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertsConfig, WebhookConfig } from '../config/index.js';
import type { Anomaly } from '../model/index.js';
import { AlertManager, createAlertManager } from './alert-manager.js';
import type { AlertNotification } from './sender.js';

const T0 = 1_700_000_000_000;
const RESOLVE_AFTER_MS = 60_000;
const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  }
});

/** A receiver answering `status` to every request and keeping the notifications it got. */
async function receiver(status = 200): Promise<{ url: string; received: AlertNotification[] }> {
  const received: AlertNotification[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as AlertNotification);
      res.statusCode = status;
      res.end();
    });
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, received };
}

function webhook(name: string, url: string): WebhookConfig {
  return { name, url, headers: {}, timeoutMs: 5_000, maxRetries: 1, queueSize: 10, initialBackoffMs: 1, maxBackoffMs: 5 };
}

function config(webhooks: WebhookConfig[], sendResolved = true): AlertsConfig {
  return { minScore: 0.99, resolveAfterMs: RESOLVE_AFTER_MS, sendResolved, webhooks };
}

function anomaly(timestampMs: number, seriesId = 7): Anomaly {
  return {
    seriesId,
    series: `api.latency.p99;host=h${seriesId}`,
    timestampMs,
    value: 412,
    score: 0.998,
    kind: 'spike',
    expected: 120,
    detector: 'mad-zscore',
  };
}

describe('AlertManager', () => {
  it('fans each episode notification out to every webhook and reports stats by name', async () => {
    const a = await receiver();
    const b = await receiver(400);
    const manager = createAlertManager(config([webhook('pager', a.url), webhook('chat', b.url)]), { drainGraceMs: 30_000 });
    await manager.start();
    manager.observe([anomaly(T0), anomaly(T0 + 1000), anomaly(T0, 8)]);
    manager.observe([anomaly(T0 + 2000), anomaly(T0 + 2000 + RESOLVE_AFTER_MS + 1)]);
    expect(manager.openEpisodes().map((e) => e.episodeId)).toEqual([`8-${T0}`, `7-${T0 + 2000 + RESOLVE_AFTER_MS + 1}`]);
    await manager.stop();

    const expected = [
      ['firing', `7-${T0}`],
      ['firing', `8-${T0}`],
      ['resolved', `7-${T0}`],
      ['firing', `7-${T0 + 2000 + RESOLVE_AFTER_MS + 1}`],
    ];
    expect(a.received.map((n) => [n.status, n.episodeId])).toEqual(expected);
    expect(b.received.map((n) => [n.status, n.episodeId])).toEqual(expected);
    expect(manager.stats()).toEqual({
      senders: {
        pager: { sent: 4, failed: 0, retries: 0, dropped: 0, queued: 0 },
        chat: { sent: 0, failed: 4, retries: 0, dropped: 0, queued: 0 },
      },
      episodes: { open: 2, openedTotal: 3, resolvedTotal: 1 },
    });
  });

  it('tracks episodes without any webhook', async () => {
    const manager = new AlertManager(config([], false));
    await manager.start();
    manager.observe([anomaly(T0), anomaly(T0 + 2 * RESOLVE_AFTER_MS)]);
    await manager.stop();
    expect(manager.stats()).toEqual({ senders: {}, episodes: { open: 1, openedTotal: 2, resolvedTotal: 1 } });
  });

  it('stops idempotently, producing nothing afterwards', async () => {
    const a = await receiver();
    const manager = new AlertManager(config([webhook('pager', a.url)]), { drainGraceMs: 30_000 });
    await manager.start();
    manager.observe([anomaly(T0)]);
    await Promise.all([manager.stop(), manager.stop()]);
    manager.observe([anomaly(T0, 9)]);
    expect(a.received).toHaveLength(1);
    expect(manager.stats().senders.pager).toMatchObject({ sent: 1, dropped: 1 });
  });

  it('refuses to start again once stopped', async () => {
    const manager = new AlertManager(config([], false));
    await manager.start();
    await manager.stop();
    await expect(manager.start()).rejects.toThrow('cannot start alert manager: it was stopped');
  });

  it('refuses two webhooks with the same name', () => {
    expect(() => new AlertManager(config([webhook('ops', 'http://127.0.0.1:9/'), webhook('ops', 'http://127.0.0.1:10/')]))).toThrow(
      'cannot create alert manager: webhook name "ops" is used twice',
    );
  });
});
