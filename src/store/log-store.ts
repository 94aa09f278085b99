import type { LogRecord, LogSeverity } from '../model/index.js';
import type { Lifecycle } from '../util/index.js';

/** A log record as stored: the record plus the template it was mined into and the values its `<*>` took. */
export interface StoredLog extends LogRecord {
  readonly templateId: string;
  readonly parameters: readonly string[];
}

/** A search over stored logs, newest first. */
export interface LogQuery {
  readonly fromMs: number;
  /** Exclusive. */
  readonly toMs: number;
  /**
   * Free text: whitespace-separated terms that must all appear in the message, case-insensitively;
   * a double-quoted phrase is one term; a term starting with `-` must not appear.
   */
  readonly query?: string;
  readonly templateId?: string;
  readonly host?: string;
  readonly source?: string;
  /** Only records this severe or more (`error` keeps emergency, alert, critical and error). */
  readonly minSeverity?: LogSeverity;
  readonly limit: number;
}

export interface LogStoreStats {
  /** Records accepted by append() but not yet committed. */
  readonly queuedRecords: number;
  readonly committedRecords: number;
  readonly commits: number;
}

/**
 * Vigil's store of log records.
 *
 * Contract:
 * - `append` resolves only once every record is durable (survives SIGKILL). Concurrent appends are
 *   grouped into one commit (group commit). It waits while more than the configured bound is queued.
 * - `query` sees committed records only, newest first, at most `limit`.
 * - `deleteBefore` deletes records older than the cut-off for real and says how many.
 * - `stop` commits everything queued, then closes. `start`/`stop` are idempotent.
 */
export interface LogStore extends Lifecycle {
  append(logs: readonly StoredLog[]): Promise<void>;
  query(query: LogQuery): Promise<StoredLog[]>;
  deleteBefore(cutoffMs: number): Promise<number>;
  stats(): LogStoreStats;
}
