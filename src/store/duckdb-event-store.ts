import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DOUBLE, LIST, VARCHAR, listValue } from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { OpsEvent, OpsEventInput, Tags } from '../model/index.js';
import { checkOpsEvent, toOpsEvent } from '../model/index.js';
import { DuckDbDatabase } from './duckdb-database.js';
import { clampMs, errorMessage } from './duckdb-helpers.js';
import { EVENT_SCHEMA_STATEMENTS, EVENT_SELECT_COLUMNS_SQL, EVENTS_TABLE } from './event-schema.js';
import type { EventQuery, EventStore } from './event-store.js';
import { StoreLifecycle } from './store-lifecycle.js';

export interface DuckDbEventStoreOptions {
  /** Database file, or ':memory:' for a store that lives and dies with the process. */
  readonly path: string;
  /** Makes the id of an event sent without one; random UUIDs by default. */
  readonly newId?: () => string;
}

/**
 * Name of the event database inside the data directory. Apart from the points' database: that one's
 * connection is private to the point store and busy with group commits, while events are few, written
 * one request at a time, and each must be durable before it is acknowledged.
 */
export const EVENTS_DATABASE_FILE_NAME = 'events.duckdb';

/** A DuckDB event store in `<dataDir>/events.duckdb`, creating the directory if needed. Not started yet. */
export function createDuckDbEventStore(dataDir: string): DuckDbEventStore {
  fs.mkdirSync(dataDir, { recursive: true });
  return new DuckDbEventStore({ path: path.join(dataDir, EVENTS_DATABASE_FILE_NAME) });
}

const INSERT_SQL = `INSERT OR IGNORE INTO ${EVENTS_TABLE} (id, seq, ts_ms, type, service, version, tags, description)
  SELECT unnest($1), CAST(unnest($2) AS BIGINT), CAST(unnest($3) AS BIGINT), unnest($4), unnest($5), unnest($6), unnest($7), unnest($8)`;
const INSERT_TYPES = [LIST(VARCHAR), LIST(DOUBLE), LIST(DOUBLE), LIST(VARCHAR), LIST(VARCHAR), LIST(VARCHAR), LIST(VARCHAR), LIST(VARCHAR)];

/**
 * Vigil's event store on DuckDB (see `EventStore` for the contract).
 *
 * Events are few, so each append is one INSERT on the writer connection, run one at a time; outside an
 * explicit transaction it commits on its own, and DuckDB makes a commit durable (the WAL is fsynced)
 * before it returns, as anomalies are stored. `INSERT OR IGNORE` on the id key keeps the first event
 * stored under an id.
 */
export class DuckDbEventStore implements EventStore {
  private readonly lifecycle = new StoreLifecycle('event store', () => this.openAndLoad(), () => this.db.close());
  private readonly db = new DuckDbDatabase('the event store');
  private readonly newId: () => string;
  /** The next append order number; continues after the largest stored one. */
  private nextSeq = 0;

  constructor(private readonly options: DuckDbEventStoreOptions) {
    this.newId = options.newId ?? randomUUID;
  }

  start(): Promise<void> {
    return this.lifecycle.start();
  }

  stop(): Promise<void> {
    return this.lifecycle.stop();
  }

  append(events: readonly OpsEventInput[]): Promise<string[]> {
    if (!this.lifecycle.running) return Promise.reject(new Error(`cannot append events: the event store is ${this.lifecycle.notRunningWord}`));
    if (!Array.isArray(events)) return Promise.reject(new Error('cannot append events: expected an array of events'));
    const ids: string[] = [];
    const unique = new Map<string, OpsEvent>();
    for (let i = 0; i < events.length; i++) {
      const input = events[i]!;
      const problem = typeof input === 'object' && input !== null ? checkOpsEvent(input) : { message: `must be an object, got ${String(input)}` };
      if (problem !== null) return Promise.reject(new Error(`cannot append event ${i}: ${problem.message}`));
      const id = input.id ?? this.newId();
      ids.push(id);
      // The first of an id wins, in a call as across calls.
      if (!unique.has(id)) unique.set(id, toOpsEvent(input, id));
    }
    if (unique.size === 0) return Promise.resolve(ids);
    const rows = [...unique.values()];
    return this.db.exclusive(async () => {
      const firstSeq = this.nextSeq;
      this.nextSeq += rows.length;
      await this.db.writer.run(INSERT_SQL, insertColumns(rows, firstSeq), INSERT_TYPES);
      return ids;
    });
  }

