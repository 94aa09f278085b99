import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { severityOfText } from '../ingest/index.js';
import type { LogSeverity } from '../model/index.js';
import { LOG_SEVERITIES } from '../model/index.js';
import { HOST_ROLES, LOG_SHAPES, type HostRole } from './log-shapes.js';
import { LogValues } from './log-values.js';
import { csvColumns } from './loghub/index.js';

/** One line of a log benchmark load, with what every protocol needs to carry it. */
export interface BenchLogLine {
  readonly timestampMs: number;
  readonly host: string;
  /** Syslog APP-NAME. */
  readonly app: string;
  readonly procId: number;
  /** HEC `source`: the file the line would be read from. */
  readonly source: string;
  readonly sourcetype: string;
  readonly severity: LogSeverity;
  /** Syslog facility code. */
  readonly facility: number;
  readonly message: string;
}

export interface LogLinesOptions {
  readonly records: number;
  readonly hosts: number;
  /** Time of the last line; lines are 1 ms apart before it. */
  readonly endMs: number;
}

export interface RecordedLinesOptions extends Omit<LogLinesOptions, 'records'> {
  readonly records?: number | undefined;
}

const DEFAULT_SEED = 20_240_601;
const LOCAL0 = 16;

/** `hosts` host names, roles dealt in turn: web-01, app-01, db-01, auth-01, cache-01, batch-01, web-02, ... */
export function fleetHosts(hosts: number): string[] {
  return Array.from({ length: hosts }, (_, i) => `${HOST_ROLES[i % HOST_ROLES.length]}-${String(Math.floor(i / HOST_ROLES.length) + 1).padStart(2, '0')}`);
}

function checkCounts(options: LogLinesOptions): void {
  if (!Number.isInteger(options.records) || options.records <= 0) throw new Error(`cannot make a log load: records must be a positive integer, got ${options.records}`);
  if (!Number.isInteger(options.hosts) || options.hosts <= 0) throw new Error(`cannot make a log load: hosts must be a positive integer, got ${options.hosts}`);
}

/**
 * Synthetic lines from the message shapes of LOG_SHAPES, drawn by weight, each written by a host of
 * its role (any host when the fleet has none of that role). The same options and seed give the same
 * lines on every run.
 */
export function syntheticLogLines(options: LogLinesOptions, seed = DEFAULT_SEED): BenchLogLine[] {
  checkCounts(options);
  const values = new LogValues(seed);
  const hosts = fleetHosts(options.hosts);
  const hostsByRole = new Map<HostRole, string[]>(HOST_ROLES.map((role) => [role, hosts.filter((h) => h.startsWith(`${role}-`))]));
  const cumulative: number[] = [];
  let total = 0;
  for (const shape of LOG_SHAPES) cumulative.push((total += shape.weight));
  const procIds = new Map<string, number>();
  const lines: BenchLogLine[] = new Array(options.records);
  const firstMs = options.endMs - options.records + 1;
  for (let i = 0; i < options.records; i++) {
    const target = values.next() * total;
    let s = 0;
    while (cumulative[s]! <= target) s++;
    const shape = LOG_SHAPES[s]!;
    const ofRole = hostsByRole.get(shape.role)!;
    const host = ofRole.length > 0 ? values.pick(ofRole) : values.pick(hosts);
    const program = `${host}/${shape.app}`;
    let procId = procIds.get(program);
    if (procId === undefined) procIds.set(program, (procId = values.int(300, 65_000)));
    values.timestampMs = firstMs + i;
    lines[i] = { timestampMs: firstMs + i, host, app: shape.app, procId, source: shape.source, sourcetype: shape.sourcetype, severity: shape.severity, facility: shape.facility, message: shape.text(values) };
  }
  return lines;
}

/**
 * The log lines of a file: the `Content` column of a CSV file that has one (Loghub's structured files),
 * otherwise every non-blank line.
 */
export function readLogFileLines(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  if (extname(file).toLowerCase() === '.csv' && /^[^\n]*\bContent\b/.test(text)) {
    return csvColumns(text, ['Content'], file)[0]!.filter((line) => line.trim() !== '');
  }
  const lines: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() !== '') lines.push(line);
  }
  return lines;
}

/**
 * A file's lines replayed as a load: in file order, repeated from the start when `records` asks for
 * more (every line once when it is not given), dealt to the hosts in turn, the level read from words
 * such as ERROR or WARN.
 */
export function recordedLogLines(file: string, options: RecordedLinesOptions): BenchLogLine[] {
  const texts = readLogFileLines(file);
  if (texts.length === 0) throw new Error(`cannot replay ${file}: it holds no log line`);
  const records = options.records ?? texts.length;
  checkCounts({ ...options, records });
  const hosts = fleetHosts(options.hosts);
  const sourcetype = basename(file, extname(file));
  const severities = texts.map(severityOfText);
  const lines: BenchLogLine[] = new Array(records);
  const firstMs = options.endMs - records + 1;
  for (let i = 0; i < records; i++) {
    const t = i % texts.length;
    const severity = severities[t]!;
    lines[i] = { timestampMs: firstMs + i, host: hosts[i % hosts.length]!, app: 'replay', procId: 1000 + (i % hosts.length), source: file, sourcetype, severity, facility: LOCAL0, message: texts[t]! };
  }
  return lines;
}

/** Syslog PRI of a line: facility * 8 + severity code. */
export function syslogPriority(line: BenchLogLine): number {
  return line.facility * 8 + LOG_SEVERITIES.indexOf(line.severity);
}
