import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer, type SpawnedServer } from '../bench/index.js';
import type { Anomaly } from '../model/index.js';
import { builtBinPath, eventually, getJson } from './test-support.js';

const HEC_TOKEN = '6a1f2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const CHANNEL = '0f1e2d3c-4b5a-4697-8876-a5b4c3d2e1f0';
const HOSTS = ['web-1', 'web-2', 'web-3'];
const INTERVAL_S = 1;
/** More intervals than the default ensemble's warm-up (600 points) before the surge. */
const BASELINE_INTERVALS = 700;
const SURGE_INTERVALS = 20;

interface StoredLogJson {
  timestampMs: number;
  host: string;
  source: string;
  severity: string;
  message: string;
  templateId: string;
  parameters: string[];
}

interface TemplateJson {
  id: string;
  template: string;
  count: number;
  firstSeenMs: number;
  lastSeenMs: number;
  severity: string;
  examples: string[];
  series: string;
  rate: { stepMs: number; timestampsMs: number[]; values: number[] };
}

async function postLogs(url: string, records: readonly object[]): Promise<{ accepted: number; rejected: { line: number; reason: string; message: string }[] }> {
  const response = await fetch(`${url}/api/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: records.map((r) => JSON.stringify(r)).join('\n') });
  if (!response.ok) throw new Error(`POST /api/v1/logs: ${response.status} ${await response.text()}`);
  return (await response.json()) as { accepted: number; rejected: { line: number; reason: string; message: string }[] };
}

async function anomaliesOf(url: string, seriesGlob: string): Promise<Anomaly[]> {
  return (await getJson<{ anomalies: Anomaly[] }>(`${url}/api/v1/anomalies?from=0&series=${encodeURIComponent(seriesGlob)}`)).anomalies;
}

describe('end to end: logs in by HTTP, HEC and syslog; templates, search and log-derived anomalies out', () => {
  let server: SpawnedServer;
  const startS = Math.floor(Date.now() / 1000) - (BASELINE_INTERVALS + SURGE_INTERVALS + 60) * INTERVAL_S;

  beforeAll(async () => {
    server = await spawnServer({
      binPath: builtBinPath(),
      configYaml: ['hec:', '  tokens:', `    - token: ${HEC_TOKEN}`, '      name: e2e', '      useAck: true', 'logs:', `  rateIntervalMs: ${INTERVAL_S * 1000}`, 'detection:', '  partitions: 1', ''].join('\n'),
    });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('turns an error template surging on several hosts into anomalies whose evidence names the template and lines', async () => {
    const records: object[] = [];
    for (let i = 0; i < BASELINE_INTERVALS + SURGE_INTERVALS; i++) {
      const t = (startS + i * INTERVAL_S) * 1000;
      HOSTS.forEach((host, h) => {
        for (let k = 0; k < 3; k++) records.push({ timestampMs: t + k * 100, host, level: 'info', message: `GET /api/items/${(i * 7 + k) % 500} 200 in ${(i + k + h) % 90} ms` });
        const errors = i >= BASELINE_INTERVALS ? 25 : (i + h * 7) % 20 === 0 ? 1 : 0;
        for (let k = 0; k < errors; k++) records.push({ timestampMs: t + 300 + k * 20, host, level: 'error', message: `connection to db-${(k + h) % 4} refused after ${1 + ((i + k) % 5)} retries` });
      });
    }
    for (let from = 0; from < records.length; from += 5000) {
      const result = await postLogs(server.url, records.slice(from, from + 5000));
      expect(result.rejected).toEqual([]);
    }

    const surgeMs = (startS + BASELINE_INTERVALS * INTERVAL_S) * 1000;
    const surge = await eventually(
      async () => {
        const found = (await anomaliesOf(server.url, 'log.template.count;**')).filter((a) => a.detector !== 'log-new-error-template' && a.timestampMs >= surgeMs);
        const hosts = new Set(found.map((a) => /host=([^;]+)/.exec(a.series)?.[1]).filter((h) => h !== undefined));
        return hosts.size >= 2 ? found : undefined;
      },
      60_000,
      'surge anomalies on at least two hosts',
    );
    for (const anomaly of surge) {
      expect(anomaly.timestampMs).toBeLessThan(surgeMs + SURGE_INTERVALS * INTERVAL_S * 1000);
      expect(anomaly.evidence?.template?.text).toBe('connection to <*> refused after <*> retries');
      expect(anomaly.evidence?.examples?.length).toBeGreaterThan(0);
      for (const line of anomaly.evidence!.examples!) expect(line).toMatch(/^connection to db-\d refused after \d retries$/);
      expect(anomaly.evidence?.reason).toMatch(/^a surge of a log template/);
    }
    // Nothing fired on the steady info template.
    const templates = await getJson<{ templates: TemplateJson[] }>(`${server.url}/api/v1/templates?from=0`);
    const info = templates.templates.find((t) => t.template.startsWith('GET'))!;
    expect((await anomaliesOf(server.url, `log.template.count;**;template=${info.id}`)).filter((a) => a.timestampMs < surgeMs)).toEqual([]);

    // The error template was new at error severity the first time it came: an anomaly at once.
    const errorTemplate = templates.templates.find((t) => t.template.startsWith('connection'))!;
    expect(errorTemplate).toMatchObject({ severity: 'error', count: records.filter((r) => (r as { level: string }).level === 'error').length });
    expect(errorTemplate.examples.length).toBeGreaterThan(0);
    expect(errorTemplate.rate.values.reduce((s, v) => s + v, 0)).toBeGreaterThan(0);
    const newTemplate = (await anomaliesOf(server.url, errorTemplate.series)).filter((a) => a.detector === 'log-new-error-template');
    expect(newTemplate).toHaveLength(1);
    expect(newTemplate[0]!.evidence?.template?.id).toBe(errorTemplate.id);
  }, 120_000);

  it('flags a never-seen error template at once, and searches it by text, host and template', async () => {
    const t = Date.now();
    const result = await postLogs(server.url, [
      { timestampMs: t, host: 'db-9', level: 'critical', message: 'kernel panic: out of memory in module ext4' },
      { timestampMs: t, host: 'db-9', message: 'not json at all' },
      { nope: 1 },
    ]);
    expect(result.accepted).toBe(2);
    expect(result.rejected).toEqual([{ line: 3, reason: 'malformed_line', message: 'line 3: no "message" (or "msg", "log", "_raw") string' }]);
    const anomaly = await eventually(
      async () => (await anomaliesOf(server.url, 'log.template.count;**')).find((a) => a.detector === 'log-new-error-template' && a.evidence?.examples?.[0]?.includes('kernel panic')),
      30_000,
      'the new error template anomaly',
    );
    expect(anomaly.timestampMs).toBe(t);
    expect(anomaly.evidence?.reason).toContain('never seen before');

    const found = await getJson<{ logs: StoredLogJson[] }>(`${server.url}/api/v1/logs?from=${t - 1}&query=${encodeURIComponent('"kernel panic" -disk')}&host=db-9`);
    expect(found.logs.map((l) => l.message)).toEqual(['kernel panic: out of memory in module ext4']);
    expect(found.logs[0]).toMatchObject({ severity: 'critical', source: 'api', templateId: anomaly.evidence!.template!.id });
    const byTemplate = await getJson<{ logs: StoredLogJson[] }>(`${server.url}/api/v1/logs?from=0&template=${anomaly.evidence!.template!.id}`);
    expect(byTemplate.logs).toHaveLength(1);
  });

  it('stores events from a HEC client with indexer acknowledgment, and syslog messages over TCP', async () => {
    const response = await fetch(`http://127.0.0.1:${server.hecPort}/services/collector/event`, {
      method: 'POST',
      headers: { authorization: `Splunk ${HEC_TOKEN}`, 'x-splunk-request-channel': CHANNEL },
      body: '{"event":"payment 4411 declined by issuer","host":"pay-1","sourcetype":"payments","fields":{"severity":"warning"}}{"event":{"message":"payment 4412 declined by issuer"},"host":"pay-2"}',
    });
    expect(response.status).toBe(200);
    const { ackId } = (await response.json()) as { ackId: number };
    await eventually(
      async () => {
        const acks = await fetch(`http://127.0.0.1:${server.hecPort}/services/collector/ack`, {
          method: 'POST',
          headers: { authorization: `Splunk ${HEC_TOKEN}`, 'x-splunk-request-channel': CHANNEL },
          body: JSON.stringify({ acks: [ackId] }),
        });
        const body = (await acks.json()) as { acks: Record<string, boolean> };
        return body.acks[String(ackId)] === true ? true : undefined;
      },
      30_000,
      'the HEC acknowledgment',
    );
    // Acknowledged means stored: the search finds both events at once.
    const declined = await getJson<{ logs: StoredLogJson[] }>(`${server.url}/api/v1/logs?from=0&query=declined`);
    expect(declined.logs.map((l) => [l.host, l.source, l.severity]).sort()).toEqual([
      ['pay-1', 'http:e2e', 'warning'],
      ['pay-2', 'http:e2e', 'info'],
    ]);

    const sent = new Date().toISOString();
    await new Promise<void>((resolve, reject) => {
      const socket = connect(server.syslogPort, '127.0.0.1', () => {
        socket.end(`<11>1 ${sent} mail-1 postfix 812 - - delivery to mx.example.org failed: timeout\n`, () => resolve());
      });
      socket.once('error', reject);
    });
    const mail = await eventually(
      async () => {
        const body = await getJson<{ logs: StoredLogJson[] }>(`${server.url}/api/v1/logs?from=0&host=mail-1`);
        return body.logs.length > 0 ? body.logs : undefined;
      },
      30_000,
      'the syslog message',
    );
    expect(mail[0]).toMatchObject({ host: 'mail-1', source: 'syslog_tcp', severity: 'error', message: 'delivery to mx.example.org failed: timeout', timestampMs: Date.parse(sent) });
  });

  it('imports a log file with vigil import --logs, naming rejected lines by their line numbers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-import-logs-'));
    try {
      const t = Date.now();
      const json = join(dir, 'app.jsonl');
      writeFileSync(json, [`{"timestampMs":${t},"host":"batch-1","level":"warn","msg":"queue orders is 93% full"}`, '{"msg":', `{"timestampMs":${t},"host":"batch-1","msg":"queue refunds is 12% full"}`, ''].join('\n'));
      const jsonRun = spawnSync(process.execPath, [builtBinPath(), 'import', '--logs', json, '--url', server.url], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });
      expect(jsonRun.stdout).toContain('imported 2 log records');
      expect(jsonRun.stdout).toMatch(/line 2: malformed_line: line 2: JSON is malformed/);
      const plain = join(dir, 'plain.log');
      writeFileSync(plain, 'ERROR cannot open /var/lib/app/state.db: permission denied\nINFO recovered\n');
      const plainRun = spawnSync(process.execPath, [builtBinPath(), 'import', '--logs', plain, '--host', 'batch-2', '--url', server.url], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });
      expect(plainRun.stdout).toContain('imported 2 log records');
      expect(plainRun.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds imported records by host and severity', async () => {
    const batch1 = await getJson<{ logs: StoredLogJson[] }>(`${server.url}/api/v1/logs?from=0&host=batch-1`);
    expect(batch1.logs.map((l) => [l.message, l.severity]).sort()).toEqual([
      ['queue orders is 93% full', 'warning'],
      ['queue refunds is 12% full', 'info'],
    ]);
    const errors = await getJson<{ logs: StoredLogJson[] }>(`${server.url}/api/v1/logs?from=0&host=batch-2&severity=error`);
    expect(errors.logs.map((l) => l.message)).toEqual(['ERROR cannot open /var/lib/app/state.db: permission denied']);
    expect(errors.logs[0]!.source).toMatch(/plain\.log$/);
  });
});
