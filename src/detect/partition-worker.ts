import { parentPort, workerData } from 'node:worker_threads';
import { servePartition } from './partition-service.js';
import type { PartitionWorkerData } from './worker-protocol.js';

/** Entry script of a partition worker thread with the built-in detectors only. */
if (parentPort !== null) await servePartition(parentPort, workerData as PartitionWorkerData);
