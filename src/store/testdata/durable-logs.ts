// Records of the SIGKILL durability test, made from their sequence number alone so that the test
// can tell exactly what the child process stored.
import type { LogSeverity } from '../../model/index.js';
import type { StoredLog } from '../log-store.js';

export const DURABLE_BASE_MS = 1_704_067_200_000;
/** First append: enough rows (over one DuckDB row group) for them to be written straight into the database file. */
export const DURABLE_LARGE_APPEND = 130_000;
/** Every later append. */
export const DURABLE_SMALL_APPEND = 500;

const SEVERITIES: readonly LogSeverity[] = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'info', 'debug'];

export function durableLog(seq: number): StoredLog {
  const log: StoredLog = {
    timestampMs: DURABLE_BASE_MS + seq,
    host: `host-${seq % 7}`,
    source: seq % 2 === 0 ? 'syslog_tcp' : 'hec',
    severity: SEVERITIES[seq % 8]!,
    message: `request ${seq} from 10.0.${seq % 256}.1 took ${seq % 1000} ms`,
    fields: seq % 3 === 0 ? {} : { seq: String(seq), env: 'prod' },
    templateId: `t-${seq % 11}`,
    parameters: [String(seq), `10.0.${seq % 256}.1`, String(seq % 1000)],
  };
  return seq % 5 === 0 ? { ...log, sourcetype: 'syslog', facility: 'local0', appName: 'api', procId: String(seq % 97), msgId: 'REQ' } : log;
}

export function durableLogs(firstSeq: number, count: number): StoredLog[] {
  return Array.from({ length: count }, (_, i) => durableLog(firstSeq + i));
}

/** The first sequence number of the append that holds `seq`. */
export function durableAppendStart(seq: number): number {
  if (seq < DURABLE_LARGE_APPEND) return 0;
  return seq - ((seq - DURABLE_LARGE_APPEND) % DURABLE_SMALL_APPEND);
}
