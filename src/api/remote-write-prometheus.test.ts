import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RecordingPointWriter, remoteWriteApp, type RemoteWriteApp } from './remote-write.testsuite.js';

/** Debian's `prometheus` package (CI installs it); the test is skipped, saying so, where it is absent. */
const PROMETHEUS = '/usr/bin/prometheus';
const installed = existsSync(PROMETHEUS);
const TOKEN = 'remote-write-test-token';
/** Generous: Prometheus starts, scrapes every second and sends within a second, but CI machines are busy. */
const DEADLINE_MS = 90_000;

interface Running {
  prometheus?: ChildProcess;
  target?: Server;
  receiver?: RemoteWriteApp;
  dir?: string;
  output: string;
  exitOnQuit?: () => void;
}

let running: Running = { output: '' };

afterEach(async () => {
  const { prometheus, target, receiver, dir, exitOnQuit } = running;
  running = { output: '' };
  if (prometheus !== undefined) await stop(prometheus);
  if (exitOnQuit !== undefined) process.off('exit', exitOnQuit);
  if (target !== undefined) await new Promise<void>((resolve) => target.close(() => resolve()));
  if (receiver !== undefined) await receiver.app.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

/** SIGTERM, then SIGKILL if Prometheus has not exited within 10 s. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Serves Prometheus text: a counter with labels a Vigil tag value cannot hold as they are, a NaN, and a gauge that goes away after a few scrapes. */
async function startTarget(): Promise<{ server: Server; port: number; scrapes: () => number }> {
  let scrapes = 0;
  const server = createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    scrapes++;
    const lines = [
      '# TYPE vigil_test_requests_total counter',
      `vigil_test_requests_total{code="200",path="/api v1"} ${100 + scrapes}`,
      '# TYPE vigil_test_quantile gauge',
      'vigil_test_quantile{quantile="0.99"} NaN',
    ];
    if (scrapes <= 3) lines.push('# TYPE vigil_test_gone gauge', 'vigil_test_gone 1');
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(`${lines.join('\n')}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, scrapes: () => scrapes };
}

async function eventually(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + DEADLINE_MS;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${DEADLINE_MS} ms waiting for ${what}; Prometheus said:\n${running.output.slice(-4000)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe.skipIf(!installed)(`remote write from a real Prometheus (${installed ? PROMETHEUS : `skipped: ${PROMETHEUS} is absent; apt-get install prometheus`})`, () => {
  it('receives scraped samples under their names and labels, with stale markers dropped', { timeout: DEADLINE_MS * 2 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-remote-write-'));
    running.dir = dir;
    const target = await startTarget();
    running.target = target.server;
    const writer = new RecordingPointWriter();
    const receiver = remoteWriteApp(writer, { token: TOKEN });
    running.receiver = receiver;
    await receiver.app.listen({ host: '127.0.0.1', port: 0 });
    const receiverPort = (receiver.app.server.address() as AddressInfo).port;

    const configFile = join(dir, 'prometheus.yml');
    writeFileSync(
      configFile,
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 1s',
        'scrape_configs:',
        '  - job_name: vigil-test',
        '    static_configs:',
        `      - targets: ['127.0.0.1:${target.port}']`,
        '        labels:',
        "          zone: 'eu;west'",
        'remote_write:',
        `  - url: http://127.0.0.1:${receiverPort}/api/v1/write`,
        '    authorization:',
        `      credentials: ${TOKEN}`,
        '    queue_config:',
        '      batch_send_deadline: 1s',
        '      min_backoff: 100ms',
        '      max_backoff: 1s',
        '    metadata_config:',
        '      send_interval: 1s',
        '',
      ].join('\n'),
    );
    const startedAtMs = Date.now();
    const prometheus = spawn(PROMETHEUS, [`--config.file=${configFile}`, `--storage.tsdb.path=${join(dir, 'data')}`, '--web.listen-address=127.0.0.1:0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.prometheus = prometheus;
    // A test process that dies on its own must not leave Prometheus behind.
    running.exitOnQuit = () => prometheus.kill('SIGKILL');
    process.once('exit', running.exitOnQuit);
    prometheus.stdout!.on('data', (chunk: Buffer) => (running.output += chunk.toString('utf8')));
    prometheus.stderr!.on('data', (chunk: Buffer) => (running.output += chunk.toString('utf8')));

    const instance = `127.0.0.1:${target.port}`;
    const requestsKey = `vigil_test_requests_total;code=200;instance=${instance};job=vigil-test;path=/api%20v1;zone=eu%3Bwest`;
    await eventually('the scraped counter', () => writer.pointsOf('vigil_test_requests_total').length >= 2);
    await eventually('a stale marker for the gauge that went away', () => receiver.stats.staleMarkers >= 1);

    const requests = writer.pointsOf('vigil_test_requests_total');
    expect(new Set(requests.map(([key]) => key))).toEqual(new Set([requestsKey]));
    for (const [, timestampMs, value] of requests) {
      expect(timestampMs).toBeGreaterThanOrEqual(startedAtMs - 1000);
      expect(timestampMs).toBeLessThanOrEqual(Date.now() + 1000);
      expect(value).toBeGreaterThan(100);
    }
    const counts = requests.map(([, , value]) => value);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));

    const up = writer.pointsOf('up');
    expect(up.length).toBeGreaterThan(0);
    expect(new Set(up.map(([key]) => key))).toEqual(new Set([`up;instance=${instance};job=vigil-test;zone=eu%3Bwest`]));
    expect(up.every(([, , value]) => value === 1)).toBe(true);
    expect(writer.pointsOf('scrape_duration_seconds').length).toBeGreaterThan(0);

    const gone = writer.pointsOf('vigil_test_gone');
    expect(gone.length).toBeGreaterThanOrEqual(1);
    expect(gone.length).toBeLessThanOrEqual(3);
    expect(gone.every(([, , value]) => value === 1)).toBe(true);

    expect(writer.pointsOf('vigil_test_quantile')).toEqual([]);
    expect(writer.rejections.length).toBeGreaterThan(0);
    expect(new Set(writer.rejections.map((r) => r.reason))).toEqual(new Set(['nan_value']));
    expect(receiver.stats.failedRequests).toBe(0);
    expect(running.output).not.toMatch(/non-recoverable|status 4\d\d|status 5\d\d/i);
  });
});
