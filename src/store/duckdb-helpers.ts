import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';

/**
 * Runs `work` between BEGIN and COMMIT on `writer`; a failure rolls back and is rethrown. DuckDB makes a
 * commit durable before COMMIT returns (the WAL is fsynced, and row groups written straight into the
 * database file are fsynced first).
 */
export async function inTransaction(writer: DuckDBConnection, work: () => Promise<void>): Promise<void> {
  await writer.run('BEGIN TRANSACTION');
  try {
    await work();
    await writer.run('COMMIT');
  } catch (error) {
    await writer.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * Appends rows to `table` through an Appender that `fill` feeds, closed before this resolves. Inside a
 * transaction the Appender joins it: its rows stay transaction-local until COMMIT, and a ROLLBACK drops them.
 */
export async function appendRows(writer: DuckDBConnection, table: string, fill: (appender: DuckDBAppender) => void): Promise<void> {
  const appender = await writer.createAppender(table);
  try {
    fill(appender);
    appender.closeSync();
  } catch (error) {
    discardAppender(appender);
    throw error;
  }
}

/** Keeps a millisecond bound inside the range a stored timestamp can have. */
export function clampMs(ms: number): number {
  return Math.min(Number.MAX_SAFE_INTEGER, Math.max(-Number.MAX_SAFE_INTEGER, ms));
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** An appender that failed must not flush its rows later, when the finalizer closes it. */
function discardAppender(appender: DuckDBAppender): void {
  try {
    appender.clear();
    appender.closeSync();
  } catch {
    // The transaction is rolled back anyway; the appender's own error is the one reported.
  }
}
