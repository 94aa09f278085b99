/** Table of stored log records, in its own database file (see `LOGS_DATABASE_FILE_NAME`). */
export const LOGS_TABLE = 'logs';

/**
 * One row per record, no key, so that appends stay cheap; time-range queries rely on the zone maps
 * of `ts_ms`, which stay tight because records arrive roughly in time order. `severity` is the syslog
 * code (the index in LOG_SEVERITIES), so "this severe or more" is `severity <= code`. `fields` is the
 * record's fields as JSON text, which gives back exactly the object written, the empty one included.
 */
export const LOG_SCHEMA_STATEMENTS: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS ${LOGS_TABLE} (
     ts_ms BIGINT NOT NULL,
     host VARCHAR NOT NULL,
     source VARCHAR NOT NULL,
     sourcetype VARCHAR,
     severity UTINYINT NOT NULL,
     facility VARCHAR,
     app_name VARCHAR,
     proc_id VARCHAR,
     msg_id VARCHAR,
     message VARCHAR NOT NULL,
     template_id VARCHAR NOT NULL,
     parameters VARCHAR[] NOT NULL,
     fields VARCHAR NOT NULL
   )`,
];

/** The table's columns in order, as queries select them (timestamps as DOUBLE: no BigInt per row). */
export const LOG_SELECT_COLUMNS_SQL =
  'CAST(ts_ms AS DOUBLE), host, source, sourcetype, severity, facility, app_name, proc_id, msg_id, message, template_id, parameters, fields';
