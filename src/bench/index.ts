export { runIngestBench, formatIngestResult } from './ingest.js';
export type { IngestBenchOptions, IngestBenchResult } from './ingest.js';
export { spawnServer, freePort, waitForReady } from './spawn-server.js';
export type { SpawnedServer } from './spawn-server.js';
