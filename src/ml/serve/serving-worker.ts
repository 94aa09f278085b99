import { parentPort, workerData } from 'node:worker_threads';
import { servePartition } from '../../detect/index.js';
import type { PartitionWorkerData } from '../../detect/worker-protocol.js';
import { ModelServing } from './model-serving.js';

/** Entry script of a detection partition worker that serves registered models beside the built-in detectors. */
if (parentPort !== null) await servePartition(parentPort, workerData as PartitionWorkerData, (scoreThreshold) => new ModelServing(scoreThreshold));
