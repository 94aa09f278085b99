import { RankInbox, runRank, type ToRank } from './rank-runtime.js';

/**
 * Entry of a rank's child process (runProcessRanks): waits for its launch data over IPC, runs the rank, reports back.
 * Exits when the launcher goes away, so that no rank outlives the run.
 */
if (process.send !== undefined) {
  const send = process.send.bind(process);
  const inbox = new RankInbox();
  let launched = false;
  process.on('disconnect', () => process.exit(launched ? 0 : 1));
  process.on('message', (message: ToRank) => {
    if (message.type !== 'launch' || launched) {
      inbox.push(message);
      return;
    }
    launched = true;
    void runRank(message.data, { post: (reply) => void send(reply), next: (type) => inbox.next(type) });
  });
}
