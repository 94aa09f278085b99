import type { MessagePort } from 'node:worker_threads';
import type { PartitionExtensionFactory } from './partition-extension.js';
import { Partition } from './partition.js';
import { BUILTIN_DETECTORS, DetectorRegistry } from './registry.js';
import type { FromPartitionWorker, PartitionWorkerData, ToPartitionWorker } from './worker-protocol.js';

/**
 * The body of a partition worker thread: owns one Partition and answers the runner's messages in order. With an
 * extension, its detectors join the built-ins and its initial configuration is in effect before `ready`. An
 * exception escapes on purpose: the runner reports it and restarts the worker.
 */
export async function servePartition(port: MessagePort, data: PartitionWorkerData, createExtension?: PartitionExtensionFactory): Promise<void> {
  const extension = createExtension?.(data.scoreThreshold) ?? null;
  const problems = extension === null || data.extension === undefined ? [] : await extension.configure(data.extension);
  const registry = new DetectorRegistry([...BUILTIN_DETECTORS, ...(extension?.detectors ?? [])]);
  const partition = new Partition(data.profiles, data.scoreThreshold, registry);
  const reply = (message: FromPartitionWorker): void => port.postMessage(message);
  port.on('message', (message: ToPartitionWorker) => {
    switch (message.type) {
      case 'points': {
        const startNs = process.hrtime.bigint();
        if (message.keys !== undefined) partition.learnKeys(message.keys.seriesIds, message.keys.keys);
        extension?.beforeBatch?.(message.seriesIds, message.timestampsMs, message.values);
        const anomalies = partition.process(message.seriesIds, message.timestampsMs, message.values, message.profiles);
        if (extension !== null) anomalies.push(...extension.drainAnomalies());
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
      case 'configure': {
        const { requestId } = message;
        if (extension === null) reply({ type: 'configured', requestId, problems: ['this partition worker has no extension to configure'] });
        else {
          void extension.configure(message.extension).then(
            (found) => reply({ type: 'configured', requestId, problems: found }),
            (error: unknown) => reply({ type: 'configured', requestId, problems: [(error as Error).message] }),
          );
        }
        break;
      }
      case 'report':
        reply({ type: 'report', requestId: message.requestId, report: extension?.report() ?? null });
        break;
      default:
        throw new Error(`cannot handle message: unknown type ${JSON.stringify((message as { type?: unknown }).type)}`);
    }
  });
  reply({ type: 'ready', problems });
}
