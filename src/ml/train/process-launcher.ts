import { fork, type ChildProcess } from 'node:child_process';
import { processEntry } from '../../util/index.js';
import type { FormedRing, RankLauncher, RankProcess } from './driver.js';
import type { RankMessage, RankSetup, RingSpec, SetupMessage } from './protocol.js';

/** How long forming a ring waits for every rank to report a listening endpoint. */
const ENDPOINT_TIMEOUT_MS = 120_000;

interface Endpoint {
  readonly host: string;
  readonly port: number;
}

/** SharedArrayBuffer memory cannot leave the process: a rank process gets plain copies of the examples. */
function portable(setup: RankSetup): RankSetup {
  const { examples } = setup;
  return { ...setup, examples: { ...examples, inputs: new Float32Array(examples.inputs), targets: new Float32Array(examples.targets) } };
}

/**
 * Ranks as child processes on this host, linked in a ring of TCP connections. Each rank opens a listening endpoint
 * and reports its port; forming a ring waits for a fresh endpoint from every member and sends each the full peer
 * list (the rendezvous).
 */
export function processRankLauncher(): RankLauncher {
  const endpoints = new Map<number, Endpoint>();
  const waiters = new Set<() => void>();
  const entry = processEntry('./rank-process.js', import.meta.url);
  return {
    launch(setup, events): RankProcess {
      const child: ChildProcess = fork(entry.path, [], { execArgv: [...entry.execArgv], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      let failure: Error | undefined;
      child.on('message', (message: RankMessage) => {
        if (message.type === 'endpoint') {
          endpoints.set(setup.workerId, message.address);
          for (const wake of [...waiters]) wake();
          return;
        }
        events.message(message);
      });
      child.on('error', (err) => {
        failure = err;
      });
      child.on('exit', (code, signal) => events.exit(code ?? (signal === null ? 0 : 1), failure));
      const setupMessage: SetupMessage = { type: 'setup', setup: portable(setup) };
      child.send(setupMessage);
      return {
        workerId: setup.workerId,
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
    },
    async formRing(generation, members): Promise<FormedRing> {
      const deadline = Date.now() + ENDPOINT_TIMEOUT_MS;
      const ready = (): boolean => members.every((m) => endpoints.has(m.workerId));
      while (!ready()) {
        if (Date.now() > deadline) throw new Error(`cannot form training ring: ${members.filter((m) => !endpoints.has(m.workerId)).length} worker(s) reported no endpoint within ${ENDPOINT_TIMEOUT_MS / 1000} s`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(wake, 1_000);
          function wake(): void {
            clearTimeout(timer);
            waiters.delete(wake);
            resolve();
          }
          waiters.add(wake);
        });
      }
      // Each endpoint serves one ring: the rank opens a fresh one after joining.
      const peers = members.map((m) => endpoints.get(m.workerId)!);
      for (const m of members) endpoints.delete(m.workerId);
      const specs: RingSpec[] = members.map((_, rank) => ({ transport: 'tcp', generation, rank, size: members.length, peers }));
      // Sockets of a dead process close by themselves, which fails its neighbours' operations; nothing to abort here.
      return { specs, abort: () => undefined };
    },
    async close() {},
  };
}
