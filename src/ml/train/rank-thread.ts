import { parentPort, workerData } from 'node:worker_threads';
import { threadCollective } from '../dist/index.js';
import { messageLink } from './message-link.js';
import type { RankMessage, RankSetup } from './protocol.js';
import { runRank } from './rank-runner.js';

// The entry of a rank running as a worker thread (threadRankLauncher); its failures reach the driver as messages.
const port = parentPort!;
await runRank(
  workerData as RankSetup,
  messageLink(port, (message: RankMessage) => port.postMessage(message)),
  async (ring) => {
    if (ring.transport !== 'threads') throw new Error(`cannot join ring: a thread rank cannot use the ${ring.transport} transport`);
    return threadCollective(ring.group, ring.rank);
  },
).catch(() => {
  // Already reported as a 'failed' message; exit non-zero so the driver also sees the end.
  process.exitCode = 1;
});
