import type { RankLauncher } from './driver.js';
import { processRankLauncher } from './process-launcher.js';
import { threadRankLauncher } from './thread-launcher.js';

/** How ranks reach each other: worker threads over shared memory, or processes (and hosts) over TCP. */
export const TRAIN_TRANSPORTS = ['threads', 'tcp'] as const;
export type TrainTransport = (typeof TRAIN_TRANSPORTS)[number];

/** The launcher for a transport: worker threads, or processes on this host linked over TCP. */
export function rankLauncher(transport: TrainTransport): RankLauncher {
  return transport === 'threads' ? threadRankLauncher() : processRankLauncher();
}
