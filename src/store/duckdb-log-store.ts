import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { LogsConfig } from '../config/index.js';
import { checkStoredLogs } from './check-logs.js';
import type { StorageLogger } from './duckdb-storage.js';
import { LogChunkWriter } from './log-chunk-writer.js';
import { buildLogQuerySql, storedLogsFromColumns } from './log-query-sql.js';
import { LOG_SCHEMA_STATEMENTS, LOGS_TABLE } from './log-schema.js';
import type { LogQuery, LogStore, LogStoreStats, StoredLog } from './log-store.js';

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

type State = 'new' | 'starting' | 'running' | 'stopping' | 'stopped';

interface PendingAppend {
  readonly logs: readonly StoredLog[];
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

interface Open {
  readonly instance: DuckDBInstance;
  /** Used only under the write lock: group commits (in explicit transactions) and deletes. */
  readonly writer: DuckDBConnection;
  /** Autocommit reads, so that queries see committed records only and never wait for a commit. */
  readonly reader: DuckDBConnection;
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
  private state: State = 'new';
  private startPromise: Promise<void> | undefined;
  private stopPromise: Promise<void> | undefined;
  private open: Open | undefined;

  /** Appends that did not fit under the bound, oldest first. */
  private blocked: PendingAppend[] = [];
  private queued: PendingAppend[] = [];
  private queuedRecords = 0;
  private committingRecords = 0;
  private timer: NodeJS.Timeout | undefined;
  private commitInFlight: Promise<void> | undefined;
  private commitDue = false;
  private writeChain: Promise<void> = Promise.resolve();
  private readonly reads = new Set<Promise<unknown>>();

  private committedRecords = 0;
  private commits = 0;

  constructor(private readonly options: DuckDbLogStoreOptions) {
    for (const field of ['flushIntervalMs', 'maxQueuedRecords'] as const) {
      const value = options[field];
      if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`cannot create log store: ${field} must be a positive integer, got ${value}`);
    }
    this.earlyCommitRecords = Math.max(1, Math.floor(options.maxQueuedRecords / 2));
  }

  start(): Promise<void> {
    if (this.state === 'stopping' || this.state === 'stopped') return Promise.reject(new Error('cannot start log store: it has been stopped'));
    this.startPromise ??= this.openAndCount();
    return this.startPromise;
  }

  stop(): Promise<void> {
    this.stopPromise ??= this.drainAndClose();
    return this.stopPromise;
  }

