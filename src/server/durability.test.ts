import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnServer } from '../bench/index.js';
import { builtBinPath, eventually, getJson, sendGraphiteTcp } from './test-support.js';

const SERIES = 'durable.points;host=a';

async function post(url: string, firstIndex: number, count: number, baseMs: number): Promise<boolean> {
  const body = [];
  for (let i = 0; i < count; i++) body.push({ series: SERIES, timestampMs: baseMs + (firstIndex + i) * 1000, value: firstIndex + i });
  try {
    const response = await fetch(`${url}/api/v1/points`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return response.ok;
  } catch {
    return false;
  }
}

describe('durability', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-durable-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps every acknowledged point across SIGKILL and restart', async () => {
    const bin = builtBinPath();
    const first = await spawnServer({ binPath: bin, dataDir });
    const baseMs = Date.now() - 86_400_000;
    const perRequest = 500;
    const acked: number[] = [];
    // Writers keep posting while the process is killed, so some requests are in flight at the kill.
    let next = 0;
    let killed = false;
    const writer = async (): Promise<void> => {
      while (!killed) {
        const firstIndex = next;
        next += perRequest;
        // A 200 that arrived was sent before the kill, so its points must be durable.
        if (await post(first.url, firstIndex, perRequest, baseMs)) acked.push(firstIndex);
      }
    };
    const writers = [writer(), writer(), writer()];
    while (acked.length < 20) await new Promise((r) => setTimeout(r, 10));
    killed = true;
    first.process.kill('SIGKILL');
    await Promise.all(writers);
    await new Promise((resolve) => (first.process.exitCode !== null || first.process.signalCode !== null ? resolve(null) : first.process.once('exit', resolve)));

    const second = await spawnServer({ binPath: bin, dataDir });
    try {
      const result = await getJson<{ timestampsMs: number[]; values: number[] }>(
        `${second.url}/api/v1/query?series=${encodeURIComponent(SERIES)}&from=${baseMs}&to=${baseMs + next * 1000}&step=1s&agg=last`,
      );
      const stored = new Set(result.values);
      const missing = acked.flatMap((start) => Array.from({ length: perRequest }, (_, i) => start + i)).filter((v) => !stored.has(v));
      expect(acked.length).toBeGreaterThanOrEqual(20);
      expect(missing).toEqual([]);
    } finally {
      await second.stop();
    }
  });
});

describe('graceful stop', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-graceful-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('stores every Graphite line a sender is still sending when SIGTERM arrives, and exits 0', async () => {
    const bin = builtBinPath();
    const first = await spawnServer({ binPath: bin, dataDir });
    const lines = 100_000;
    const startSeconds = Math.floor(Date.now() / 1000) - lines;
    let text = '';
    for (let i = 0; i < lines; i++) text += `graceful.points;host=a ${i} ${startSeconds + i}\n`;
    const sending = sendGraphiteTcp(first.graphitePort, text);
    // Signal while the sender is mid-stream: the listener stops accepting but reads this connection to its end.
    await eventually(async () => ((await getJson<{ pointsReceived: number }>(`${first.url}/api/v1/status`)).pointsReceived > 0 ? true : undefined), 30_000, 'the first commit');
    const stopped = first.stop({ keepData: true });
    await sending;
    expect(await stopped).toBe(0);

    const second = await spawnServer({ binPath: bin, dataDir });
    try {
      const result = await getJson<{ values: number[] }>(
        `${second.url}/api/v1/query?series=${encodeURIComponent('graceful.points;host=a')}&from=${startSeconds * 1000}&to=${(startSeconds + lines) * 1000}&step=1d&agg=count`,
      );
      expect(result.values.reduce((a, b) => a + b, 0)).toBe(lines);
    } finally {
      await second.stop();
    }
  });
});
