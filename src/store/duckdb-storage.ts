import fs from 'node:fs';
import path from 'node:path';
import { DuckDBDoubleVector, DOUBLE, LIST, UINTEGER, VARCHAR, listValue } from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBMaterializedResult, DuckDBValue } from '@duckdb/node-api';
import type { Anomaly, AnomalyEvidence, AnomalyKind, PointBatch, SeriesInfo } from '../model/index.js';
import { ANOMALY_KINDS, DAY_MS, PointBatchBuilder } from '../model/index.js';
import type { Clock } from '../util/index.js';
import { systemClock } from '../util/index.js';
import type { StorageConfig } from '../config/schema.js';
import { acceptPoints } from './accept-points.js';
import { CommitScheduler } from './commit-scheduler.js';
import { DuckDbDatabase } from './duckdb-database.js';
import { appendRows, clampMs, errorMessage, inTransaction } from './duckdb-helpers.js';
import { PointChunkWriter } from './point-chunk-writer.js';
import { POINTS_TABLE, SCHEMA_STATEMENTS, SERIES_TABLE } from './schema.js';
import { SeriesIndex } from './series-index.js';
import type { AnomalyQuery, AppendResult, RangeQuery, RetentionResult, SeriesPoints, Storage, StorageStats } from './storage.js';
import { StoreLifecycle } from './store-lifecycle.js';

export interface StorageLogger {
  warn(obj: object, msg: string): void;
}

export interface DuckDbStorageOptions {
  /** Database file, or ':memory:' for a store that lives and dies with the process. */
  readonly path: string;
  readonly flushIntervalMs: number;
  readonly flushMaxPoints: number;
  readonly maxFutureMs: number;
  /** Points older than now minus this are rejected as out_of_retention; absent keeps every age. */
  readonly retentionMs?: number;
  readonly clock?: Clock;
  readonly logger?: StorageLogger;
}

/** Name of the database file inside the data directory. */
export const DATABASE_FILE_NAME = 'vigil.duckdb';

/** A DuckDB store in `<dataDir>/vigil.duckdb`, creating the directory if needed. Not started yet. */
export function createDuckDbStorage(
  dataDir: string,
  config: StorageConfig,
  extras: { readonly clock?: Clock; readonly logger?: StorageLogger } = {},
): DuckDbStorage {
  fs.mkdirSync(dataDir, { recursive: true });
  return new DuckDbStorage({
    path: path.join(dataDir, DATABASE_FILE_NAME),
    flushIntervalMs: config.flushIntervalMs,
    flushMaxPoints: config.flushMaxPoints,
    maxFutureMs: config.maxFutureMs,
    retentionMs: config.retentionDays * DAY_MS,
    ...extras,
  });
}

interface AppendWaiter {
  readonly result: AppendResult;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: Error) => void;
}

/** Room the commit queues start with; they grow by doubling and keep what they grew to. */
const QUEUE_INITIAL_POINTS = 4096;

const AGGREGATE_SQL: Readonly<Record<RangeQuery['agg'], string>> = {
  avg: 'avg(value)',
  min: 'min(value)',
  max: 'max(value)',
  sum: 'sum(value)',
  count: 'count(*)',
  last: 'arg_max(value, ts_ms)',
};

const ANOMALY_COLUMNS_SQL = 'series_id, CAST(ts_ms AS DOUBLE), detector, score, kind, expected, value, evidence';
const ANOMALY_INSERT_SQL = `INSERT OR REPLACE INTO anomalies (series_id, ts_ms, detector, score, kind, expected, value, evidence)
  SELECT unnest($1), CAST(unnest($2) AS BIGINT), unnest($3), unnest($4), unnest($5), unnest($6), unnest($7), unnest($8)`;
const ANOMALY_INSERT_TYPES = [LIST(UINTEGER), LIST(DOUBLE), LIST(VARCHAR), LIST(DOUBLE), LIST(VARCHAR), LIST(DOUBLE), LIST(DOUBLE), LIST(VARCHAR)];

