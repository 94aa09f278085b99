import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer, type SpawnedServer } from '../bench/index.js';
import type { Anomaly } from '../model/index.js';
import { initEngine } from '../ml/engine/index.js';
import { defaultRegistryDir, ModelRegistry } from '../ml/registry/index.js';
import type { ComparisonReport } from '../ml/serve/index.js';
import { DENSE_GROUP_AUTOENCODER, HOST_COLUMNS, hostSeries, trainGroupModel } from '../ml/serve/test-support.js';
import { builtBinPath, eventually, getJson, sendGraphiteTcp } from './test-support.js';

const run = promisify(execFile);
const STEPS = 200;
const BREAK_AT = 150;
const HOSTS = 4;
const METRICS = ['cpu', 'mem', 'disk'];
/** Whole minutes ending ten minutes ago: inside the retention period, never in the future. */
const START_S = Math.floor(Date.now() / 60_000) * 60 - STEPS * 60 - 600;

/** Every host's three metrics as tagged Graphite lines, seconds apart within each minute; host 1's mem breaks its relation to cpu once. */
function graphiteLines(): string {
  const lines: string[] = [];
  const series = Array.from({ length: HOSTS }, (_, h) => hostSeries(STEPS, 0.7 * h, 0.2, 500 + h * 10));
  series[1]![1]![BREAK_AT] = series[1]![1]![BREAK_AT]! + 6;
  for (let step = 0; step < STEPS; step++) {
    for (let h = 0; h < HOSTS; h++) {
      for (let m = 0; m < 3; m++) lines.push(`${METRICS[m]};host=h${h} ${series[h]![m]![step]!.toFixed(4)} ${START_S + step * 60 + h * 3 + m}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

describe('end to end: a model over a group of series, its series routed together across partitions', () => {
  let dataDir: string;
  let server: SpawnedServer;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'vigil-group-e2e-'));
    const registry = new ModelRegistry({ root: defaultRegistryDir(dataDir) });
    const artifact = join(dataDir, 'trained');
    await trainGroupModel(await initEngine(), DENSE_GROUP_AUTOENCODER, artifact);
    await registry.register({
      name: 'hosts',
      artifactDir: artifact,
      kind: 'dense-autoencoder',
      parameters: {},
      trainingData: { source: 'series:*;host=train', fromMs: 0, toMs: 1, columns: HOST_COLUMNS },
      metrics: { heldOutLoss: 0.1 },
      creator: 'trainer',
    });
    await registry.promote('hosts', 1, 'production', 'test');
    const config = [
      'detection:',
      '  partitions: 4',
      '  modelPollIntervalMs: 200',
      '  rules:',
      "    - match: '*;host=*'",
      '      detectors:',
      '        - id: model',
      '          params: { model: hosts, groupByTags: [host], stepMs: 60000 }',
      '',
    ].join('\n');
    server = await spawnServer({ binPath: builtBinPath(), dataDir, configYaml: config });
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('judges every row of every host, finds the broken relation on its series, and reports the rows', async () => {
    await sendGraphiteTcp(server.graphitePort, graphiteLines());
    const report = await eventually(
      async () => {
        const r = await getJson<ComparisonReport>(`${server.url}/api/v1/models/hosts/comparison`);
        return r.groups.rowsJudged === HOSTS * STEPS ? r : undefined;
      },
      30_000,
      'every row judged',
    );
    // A row is only whole when a host's three series meet in one partition: none is skipped or carried.
    expect(report.groups).toEqual({ rowsJudged: HOSTS * STEPS, rowsCarried: 0, rowsSkipped: 0, latePoints: 0 });
    expect(report.production).toMatchObject({ version: 1, series: HOSTS * 3, points: HOSTS * STEPS * 3 });
    expect(report.notes).toEqual([]);

    const range = `from=${(START_S - 60) * 1000}&to=${(START_S + STEPS * 60) * 1000}`;
    const anomalies = (await getJson<{ anomalies: Anomaly[] }>(`${server.url}/api/v1/anomalies?${range}`)).anomalies;
    const hit = anomalies.find((a) => a.series === 'mem;host=h1' && a.timestampMs === (START_S + BREAK_AT * 60 + 4) * 1000);
    expect(hit).toMatchObject({ detector: 'model', kind: 'spike' });
    expect(hit!.evidence?.reason).toMatch(/^model hosts v1 reconstructed [\d.]+ from group host=h1 \(3 series\)/);
    expect(anomalies.length).toBeLessThanOrEqual(1 + Math.ceil(0.01 * HOSTS * STEPS * 3));

    const { stdout } = await run(process.execPath, [builtBinPath(), 'models', 'compare', 'hosts', '--url', server.url]);
    expect(stdout).toContain(`  group rows: ${HOSTS * STEPS} judged (0 with a silent series carried), 0 skipped, 0 late points\n`);
  });
});
