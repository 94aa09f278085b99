import { cpuProfileEnv } from './cpu-profile-env.js';
import { recordedLogLines, syntheticLogLines } from './log-lines.js';
import { buildLogLoad, type LogProtocol } from './log-load.js';
import { sendApiLogs, sendHec, sendSyslogTcp } from './log-senders.js';
import { LOG_SHAPES } from './log-shapes.js';
import { spawnServer, type SpawnedServer } from './spawn-server.js';

export interface LogsBenchOptions {
  readonly binPath: string;
  readonly protocol: LogProtocol;
  /** Records to send; with `data` and none given, every line of the file once. */
  readonly records?: number;
  readonly hosts: number;
  readonly connections: number;
  /** A plain log file, or a CSV file with a `Content` column (Loghub), to replay instead of the synthetic load. */
  readonly data?: string;
  /** Records per HEC or API request. */
  readonly batchRecords?: number;
  /** Profile the server's CPU and write the .cpuprofile into this directory when it stops. */
  readonly serverCpuProfileDir?: string;
}

export interface LogsBenchResult {
  readonly suite: 'logs';
  readonly protocol: LogProtocol;
  /** Records the server reports durable. */
  readonly records: number;
  readonly recordsPerSecond: number;
  /** Raw text (messages and a newline each) made durable per second. */
  readonly bytesPerSecond: number;
  readonly peakRssBytes: number | null;
  readonly templates: number;
  readonly load: string;
  readonly sent: number;
  readonly rejected: number;
  readonly hosts: number;
  readonly connections: number;
  readonly batchRecords: number;
  readonly seconds: number;
  readonly rawBytes: number;
  readonly wireBytes: number;
  readonly busyRetries: number;
}

export const DEFAULT_LOG_BENCH_RECORDS = 200_000;
const DEFAULT_BATCH_RECORDS = 1_000;
const BENCH_HEC_TOKEN = 'vigil-bench-token';
const STATUS_POLL_MS = 20;
/** The server is taken to be stuck when its count of settled records stays still this long. */
const STALL_MS = 60_000;

interface LogStatus {
  logRecordsReceived: number;
  logRecordsRejected: number;
  logTemplates: number;
}

async function logStatus(url: string): Promise<LogStatus> {
  const response = await fetch(new URL('/api/v1/status', url));
  if (!response.ok) throw new Error(`cannot read server status: HTTP ${response.status}`);
  return (await response.json()) as LogStatus;
}

/** Polls the status until `records` records are durable or rejected. */
async function settled(server: SpawnedServer, records: number): Promise<LogStatus> {
  let status = await logStatus(server.url);
  let last = -1;
  let lastChangeMs = Date.now();
  while (status.logRecordsReceived + status.logRecordsRejected < records) {
    if (server.process.exitCode !== null) throw new Error(`cannot finish the log benchmark: the server exited with code ${server.process.exitCode}`);
    const count = status.logRecordsReceived + status.logRecordsRejected;
    if (count !== last) {
      last = count;
      lastChangeMs = Date.now();
    } else if (Date.now() - lastChangeMs > STALL_MS) {
      throw new Error(`cannot finish the log benchmark: the server settled ${count} of ${records} records and none more in ${STALL_MS / 1000} s`);
    }
    await new Promise((r) => setTimeout(r, STATUS_POLL_MS));
    status = await logStatus(server.url);
  }
  return status;
}

/**
 * A log load over HEC, syslog TCP or the HTTP API into a `vigil serve` child process, timed from the
 * first byte until every record is durable: for HEC and the API when the last request is answered
 * (each answer comes once its records are stored), for syslog when the server's status counts them all.
 * The load is encoded before the clock starts, so the figure is the server's.
 */
export async function runLogsBench(options: LogsBenchOptions): Promise<LogsBenchResult> {
  const endMs = Date.now();
  const batchRecords = options.batchRecords ?? DEFAULT_BATCH_RECORDS;
  const lines =
    options.data === undefined
      ? syntheticLogLines({ records: options.records ?? DEFAULT_LOG_BENCH_RECORDS, hosts: options.hosts, endMs })
      : recordedLogLines(options.data, { records: options.records, hosts: options.hosts, endMs });
  const load = buildLogLoad(lines, options.protocol, { connections: options.connections, batchRecords });
  const description = options.data === undefined ? `synthetic: ${LOG_SHAPES.length} message shapes` : `lines of ${options.data}`;
  const server = await spawnServer({
    binPath: options.binPath,
    configYaml: `hec:\n  tokens:\n    - token: ${BENCH_HEC_TOKEN}\n      name: bench\n`,
    ...(options.serverCpuProfileDir === undefined ? {} : { env: cpuProfileEnv(options.serverCpuProfileDir, `server-${options.protocol}`) }),
  });
  try {
    const t0 = process.hrtime.bigint();
    let busyRetries = 0;
    if (load.protocol === 'hec') busyRetries = (await sendHec(server.hecPort, BENCH_HEC_TOKEN, load.connections)).busyRetries;
    else if (load.protocol === 'api') busyRetries = (await sendApiLogs(server.httpPort, load.connections)).busyRetries;
    else await sendSyslogTcp(server.syslogPort, load.connections);
    // HEC and API answers come once their records are durable: the clock stops at the last one.
    const syslogStatus = load.protocol === 'syslog' ? await settled(server, load.records) : null;
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const status = syslogStatus ?? (await logStatus(server.url));
    return {
      suite: 'logs',
      protocol: load.protocol,
      records: status.logRecordsReceived,
      recordsPerSecond: status.logRecordsReceived / seconds,
      bytesPerSecond: load.rawBytes / seconds,
      peakRssBytes: server.peakRssBytes(),
      templates: status.logTemplates,
      load: description,
      sent: load.records,
      rejected: status.logRecordsRejected,
      hosts: options.hosts,
      connections: load.connections.length,
      batchRecords,
      seconds,
      rawBytes: load.rawBytes,
      wireBytes: load.wireBytes,
      busyRetries,
    };
  } finally {
    await server.stop();
  }
}

const PROTOCOL_NAMES: Readonly<Record<LogProtocol, string>> = {
  hec: 'Splunk HEC /services/collector/event over loopback HTTP',
  syslog: 'RFC 5424 syslog, octet-counted, over loopback TCP',
  api: 'JSON lines to POST /api/v1/logs over loopback HTTP',
};

export function formatLogsResult(r: LogsBenchResult): string {
  const n = (x: number): string => Math.round(x).toLocaleString('en-US');
  const batching = r.protocol === 'syslog' ? '' : `, ${n(r.batchRecords)} records per request`;
  const retries = r.busyRetries > 0 ? `, ${n(r.busyRetries)} requests answered busy and sent again` : '';
  return [
    `logs: ${PROTOCOL_NAMES[r.protocol]}, ${r.connections} connections${batching}; ${r.load}, ${n(r.hosts)} hosts`,
    `  ${n(r.records)} of ${n(r.sent)} records durable, ${n(r.rejected)} rejected, ${n(r.templates)} templates mined${retries}`,
    `  ${n(r.recordsPerSecond)} records/s durable, ${(r.bytesPerSecond / 1e6).toFixed(1)} MB/s of raw text (${(r.rawBytes / 1e6).toFixed(1)} MB in ${r.seconds.toFixed(2)} s)`,
    `  peak server memory ${r.peakRssBytes === null ? 'n/a' : `${(r.peakRssBytes / 1024 / 1024).toFixed(1)} MiB`} (whole process)`,
  ].join('\n');
}
