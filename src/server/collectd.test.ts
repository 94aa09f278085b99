import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer, type SpawnedServer } from '../bench/index.js';
import { builtBinPath, eventually, getJson } from './test-support.js';

const COLLECTD = '/usr/sbin/collectd';

/**
 * Graphite plaintext proven against a real sender: Debian's collectd with its write_graphite plugin
 * (installed by .ci/run), over TCP, with its own path layout and timestamps.
 */
describe('collectd write_graphite into vigil', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-collectd-'));
  let server: SpawnedServer;
  let collectd: ChildProcess | null = null;

  beforeAll(async () => {
    if (!existsSync(COLLECTD)) throw new Error(`cannot run the collectd test: ${COLLECTD} is missing (apt-get install collectd-core; .ci/run installs it)`);
    server = await spawnServer({ binPath: builtBinPath() });
    const config = join(dir, 'collectd.conf');
    writeFileSync(
      config,
      [
        'Hostname "vigil-test-host"',
        'FQDNLookup false',
        'Interval 1',
        `BaseDir "${dir}"`,
        `PIDFile "${join(dir, 'collectd.pid')}"`,
        'TypesDB "/usr/share/collectd/types.db"',
        'LoadPlugin load',
        'LoadPlugin memory',
        'LoadPlugin write_graphite',
        '<Plugin write_graphite>',
        '  <Node "vigil">',
        '    Host "127.0.0.1"',
        `    Port "${server.graphitePort}"`,
        '    Protocol "tcp"',
        '    Prefix "collectd."',
        '    StoreRates true',
        '  </Node>',
        '</Plugin>',
        '',
      ].join('\n'),
    );
    collectd = spawn(COLLECTD, ['-f', '-C', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  });

  afterAll(async () => {
    if (collectd !== null && collectd.exitCode === null) {
      const exited = new Promise((resolve) => collectd!.once('exit', resolve));
      collectd.kill('SIGTERM');
      await exited;
    }
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores the load and memory series collectd sends', async () => {
    const series = await eventually(
      async () => {
        const body = await getJson<{ series: { key: string }[] }>(`${server.url}/api/v1/series?match=${encodeURIComponent('collectd.vigil-test-host.**')}`);
        const keys = body.series.map((s) => s.key);
        return keys.includes('collectd.vigil-test-host.load.load.shortterm') && keys.some((k) => k.startsWith('collectd.vigil-test-host.memory.')) ? keys : undefined;
      },
      30_000,
      'collectd series to arrive',
    );
    expect(series).toContain('collectd.vigil-test-host.load.load.midterm');
    // The index knows a series as soon as it is parsed; its points are queryable after their commit.
    const query = await eventually(
      async () => {
        const q = await getJson<{ timestampsMs: number[]; values: number[] }>(
          `${server.url}/api/v1/query?series=collectd.vigil-test-host.load.load.shortterm&from=-5m&step=1s&agg=last`,
        );
        return q.values.length > 0 ? q : undefined;
      },
      30_000,
      'collectd points to be committed',
    );
    // collectd stamps points with its own clock in seconds: they must land near now, not at 1970 or in ms-as-seconds.
    expect(Math.abs(query.timestampsMs.at(-1)! - Date.now())).toBeLessThan(60_000);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).not.toMatch(/vigil_points_rejected_total\{protocol="graphite_tcp"/);
  });
});
