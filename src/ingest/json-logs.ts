import type { LogRecord, LogSeverity, Rejection } from '../model/index.js';
import { LOG_SEVERITIES } from '../model/index.js';
import { severityFromFields, severityFromName } from './hec/severity.js';
import { quoteValue } from './quote.js';

/** Metadata for lines that carry none of their own. */
export interface LogLineDefaults {
  readonly receivedAtMs: number;
  readonly host: string;
  readonly source: string;
}

export interface LogLinesResult {
  readonly records: LogRecord[];
  readonly rejections: Rejection[];
}

/** Names a JSON log line may give its text, its time and its host, in the order they are tried. */
const MESSAGE_FIELDS = ['message', 'msg', 'log', '_raw'] as const;
const TIME_FIELDS = ['timestamp', 'time', '@timestamp', 'ts'] as const;
const HOST_FIELDS = ['host', 'hostname'] as const;
const APP_FIELDS = ['appName', 'app'] as const;
/** Top-level fields that become record metadata rather than named fields. */
const RESERVED = new Set<string>([...MESSAGE_FIELDS, ...TIME_FIELDS, ...HOST_FIELDS, ...APP_FIELDS, 'timestampMs', 'source', 'sourcetype', 'severity', 'level', 'fields']);
/** Numeric levels of pino and bunyan (trace 10 ... fatal 60). */
const PINO_LEVELS: ReadonlyMap<number, LogSeverity> = new Map([[10, 'debug'], [20, 'debug'], [30, 'info'], [40, 'warning'], [50, 'error'], [60, 'critical']]);
/** Below this a numeric time is epoch seconds, at or above it epoch milliseconds (1e11 s is the year 5138). */
const SECONDS_LIMIT = 1e11;
const MAX_TIMESTAMP_MS = 8.64e15;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function firstString(object: Record<string, unknown>, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = object[name];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

/** Milliseconds of a time field, or the reason it is not one. */
function readTimeMs(object: Record<string, unknown>): number | string | undefined {
  if (object['timestampMs'] !== undefined) {
    const ms = object['timestampMs'];
    return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 && ms <= MAX_TIMESTAMP_MS ? ms : `timestampMs ${quoteValue(JSON.stringify(ms))} is not epoch milliseconds`;
  }
  for (const name of TIME_FIELDS) {
    const value = object[name];
    if (value === undefined || value === null) continue;
    if (typeof value === 'number') {
      const ms = value < SECONDS_LIMIT ? value * 1000 : value;
      return Number.isFinite(ms) && ms >= 0 && ms <= MAX_TIMESTAMP_MS ? Math.round(ms) : `${name} ${value} is not an epoch time`;
    }
    if (typeof value === 'string') {
      const ms = /^\d+(\.\d+)?$/.test(value) ? Number(value) * (Number(value) < SECONDS_LIMIT ? 1000 : 1) : Date.parse(value);
      return Number.isFinite(ms) && ms >= 0 && ms <= MAX_TIMESTAMP_MS ? Math.round(ms) : `${name} ${quoteValue(value)} is not ISO-8601 or an epoch time`;
    }
    return `${name} must be a string or a number`;
  }
  return undefined;
}

function readSeverity(object: Record<string, unknown>, fields: Readonly<Record<string, string>>): LogSeverity | string {
  for (const name of ['severity', 'level'] as const) {
    const value = object[name];
    if (value === undefined || value === null) continue;
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < LOG_SEVERITIES.length) return LOG_SEVERITIES[value]!;
    if (typeof value === 'number' && PINO_LEVELS.has(value)) return PINO_LEVELS.get(value)!;
    const severity = typeof value === 'string' ? severityFromName(value) : undefined;
    if (severity === undefined) return `${name} ${typeof value === 'string' ? quoteValue(value) : JSON.stringify(value)} is not a level name (error, warn, info, ...), a syslog code 0-7 or a pino level 10-60`;
    return severity;
  }
  return severityFromFields(fields) ?? 'info';
}

/**
 * One JSON log line: an object with the text in `message` (or `msg`, `log`, `_raw`), and optionally a
 * time (`timestampMs`, or `timestamp`/`time`/`@timestamp`/`ts` as ISO-8601 or epoch seconds or ms),
 * `host`, `source`, `sourcetype`, `severity` or `level`, `appName`, and named values in `fields` or as
 * other top-level scalars.
 */
