import type { LogRecord } from '../model/index.js';
import type { LogSink } from './log-sink.js';

/** Hands records to the sink; a sink that throws rather than rejecting counts as a rejected write. */
export function writeLogs(sink: LogSink, records: readonly LogRecord[], source: string): Promise<void> {
  try {
    return sink.write(records, source);
  } catch (error) {
    return Promise.reject(error);
  }
}
