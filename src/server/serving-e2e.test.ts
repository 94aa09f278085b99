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
import { FORECASTER, sineSeries, trainAndSave } from '../ml/serve/test-support.js';
import type { AlertNotification } from '../alert/index.js';
import { builtBinPath, eventually, getJson, sendGraphiteTcp, WebhookReceiver } from './test-support.js';

const run = promisify(execFile);
const POINTS = 400;
const SPIKE_AT = 300;
/** Whole minutes ending ten minutes ago: inside the retention period, never in the future. */
const START_S = Math.floor(Date.now() / 60_000) * 60 - POINTS * 60 - 600;

/** Two series of noisy sines a minute apart, with a spike on the first; as Graphite plaintext lines. */
function graphiteLines(): string {
  const lines: string[] = [];
  const a = sineSeries(POINTS, 0.5, 0.3, 11);
  a[SPIKE_AT] = a[SPIKE_AT]! + 6;
  const b = sineSeries(POINTS, 2.5, 0.3, 12);
  for (let i = 0; i < POINTS; i++) {
    lines.push(`app.a.latency ${a[i]!.toFixed(4)} ${START_S + i * 60}`, `app.b.latency ${b[i]!.toFixed(4)} ${START_S + i * 60}`);
  }
  return `${lines.join('\n')}\n`;
}

describe('end to end: a trained model served by the model detector, its staging version in shadow, promoted while running', () => {
  let dataDir: string;
  let registry: ModelRegistry;
  let server: SpawnedServer;
  const receiver = new WebhookReceiver();

  beforeAll(async () => {
    const hookUrl = await receiver.start();
    dataDir = await mkdtemp(join(tmpdir(), 'vigil-serving-e2e-'));
    registry = new ModelRegistry({ root: defaultRegistryDir(dataDir) });
    const engine = await initEngine();
    for (const seed of [3, 9]) {
      const artifact = join(dataDir, `trained-${seed}`);
      await trainAndSave(engine, { ...FORECASTER, seed }, artifact);
      await registry.register({
        name: 'latency',
        artifactDir: artifact,
        kind: 'lstm-forecaster',
        parameters: { window: FORECASTER.window },
        trainingData: { source: 'sines', fromMs: 0, toMs: 1 },
        metrics: { heldOutLoss: seed === 3 ? 0.2 : 0.18 },
        creator: 'trainer',
      });
    }
    await registry.promote('latency', 1, 'production', 'test');
    await registry.promote('latency', 2, 'staging', 'test');
    await registry.setRollout('latency', { mode: 'shadow' }, 'test');
    const config = [
      'detection:',
      '  modelPollIntervalMs: 200',
      '  rules:',
      "    - match: 'app.*.latency'",
      '      detectors:',
      '        - id: model',
      '          params: { model: latency }',
      'alerts:',
      '  resolveAfterMs: 1000',
      '  webhooks:',
      '    - name: test',
      `      url: ${hookUrl}`,
      '',
    ].join('\n');
    server = await spawnServer({ binPath: builtBinPath(), dataDir, configYaml: config });
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await receiver.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('finds the spike with production, stores the shadow findings apart, and reports the comparison', async () => {
    await sendGraphiteTcp(server.graphitePort, graphiteLines());
    const range = `from=${(START_S - 60) * 1000}&to=${(START_S + POINTS * 60) * 1000}`;
    const anomalies = await eventually(
      async () => {
        const found = (await getJson<{ anomalies: Anomaly[] }>(`${server.url}/api/v1/anomalies?${range}`)).anomalies;
        return found.some((a) => a.detector === 'model') && found.some((a) => a.detector === 'model-shadow') ? found : undefined;
      },
      30_000,
      'anomalies from the production and the shadow version',
    );
    const spikeMs = (START_S + SPIKE_AT * 60) * 1000;
    const production = anomalies.find((a) => a.detector === 'model' && a.timestampMs === spikeMs);
    expect(production).toMatchObject({ series: 'app.a.latency', kind: 'spike' });
    expect(production!.evidence?.reason).toMatch(/^model latency v1 forecast /);
    expect(anomalies.find((a) => a.detector === 'model-shadow' && a.timestampMs === spikeMs)?.evidence?.reason).toMatch(/^shadow model latency v2 .*not alerted$/);
    // The spike pages through production alone: the shadow version's finding opens no episode and joins none.
    const resolved = (await eventually(async () => receiver.bodies.find((b) => (b as AlertNotification).status === 'resolved'), 30_000, 'the spike episode resolved')) as AlertNotification;
    expect(resolved).toMatchObject({ series: 'app.a.latency', detectors: ['model'] });
    expect((receiver.bodies as AlertNotification[]).flatMap((b) => b.detectors)).not.toContain('model-shadow');
    // Only the spike: the models' intervals hold the noise.
    expect(anomalies.filter((a) => a.detector === 'model').length).toBeLessThanOrEqual(3);

    const report = await eventually(
      async () => {
        const r = await getJson<ComparisonReport>(`${server.url}/api/v1/models/latency/comparison`);
        return r.production?.points === 2 * (POINTS - FORECASTER.window) ? r : undefined;
      },
      30_000,
      'every point in the comparison',
    );
    expect(report).toMatchObject({ model: 'latency', mode: 'shadow', production: { version: 1, series: 2, heldOutLoss: 0.2 }, candidate: { version: 2, series: 2, heldOutLoss: 0.18 }, verdict: 'insufficient-data' });
    expect(report.agreement!.points).toBe(2 * (POINTS - FORECASTER.window));
    expect(report.agreement!.bothAlerted).toBeGreaterThanOrEqual(1);
    expect(report.production!.meanAbsError).toBeLessThan(1);

    const { stdout } = await run(process.execPath, [builtBinPath(), 'models', 'compare', 'latency', '--url', server.url]);
    expect(stdout).toMatch(/^latency: staging in shadow, since \S+\n/);
    expect(stdout).toMatch(/\n  production v1 +2 +768 +[\d.]+% +[\d.]+ +0\.2\n  staging v2 +2 +768 /);
    expect(stdout).toContain('  verdict: insufficient-data\n    - each version needs 1000 scored points; production has 768, the candidate 768\n');
  });

  it('a promotion made beside the server reaches the partitions within a poll; an unknown model is a 404', async () => {
    await registry.promote('latency', 2, 'production', 'release-bot');
    const report = await eventually(
      async () => {
        const r = await getJson<ComparisonReport>(`${server.url}/api/v1/models/latency/comparison`);
        return r.production?.version === 2 ? r : undefined;
      },
      30_000,
      'version 2 in production',
    );
    expect(report).toMatchObject({ mode: 'off', candidate: null, verdict: 'nothing-to-compare' });
    const missing = await fetch(`${server.url}/api/v1/models/nope/comparison`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: string }).error).toBe('model nope is not served: no detection rule uses the model detector with it (served: latency)');
  });
});
