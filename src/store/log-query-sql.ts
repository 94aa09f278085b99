import type { DuckDBValue } from '@duckdb/node-api';
import type { LogRecord, LogSeverity } from '../model/index.js';
import { LOG_SEVERITIES } from '../model/index.js';
import type { LogQuery, StoredLog } from './log-store.js';
import { LOG_SELECT_COLUMNS_SQL, LOGS_TABLE } from './log-schema.js';
import { parseLogSearchTerms } from './log-search-terms.js';

export interface LogQuerySql {
  readonly sql: string;
  readonly values: DuckDBValue[];
}

/**
 * The SELECT for a log query, with every user value bound as a parameter; null when it cannot match
 * anything (an empty range or a limit below one). Text terms match with `contains` on lower-cased
 * text, so `%`, `_` and `\` in a term are plain characters (no LIKE pattern is ever built), and it
 * runs about five times faster than ILIKE with an ESCAPE clause. Ties in time come newest-appended first.
 */
export function buildLogQuerySql(query: LogQuery): LogQuerySql | null {
  const fromMs = clampMs(Math.ceil(query.fromMs));
  const toMs = clampMs(Math.ceil(query.toMs));
  if (Number.isNaN(fromMs) || Number.isNaN(toMs)) throw new Error(`cannot query logs: range [${query.fromMs}, ${query.toMs}) is not numeric`);
  if (typeof query.limit !== 'number' || Number.isNaN(query.limit)) throw new Error(`cannot query logs: limit ${String(query.limit)} is not a number`);
  const limit = Math.min(Math.floor(query.limit), Number.MAX_SAFE_INTEGER);
  if (fromMs >= toMs || limit < 1) return null;

  const values: DuckDBValue[] = [fromMs, toMs];
  const bind = (value: DuckDBValue): string => {
    values.push(value);
    return `$${values.length}`;
  };
  const conditions = ['ts_ms >= CAST($1 AS BIGINT)', 'ts_ms < CAST($2 AS BIGINT)'];
  if (query.templateId !== undefined) conditions.push(`template_id = ${bind(requireText(query.templateId, 'templateId'))}`);
  if (query.host !== undefined) conditions.push(`host = ${bind(requireText(query.host, 'host'))}`);
  if (query.source !== undefined) conditions.push(`source = ${bind(requireText(query.source, 'source'))}`);
  if (query.minSeverity !== undefined) conditions.push(`severity <= CAST(${bind(severityCode(query.minSeverity))} AS UTINYINT)`);
  if (query.query !== undefined) {
    const terms = parseLogSearchTerms(requireText(query.query, 'query'));
    for (const term of terms.include) conditions.push(`contains(lower(message), lower(${bind(term)}))`);
    for (const term of terms.exclude) conditions.push(`NOT contains(lower(message), lower(${bind(term)}))`);
  }
  const sql = `SELECT ${LOG_SELECT_COLUMNS_SQL} FROM ${LOGS_TABLE}
    WHERE ${conditions.join(' AND ')}
    ORDER BY ts_ms DESC, rowid DESC
    LIMIT CAST(${bind(limit)} AS BIGINT)`;
  return { sql, values };
}

/**
 * Turns columns selected with LOG_SELECT_COLUMNS_SQL (as JS values) back into records; null columns
 * become absent fields. Read by column: DuckDB's row-wise JS conversion is about six times slower.
 */
export function storedLogsFromColumns(columns: readonly (readonly unknown[])[]): StoredLog[] {
  const [timestampsMs, hosts, sources, sourcetypes, severities, facilities, appNames, procIds, msgIds, messages, templateIds, parameters, fields] = columns;
  const count = timestampsMs?.length ?? 0;
  const logs: StoredLog[] = new Array<StoredLog>(count);
  for (let i = 0; i < count; i++) {
    const log: { -readonly [K in keyof StoredLog]: StoredLog[K] } = {
      timestampMs: timestampsMs![i] as number,
      host: hosts![i] as string,
      source: sources![i] as string,
      severity: LOG_SEVERITIES[severities![i] as number]!,
      message: messages![i] as string,
      fields: JSON.parse(fields![i] as string) as LogRecord['fields'],
      templateId: templateIds![i] as string,
      parameters: parameters![i] as string[],
    };
    if (sourcetypes![i] !== null) log.sourcetype = sourcetypes![i] as string;
    if (facilities![i] !== null) log.facility = facilities![i] as string;
    if (appNames![i] !== null) log.appName = appNames![i] as string;
    if (procIds![i] !== null) log.procId = procIds![i] as string;
    if (msgIds![i] !== null) log.msgId = msgIds![i] as string;
    logs[i] = log;
  }
  return logs;
}

function severityCode(severity: LogSeverity): number {
  const code = LOG_SEVERITIES.indexOf(severity);
  if (code === -1) throw new Error(`cannot query logs: minSeverity ${JSON.stringify(severity)} is not one of ${LOG_SEVERITIES.join(', ')}`);
  return code;
}

function requireText(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new Error(`cannot query logs: ${field} must be a string, got ${typeof value}`);
  return value;
}

/** Keeps a millisecond bound inside the range a stored timestamp can have. */
function clampMs(ms: number): number {
  return Math.min(Number.MAX_SAFE_INTEGER, Math.max(-Number.MAX_SAFE_INTEGER, ms));
}
