import type { RankLauncher, RankProcess } from './driver.js';
import { forkRank, portable } from './rank-fork.js';
import { EndpointRendezvous } from './rendezvous.js';

/**
 * Ranks as child processes on this host, linked in a ring of TCP connections. Each rank opens a listening endpoint
 * and reports its port; forming a ring waits for a fresh endpoint from every member and sends each the full peer
 * list (the rendezvous).
 */
export function processRankLauncher(): RankLauncher {
  const rendezvous = new EndpointRendezvous();
  return {
    launch(setup, events): RankProcess {
      const rank = forkRank(portable(setup), {
        message: (message) => (message.type === 'endpoint' ? rendezvous.report(setup.workerId, message.address) : events.message(message)),
        exit: (code, error) => {
          rendezvous.gone(setup.workerId);
          events.exit(code, error);
        },
      });
      return { workerId: setup.workerId, send: (message) => rank.send(message), terminate: () => rank.terminate() };
    },
    formRing: (generation, members) => rendezvous.formRing(generation, members),
    async close() {},
  };
}
