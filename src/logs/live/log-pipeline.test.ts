import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../config/index.js';
import type { Anomaly, KeyedPoints, LogRecord, Rejection } from '../../model/index.js';
import { DuckDbLogStore } from '../../store/index.js';
import type { Clock } from '../../util/index.js';
import { LogPipeline, NEW_ERROR_TEMPLATE_DETECTOR, SESSION_DETECTOR, SESSION_SERIES } from './log-pipeline.js';

const T0 = Date.UTC(2026, 10, 1);

/** Everything the pipeline hands on, kept for assertions. */
class Outputs {
  readonly points: { key: string; timestampMs: number; value: number }[] = [];
  readonly anomalies: Anomaly[] = [];
  readonly rejections: Rejection[] = [];
  readonly seriesIds = new Map<string, number>();
  writePoints = async (points: KeyedPoints): Promise<void> => {
    for (let i = 0; i < points.length; i++) this.points.push({ key: points.keys[i]!, timestampMs: points.timestampsMs[i]!, value: points.values[i]! });
  };
  resolveSeries = (keys: readonly string[]): Uint32Array =>
    Uint32Array.from(keys, (key) => {
      if (!this.seriesIds.has(key)) this.seriesIds.set(key, this.seriesIds.size);
      return this.seriesIds.get(key)!;
    });
}

function record(timestampMs: number, message: string, extra: Partial<LogRecord> = {}): LogRecord {
  return { timestampMs, host: 'node-1', source: 'test', severity: 'info', message, fields: {}, ...extra };
}

/** An HDFS-like block: allocated, received and stored on `replicas` nodes, then closed. */
function block(id: string, startMs: number, replicas: number): LogRecord[] {
  const lines = [record(startMs, `BLOCK* NameSystem.allocateBlock: /user/data/part-${id} ${id}`)];
  for (let r = 0; r < replicas; r++) lines.push(record(startMs + 10 + r, `Receiving block ${id} src: /10.0.0.${r}:50010 dest: /10.0.1.${r}:50010`));
  for (let r = 0; r < replicas; r++) lines.push(record(startMs + 20 + r, `PacketResponder ${r} for block ${id} terminating`));
  lines.push(record(startMs + 30, `BLOCK* NameSystem.addStoredBlock: blockMap updated: 10.0.1.0:50010 is added to ${id} size 67108864`));
  return lines;
}