/**
 * Vigil's embedded store on DuckDB (see `Storage` for the contract).
 *
 * Group commit: accepted points wait in a columnar queue; every `flushIntervalMs` (or as soon as
 * `flushMaxPoints` are queued) one transaction writes the new series rows and then the points through
 * an Appender, and COMMITs. An Appender on a connection inside BEGIN ... COMMIT joins that transaction:
 * its rows are transaction-local until COMMIT (a ROLLBACK drops them), so closing the appenders before
 * COMMIT puts series and points in one atomic commit. DuckDB makes a commit durable before COMMIT
 * returns: the WAL is fsynced, and row groups large enough to be written straight into the database
 * file are fsynced there first. Only then are the waiting appends resolved.
 *
 * All writes (commits, anomalies, retention) run one at a time on the writer connection; queries use
 * their own connection.
 */
export class DuckDbStorage implements Storage {
  private readonly clock: Clock;
  private readonly index = new SeriesIndex();
  private readonly chunkWriter = new PointChunkWriter();
  private readonly lifecycle = new StoreLifecycle('storage', () => this.openAndLoad(), () => this.drainAndClose());
  private readonly commits: CommitScheduler;
  private readonly db = new DuckDbDatabase('storage');

  /** Points waiting for a group commit; its arrays are reused, commit after commit. */
  private queued = new PointBatchBuilder(QUEUE_INITIAL_POINTS);
  private spare = new PointBatchBuilder(QUEUE_INITIAL_POINTS);
  private waiters: AppendWaiter[] = [];
  private committingPoints = 0;
  private lastCommitFailed = false;

  private committedPoints = 0;
  private commitCount = 0;

