// Child process for the SIGKILL durability test: appends points, says "acked" once every append
// has resolved, then idles until it is killed. Usage: append-then-wait.ts <database file> <points>
import { DuckDbStorage } from '../duckdb-storage.js';

const [file, countArg] = process.argv.slice(2);
const count = Number(countArg);
if (file === undefined || !Number.isSafeInteger(count) || count < 2) {
  process.stderr.write('usage: append-then-wait.ts <database file> <points>\n');
  process.exit(2);
}

const storage = new DuckDbStorage({ path: file, flushIntervalMs: 20, flushMaxPoints: 1_000_000, maxFutureMs: 86_400_000 });
await storage.start();
const [small, large] = storage.resolveSeries(['durable.small', 'durable.large;host=a']);

/** Points 0..n-1 of one series at 1 ms apart, valued by their index. */
function points(seriesId: number, n: number): { length: number; seriesIds: Uint32Array; timestampsMs: Float64Array; values: Float64Array } {
  const timestampsMs = new Float64Array(n);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    timestampsMs[i] = 1_704_067_200_000 + i;
    values[i] = i;
  }
  return { length: n, seriesIds: new Uint32Array(n).fill(seriesId), timestampsMs, values };
}

// A small commit (WAL only) and, separately, one large enough for DuckDB to write row groups
// straight into the database file.
await storage.append(points(small!, 100));
await storage.append(points(large!, count - 100));
process.stdout.write('acked\n');
setInterval(() => undefined, 60_000);
