// Test fixture: the real partition worker, plus a fault: a batch holding series id 4242 throws inside
// the worker, as a detector bug would. Loaded through the runner's source bootstrap, which registers
// tsx, so it can import the TypeScript worker. The fault wraps the worker's own message listener, so
// no message is delivered before the worker listens.
import { parentPort } from 'node:worker_threads';

const CRASH_SERIES_ID = 4242;

const on = parentPort.on.bind(parentPort);
parentPort.on = (event, listener) =>
  on(event, event !== 'message' ? listener : (message) => {
    if (message.type === 'points' && message.seriesIds.includes(CRASH_SERIES_ID)) throw new Error('injected fault');
    listener(message);
  });

await import('./partition-worker.ts');
