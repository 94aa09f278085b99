import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer, type SpawnedServer } from '../bench/index.js';
import { builtBinPath, getJson } from '../server/test-support.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'vigil-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function vigil(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [builtBinPath(), ...args], { env: { ...process.env, CI: 'true' } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('vigil check-config', () => {
  it('accepts a good file', async () => {
    const file = write('good.yaml', 'http:\n  port: 9999\ndetection:\n  detectors:\n    - id: mad-zscore\n      params: { windowSize: 64 }\n');
    const result = await vigil(['check-config', file]);
    expect(result).toMatchObject({ code: 0, stdout: `${file}: OK\n` });
  });

  it('names every bad field, detector parameters included, and exits 1', async () => {
    const file = write('bad.yaml', 'http:\n  port: eighty\ngraphite:\n  tcpPrt: 2003\ndetection:\n  detectors:\n    - id: mad-zscore\n      params: { windowSize: 2 }\n    - id: no-such-detector\n');
    const bad = await vigil(['check-config', file]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('http.port (line 2)');
    expect(bad.stdout).toContain('graphite.tcpPrt (line 4): unknown field');
    // Schema errors come first; detector parameters are checked once the schema passes.
    const detectors = write(
      'detectors.yaml',
      'detection:\n  detectors:\n    - id: mad-zscore\n      params: { windowSize: 2 }\n    - id: no-such-detector\n  rules:\n    - match: "api.{a"\n      detectors:\n        - id: bocpd-typo\n',
    );
    const result = await vigil(['check-config', detectors]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/detection\.detectors\.0: .*windowSize/);
    expect(result.stdout).toMatch(/detection\.detectors\.1: .*no-such-detector.*mad-zscore/);
    expect(result.stdout).toMatch(/detection\.rules\.0\.match: .*unclosed/);
    expect(result.stdout).toMatch(/detection\.rules\.0\.detectors\.0: unknown detector "bocpd-typo"/);
  });
});

describe('vigil import', () => {
  let server: SpawnedServer;
  beforeAll(async () => {
    // NAB's files are from 2014: keep every age so they load as they are.
    server = await spawnServer({ binPath: builtBinPath(), configYaml: 'storage:\n  retentionDays: 100000\n' });
  });
  afterAll(async () => server?.stop());

  it('loads a NAB file as it is, under the series named by --series', async () => {
    const rows = ['timestamp,value'];
    for (let i = 0; i < 500; i++) rows.push(`2014-04-01 ${String(Math.floor(i / 12)).padStart(2, '0')}:${String((i % 12) * 5).padStart(2, '0')}:00,${20 + (i % 7)}`);
    const file = write('nab.csv', `${rows.slice(0, 289).join('\n')}\n`);
    const result = await vigil(['import', file, '--series', 'nab.art_daily;kind=test', '--url', server.url, '--batch-size', '100']);
    expect(result.stdout).toContain('imported 288 points');
    expect(result.code).toBe(0);
    const stored = await getJson<{ values: number[] }>(`${server.url}/api/v1/query?series=${encodeURIComponent('nab.art_daily;kind=test')}&from=2014-04-01T00:00:00Z&to=2014-04-02T00:00:00Z&step=1d&agg=count`);
    expect(stored.values).toEqual([288]);
  });

  it('imports series,timestamp,value files and prints rejected lines with their numbers', async () => {
    const file = write('multi.csv', 'series,timestamp,value\na.b,1396310400,1\na.c,1396310400,2\na.b,not-a-time,3\na.b,1396310460,oops\n');
    const result = await vigil(['import', file, '--url', server.url]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('imported 2 points');
    expect(result.stdout).toMatch(/line 4: bad_timestamp/);
    expect(result.stdout).toMatch(/line 5: bad_value/);
  });

  it('explains a two-column file without --series', async () => {
    const file = write('noseries.csv', 'timestamp,value\n2014-04-01 00:00:00,1\n');
    const result = await vigil(['import', file, '--url', server.url]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--series');
  });

  it('replays stored history through the detectors and stores anomalies once', async () => {
    const rows = ['series,timestamp,value'];
    for (let i = 0; i < 400; i++) rows.push(`replay.cli,${1396310400 + i * 60},${i < 300 ? 10 + (i % 3) * 0.1 : 40}`);
    const file = write('replay.csv', `${rows.join('\n')}\n`);
    expect((await vigil(['import', file, '--url', server.url])).code).toBe(0);
    const args = ['replay', '--series', 'replay.*', '--from', '2014-04-01T00:00:00Z', '--to', '2014-04-02T00:00:00Z', '--detector', 'mad-zscore', '--url', server.url];
    const first = await vigil(args);
    expect(first.code).toBe(0);
    const found = /replayed 400 points of 1 series: (\d+) anomalies stored/.exec(first.stdout);
    expect(found).not.toBeNull();
    expect(Number(found![1])).toBeGreaterThan(0);
    const list = async (): Promise<number> =>
      (await getJson<{ anomalies: unknown[] }>(`${server.url}/api/v1/anomalies?series=replay.cli&from=2014-04-01T00:00:00Z&to=2014-04-02T00:00:00Z`)).anomalies.length;
    const stored = await list();
    expect((await vigil(args)).code).toBe(0);
    expect(await list()).toBe(stored);
    const bad = await vigil(['replay', '--series', 'replay.*', '--from', '-1d', '--detector', 'nope', '--url', server.url]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/unknown detector "nope".*HTTP 400/);
  });

  it('says when no server is listening', async () => {
    const file = write('one.csv', 'series,timestamp,value\na.b,1396310400,1\n');
    const result = await vigil(['import', file, '--url', 'http://127.0.0.1:1']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot send points to http:\/\/127\.0\.0\.1:1.*vigil serve/);
  });
});
