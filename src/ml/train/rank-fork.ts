import { fork, type ChildProcess } from 'node:child_process';
import { processEntry } from '../../util/index.js';
import type { DriverMessage, RankMessage, RankSetup, SetupMessage } from './protocol.js';

/** SharedArrayBuffer memory cannot leave the process: a rank process gets plain copies of the examples. */
export function portable(setup: RankSetup): RankSetup {
  const { examples } = setup;
  return { ...setup, examples: { ...examples, inputs: new Float32Array(examples.inputs), targets: new Float32Array(examples.targets) } };
}

export interface ForkedRankHandlers {
  message(message: RankMessage): void;
  /** The process ended; `error` when it could not be started or crashed. */
  exit(code: number, error?: Error): void;
}

export interface ForkRankOptions {
  /** Interface the rank's TCP endpoints listen on (default 127.0.0.1); the endpoint it reports names this host. */
  readonly bindHost?: string;
}

/** A rank running as a child process of this one. */
export interface ForkedRank {
  readonly pid: number | undefined;
  send(message: DriverMessage): void;
  /** Kills the process (SIGKILL) and waits for it to end. */
  terminate(): Promise<void>;
}

/**
 * Starts a rank as a child process (rank-process.ts) and hands it its setup; the setup must be portable (no
 * SharedArrayBuffer). Used by the process launcher and by the training agent for the ranks it runs for a driver.
 */
export function forkRank(setup: RankSetup, handlers: ForkedRankHandlers, options: ForkRankOptions = {}): ForkedRank {
  const entry = processEntry('./rank-process.js', import.meta.url);
  const args = options.bindHost === undefined ? [] : ['--bind-host', options.bindHost];
  const child: ChildProcess = fork(entry.path, args, { execArgv: [...entry.execArgv], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let failure: Error | undefined;
  child.on('message', (message: RankMessage) => handlers.message(message));
  child.on('error', (err) => {
    failure = err;
  });
  child.on('exit', (code, signal) => handlers.exit(code ?? (signal === null ? 0 : 1), failure));
  const setupMessage: SetupMessage = { type: 'setup', setup };
  child.send(setupMessage);
  return {
    pid: child.pid,
    send: (message) => {
      if (child.connected) child.send(message);
    },
    terminate: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
