import { Worker } from 'node:worker_threads';
import { createThreadGroup, markThreadRankGone } from '../dist/index.js';
import { workerEntryUrl } from '../../util/index.js';
import type { FormedRing, RankLauncher, RankProcess } from './driver.js';
import type { RankMessage, RingSpec } from './protocol.js';

/**
 * Ranks as worker threads of this process, their ring in shared memory. The examples are SharedArrayBuffer views,
 * so every rank reads the same memory.
 */
export function threadRankLauncher(): RankLauncher {
  return {
    launch(setup, events): RankProcess {
      const worker = new Worker(workerEntryUrl('./rank-thread.js', import.meta.url), { workerData: setup, name: `vigil-train-${setup.workerId}` });
      let failure: Error | undefined;
      worker.on('message', (message: RankMessage) => events.message(message));
      worker.on('error', (err) => {
        failure = err;
      });
      worker.on('exit', (code) => events.exit(code, failure));
      return {
        workerId: setup.workerId,
        send: (message) => worker.postMessage(message),
        terminate: async () => {
          await worker.terminate();
        },
      };
    },
    async formRing(generation, members): Promise<FormedRing> {
      const group = createThreadGroup({ size: members.length });
      const specs: RingSpec[] = members.map((_, rank) => ({ transport: 'threads', generation, rank, size: members.length, group }));
      return {
        specs,
        abort: () => {
          for (let rank = 0; rank < members.length; rank++) markThreadRankGone(group, rank, 'exited');
        },
      };
    },
    async close() {},
  };
}
