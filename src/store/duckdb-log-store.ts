import fs from 'node:fs';
import path from 'node:path';
import type { LogsConfig } from '../config/index.js';
import { checkStoredLogs } from './check-logs.js';
import { CommitScheduler } from './commit-scheduler.js';
import { DuckDbDatabase } from './duckdb-database.js';
import { appendRows, clampMs, errorMessage, inTransaction } from './duckdb-helpers.js';
import type { StorageLogger } from './duckdb-storage.js';
import { LogChunkWriter } from './log-chunk-writer.js';
import { buildLogQuerySql, storedLogsFromColumns } from './log-query-sql.js';
import { LOG_SCHEMA_STATEMENTS, LOGS_TABLE } from './log-schema.js';
import type { LogQuery, LogStore, LogStoreStats, StoredLog } from './log-store.js';
import { StoreLifecycle } from './store-lifecycle.js';

export interface DuckDbLogStoreOptions {
  /** Database file, or ':memory:' for a store that lives and dies with the process. */
  readonly path: string;
  /** Queued records are committed at least this often. */
  readonly flushIntervalMs: number;
  /** Records accepted but not yet committed; beyond it append() waits. Half of it queued commits at once. */
  readonly maxQueuedRecords: number;
  readonly logger?: StorageLogger;
}

/** Name of the log database inside the data directory: apart from the points', so each commits on its own. */
export const LOGS_DATABASE_FILE_NAME = 'logs.duckdb';

/** A DuckDB log store in `<dataDir>/logs.duckdb`, creating the directory if needed. Not started yet. */
export function createDuckDbLogStore(dataDir: string, config: LogsConfig, extras: { readonly logger?: StorageLogger } = {}): DuckDbLogStore {
  fs.mkdirSync(dataDir, { recursive: true });
  return new DuckDbLogStore({
    path: path.join(dataDir, LOGS_DATABASE_FILE_NAME),
    flushIntervalMs: config.flushIntervalMs,
    maxQueuedRecords: config.maxQueuedRecords,
    ...extras,
  });
}

interface PendingAppend {
  readonly logs: readonly StoredLog[];
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * Vigil's log store on DuckDB (see `LogStore` for the contract).
 *
 * Group commit: accepted appends wait in a queue; every `flushIntervalMs` (or as soon as half of
 * `maxQueuedRecords` are queued) one transaction appends their records through an Appender and
 * COMMITs. An Appender on a connection inside BEGIN ... COMMIT joins that transaction, so a failed
 * commit leaves none of its records behind. DuckDB makes a commit durable before COMMIT returns (the
 * WAL is fsynced, and row groups written straight into the database file are fsynced first); only
 * then are the waiting appends resolved.
 *
 * Back-pressure: records accepted and not yet committed never exceed `maxQueuedRecords`, except for
 * a single append larger than that, which is taken alone. Appends that do not fit wait, in order,
 * until a commit makes room.
 *
 * Timestamps are stored as whole milliseconds (floored), as points are.
 */
export class DuckDbLogStore implements LogStore {
  private readonly chunkWriter = new LogChunkWriter();
  private readonly earlyCommitRecords: number;
  private readonly lifecycle = new StoreLifecycle('log store', () => this.openAndCount(), () => this.drainAndClose());
  private readonly commits: CommitScheduler;
  private readonly db = new DuckDbDatabase('the log store');

  /** Appends that did not fit under the bound, oldest first. */
  private blocked: PendingAppend[] = [];
  private queued: PendingAppend[] = [];
  private queuedRecords = 0;
  private committingRecords = 0;

  private committedRecords = 0;
  private commitCount = 0;

  constructor(private readonly options: DuckDbLogStoreOptions) {
    for (const field of ['flushIntervalMs', 'maxQueuedRecords'] as const) {
      const value = options[field];
      if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`cannot create log store: ${field} must be a positive integer, got ${value}`);
    }
    this.earlyCommitRecords = Math.max(1, Math.floor(options.maxQueuedRecords / 2));
    this.commits = new CommitScheduler({
      intervalMs: options.flushIntervalMs,
      commit: () => this.db.exclusive(() => this.commitQueued()),
      running: () => this.lifecycle.running,
      // Admitting may itself start the next commit (half the bound queued).
      committed: () => this.admitBlocked(),
      queued: () => (this.queuedRecords === 0 ? 'none' : 'enough'),
    });
  }

  start(): Promise<void> {
    return this.lifecycle.start();
  }

  stop(): Promise<void> {
    return this.lifecycle.stop();
  }

