/** Table of stored events, in its own database file (see `EVENTS_DATABASE_FILE_NAME`). */
export const EVENTS_TABLE = 'events';

/**
 * One row per event, keyed by id so that a retried send keeps one row. `seq` is the order events were
 * appended in, which breaks ties between events at the same millisecond. `tags` is JSON text.
 */
export const EVENT_SCHEMA_STATEMENTS: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS ${EVENTS_TABLE} (
     id VARCHAR PRIMARY KEY,
     seq BIGINT NOT NULL,
     ts_ms BIGINT NOT NULL,
     type VARCHAR NOT NULL,
     service VARCHAR,
     version VARCHAR,
     tags VARCHAR NOT NULL,
     description VARCHAR
   )`,
];

/** The columns queries select, in the order eventsFromRows reads them (timestamps as DOUBLE: no BigInt). */
export const EVENT_SELECT_COLUMNS_SQL = 'id, type, service, version, CAST(ts_ms AS DOUBLE), tags, description';
