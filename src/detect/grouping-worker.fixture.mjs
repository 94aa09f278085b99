// Test fixture: the real partition service with an extension that adds the recording test detectors
// (recording-detector.testsuite.ts) and reports what reached this worker instance: the series keys sent
// with points and in restore entries, and the context each recording detector was created with. Like
// crashing-worker.fixture.mjs, a batch holding series id 4242 throws inside the worker. Loaded through the
// runner's source bootstrap, which registers tsx, so it can import TypeScript.
import { parentPort, workerData } from 'node:worker_threads';

const { servePartition } = await import('./partition-service.ts');
const { GROUP_BY_PREFIX, recorded } = await import('./recording-detector.testsuite.ts');

const CRASH_SERIES_ID = 4242;
/** [seriesId, key] as received, in order. */
const pointKeys = [];
/** [seriesId, key or null] of each restore entry, in order. */
const restoreKeys = [];

const on = parentPort.on.bind(parentPort);
parentPort.on = (event, listener) =>
  on(event, event !== 'message' ? listener : (message) => {
    if (message.type === 'points') {
      if (message.seriesIds.includes(CRASH_SERIES_ID)) throw new Error('injected fault');
      message.keys?.seriesIds.forEach((id, i) => pointKeys.push([id, message.keys.keys[i]]));
    }
    if (message.type === 'restore') for (const entry of message.entries) restoreKeys.push([entry.seriesId, entry.key ?? null]);
    listener(message);
  });

await servePartition(parentPort, workerData, () => ({
  detectors: [GROUP_BY_PREFIX],
  configure: async () => [],
  report: () => ({ pointKeys, restoreKeys, created: recorded.created.map(({ context }) => [context.seriesId, context.seriesKey ?? null]) }),
  drainAnomalies: () => [],
}));
