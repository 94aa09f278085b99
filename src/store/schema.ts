/**
 * Tables of the embedded store. `points` has no key so that appends stay cheap; `anomalies` is keyed
 * so that writing the same result twice (a replay, a restarted worker) keeps one row.
 */
export const SCHEMA_STATEMENTS: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS series (
     id UINTEGER PRIMARY KEY,
     key VARCHAR NOT NULL UNIQUE,
     name VARCHAR NOT NULL,
     tags VARCHAR NOT NULL
   )`,
  `CREATE TABLE IF NOT EXISTS points (
     series_id UINTEGER NOT NULL,
     ts_ms BIGINT NOT NULL,
     value DOUBLE NOT NULL
   )`,
  `CREATE TABLE IF NOT EXISTS anomalies (
     series_id UINTEGER NOT NULL,
     ts_ms BIGINT NOT NULL,
     detector VARCHAR NOT NULL,
     score DOUBLE NOT NULL,
     kind VARCHAR,
     expected DOUBLE,
     value DOUBLE NOT NULL,
     PRIMARY KEY (series_id, detector, ts_ms)
   )`,
  // Evidence (template, example lines, session) as JSON; added after the first release, hence ALTER.
  'ALTER TABLE anomalies ADD COLUMN IF NOT EXISTS evidence VARCHAR',
];

export const SERIES_TABLE = 'series';
export const POINTS_TABLE = 'points';
