// Child process for the log store's SIGKILL durability test: one large append, then small appends
// four at a time, without end. After each append resolves it prints "acked <first seq> <count>".
// Usage: append-logs-until-killed.ts <database file>
import { DuckDbLogStore } from '../duckdb-log-store.js';
import { DURABLE_LARGE_APPEND, DURABLE_SMALL_APPEND, durableLogs } from './durable-logs.js';

const [file] = process.argv.slice(2);
if (file === undefined) {
  process.stderr.write('usage: append-logs-until-killed.ts <database file>\n');
  process.exit(2);
}

const store = new DuckDbLogStore({ path: file, flushIntervalMs: 20, maxQueuedRecords: 200_000 });
await store.start();

async function append(firstSeq: number, count: number): Promise<void> {
  await store.append(durableLogs(firstSeq, count));
  // Writes to a pipe are synchronous on Linux: once this returns, the line is the parent's to read.
  process.stdout.write(`acked ${firstSeq} ${count}\n`);
}

await append(0, DURABLE_LARGE_APPEND);
let next = DURABLE_LARGE_APPEND;
async function appendForever(): Promise<void> {
  for (;;) {
    const first = next;
    next += DURABLE_SMALL_APPEND;
    await append(first, DURABLE_SMALL_APPEND);
  }
}
await Promise.all([appendForever(), appendForever(), appendForever(), appendForever()]);
