import { Worker } from 'node:worker_threads';
import { workerEntryUrl } from '../../util/index.js';
import { launchRanks, type RankLaunchData, type RankOutcome, type RankScriptRef, type RankTransportData } from './rank-runtime.js';
import { createThreadGroup, markThreadRankGone } from './threads.js';

export interface ThreadRanksOptions<A> {
  readonly size: number;
  readonly script: RankScriptRef;
  /** Given to every rank's script (structured-cloned; a SharedArrayBuffer in it is shared). */
  readonly args: A;
  /** Shared memory between the threads (default), or TCP over loopback as if each thread were a host. */
  readonly transport?: 'threads' | 'tcp';
  /** The collective's no-progress timeout (both transports). */
  readonly timeoutMs?: number;
  /** Threads transport: elements per segment slot. */
  readonly segmentElements?: number;
  /** TCP transport: bytes per piece on the wire. */
  readonly pieceBytes?: number;
  /** How long a waiting rank polls before it sleeps (both transports); their default unless given. */
  readonly spinMs?: number;
  /** TCP transport: the interface ranks listen on. Default 127.0.0.1. */
  readonly host?: string;
  readonly onReport?: (rank: number, message: unknown) => void;
}

/**
 * Runs `script` on `size` ranks, each a worker thread of this process, and returns every rank's outcome in rank order.
 * A rank whose thread exits before its script finished is marked gone, so the others fail instead of waiting.
 */
export function runThreadRanks<A, R>(options: ThreadRanksOptions<A>): Promise<RankOutcome<R>[]> {
  const transportKind = options.transport ?? 'threads';
  const host = options.host ?? '127.0.0.1';
  const handle =
    transportKind === 'threads'
      ? createThreadGroup({
          size: options.size,
          ...(options.segmentElements === undefined ? {} : { segmentElements: options.segmentElements }),
          ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
          ...(options.spinMs === undefined ? {} : { spinMs: options.spinMs }),
        })
      : null;
  const transport: RankTransportData =
    handle !== null
      ? { kind: 'threads', handle }
      : {
          kind: 'tcp',
          host,
          ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
          ...(options.pieceBytes === undefined ? {} : { pieceBytes: options.pieceBytes }),
          ...(options.spinMs === undefined ? {} : { spinMs: options.spinMs }),
        };
  const entry = workerEntryUrl('./thread-rank.js', import.meta.url);
  return launchRanks<R>({
    size: options.size,
    tcpHost: handle === null ? host : null,
    spawn(rank, onMessage, onExit) {
      const data: RankLaunchData = { rank, size: options.size, script: options.script, args: options.args, transport };
      const worker = new Worker(entry, { workerData: data });
      let failure = '';
      worker.on('message', onMessage);
      worker.on('error', (error) => (failure = `: ${error.name}: ${error.message}`));
      worker.on('exit', (code) => onExit(`its thread exited with code ${code}${failure}`));
      return { post: (message) => worker.postMessage(message), stop: () => void worker.terminate() };
    },
    ...(handle === null ? {} : { onLost: (rank: number) => markThreadRankGone(handle, rank, 'exited') }),
    ...(options.onReport === undefined ? {} : { onReport: options.onReport }),
  });
}
