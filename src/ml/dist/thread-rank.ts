import { parentPort, workerData } from 'node:worker_threads';
import { RankInbox, runRank, type RankLaunchData, type ToRank } from './rank-runtime.js';

/** Entry of a rank's worker thread (runThreadRanks): runs the rank and reports to the launcher over the parent port. */
if (parentPort !== null) {
  const port = parentPort;
  const inbox = new RankInbox();
  port.on('message', (message: ToRank) => inbox.push(message));
  // The port stays open after the outcome is posted: the launcher terminates the thread once it has the outcome.
  void runRank(workerData as RankLaunchData, { post: (message) => port.postMessage(message), next: (type) => inbox.next(type) });
}