export function parseJsonLogObject(value: unknown, defaults: LogLineDefaults): LogRecord | string {
  if (!isObject(value)) return 'expected a JSON object';
  const message = firstString(value, MESSAGE_FIELDS);
  if (message === undefined) return `no "message" (or "msg", "log", "_raw") string`;
  const timeMs = readTimeMs(value);
  if (typeof timeMs === 'string') return timeMs;
  const fields = Object.create(null) as Record<string, string>;
  for (const [name, field] of Object.entries(value)) {
    if (RESERVED.has(name)) continue;
    if (typeof field === 'string' || typeof field === 'number' || typeof field === 'boolean') fields[name] = String(field);
  }
  const nested = value['fields'];
  if (nested !== undefined && nested !== null) {
    if (!isObject(nested)) return '"fields" must be an object';
    for (const [name, field] of Object.entries(nested)) {
      if (typeof field !== 'string' && typeof field !== 'number' && typeof field !== 'boolean') return `field ${quoteValue(name)} must be a string, number or boolean`;
      fields[name] = String(field);
    }
  }
  const severity = readSeverity(value, fields);
  if (!(LOG_SEVERITIES as readonly string[]).includes(severity)) return severity;
  const source = typeof value['source'] === 'string' && value['source'] !== '' ? value['source'] : defaults.source;
  const sourcetype = typeof value['sourcetype'] === 'string' && value['sourcetype'] !== '' ? value['sourcetype'] : undefined;
  const appName = firstString(value, APP_FIELDS);
  return {
    timestampMs: timeMs ?? defaults.receivedAtMs,
    host: firstString(value, HOST_FIELDS) ?? defaults.host,
    source,
    ...(sourcetype !== undefined && { sourcetype }),
    severity: severity as LogSeverity,
    ...(appName !== undefined && { appName }),
    message,
    fields,
  };
}

function eachLine(text: string, firstLine: number, visit: (line: string, lineNumber: number) => void): void {
  let start = 0;
  let lineNumber = firstLine;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.charCodeAt(end - 1) === 0x0d ? text.slice(start, end - 1) : text.slice(start, end);
    if (line.trim() !== '') visit(line, lineNumber);
    start = end + 1;
    lineNumber++;
  }
}

/**
 * Parses JSON lines (one object per line, see parseJsonLogObject). A line that is not valid is rejected
 * with its number and cause; the others are kept. `firstLine` numbers the first line of `text`.
 */
export function parseJsonLogLines(text: string, defaults: LogLineDefaults, firstLine = 1): LogLinesResult {
  const records: LogRecord[] = [];
  const rejections: Rejection[] = [];
  eachLine(text, firstLine, (line, lineNumber) => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      rejections.push({ line: lineNumber, reason: 'malformed_line', message: `line ${lineNumber}: JSON is malformed: ${(err as Error).message}` });
      return;
    }
    const record = parseJsonLogObject(value, defaults);
    if (typeof record === 'string') {
      const reason = /time/i.test(record) ? 'bad_timestamp' : 'malformed_line';
      rejections.push({ line: lineNumber, reason, message: `line ${lineNumber}: ${record}` });
    } else {
      records.push(record);
    }
  });
  return { records, rejections };
}

/** Parses plain text lines: each non-blank line is one record, dated at its receive time. */
export function parsePlainLogLines(text: string, defaults: LogLineDefaults, firstLine = 1): LogLinesResult {
  const records: LogRecord[] = [];
  eachLine(text, firstLine, (message) => {
    records.push({ timestampMs: defaults.receivedAtMs, host: defaults.host, source: defaults.source, severity: severityOfText(message), message, fields: {} });
  });
  return { records, rejections: [] };
}

const LEVEL_WORD = /\b(EMERG(?:ENCY)?|ALERT|CRIT(?:ICAL)?|FATAL|ERROR|ERR|SEVERE|WARN(?:ING)?|NOTICE|INFO|DEBUG|TRACE)\b/;

/** The level a plain line names in capitals (`ERROR`, `WARN`, `INFO`, ...), as log4j-style lines do; info otherwise. */
export function severityOfText(message: string): LogSeverity {
  const match = LEVEL_WORD.exec(message);
  return match === null ? 'info' : (severityFromName(match[1]!) ?? 'info');
}
