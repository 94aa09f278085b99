import { parentPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { Partition } from './partition.js';
import type { FromPartitionWorker, PartitionWorkerData, ToPartitionWorker } from './worker-protocol.js';

/**
 * Entry script of a partition worker thread: owns one Partition and answers the runner's messages in
 * order. An exception escapes on purpose: the runner reports it and restarts the worker.
 */
function serve(port: MessagePort, data: PartitionWorkerData): void {
  const partition = new Partition(data.profiles, data.scoreThreshold);
  const reply = (message: FromPartitionWorker): void => port.postMessage(message);
  port.on('message', (message: ToPartitionWorker) => {
    switch (message.type) {
      case 'points': {
        const startNs = process.hrtime.bigint();
        const anomalies = partition.process(message.seriesIds, message.timestampsMs, message.values, message.profiles);
        const durationNs = Number(process.hrtime.bigint() - startNs);
        reply({ type: 'done', batchId: message.batchId, points: message.seriesIds.length, durationNs, seriesTracked: partition.seriesTracked, anomalies });
        break;
      }
      case 'restore':
        reply({ type: 'restored', requestId: message.requestId, problems: partition.restore(message.entries), seriesTracked: partition.seriesTracked });
        break;
      case 'snapshot':
        reply({ type: 'snapshot', requestId: message.requestId, entries: partition.snapshot() });
        break;
      default:
        throw new Error(`cannot handle message: unknown type ${JSON.stringify((message as { type?: unknown }).type)}`);
    }
  });
  reply({ type: 'ready' });
}

if (parentPort !== null) serve(parentPort, workerData as PartitionWorkerData);