  constructor(private readonly options: DuckDbStorageOptions) {
    for (const field of ['flushIntervalMs', 'flushMaxPoints', 'maxFutureMs'] as const) {
      const value = options[field];
      if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`cannot create storage: ${field} must be a positive integer, got ${value}`);
    }
    this.clock = options.clock ?? systemClock;
    this.commits = new CommitScheduler({
      intervalMs: options.flushIntervalMs,
      commit: () => this.db.exclusive(() => this.commitQueued()),
      running: () => this.lifecycle.running,
      queued: () => (!this.hasQueuedWork() ? 'none' : 'enough'),
    });
  }

  start(): Promise<void> {
    return this.lifecycle.start();
  }

  stop(): Promise<void> {
    return this.lifecycle.stop();
  }

  resolveSeries(keys: readonly string[]): Uint32Array {
    if (!this.lifecycle.running) throw new Error(`cannot resolve series: storage is ${this.lifecycle.notRunningWord}`);
    const ids = this.index.resolve(keys);
    if (this.index.pendingCount > 0) this.scheduleCommit();
    return ids;
  }

  seriesId(key: string): number {
    if (!this.lifecycle.running) throw new Error(`cannot resolve series: storage is ${this.lifecycle.notRunningWord}`);
    const pendingBefore = this.index.pendingCount;
    const id = this.index.resolveOne(key);
    if (this.index.pendingCount > pendingBefore) this.scheduleCommit();
    return id;
  }

  seriesById(id: number): SeriesInfo | undefined {
    return this.index.byIdOrUndefined(id);
  }

  seriesByKey(key: string): SeriesInfo | undefined {
    return this.index.byKeyOrUndefined(key);
  }

  findSeries(glob: string, limit: number): SeriesInfo[] {
    return this.index.find(glob, limit);
  }

  append(batch: PointBatch): Promise<AppendResult> {
    if (!this.lifecycle.running) return Promise.reject(new Error(`cannot append points: storage is ${this.lifecycle.notRunningWord}`));
    const result = acceptPoints(
      batch,
      { seriesCount: this.index.size, nowMs: this.clock.nowMs(), maxFutureMs: this.options.maxFutureMs, retentionMs: this.options.retentionMs ?? Infinity },
      this.queued,
    );
    if (result.accepted === 0) return Promise.resolve(result);
    return new Promise<AppendResult>((resolve, reject) => {
      this.waiters.push({ result, resolve, reject });
      this.scheduleCommit();
    });
  }

  query(query: RangeQuery): Promise<SeriesPoints> {
    return this.read('query series', (reader) => this.runRangeQuery(reader, query));
  }

  appendAnomalies(anomalies: readonly Anomaly[]): Promise<void> {
    if (!this.lifecycle.running) return Promise.reject(new Error(`cannot append anomalies: storage is ${this.lifecycle.notRunningWord}`));
    if (anomalies.length === 0) return Promise.resolve();
    let columns: DuckDBValue[];
    try {
      columns = this.anomalyColumns(anomalies);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.db.exclusive(async () => {
      await this.db.writer.run(ANOMALY_INSERT_SQL, columns, ANOMALY_INSERT_TYPES);
    });
  }

  queryAnomalies(query: AnomalyQuery): Promise<Anomaly[]> {
    return this.read('query anomalies', (reader) => this.runAnomalyQuery(reader, query));
  }

  deleteBefore(cutoffMs: number): Promise<RetentionResult> {
    if (!this.lifecycle.running) return Promise.reject(new Error(`cannot delete old data: storage is ${this.lifecycle.notRunningWord}`));
    if (Number.isNaN(cutoffMs)) return Promise.reject(new Error(`cannot delete old data: cut-off ${cutoffMs} is not a number`));
    const cutoff = clampMs(Math.ceil(cutoffMs));
    return this.db.exclusive(async () => {
      const { writer } = this.db;
      const points = await writer.run(`DELETE FROM ${POINTS_TABLE} WHERE ts_ms < CAST($1 AS BIGINT)`, [cutoff]);
      const anomalies = await writer.run('DELETE FROM anomalies WHERE ts_ms < CAST($1 AS BIGINT)', [cutoff]);
      this.committedPoints -= points.rowsChanged;
      // Deleted rows only give their blocks back to the file when a checkpoint rewrites the row groups.
      if (points.rowsChanged > 0 || anomalies.rowsChanged > 0) await writer.run('CHECKPOINT');
      return { deletedPoints: points.rowsChanged, deletedAnomalies: anomalies.rowsChanged };
    });
  }

  stats(): StorageStats {
    return {
      seriesCount: this.index.size,
      queuedPoints: this.queued.length + this.committingPoints,
      committedPoints: this.committedPoints,
      commits: this.commitCount,
    };
  }

  private async openAndLoad(): Promise<void> {
    try {
      await this.db.open(this.options.path, SCHEMA_STATEMENTS, async (writer) => {
        const series = await writer.runAndReadAll(`SELECT id, key FROM ${SERIES_TABLE} ORDER BY id`);
        for (const [id, key] of series.getRows()) this.index.load(Number(id), String(key));
        const count = await writer.runAndReadAll(`SELECT count(*) FROM ${POINTS_TABLE}`);
        this.committedPoints = Number(count.getRows()[0]![0]);
      });
    } catch (cause) {
      throw new Error(`cannot start storage at ${this.options.path}: ${errorMessage(cause)}`, { cause });
    }
  }

  private async drainAndClose(): Promise<void> {
    this.commits.disarm();
    // Commit what is queued; after a failed attempt, stop anyway rather than retry forever.
    let attempts = 0;
    for (;;) {
      const inFlight = this.commits.inFlight;
      if (inFlight !== undefined) {
        await inFlight;
        continue;
      }
      if (!this.hasQueuedWork() || (attempts > 0 && this.lastCommitFailed)) break;
      attempts++;
      this.commits.request();
    }
    if (this.index.pendingCount > 0) {
      this.options.logger?.warn({ series: this.index.pendingCount }, 'cannot commit new series before stopping');
    }
    await this.db.close();
  }

  private hasQueuedWork(): boolean {
    return this.queued.length > 0 || this.index.pendingCount > 0;
  }

  /**
   * A commit starts as soon as none is running: writers that wait for their answer (remote write, HTTP)
   * are not held by the timer, and under load the points that come during a commit go together in the next.
   */
  private scheduleCommit(): void {
    if (this.queued.length >= this.options.flushMaxPoints || this.commits.inFlight === undefined) this.commits.request();
    else this.commits.arm();
  }

  /** One group commit. Never throws: a failure rejects the appends that waited on it. */
  private async commitQueued(): Promise<void> {
    const points = this.queued;
    this.queued = this.spare;
    const waiters = this.waiters;
    this.waiters = [];
    const series = this.index.takePending();
    this.committingPoints = points.length;
    try {
      await this.writeTransaction(series, points);
      this.commitCount++;
      this.committedPoints += points.length;
      this.lastCommitFailed = false;
      for (const waiter of waiters) waiter.resolve(waiter.result);
    } catch (cause) {
      this.lastCommitFailed = true;
      this.index.restorePending(series);
      const error = new Error(`cannot commit points: ${errorMessage(cause)}`, { cause });
      this.options.logger?.warn({ err: error, points: points.length, series: series.length }, 'cannot commit points');
      for (const waiter of waiters) waiter.reject(error);
    } finally {
      this.committingPoints = 0;
      points.clear();
      this.spare = points;
    }
  }

  private async writeTransaction(series: readonly SeriesInfo[], points: PointBatchBuilder): Promise<void> {
    const { writer } = this.db;
    await inTransaction(writer, async () => {
      if (series.length > 0) {
        await appendRows(writer, SERIES_TABLE, (appender) => {
          for (const info of series) {
            appender.appendUInteger(info.id);
            appender.appendVarchar(info.key);
            appender.appendVarchar(info.name);
            appender.appendVarchar(JSON.stringify(info.tags));
            appender.endRow();
          }
        });
      }
      if (points.length > 0) await appendRows(writer, POINTS_TABLE, (appender) => this.chunkWriter.write(appender, points));
    });
  }

  private read<T>(what: string, work: (reader: DuckDBConnection) => Promise<T>): Promise<T> {
    if (!this.lifecycle.running || !this.db.isOpen) return Promise.reject(new Error(`cannot ${what}: storage is ${this.lifecycle.notRunningWord}`));
    return this.db.read(work);
  }

  private async runRangeQuery(reader: DuckDBConnection, query: RangeQuery): Promise<SeriesPoints> {
    const { seriesId, stepMs, agg } = query;
    if (!Number.isSafeInteger(stepMs) || stepMs <= 0) throw new Error(`cannot query series: stepMs must be a positive integer, got ${stepMs}`);
    const aggregate = AGGREGATE_SQL[agg];
    if (aggregate === undefined) throw new Error(`cannot query series: unknown aggregation ${JSON.stringify(agg)}`);
    const fromMs = clampMs(Math.ceil(query.fromMs));
    const toMs = clampMs(Math.ceil(query.toMs));
    if (Number.isNaN(fromMs) || Number.isNaN(toMs)) throw new Error(`cannot query series: range [${query.fromMs}, ${query.toMs}) is not numeric`);
    if (fromMs >= toMs || !Number.isInteger(seriesId) || seriesId < 0 || seriesId >= this.index.size) {
      return { timestampsMs: new Float64Array(0), values: new Float64Array(0) };
    }
    // Buckets start at multiples of the step, also for negative timestamps (SQL % keeps the dividend's sign).
    const result = await reader.run(
      `SELECT CAST(bucket AS DOUBLE), CAST(${aggregate} AS DOUBLE)
       FROM (
         SELECT ts_ms - ((ts_ms % $step) + $step) % $step AS bucket, ts_ms, value
         FROM ${POINTS_TABLE}
         WHERE series_id = $series AND ts_ms >= $from AND ts_ms < $to
       )
       GROUP BY bucket ORDER BY bucket`,
      { step: stepMs, series: seriesId, from: fromMs, to: toMs },
    );
    return readTwoDoubleColumns(result);
  }

  private async runAnomalyQuery(reader: DuckDBConnection, query: AnomalyQuery): Promise<Anomaly[]> {
    const limit = Math.floor(query.limit);
    if (!(limit > 0)) return [];
    const fromMs = clampMs(Math.ceil(query.fromMs));
    const toMs = clampMs(Math.ceil(query.toMs));
    if (Number.isNaN(fromMs) || Number.isNaN(toMs)) throw new Error(`cannot query anomalies: range [${query.fromMs}, ${query.toMs}) is not numeric`);
    if (fromMs >= toMs) return [];
    const values: DuckDBValue[] = [fromMs, toMs, Math.min(limit, Number.MAX_SAFE_INTEGER)];
    let seriesFilter = '';
    if (query.seriesIds !== undefined) {
      const ids = query.seriesIds.filter((id) => Number.isInteger(id) && id >= 0 && id < this.index.size);
      if (ids.length === 0) return [];
      values.push(listValue(ids));
      seriesFilter = 'AND list_contains(CAST($4 AS UINTEGER[]), series_id)';
    }
    const result = await reader.runAndReadAll(
      `SELECT ${ANOMALY_COLUMNS_SQL} FROM anomalies
       WHERE ts_ms >= CAST($1 AS BIGINT) AND ts_ms < CAST($2 AS BIGINT) ${seriesFilter}
       ORDER BY ts_ms, series_id, detector
       LIMIT CAST($3 AS BIGINT)`,
      values,
    );
    return result.getRows().map((row) => {
      const seriesId = Number(row[0]);
      return {
        seriesId,
        series: this.index.byIdOrUndefined(seriesId)?.key ?? '',
        timestampMs: Number(row[1]),
        detector: String(row[2]),
        score: Number(row[3]),
        kind: row[4] === null ? null : (String(row[4]) as AnomalyKind),
        expected: row[5] === null ? null : Number(row[5]),
        value: Number(row[6]),
        ...(row[7] !== null && { evidence: JSON.parse(String(row[7])) as AnomalyEvidence }),
      };
    });
  }

  /** Validates anomalies and lays them out as list columns; the last of duplicates in one call wins. */
  private anomalyColumns(anomalies: readonly Anomaly[]): DuckDBValue[] {
    const unique = new Map<string, Anomaly>();
    anomalies.forEach((a, i) => {
      const problem =
        !Number.isInteger(a.seriesId) || a.seriesId < 0 || a.seriesId >= this.index.size
          ? `unknown series id ${a.seriesId}`
          : !Number.isFinite(a.timestampMs) || Math.abs(a.timestampMs) > Number.MAX_SAFE_INTEGER
            ? `timestamp ${a.timestampMs} is not a finite millisecond count`
            : typeof a.detector !== 'string' || a.detector.length === 0
              ? 'detector is empty'
              : !Number.isFinite(a.score)
                ? `score ${a.score} is not a finite number`
                : a.kind !== null && !ANOMALY_KINDS.includes(a.kind)
                  ? `kind ${JSON.stringify(a.kind)} is not one of ${ANOMALY_KINDS.join(', ')}`
                  : null;
      if (problem !== null) throw new Error(`cannot append anomaly ${i}: ${problem}`);
      const timestampMs = Math.floor(a.timestampMs);
      unique.set(`${a.seriesId}\u0000${a.detector}\u0000${timestampMs}`, timestampMs === a.timestampMs ? a : { ...a, timestampMs });
    });
    const rows = [...unique.values()];
    return [
      listValue(rows.map((a) => a.seriesId)),
      listValue(rows.map((a) => a.timestampMs)),
      listValue(rows.map((a) => a.detector)),
      listValue(rows.map((a) => a.score)),
      listValue(rows.map((a) => a.kind)),
      listValue(rows.map((a) => a.expected)),
      listValue(rows.map((a) => a.value)),
      listValue(rows.map((a) => (a.evidence === undefined ? null : JSON.stringify(a.evidence)))),
    ];
  }
}

function readTwoDoubleColumns(result: DuckDBMaterializedResult): SeriesPoints {
  let rows = 0;
  for (let c = 0; c < result.chunkCount; c++) rows += result.getChunk(c).rowCount;
  const timestampsMs = new Float64Array(rows);
  const values = new Float64Array(rows);
  let offset = 0;
  for (let c = 0; c < result.chunkCount; c++) {
    const chunk = result.getChunk(c);
    const ts = chunk.getColumnVector(0);
    const vs = chunk.getColumnVector(1);
    if (!(ts instanceof DuckDBDoubleVector) || !(vs instanceof DuckDBDoubleVector)) throw new Error('cannot read query result: expected DOUBLE columns');
    const n = chunk.rowCount;
    for (let r = 0; r < n; r++) {
      timestampsMs[offset + r] = ts.getItem(r) ?? Number.NaN;
      values[offset + r] = vs.getItem(r) ?? Number.NaN;
    }
    offset += n;
  }
  return { timestampsMs, values };
}
