import { fork } from 'node:child_process';
import { processEntry } from '../../util/index.js';
import { launchRanks, type RankLaunchData, type RankOutcome, type RankScriptRef } from './rank-runtime.js';

export interface ProcessRanksOptions<A> {
  readonly size: number;
  readonly script: RankScriptRef;
  /** Given to every rank's script (structured-cloned over IPC). */
  readonly args: A;
  /** The collective's no-progress timeout. */
  readonly timeoutMs?: number;
  /** Bytes per piece on the wire. */
  readonly pieceBytes?: number;
  /** The interface ranks listen on. Default 127.0.0.1. */
  readonly host?: string;
  readonly onReport?: (rank: number, message: unknown) => void;
}

/**
 * Runs `script` on `size` ranks, each a child `node` process linked to the others by the TCP transport (as ranks on
 * different hosts would be), and returns every rank's outcome in rank order. Works from the built code and, through
 * tsx, from the sources.
 */
export function runProcessRanks<A, R>(options: ProcessRanksOptions<A>): Promise<RankOutcome<R>[]> {
  const host = options.host ?? '127.0.0.1';
  const entry = processEntry('./process-rank.js', import.meta.url);
  return launchRanks<R>({
    size: options.size,
    tcpHost: host,
    spawn(rank, onMessage, onExit) {
      const data: RankLaunchData = {
        rank,
        size: options.size,
        script: options.script,
        args: options.args,
        transport: {
          kind: 'tcp',
          host,
          ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
          ...(options.pieceBytes === undefined ? {} : { pieceBytes: options.pieceBytes }),
        },
      };
      const child = fork(entry.path, [], { execArgv: [...entry.execArgv], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      child.on('message', onMessage);
      child.on('error', (error) => onExit(`its process failed: ${error.message}`));
      child.on('exit', (code, signal) => onExit(`its process exited with ${signal ?? `code ${code}`}`));
      child.send({ type: 'launch', data });
      return {
        post: (message) => {
          if (child.connected) child.send(message);
        },
        stop: () => {
          if (child.exitCode === null && child.signalCode === null) child.kill();
        },
      };
    },
    ...(options.onReport === undefined ? {} : { onReport: options.onReport }),
  });
}
