import { once } from 'node:events';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebhookConfig } from '../config/index.js';
import { retryAfterMs } from './retry-after.js';
import type { AlertNotification } from './sender.js';
import { WebhookSender } from './webhook-sender.js';

interface Received {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly atMs: number;
}

/** Answers request number `index` (0-based); leaving `res` open makes the request hang. */
type Handler = (index: number, res: ServerResponse, req: IncomingMessage) => void;

interface Receiver {
  readonly url: string;
  readonly requests: Received[];
  /** Resolves once `count` requests have arrived. */
  waitForRequests(count: number): Promise<void>;
  close(): Promise<void>;
}

const receivers: Receiver[] = [];
const senders: WebhookSender[] = [];

afterEach(async () => {
  // Senders first: a sender stopped after its receiver would wait out retries against a closed port.
  await Promise.all(senders.splice(0).map((s) => s.stop()));
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function startReceiver(handler: Handler = (_i, res) => res.end('ok')): Promise<Receiver> {
  const requests: Received[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const index = requests.length;
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        atMs: performance.now(),
      });
      for (const w of waiters) if (requests.length >= w.count) w.resolve();
      handler(index, res, req);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}/hooks/alerts`,
    requests,
    waitForRequests: (count) =>
      requests.length >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve })),
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
  receivers.push(receiver);
  return receiver;
}

/** Polls `condition` until it holds; the test timeout bounds the wait. */
async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

function webhook(url: string, overrides: Partial<WebhookConfig> = {}): WebhookConfig {
  return {
    name: 'ops',
    url,
    headers: {},
    timeoutMs: 5_000,
    maxRetries: 5,
    queueSize: 100,
    initialBackoffMs: 1,
    maxBackoffMs: 5,
    ...overrides,
  };
}

function sender(config: WebhookConfig, options: ConstructorParameters<typeof WebhookSender>[1] = {}): WebhookSender {
  // A long drain grace lets `stop()` serve as "wait until everything queued was handled".
  const s = new WebhookSender(config, { drainGraceMs: 30_000, random: () => 0, ...options });
  senders.push(s);
  return s;
}

function notification(n = 1): AlertNotification {
  return {
    version: '1',
    status: 'firing',
    episodeId: `7-${1_700_000_000_000 + n}`,
    series: 'api.latency.p99;host=a',
    seriesId: 7,
    detectors: ['mad-zscore'],
    kind: 'level_shift',
    suspectedEvent: null,
    startsAtMs: 1_700_000_000_000 + n,
    endsAtMs: null,
    peakScore: 0.998,
    anomalyCount: 1,
    value: 412,
    expected: 120,
    summary: 'level_shift on api.latency.p99;host=a: 412 (expected 120), score 0.998',
  };
}

describe('WebhookSender delivery', () => {
  it('posts the notification as JSON with the configured headers', async () => {
    const receiver = await startReceiver();
    const s = sender(webhook(receiver.url, { headers: { 'X-Team': 'sre', Authorization: 'Bearer abcdef' } }));
    await s.start();
    expect(s.send(notification())).toBe(true);
    await s.stop();

    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/hooks/alerts');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['user-agent']).toBe('vigil');
    expect(request.headers['x-team']).toBe('sre');
    expect(request.headers.authorization).toBe('Bearer abcdef');
    expect(JSON.parse(request.body)).toEqual(notification());
    expect(s.stats()).toEqual({ sent: 1, failed: 0, retries: 0, dropped: 0, queued: 0 });
  });

  it('keeps application/json even when a configured header names another content type', async () => {
    const receiver = await startReceiver();
    const s = sender(webhook(receiver.url, { headers: { 'Content-Type': 'text/plain' } }));
    await s.start();
    s.send(notification());
    await s.stop();
    expect(receiver.requests[0].headers['content-type']).toBe('application/json');
  });

  it('delivers one at a time, in order', async () => {
    let active = 0;
    let maxActive = 0;
    const receiver = await startReceiver((_i, res) => {
      active++;
      maxActive = Math.max(maxActive, active);
      setTimeout(() => {
        active--;
        res.end();
      }, 2);
    });
    const s = sender(webhook(receiver.url));
    await s.start();
    for (let n = 1; n <= 5; n++) expect(s.send(notification(n))).toBe(true);
    await s.stop();
    expect(maxActive).toBe(1);
    expect(receiver.requests.map((r) => (JSON.parse(r.body) as AlertNotification).episodeId)).toEqual(
      [1, 2, 3, 4, 5].map((n) => notification(n).episodeId),
    );
    expect(s.stats().sent).toBe(5);
  });

  it('queues notifications sent before start and delivers them once started', async () => {
    const receiver = await startReceiver();
    const s = sender(webhook(receiver.url));
    s.send(notification(1));
    s.send(notification(2));
    expect(s.stats().queued).toBe(2);
    await s.start();
    await receiver.waitForRequests(2);
    await s.stop();
    expect(s.stats()).toMatchObject({ sent: 2, queued: 0 });
  });
});

describe('WebhookSender retries', () => {
  it('retries a 500 and counts the retries until it succeeds', async () => {
    const receiver = await startReceiver((i, res) => {
      res.statusCode = i < 2 ? 500 : 200;
      res.end();
    });
    const s = sender(webhook(receiver.url));
    await s.start();
    s.send(notification());
    await s.stop();
    expect(receiver.requests).toHaveLength(3);
    expect(new Set(receiver.requests.map((r) => r.body)).size).toBe(1);
    expect(s.stats()).toEqual({ sent: 1, failed: 0, retries: 2, dropped: 0, queued: 0 });
  });

  it.each([408, 429, 502, 503])('retries status %i', async (status) => {
    const receiver = await startReceiver((i, res) => {
      res.statusCode = i === 0 ? status : 204;
      res.end();
    });
    const s = sender(webhook(receiver.url));
    await s.start();
    s.send(notification());
    await s.stop();
    expect(s.stats()).toMatchObject({ sent: 1, retries: 1, failed: 0 });
  });

  it.each([400, 401, 404, 422])('treats status %i as a permanent failure, not retried', async (status) => {
    const receiver = await startReceiver((_i, res) => {
      res.statusCode = status;
      res.end();
    });
    const s = sender(webhook(receiver.url));
    await s.start();
    s.send(notification(1));
    s.send(notification(2));
    await s.stop();
    expect(receiver.requests).toHaveLength(2);
    expect(s.stats()).toEqual({ sent: 0, failed: 2, retries: 0, dropped: 0, queued: 0 });
  });

  it('does not follow redirects: alerts go only to the configured destination', async () => {
    const receiver = await startReceiver((_i, res) => {
      res.writeHead(302, { location: '/elsewhere' });
      res.end();
    });
    const s = sender(webhook(receiver.url));
    await s.start();
    s.send(notification());
    await s.stop();
    expect(receiver.requests.map((r) => r.path)).toEqual(['/hooks/alerts']);
    expect(s.stats()).toMatchObject({ sent: 0, failed: 1, retries: 0 });
  });

  it('gives up after maxRetries and counts a failure', async () => {
    const receiver = await startReceiver((_i, res) => {
      res.statusCode = 503;
      res.end();
    });
    const s = sender(webhook(receiver.url, { maxRetries: 2 }));
    await s.start();
    s.send(notification());
    await s.stop();
    expect(receiver.requests).toHaveLength(3);
    expect(s.stats()).toEqual({ sent: 0, failed: 1, retries: 2, dropped: 0, queued: 0 });
  });

  it('retries network errors', async () => {
    const closed = await startReceiver();
    const url = closed.url;
    await closed.close();
    receivers.splice(receivers.indexOf(closed), 1);
    const s = sender(webhook(url, { maxRetries: 2 }));
    await s.start();
    s.send(notification());
    await s.stop();
    expect(s.stats()).toEqual({ sent: 0, failed: 1, retries: 2, dropped: 0, queued: 0 });
  });

  it('retries a request that times out', async () => {
    // The first request never gets an answer; the second does.
    const receiver = await startReceiver((i, res) => {
      if (i > 0) res.end();
    });
    const s = sender(webhook(receiver.url, { timeoutMs: 300 }));
    await s.start();
    s.send(notification());
    await s.stop();
    expect(receiver.requests.length).toBeGreaterThanOrEqual(2);
    expect(s.stats()).toMatchObject({ sent: 1, failed: 0, dropped: 0 });
    expect(s.stats().retries).toBeGreaterThanOrEqual(1);
  });

  it('waits as long as Retry-After asks on 429', async () => {
    const receiver = await startReceiver((i, res) => {
      if (i === 0) res.writeHead(429, { 'retry-after': '1' });
      res.end();
    });
    const s = sender(webhook(receiver.url, { maxBackoffMs: 10_000 }));
    await s.start();
    s.send(notification());
    await s.stop();
    expect(receiver.requests).toHaveLength(2);
    // The backoff alone would be 1 ms; allow for timer rounding.
    expect(receiver.requests[1].atMs - receiver.requests[0].atMs).toBeGreaterThanOrEqual(950);
    expect(s.stats()).toMatchObject({ sent: 1, retries: 1 });
  });

  it('caps Retry-After at maxBackoffMs', async () => {
    const receiver = await startReceiver((i, res) => {
      if (i === 0) res.writeHead(503, { 'retry-after': '3600' });
      res.end();
    });
    // Were the hour honoured, the drain grace would run out and the notification be dropped.
    const s = sender(webhook(receiver.url, { maxBackoffMs: 20 }), { drainGraceMs: 10_000 });
    await s.start();
    s.send(notification());
    await s.stop();
    expect(s.stats()).toMatchObject({ sent: 1, retries: 1, dropped: 0 });
  });
});

describe('WebhookSender queue and shutdown', () => {
  it('drops and counts notifications beyond the queue size', async () => {
    const receiver = await startReceiver();
    const s = sender(webhook(receiver.url, { queueSize: 2 }));
    expect(s.send(notification(1))).toBe(true);
    expect(s.send(notification(2))).toBe(true);
    expect(s.send(notification(3))).toBe(false);
    expect(s.send(notification(4))).toBe(false);
    expect(s.stats()).toEqual({ sent: 0, failed: 0, retries: 0, dropped: 2, queued: 2 });
    await s.start();
    await s.stop();
    expect(receiver.requests).toHaveLength(2);
    expect(s.stats()).toEqual({ sent: 2, failed: 0, retries: 0, dropped: 2, queued: 0 });
  });

  it('stop gives up after the drain grace and counts what remains as dropped', async () => {
    const receiver = await startReceiver(() => undefined);
    const s = sender(webhook(receiver.url), { drainGraceMs: 100 });
    await s.start();
    for (let n = 1; n <= 3; n++) s.send(notification(n));
    await receiver.waitForRequests(1);
    expect(s.stats().queued).toBe(3);
    await s.stop();
    expect(receiver.requests).toHaveLength(1);
    expect(s.stats()).toEqual({ sent: 0, failed: 0, retries: 0, dropped: 3, queued: 0 });
  });

  it('stop interrupts a backoff wait once the grace is over', async () => {
    const receiver = await startReceiver((_i, res) => {
      res.statusCode = 500;
      res.end();
    });
    const s = sender(webhook(receiver.url, { initialBackoffMs: 60_000, maxBackoffMs: 60_000 }), { drainGraceMs: 50 });
    await s.start();
    s.send(notification());
    await waitUntil(() => s.stats().retries === 1);
    await s.stop();
    expect(receiver.requests).toHaveLength(1);
    expect(s.stats()).toEqual({ sent: 0, failed: 0, retries: 1, dropped: 1, queued: 0 });
  });

  it('refuses and counts notifications after stop; stop is idempotent', async () => {
    const receiver = await startReceiver();
    const s = sender(webhook(receiver.url));
    await s.start();
    await Promise.all([s.stop(), s.stop()]);
    expect(s.send(notification())).toBe(false);
    expect(s.stats().dropped).toBe(1);
    await expect(s.start()).rejects.toThrow(/cannot start webhook sender ops/);
  });

  it('drops what was queued when stopped without having started', async () => {
    const receiver = await startReceiver();
    const s = sender(webhook(receiver.url));
    s.send(notification());
    await s.stop();
    expect(receiver.requests).toHaveLength(0);
    expect(s.stats()).toMatchObject({ dropped: 1, queued: 0 });
  });
});

describe('WebhookSender secrets', () => {
  it('never logs header values or the URL path', async () => {
    const receiver = await startReceiver((i, res) => {
      res.statusCode = i === 0 ? 500 : 400;
      res.end();
    });
    const logs: string[] = [];
    const logger = { warn: (obj: object, msg: string) => logs.push(JSON.stringify(obj) + msg) };
    const url = receiver.url.replace('/hooks/alerts', '/services/T0/B0/pathsecret');
    const s = sender(webhook(url, { queueSize: 1, headers: { Authorization: 'Bearer headersecret' } }), { logger });
    s.send(notification(1));
    s.send(notification(2));
    await s.start();
    await s.stop();
    s.send(notification(3));
    expect(s.stats()).toMatchObject({ failed: 1, dropped: 2 });
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.join('\n')).toContain(new URL(url).origin);
    expect(logs.join('\n')).not.toMatch(/headersecret|pathsecret/);
  });

  it('rejects an invalid header without echoing its value', () => {
    expect(() => new WebhookSender(webhook('http://127.0.0.1:9/', { headers: { 'X-Token': 'bad\nheadersecret' } }))).toThrow(
      /^cannot create webhook sender ops: header "X-Token" has an invalid name or value$/,
    );
  });
});

describe('retryAfterMs', () => {
  it('reads delay-seconds and HTTP dates, and ignores anything else', () => {
    const nowMs = Date.parse('2025-01-01T00:00:00Z');
    expect(retryAfterMs('7', nowMs)).toBe(7_000);
    expect(retryAfterMs(' 0 ', nowMs)).toBe(0);
    expect(retryAfterMs('Wed, 01 Jan 2025 00:00:30 GMT', nowMs)).toBe(30_000);
    expect(retryAfterMs('Tue, 31 Dec 2024 23:59:00 GMT', nowMs)).toBe(0);
    expect(retryAfterMs('-5', nowMs)).toBeNull();
    expect(retryAfterMs('soon', nowMs)).toBeNull();
    expect(retryAfterMs(null, nowMs)).toBeNull();
  });
});
