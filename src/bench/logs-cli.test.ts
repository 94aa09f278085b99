import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { builtBinPath } from '../server/test-support.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-logs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function benchLogs(args: readonly string[]): Promise<Record<string, unknown>> {
  const { stdout, stderr } = await run(process.execPath, [builtBinPath(), 'bench', 'logs', ...args, '--json']);
  expect(stderr).toBe('');
  const lines = stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}

function expectReport(report: Record<string, unknown>, protocol: string, records: number): void {
  expect(Object.keys(report).slice(0, 7)).toEqual(['suite', 'protocol', 'records', 'recordsPerSecond', 'bytesPerSecond', 'peakRssBytes', 'templates']);
  expect(report).toMatchObject({ suite: 'logs', protocol, records, sent: records, rejected: 0 });
  expect(report.recordsPerSecond).toBeGreaterThan(0);
  expect(report.bytesPerSecond).toBeGreaterThan(0);
  expect(report.templates).toBeGreaterThan(0);
  // peakRssBytes comes from /proc, so it is null off Linux.
  if (process.platform === 'linux') expect(report.peakRssBytes).toBeGreaterThan(0);
}

describe('vigil bench logs', () => {
  it('--protocol hec: every record sent is durable, and the figures come as one JSON object', async () => {
    const report = await benchLogs(['--protocol', 'hec', '--records', '2000', '--hosts', '7', '--connections', '2']);
    expectReport(report, 'hec', 2000);
    expect(report).toMatchObject({ hosts: 7, connections: 2, batchRecords: 1000 });
    // 44 shapes in 2,000 lines: most show up, and each mines into a template of its own.
    expect(report.templates).toBeGreaterThan(25);
  });

  it('--protocol syslog: octet-counted frames over TCP, timed until the status counts them all; --server-cpu-prof profiles the server', async () => {
    const profiles = join(dir, 'profiles');
    expectReport(await benchLogs(['--protocol', 'syslog', '--records', '2000', '--server-cpu-prof', profiles]), 'syslog', 2000);
    const files = readdirSync(profiles);
    expect(files).toEqual([expect.stringMatching(/^server-syslog-.*\.cpuprofile$/)]);
    const profile = JSON.parse(readFileSync(join(profiles, files[0]!), 'utf8')) as { nodes: { callFrame: { url: string } }[] };
    expect(profile.nodes.some((n) => n.callFrame.url.endsWith('/ingest/syslog/framing.js'))).toBe(true);
  });

  it('--protocol api with --data: the lines of a file, repeated to the records asked for', async () => {
    const file = join(dir, 'app.log');
    writeFileSync(file, Array.from({ length: 300 }, (_, i) => `2024-06-01 12:00:${String(i % 60).padStart(2, '0')} INFO worker ${i % 7} finished job ${i * 31} in ${i % 13} ms`).join('\n'));
    const report = await benchLogs(['--protocol', 'api', '--records', '2000', '--data', file]);
    expectReport(report, 'api', 2000);
    expect(report.load).toBe(`lines of ${file}`);
    expect(report.templates).toBeLessThan(5);
  });

  it('names a protocol it does not know', async () => {
    await expect(run(process.execPath, [builtBinPath(), 'bench', 'logs', '--protocol', 'gelf'])).rejects.toMatchObject({ stderr: expect.stringMatching(/cannot parse protocol "gelf": expected one of hec, syslog, api/) });
  });
});
