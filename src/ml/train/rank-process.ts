import { openTcpRank, type TcpRankEndpoint } from '../dist/index.js';
import { messageLink } from './message-link.js';
import type { DriverMessage, RankMessage, SetupMessage } from './protocol.js';
import { runRank } from './rank-runner.js';

// The entry of a rank running as a child process (processRankLauncher, or a training agent for a remote driver):
// setup first, then the driver's messages. `--bind-host HOST`: the interface its TCP endpoints listen on.
const bindAt = process.argv.indexOf('--bind-host');
const bindHost = bindAt >= 0 ? process.argv[bindAt + 1] : undefined;
let finishing = false;
// The parent (launcher or agent) is gone: nobody is left to stop this rank, so it ends rather than linger.
process.on('disconnect', () => {
  if (!finishing) process.exit(1);
});
const send = (message: RankMessage): void => {
  process.send?.(message);
};
const setup = await new Promise<SetupMessage['setup']>((resolve) => {
  process.once('message', (message: SetupMessage) => resolve(message.setup));
});
let endpoint: TcpRankEndpoint | undefined;
/** Opens the endpoint the next ring will link through and tells the driver where it listens. */
async function openNext(): Promise<void> {
  endpoint = await openTcpRank(bindHost === undefined ? {} : { host: bindHost });
  send({ type: 'endpoint', address: endpoint.address });
}
await openNext();
const driverMessages = { on: (_event: 'message', listener: (message: unknown) => void) => process.on('message', (message: DriverMessage) => listener(message)) };
try {
  await runRank(setup, messageLink(driverMessages, send), async (ring) => {
    if (ring.transport !== 'tcp') throw new Error(`cannot join ring: a process rank cannot use the ${ring.transport} transport`);
    const joining = endpoint!;
    await openNext();
    return joining.join({ rank: ring.rank, size: ring.size, peers: ring.peers, groupId: `generation-${ring.generation}` });
  });
  await endpoint?.close();
  finishing = true;
  process.disconnect();
} catch {
  // Already reported to the driver as a 'failed' message.
  process.exit(1);
}
