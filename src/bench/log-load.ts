import { syslogPriority, type BenchLogLine } from './log-lines.js';

export const LOG_PROTOCOLS = ['hec', 'syslog', 'api'] as const;
export type LogProtocol = (typeof LOG_PROTOCOLS)[number];

/**
 * Log lines encoded for one protocol, one list of buffers per connection. For `hec` and `api` each
 * buffer is one request body of up to `batchRecords` records; for `syslog` the buffers are consecutive
 * chunks of the connection's TCP stream.
 */
export interface LogLoad {
  readonly protocol: LogProtocol;
  readonly connections: readonly (readonly Buffer[])[];
  readonly records: number;
  /** UTF-8 bytes of the messages with a newline each: the size of the lines as a plain log file. */
  readonly rawBytes: number;
  /** Bytes sent: bodies, or the syslog streams (HTTP headers not counted). */
  readonly wireBytes: number;
}

export interface LogLoadOptions {
  readonly connections: number;
  /** Records per HEC or API request; syslog streams are dealt to connections in batches of this size too. */
  readonly batchRecords: number;
}

const SYSLOG_CHUNK_BYTES = 256 * 1024;

/** Epoch seconds with milliseconds, as HEC's `time` carries them. */
function hecTime(timestampMs: number): string {
  return `${Math.floor(timestampMs / 1000)}.${String(timestampMs % 1000).padStart(3, '0')}`;
}

/** One `/services/collector/event` envelope: a string event, its metadata, and its level as an indexed field. */
export function hecEnvelope(line: BenchLogLine): string {
  return `{"time":${hecTime(line.timestampMs)},"host":${JSON.stringify(line.host)},"source":${JSON.stringify(line.source)},"sourcetype":${JSON.stringify(line.sourcetype)},"fields":{"level":"${line.severity}"},"event":${JSON.stringify(line.message)}}`;
}

/** One RFC 5424 message with RFC 6587 octet counting: `MSG-LEN SP <PRI>1 TIMESTAMP HOST APP PROCID - - MSG`. */
export function syslogFrame(line: BenchLogLine): string {
  const message = `<${syslogPriority(line)}>1 ${new Date(line.timestampMs).toISOString()} ${line.host} ${line.app} ${line.procId} - - ${line.message}`;
  return `${Buffer.byteLength(message)} ${message}`;
}

/** One JSON line for POST /api/v1/logs. */
export function apiLogLine(line: BenchLogLine): string {
  return `{"timestampMs":${line.timestampMs},"host":${JSON.stringify(line.host)},"source":${JSON.stringify(line.source)},"sourcetype":${JSON.stringify(line.sourcetype)},"appName":${JSON.stringify(line.app)},"level":"${line.severity}","message":${JSON.stringify(line.message)}}\n`;
}

const ENCODERS: Readonly<Record<LogProtocol, (line: BenchLogLine) => string>> = { hec: hecEnvelope, syslog: syslogFrame, api: apiLogLine };

/**
 * Encodes lines for `protocol`: batch b (lines b*batchRecords ...) goes to connection b % connections,
 * so that every connection sends data of about the same age at the same time, in time order.
 */
export function buildLogLoad(lines: readonly BenchLogLine[], protocol: LogProtocol, options: LogLoadOptions): LogLoad {
  if (!Number.isInteger(options.connections) || options.connections <= 0) throw new Error(`cannot make a log load: connections must be a positive integer, got ${options.connections}`);
  if (!Number.isInteger(options.batchRecords) || options.batchRecords <= 0) throw new Error(`cannot make a log load: batchRecords must be a positive integer, got ${options.batchRecords}`);
  const encode = ENCODERS[protocol];
  const batches = Math.ceil(lines.length / options.batchRecords);
  const connections: Buffer[][] = Array.from({ length: Math.min(options.connections, Math.max(batches, 1)) }, () => []);
  const pending: string[] = connections.map(() => '');
  let rawBytes = 0;
  let wireBytes = 0;
  const emit = (c: number, text: string): void => {
    const buffer = Buffer.from(text, 'utf8');
    wireBytes += buffer.length;
    connections[c]!.push(buffer);
  };
  for (let b = 0; b < batches; b++) {
    const c = b % connections.length;
    let text = protocol === 'syslog' ? pending[c]! : '';
    const end = Math.min(lines.length, (b + 1) * options.batchRecords);
    for (let i = b * options.batchRecords; i < end; i++) {
      const line = lines[i]!;
      rawBytes += Buffer.byteLength(line.message) + 1;
      text += encode(line);
      if (protocol === 'syslog' && text.length >= SYSLOG_CHUNK_BYTES) {
        emit(c, text);
        text = '';
      }
    }
    if (protocol === 'syslog') pending[c] = text;
    else emit(c, text);
  }
  pending.forEach((text, c) => {
    if (text !== '') emit(c, text);
  });
  return { protocol, connections, records: lines.length, rawBytes, wireBytes };
}
