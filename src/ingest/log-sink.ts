import type { LogRecord, Rejection } from '../model/index.js';

/**
 * Where log listeners (HEC, syslog, the HTTP API, `vigil import --logs`) hand parsed records. `source`
 * is a stable protocol label (`hec`, `syslog_udp`, `syslog_tcp`, `api`, `import`), fit for a metric label.
 *
 * Contract: `write` resolves only once every record is durable (stored and synced), so a listener may
 * acknowledge them then (HEC's indexer acknowledgment, an HTTP 200) and never before. It may wait while
 * the store is behind (back-pressure). It rejects when the records could not be taken at all; the
 * listener then answers an error (HEC: "Server is busy") and counts nothing as acknowledged. `reject`
 * receives input that could not be parsed, counted by reason; it must not throw.
 */
export interface LogSink {
  write(records: readonly LogRecord[], source: string): Promise<void>;
  reject(rejections: readonly Rejection[], source: string): void;
}
