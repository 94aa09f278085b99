import { openTcpRank, type TcpRankEndpoint } from '../dist/index.js';
import { messageLink } from './message-link.js';
import type { DriverMessage, RankMessage, SetupMessage } from './protocol.js';
import { runRank } from './rank-runner.js';

// The entry of a rank running as a child process (processRankLauncher): setup first, then the driver's messages.
const send = (message: RankMessage): void => {
  process.send?.(message);
};
const setup = await new Promise<SetupMessage['setup']>((resolve) => {
  process.once('message', (message: SetupMessage) => resolve(message.setup));
});
let endpoint: TcpRankEndpoint | undefined;
/** Opens the endpoint the next ring will link through and tells the driver where it listens. */
async function openNext(): Promise<void> {
  endpoint = await openTcpRank();
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
  process.disconnect();
} catch {
  // Already reported to the driver as a 'failed' message.
  process.exit(1);
}
