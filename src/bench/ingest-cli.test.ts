import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { builtBinPath } from '../server/test-support.js';

const run = promisify(execFile);

async function benchIngest(args: readonly string[]): Promise<Record<string, unknown>> {
  const { stdout, stderr } = await run(process.execPath, [builtBinPath(), 'bench', 'ingest', ...args, '--no-victoria-metrics', '--json']);
  expect(stderr).toBe('');
  const lines = stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}

function expectReport(report: Record<string, unknown>, protocol: string, series: number, points: number): void {
  expect(report).toMatchObject({ suite: 'ingest', protocol, series, sent: points, points, rejected: 0, victoriaMetrics: { skipped: 'turned off by --no-victoria-metrics' }, ratio: null });
  expect(report.pointsPerSecond).toBeGreaterThan(0);
  // peakRssBytes comes from /proc, so it is null off Linux.
  if (process.platform === 'linux') expect(report.bytesPerSeries).toBe(Math.round((report.peakRssBytes as number) / series));
}

describe('vigil bench ingest', () => {
  it('--protocol remote-write: every sample of the prebuilt requests is durable, and the figures come as one JSON object', async () => {
    const report = await benchIngest(['--protocol', 'remote-write', '--series', '200', '--points-per-series', '5']);
    expectReport(report, 'remote-write', 200, 1_000);
    // 100 series per connection, one request per point per connection.
    expect(report).toMatchObject({ connections: 2, requests: 10, detection: true });
  });

  it('--protocol graphite (the default) with detection off sends the same series', async () => {
    const report = await benchIngest(['--series', '200', '--points-per-series', '5', '--connections', '3', '--no-detection']);
    expectReport(report, 'graphite', 200, 1_000);
    expect(report).toMatchObject({ connections: 3, requests: null, detection: false });
  });

  it('names a protocol it does not know, and refuses --data with remote write', async () => {
    await expect(run(process.execPath, [builtBinPath(), 'bench', 'ingest', '--protocol', 'influx'])).rejects.toMatchObject({
      stderr: expect.stringMatching(/cannot parse protocol "influx": expected one of graphite, remote-write/),
    });
    await expect(run(process.execPath, [builtBinPath(), 'bench', 'ingest', '--protocol', 'remote-write', '--data', '/nonexistent', '--no-victoria-metrics'])).rejects.toMatchObject({
      stderr: expect.stringMatching(/cannot run bench ingest: --data replays Graphite plaintext, so it needs --protocol graphite/),
    });
  });
});
