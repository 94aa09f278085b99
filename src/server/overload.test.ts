import { describe, expect, it } from 'vitest';
import { spawnServer } from '../bench/index.js';
import { builtBinPath, eventually, getJson, sendGraphiteTcp } from './test-support.js';

const MAX_QUEUED_POINTS = 20_000;
const CONNECTIONS = 4;
const LINES_PER_CONNECTION = 100_000;
const SERIES_PER_CONNECTION = 500;
/**
 * A write waits while the bound is reached and then adds its whole batch, so each connection can
 * overshoot by one socket read: 64 KiB of lines of at least 16 bytes.
 */
const SLACK_POINTS = CONNECTIONS * (65_536 / 16);

async function pendingPoints(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const match = /^vigil_ingest_pending_points (\d+)/m.exec(text);
  if (match === null) throw new Error('no vigil_ingest_pending_points in /metrics');
  return Number(match[1]);
}

describe('a whole server flooded with Graphite points', () => {
  it('keeps the points it holds within storage.maxQueuedPoints (senders are slowed, not buffered) and stores every one', async () => {
    // Detection on: the detectors are slower than the parser, so a backlog forms and the bound is what
    // holds it. Each Graphite connection's own bound is set high, so that the server-wide one is tested
    // (without it, this flood holds over 100,000 points here).
    const server = await spawnServer({
      binPath: builtBinPath(),
      configYaml: `storage:\n  maxQueuedPoints: ${MAX_QUEUED_POINTS}\ngraphite:\n  maxPendingPoints: 1000000\nhec:\n  enabled: false\n`,
    });
    try {
      const startSeconds = Math.floor(Date.now() / 1000) - LINES_PER_CONNECTION;
      const texts = Array.from({ length: CONNECTIONS }, (_, c) => {
        let text = '';
        for (let i = 0; i < LINES_PER_CONNECTION; i++) text += `flood.c${c}.s${i % SERIES_PER_CONNECTION} ${i % 97} ${startSeconds + Math.floor(i / SERIES_PER_CONNECTION)}\n`;
        return text;
      });
      let sending = true;
      let maxPending = 0;
      const sampler = (async () => {
        while (sending) {
          maxPending = Math.max(maxPending, await pendingPoints(server.url));
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      await Promise.all(texts.map((text) => sendGraphiteTcp(server.graphitePort, text)));
      const total = CONNECTIONS * LINES_PER_CONNECTION;
      await eventually(
        async () => {
          maxPending = Math.max(maxPending, await pendingPoints(server.url));
          const status = await getJson<{ pointsReceived: number }>(`${server.url}/api/v1/status`);
          return status.pointsReceived === total ? true : undefined;
        },
        120_000,
        `${total} points stored`,
      );
      sending = false;
      await sampler;
      expect(maxPending).toBeLessThanOrEqual(MAX_QUEUED_POINTS + SLACK_POINTS);
      expect(await pendingPoints(server.url)).toBe(0);
      const status = await getJson<{ pointsRejected: number; seriesCount: number }>(`${server.url}/api/v1/status`);
      expect(status.pointsRejected).toBe(0);
      expect(status.seriesCount).toBe(CONNECTIONS * SERIES_PER_CONNECTION);
    } finally {
      await server.stop();
    }
  }, 180_000);
});