  append(logs: readonly StoredLog[]): Promise<void> {
    if (this.state !== 'running') return Promise.reject(new Error(`cannot append logs: the log store is ${this.stateWord()}`));
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
      if (this.commitInFlight === undefined) this.requestCommit();
    });
  }

  query(query: LogQuery): Promise<StoredLog[]> {
    if (this.state !== 'running' || this.open === undefined) return Promise.reject(new Error(`cannot query logs: the log store is ${this.stateWord()}`));
    const { reader } = this.open;
    const running = (async () => {
      const built = buildLogQuerySql(query);
      if (built === null) return [];
      const result = await reader.runAndReadAll(built.sql, built.values);
      return storedLogsFromColumns(result.getColumnsJS());
    })();
    this.reads.add(running);
    const forget = (): void => {
      this.reads.delete(running);
    };
    running.then(forget, forget);
    return running;
  }

  deleteBefore(cutoffMs: number): Promise<number> {
    if (this.state !== 'running') return Promise.reject(new Error(`cannot delete old logs: the log store is ${this.stateWord()}`));
    if (typeof cutoffMs !== 'number' || Number.isNaN(cutoffMs)) return Promise.reject(new Error(`cannot delete old logs: cut-off ${String(cutoffMs)} is not a number`));
    // ts_ms < cutoffMs exactly when ts_ms < ceil(cutoffMs), timestamps being whole.
    const cutoff = Math.min(Number.MAX_SAFE_INTEGER, Math.max(-Number.MAX_SAFE_INTEGER, Math.ceil(cutoffMs)));
    return this.exclusive(async () => {
      const { writer } = this.requireOpen();
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
      commits: this.commits,
    };
  }

  private async openAndCount(): Promise<void> {
    this.state = 'starting';
    let instance: DuckDBInstance | undefined;
    try {
      instance = await DuckDBInstance.create(this.options.path);
      const writer = await instance.connect();
      const reader = await instance.connect();
      for (const statement of LOG_SCHEMA_STATEMENTS) await writer.run(statement);
      const count = await writer.runAndReadAll(`SELECT count(*) FROM ${LOGS_TABLE}`);
      this.committedRecords = Number(count.getRows()[0]![0]);
      this.open = { instance, writer, reader };
    } catch (cause) {
      instance?.closeSync();
      this.state = 'new';
      this.startPromise = undefined;
      throw new Error(`cannot start log store at ${this.options.path}: ${errorMessage(cause)}`, { cause });
    }
    if (this.stopPromise === undefined) this.state = 'running';
  }

  private async drainAndClose(): Promise<void> {
    if (this.startPromise !== undefined) await this.startPromise.catch(() => undefined);
    if (this.open === undefined) {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopping';
    this.clearTimer();
    // Commit everything queued or waiting for room. This ends: a commit settles its appends whether it
    // succeeds or fails (a failed one is not retried), and nothing new is accepted while stopping.
    for (;;) {
      if (this.commitInFlight !== undefined) {
        await this.commitInFlight;
        continue;
      }
      if (this.queuedRecords === 0 && this.blocked.length === 0) break;
      this.admitBlocked();
      this.requestCommit();
    }
    await this.writeChain;
    await Promise.allSettled([...this.reads]);
    const { instance, writer, reader } = this.open;
    this.open = undefined;
    reader.closeSync();
    writer.closeSync();
    instance.closeSync();
    this.state = 'stopped';
  }

  private stateWord(): string {
    return this.state === 'new' || this.state === 'starting' ? 'not started' : 'stopped';
  }

  private requireOpen(): Open {
    if (this.open === undefined) throw new Error('the log store is not open');
    return this.open;
  }

  /** An append fits when it stays within the bound, or when nothing else is pending (so a large one cannot wait forever). */
  private hasRoomFor(records: number): boolean {
    const pending = this.queuedRecords + this.committingRecords;
    return pending === 0 || pending + records <= this.options.maxQueuedRecords;
  }

  private admit(pending: PendingAppend): void {
    this.queued.push(pending);
    this.queuedRecords += pending.logs.length;
    if (this.queuedRecords >= this.earlyCommitRecords) this.requestCommit();
    else this.armTimer();
  }

  private admitBlocked(): void {
    while (this.blocked.length > 0 && this.hasRoomFor(this.blocked[0]!.logs.length)) this.admit(this.blocked.shift()!);
  }

  /** Pending work keeps the timer referenced: the process must not exit before it is durable. */
  private armTimer(): void {
    if (this.timer !== undefined || this.state !== 'running') return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.requestCommit();
    }, this.options.flushIntervalMs);
  }

  private clearTimer(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Starts a commit now, or marks one as due right after the one in flight. */
  private requestCommit(): void {
    if (this.commitInFlight !== undefined) {
      this.commitDue = true;
      return;
    }
    this.commitDue = false;
    this.clearTimer();
    this.commitInFlight = this.exclusive(() => this.commitQueued()).then(() => {
      this.commitInFlight = undefined;
      // Admitting may itself start the next commit (half the bound queued).
      this.admitBlocked();
      if (this.commitInFlight !== undefined || this.state !== 'running' || this.queuedRecords === 0) return;
      if (this.commitDue || this.queuedRecords >= this.earlyCommitRecords || this.blocked.length > 0) this.requestCommit();
      else this.armTimer();
    });
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
      await this.writeTransaction(appends.map((pending) => pending.logs));
      this.commits++;
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

  private async writeTransaction(batches: readonly (readonly StoredLog[])[]): Promise<void> {
    const { writer } = this.requireOpen();
    await writer.run('BEGIN TRANSACTION');
    try {
      const appender = await writer.createAppender(LOGS_TABLE);
      try {
        this.chunkWriter.write(appender, batches);
        appender.closeSync();
      } catch (error) {
        discardAppender(appender);
        throw error;
      }
      await writer.run('COMMIT');
    } catch (error) {
      await writer.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  /** Runs writes one at a time; the chain itself never rejects. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.writeChain.then(work);
    this.writeChain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }
}

/** An appender that failed must not flush its rows later, when the finalizer closes it. */
function discardAppender(appender: { clear(): void; closeSync(): void }): void {
  try {
    appender.clear();
    appender.closeSync();
  } catch {
    // The transaction is rolled back anyway; the appender's own error is the one reported.
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
