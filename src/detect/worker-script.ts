import { workerEntryUrl } from '../util/index.js';

/**
 * The partition worker's entry: `partition-worker.js` next to this module in built code, or a tsx bootstrap that
 * imports `partition-worker.ts` from sources (see util/worker-entry). `override` replaces the script imported (tests
 * use it to inject faults).
 */
export function partitionWorkerUrl(override?: URL): URL {
  return workerEntryUrl(override ?? './partition-worker.js', import.meta.url);
}