  query(query: EventQuery): Promise<OpsEvent[]> {
    return this.read('query events', async (reader) => {
      const fromMs = clampMs(Math.ceil(query.fromMs));
      const toMs = clampMs(Math.ceil(query.toMs));
      if (Number.isNaN(fromMs) || Number.isNaN(toMs)) throw new Error(`cannot query events: range [${query.fromMs}, ${query.toMs}) is not numeric`);
      if (typeof query.limit !== 'number' || Number.isNaN(query.limit)) throw new Error(`cannot query events: limit ${String(query.limit)} is not a number`);
      const limit = Math.min(Math.floor(query.limit), Number.MAX_SAFE_INTEGER);
      if (fromMs >= toMs || limit < 1) return [];
      const values: DuckDBValue[] = [fromMs, toMs, limit];
      const conditions = ['ts_ms >= CAST($1 AS BIGINT)', 'ts_ms < CAST($2 AS BIGINT)'];
      for (const field of ['service', 'type'] as const) {
        const value = query[field];
        if (value === undefined) continue;
        if (typeof value !== 'string') throw new Error(`cannot query events: ${field} must be a string, got ${typeof value}`);
        values.push(value);
        conditions.push(`${field} = $${values.length}`);
      }
      // The newest `limit`, then turned oldest first.
      const result = await reader.runAndReadAll(
        `SELECT ${EVENT_SELECT_COLUMNS_SQL} FROM ${EVENTS_TABLE} WHERE ${conditions.join(' AND ')} ORDER BY ts_ms DESC, seq DESC LIMIT CAST($3 AS BIGINT)`,
        values,
      );
      return eventsFromRows(result.getRows()).reverse();
    });
  }

  deleteBefore(cutoffMs: number): Promise<number> {
    if (!this.lifecycle.running) return Promise.reject(new Error(`cannot delete old events: the event store is ${this.lifecycle.notRunningWord}`));
    if (typeof cutoffMs !== 'number' || Number.isNaN(cutoffMs)) return Promise.reject(new Error(`cannot delete old events: cut-off ${String(cutoffMs)} is not a number`));
    const cutoff = clampMs(Math.ceil(cutoffMs));
    return this.db.exclusive(async () => {
      const deleted = await this.db.writer.run(`DELETE FROM ${EVENTS_TABLE} WHERE ts_ms < CAST($1 AS BIGINT)`, [cutoff]);
      return deleted.rowsChanged;
    });
  }

  private async openAndLoad(): Promise<void> {
    try {
      await this.db.open(this.options.path, EVENT_SCHEMA_STATEMENTS, async (writer) => {
        const result = await writer.runAndReadAll(`SELECT CAST(coalesce(max(seq), -1) + 1 AS DOUBLE) FROM ${EVENTS_TABLE}`);
        this.nextSeq = Number(result.getRows()[0]![0]);
      });
    } catch (cause) {
      throw new Error(`cannot start event store at ${this.options.path}: ${errorMessage(cause)}`, { cause });
    }
  }

  private read<T>(what: string, work: (reader: DuckDBConnection) => Promise<T>): Promise<T> {
    if (!this.lifecycle.running || !this.db.isOpen) return Promise.reject(new Error(`cannot ${what}: the event store is ${this.lifecycle.notRunningWord}`));
    return this.db.read(work);
  }
}

function insertColumns(rows: readonly OpsEvent[], firstSeq: number): DuckDBValue[] {
  return [
    listValue(rows.map((e) => e.id)),
    listValue(rows.map((_, i) => firstSeq + i)),
    listValue(rows.map((e) => e.timestampMs)),
    listValue(rows.map((e) => e.type)),
    listValue(rows.map((e) => e.service)),
    listValue(rows.map((e) => e.version)),
    listValue(rows.map((e) => JSON.stringify(e.tags))),
    listValue(rows.map((e) => e.description)),
  ];
}

/** Rows selected with EVENT_SELECT_COLUMNS_SQL back into events. */
function eventsFromRows(rows: readonly (readonly DuckDBValue[])[]): OpsEvent[] {
  return rows.map((row) => ({
    id: String(row[0]),
    type: String(row[1]),
    service: row[2] === null ? null : String(row[2]),
    version: row[3] === null ? null : String(row[3]),
    timestampMs: Number(row[4]),
    tags: JSON.parse(String(row[5])) as Tags,
    description: row[6] === null ? null : String(row[6]),
  }));
}
