// Child process for the event SIGKILL durability test: appends events one call at a time, prints
// "acked <id>" as each resolves, and keeps going until it is killed. Usage: append-events-then-wait.ts <database file>
import { DuckDbEventStore } from '../duckdb-event-store.js';

const [file] = process.argv.slice(2);
if (file === undefined) {
  process.stderr.write('usage: append-events-then-wait.ts <database file>\n');
  process.exit(2);
}

const store = new DuckDbEventStore({ path: file });
await store.start();
for (let i = 0; ; i++) {
  const [id] = await store.append([{ id: `deploy-${i}`, type: 'deploy', service: 'api', version: String(i), timestampMs: 1_704_067_200_000 + i }]);
  process.stdout.write(`acked ${id}\n`);
}