describe('LogPipeline', () => {
  const dirs: string[] = [];
  const running: { stop(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const r of running.splice(0)) await r.stop();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  async function open(dir: string, outputs: Outputs, overrides: Record<string, unknown> = {}): Promise<{ pipeline: LogPipeline; store: DuckDbLogStore; stop(): Promise<void> }> {
    const config = configSchema.parse({ logs: { rateIntervalMs: 1000, sessionIdleMs: 5000, sessionTrainingCount: 40, ...overrides } }).logs;
    const store = new DuckDbLogStore({ path: join(dir, 'logs.duckdb'), flushIntervalMs: 10, maxQueuedRecords: 100_000 });
    await store.start();
    const clock: Clock = { nowMs: () => T0 };
    const pipeline = new LogPipeline(
      { config, snapshotFile: join(dir, 'log-templates.json') },
      {
        store,
        writePoints: outputs.writePoints,
        resolveSeries: outputs.resolveSeries,
        onAnomalies: (a) => outputs.anomalies.push(...a),
        onRejected: (r) => outputs.rejections.push(...r),
        clock,
        logger: { warn: () => undefined, error: () => undefined },
      },
    );
    await pipeline.start();
    const handle = { pipeline, store, stop: async () => { await pipeline.stop(); await store.stop(); } };
    running.push(handle);
    return handle;
  }

  function tempDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-log-pipeline-'));
    dirs.push(dir);
    return dir;
  }

  it('stores each record with its template and parameters before it counts, and counts per interval', async () => {
    const outputs = new Outputs();
    const { pipeline } = await open(tempDir(), outputs);
    await pipeline.write([record(T0, 'user alice logged in from 10.0.0.1'), record(T0 + 500, 'user bob logged in from 10.0.0.2', { host: 'node-2' }), record(T0 + 1500, 'disk sda1 is 91% full', { severity: 'warning' })], 'api');
    const stored = await pipeline.search({ fromMs: T0, toMs: T0 + 2000, limit: 10 });
    expect(stored.map((l) => [l.message, l.parameters])).toEqual([
      ['disk sda1 is 91% full', expect.any(Array)],
      ['user bob logged in from 10.0.0.2', ['bob', '10.0.0.2']],
      // Parameters are those of the template when the record came: the first login's template still had "alice".
      ['user alice logged in from 10.0.0.1', ['10.0.0.1']],
    ]);
    expect(stored[1]!.templateId).toBe(stored[2]!.templateId);
    // Intervals close one interval behind the newest record (late records get that long): none yet.
    expect(outputs.points).toEqual([]);
    await pipeline.write([record(T0 + 2000, 'disk sda2 is 95% full', { severity: 'warning' })], 'api');
    const loginSeries = `log.template.count;template=${stored[2]!.templateId}`;
    expect(outputs.points).toContainEqual({ key: loginSeries, timestampMs: T0, value: 2 });
    expect(outputs.points).toContainEqual({ key: `log.template.count;host=node-2;template=${stored[2]!.templateId}`, timestampMs: T0, value: 1 });
    expect(outputs.points).toContainEqual({ key: 'log.severity.count;severity=info', timestampMs: T0, value: 2 });
    expect(outputs.points.some((p) => p.timestampMs >= T0 + 1000)).toBe(false);
    expect(pipeline.templates().map((t) => [t.template, t.count, t.severity])).toEqual([
      [expect.stringContaining('disk'), 2, 'warning'],
      ['user <*> logged in from <*>', 2, 'info'],
    ]);
    expect(pipeline.stats()).toMatchObject({ recordsReceived: 4, receivedBySource: { api: 4 }, templates: 2 });
  });

  it('raises an anomaly at once for a template never seen before at error severity, and not again', async () => {
    const outputs = new Outputs();
    const { pipeline } = await open(tempDir(), outputs);
    await pipeline.write([record(T0, 'worker 3 started'), record(T0 + 1, 'worker 4 crashed with signal 11', { severity: 'error', host: 'node-7' })], 'api');
    await pipeline.write([record(T0 + 2, 'worker 5 crashed with signal 6', { severity: 'error' })], 'api');
    expect(outputs.anomalies).toHaveLength(1);
    const [anomaly] = outputs.anomalies;
    expect(anomaly).toMatchObject({ detector: NEW_ERROR_TEMPLATE_DETECTOR, timestampMs: T0 + 1, score: 1, evidence: { examples: ['worker 4 crashed with signal 11'] } });
    expect(anomaly!.series).toBe(`log.template.count;template=${anomaly!.evidence!.template!.id}`);
    expect(anomaly!.seriesId).toBe(outputs.seriesIds.get(anomaly!.series));
    expect(anomaly!.evidence!.reason).toContain('node-7');
  });

  it('groups records into sessions by id, learns the usual order, and flags an unusual session with its templates', async () => {
    const outputs = new Outputs();
    const { pipeline } = await open(tempDir(), outputs);
    let t = T0;
    const normal: LogRecord[] = [];
    for (let b = 0; b < 40; b++, t += 100) normal.push(...block(`blk_${1000 + b}`, t, 2 + (b % 2)));
    await pipeline.write(normal, 'api');
    // Past the idle time every training session has closed; then one block that is never stored.
    t += 10_000;
    const broken = block('blk_-77', t, 3).filter((r) => !r.message.startsWith('BLOCK* NameSystem.addStoredBlock'));
    const fine = block('blk_500', t, 3);
    await pipeline.write([...broken, ...fine], 'api');
    await pipeline.write([record(t + 20_000, 'heartbeat from 10.0.0.9')], 'api');
    const sessions = outputs.anomalies.filter((a) => a.detector === SESSION_DETECTOR);
    expect(sessions.map((a) => a.evidence!.session!.id)).toEqual(['blk_-77']);
    expect(sessions[0]).toMatchObject({ series: SESSION_SERIES, value: broken.length });
    expect(sessions[0]!.evidence!.session!.templates[0]).toContain('allocateBlock');
    expect(sessions[0]!.evidence!.reason).toMatch(/^session blk_-77: \d+ of its \d+ steps break the usual order/);
  });

  it('keeps template ids, counts and the session model across a restart', async () => {
    const dir = tempDir();
    const first = await open(dir, new Outputs());
    await first.pipeline.write([record(T0, 'job 17 finished in 3s'), record(T0 + 1, 'job 18 finished in 5s')], 'api');
    const before = first.pipeline.templates();
    await first.stop();
    running.length = 0;

    const outputs = new Outputs();
    const second = await open(dir, outputs);
    expect(second.pipeline.templates()).toEqual(before);
    await second.pipeline.write([record(T0 + 2, 'job 19 finished in 4s', { severity: 'error' })], 'api');
    // Same template as before the restart: known, so not new; counts carry on.
    expect(outputs.anomalies).toEqual([]);
    expect(second.pipeline.templates()[0]).toMatchObject({ id: before[0]!.id, count: 3, severity: 'error' });
  });

  it('refuses a session pattern that is not a regular expression, naming it', async () => {
    await expect(open(tempDir(), new Outputs(), { sessionPattern: '(' })).rejects.toThrow(/cannot use logs.sessionPattern "\(": /);
  });
});