  append(logs: readonly StoredLog[]): Promise<void> {
    if (!this.lifecycle.running) return Promise.reject(new Error(`cannot append logs: the log store is ${this.lifecycle.notRunningWord}`));
    if (!Array.isArray(logs)) return Promise.reject(new Error('cannot append logs: expected an array of records'));
    const problem = checkStoredLogs(logs);
    if (problem !== null) return Promise.reject(new Error(`cannot append logs: ${problem}`));
    if (logs.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const pending: PendingAppend = { logs, resolve, reject };
      if (this.blocked.length === 0 && this.hasRoomFor(logs.length)) {
        this.admit(pending);
        return;
      }
      this.blocked.push(pending);
      // Over the bound is "a lot queued": no reason to wait for the timer.
      if (this.commits.inFlight === undefined) this.commits.request();
    });
  }

  query(query: LogQuery): Promise<StoredLog[]> {
    if (!this.lifecycle.running || !this.db.isOpen) return Promise.reject(new Error(`cannot query logs: the log store is ${this.lifecycle.notRunningWord}`));
    return this.db.read(async (reader) => {
      const built = buildLogQuerySql(query);
      if (built === null) return [];
      const result = await reader.runAndReadAll(built.sql, built.values);
      return storedLogsFromColumns(result.getColumnsJS());
    });
  }

  deleteBefore(cutoffMs: number): Promise<number> {
    if (!this.lifecycle.running) return Promise.reject(new Error(`cannot delete old logs: the log store is ${this.lifecycle.notRunningWord}`));
    if (typeof cutoffMs !== 'number' || Number.isNaN(cutoffMs)) return Promise.reject(new Error(`cannot delete old logs: cut-off ${String(cutoffMs)} is not a number`));
    // ts_ms < cutoffMs exactly when ts_ms < ceil(cutoffMs), timestamps being whole.
    const cutoff = clampMs(Math.ceil(cutoffMs));
    return this.db.exclusive(async () => {
      const { writer } = this.db;
      const deleted = await writer.run(`DELETE FROM ${LOGS_TABLE} WHERE ts_ms < CAST($1 AS BIGINT)`, [cutoff]);
      this.committedRecords -= deleted.rowsChanged;
      // Deleted rows only give their blocks back to the file when a checkpoint rewrites the row groups.
      if (deleted.rowsChanged > 0) await writer.run('CHECKPOINT');
      return deleted.rowsChanged;
    });
  }

  stats(): LogStoreStats {
    return {
      queuedRecords: this.queuedRecords + this.committingRecords,
      committedRecords: this.committedRecords,
      commits: this.commitCount,
    };
  }

  private async openAndCount(): Promise<void> {
    try {
      await this.db.open(this.options.path, LOG_SCHEMA_STATEMENTS, async (writer) => {
        const count = await writer.runAndReadAll(`SELECT count(*) FROM ${LOGS_TABLE}`);
        this.committedRecords = Number(count.getRows()[0]![0]);
      });
    } catch (cause) {
      throw new Error(`cannot start log store at ${this.options.path}: ${errorMessage(cause)}`, { cause });
    }
  }

  private async drainAndClose(): Promise<void> {
    this.commits.disarm();
    // Commit everything queued or waiting for room. This ends: a commit settles its appends whether it
    // succeeds or fails (a failed one is not retried), and nothing new is accepted while stopping.
    for (;;) {
      const inFlight = this.commits.inFlight;
      if (inFlight !== undefined) {
        await inFlight;
        continue;
      }
      if (this.queuedRecords === 0 && this.blocked.length === 0) break;
      this.admitBlocked();
      this.commits.request();
    }
    await this.db.close();
  }

  /** An append fits when it stays within the bound, or when nothing else is pending (so a large one cannot wait forever). */
  private hasRoomFor(records: number): boolean {
    const pending = this.queuedRecords + this.committingRecords;
    return pending === 0 || pending + records <= this.options.maxQueuedRecords;
  }

  private admit(pending: PendingAppend): void {
    this.queued.push(pending);
    this.queuedRecords += pending.logs.length;
    // Log writers wait for their answer (HEC, HTTP), so a commit starts as soon as none is running: records
    // that come during a commit go together in the next one, and the timer only bounds how long they wait.
    if (this.queuedRecords >= this.earlyCommitRecords || this.commits.inFlight === undefined) this.commits.request();
    else this.commits.arm();
  }

  private admitBlocked(): void {
    while (this.blocked.length > 0 && this.hasRoomFor(this.blocked[0]!.logs.length)) this.admit(this.blocked.shift()!);
  }

  /** One group commit. Never throws: a failure rejects every append that waited on it. */
  private async commitQueued(): Promise<void> {
    const appends = this.queued;
    const records = this.queuedRecords;
    if (records === 0) return;
    this.queued = [];
    this.queuedRecords = 0;
    this.committingRecords = records;
    try {
      const { writer } = this.db;
      await inTransaction(writer, () => appendRows(writer, LOGS_TABLE, (appender) => this.chunkWriter.write(appender, appends.map((pending) => pending.logs))));
      this.commitCount++;
      this.committedRecords += records;
      for (const pending of appends) pending.resolve();
    } catch (cause) {
      const error = new Error(`cannot store logs: ${errorMessage(cause)}`, { cause });
      this.options.logger?.warn({ err: error, records, appends: appends.length }, 'cannot store logs');
      for (const pending of appends) pending.reject(error);
    } finally {
      this.committingRecords = 0;
    }
  }
}
