import { connect, type Socket } from 'node:net';
import {
  AGENT_PROTOCOL_VERSION,
  AgentProtocolError,
  DEFAULT_MAX_FRAME_BYTES,
  formatHostPort,
  FrameReader,
  writeFrame,
  type AgentFrame,
  type DriverFrame,
  type HostPort,
} from './agent-wire.js';
import type { RankEvents, RankLauncher, RankProcess } from './driver.js';
import type { DriverMessage, RankSetup } from './protocol.js';
import { portable } from './rank-fork.js';
import { EndpointRendezvous } from './rendezvous.js';

export interface HostsLauncherOptions {
  /** Presented to every agent in the hello; agents started with a token refuse drivers without it. */
  readonly token?: string;
  /** How long connecting to an agent and its answer to the hello may take. Default 10 s. */
  readonly connectTimeoutMs?: number;
  /** Frames from an agent larger than this close its connection. Default 1 GiB. */
  readonly maxFrameBytes?: number;
  /** How long forming a ring waits for every rank's endpoint. Default 120 s. */
  readonly endpointTimeoutMs?: number;
  /** Lines for the user: an agent lost mid-run, a rank placed on another host. */
  readonly note?: (line: string) => void;
}

/** The hosts launcher: a RankLauncher, and a way to wait until every agent has accepted the driver. */
export interface HostsRankLauncher extends RankLauncher {
  /** Resolves when every agent has welcomed the driver; rejects naming the first host that cannot be used. */
  ready(): Promise<void>;
}

interface RemoteRank {
  readonly events: RankEvents;
  exited: boolean;
  readonly exitWaiters: (() => void)[];
}

/** The driver's connection to one `vigil train-agent`. */
class AgentConnection {
  readonly name: string;
  readonly ready: Promise<void>;
  /** Welcomed and not closed since: ranks can be placed here. */
  open = false;
  private socket: Socket;
  private readonly reader: FrameReader;
  private readonly queue: DriverFrame[] = [];
  private readonly ranks = new Map<number, RemoteRank>();
  private welcomed = false;
  private closed = false;
  /** Why the connection ended, for the ranks reported exited and for ready(). */
  private closeReason: string | undefined;

  constructor(
    readonly address: HostPort,
    private readonly options: HostsLauncherOptions,
    private readonly rendezvous: EndpointRendezvous,
  ) {
    this.name = formatHostPort(address);
    this.reader = new FrameReader(options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES);
    const timeoutMs = options.connectTimeoutMs ?? 10_000;
    this.socket = connect({ host: address.host, port: address.port });
    this.socket.setNoDelay(true);
    this.socket.setKeepAlive(true, 5_000);
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(`no answer within ${timeoutMs / 1000} s`), timeoutMs);
      const fail = (why: string): void => {
        clearTimeout(timer);
        reject(new Error(`cannot use the training agent at ${this.name}: ${why}`));
        this.closeReason ??= why;
        this.socket.destroy();
      };
      this.socket.once('connect', () => {
        const hello: DriverFrame = { type: 'hello', version: AGENT_PROTOCOL_VERSION, host: address.host, ...(options.token === undefined ? {} : { token: options.token }) };
        writeFrame(this.socket, hello);
      });
      this.socket.on('data', (chunk: Buffer) => {
        let frames: unknown[];
        try {
          frames = this.reader.push(chunk);
        } catch (err) {
          const error = err instanceof Error ? err : new Error(String(err));
          this.closeReason = `${error.name}: ${error.message}`;
          if (!this.welcomed) fail(this.closeReason);
          this.socket.destroy();
          return;
        }
        for (const frame of frames as AgentFrame[]) {
          if (!this.welcomed) {
            if (frame.type === 'welcome') {
              clearTimeout(timer);
              this.welcomed = true;
              this.open = true;
              for (const queued of this.queue.splice(0)) if (!this.closed) writeFrame(this.socket, queued);
              resolve();
            } else if (frame.type === 'refused') fail(`it refused the driver: ${frame.reason}`);
            else if (frame.type === 'error') fail(`${frame.name}: ${frame.message}`);
            else fail(`it answered the hello with ${JSON.stringify(frame.type)}`);
            continue;
          }
          this.onFrame(frame);
        }
      });
      this.socket.on('error', (err) => {
        this.closeReason ??= err.message;
        if (!this.welcomed) fail(err.message);
      });
      this.socket.on('close', () => {
        if (!this.welcomed) fail(this.closeReason ?? 'it closed the connection');
        this.onClose();
      });
    });
    // ready() callers see the rejection; an unobserved one must not crash the process.
    this.ready.catch(() => undefined);
  }

  private onFrame(frame: AgentFrame): void {
    switch (frame.type) {
      case 'message': {
        if (frame.message.type === 'endpoint') this.rendezvous.report(frame.workerId, frame.message.address);
        else this.ranks.get(frame.workerId)?.events.message(frame.message);
        return;
      }
      case 'exit':
        this.exited(frame.workerId, frame.code, frame.error === undefined ? undefined : new Error(`${frame.error} (on ${this.name})`));
        return;
      case 'error':
        this.closeReason = `${frame.name}: ${frame.message}`;
        return;
      default:
        this.closeReason = `AgentProtocolError: unexpected frame ${JSON.stringify(frame.type)}`;
        this.socket.destroy();
    }
  }

  private exited(workerId: number, code: number, error?: Error): void {
    const rank = this.ranks.get(workerId);
    if (rank === undefined || rank.exited) return;
    rank.exited = true;
    this.ranks.delete(workerId);
    this.rendezvous.gone(workerId);
    for (const wake of rank.exitWaiters.splice(0)) wake();
    rank.events.exit(code, error);
  }

  private onClose(): void {
    const wasOpen = this.open;
    this.open = false;
    const reason = this.closeReason ?? 'the connection closed';
    // Never welcomed: ready() and formRing fail naming the host; its ranks never started, so no exits to report.
    if (!wasOpen) return;
    if (!this.closed) this.options.note?.(`vigil train: lost the training agent at ${this.name} (${reason}); ${this.ranks.size} worker(s) there are gone`);
    for (const workerId of [...this.ranks.keys()]) this.exited(workerId, 1, new Error(`lost the training agent at ${this.name}: ${reason}`));
  }

  private write(frame: DriverFrame): void {
    if (this.closed || this.socket.destroyed) return;
    if (this.welcomed) writeFrame(this.socket, frame);
    else this.queue.push(frame);
  }

  /** Whether ranks placed here would start: connecting, or welcomed and still open. */
  get usable(): boolean {
    return !this.closed && (this.open || (!this.welcomed && !this.socket.destroyed));
  }

  launch(setup: RankSetup, events: RankEvents): RankProcess {
    const workerId = setup.workerId;
    const rank: RemoteRank = { events, exited: false, exitWaiters: [] };
    this.ranks.set(workerId, rank);
    this.write({ type: 'launch', setup: portable(setup) });
    return {
      workerId,
      send: (message: DriverMessage) => {
        if (!rank.exited) this.write({ type: 'send', workerId, message });
      },
      terminate: async () => {
        if (rank.exited || !this.open) return;
        const gone = new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 10_000);
          rank.exitWaiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
        this.write({ type: 'terminate', workerId });
        await gone;
      },
    };
  }

  /** Ends the connection; the agent kills whatever ranks of this driver still run. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.socket.destroyed) return;
    const closed = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
    this.socket.end();
    const timer = setTimeout(() => this.socket.destroy(), 2_000);
    await closed;
    clearTimeout(timer);
  }
}

/**
 * Ranks on other machines, each run by a `vigil train-agent` there, linked in a TCP ring. Connects to every agent at
 * once (formRing and ready() fail naming a host that cannot be reached or refuses the driver); worker i goes to
 * host i % n, or, when that agent's connection has dropped, to the next host still connected. A dropped connection
 * reports every rank on it exited, so the driver's elastic membership goes on without them.
 */
export function hostsRankLauncher(hosts: readonly HostPort[], options: HostsLauncherOptions = {}): HostsRankLauncher {
  if (hosts.length === 0) throw new Error('cannot train on hosts: the host list is empty');
  const rendezvous = new EndpointRendezvous(options.endpointTimeoutMs);
  const connections = hosts.map((host) => new AgentConnection(host, options, rendezvous));
  const ready = (async () => {
    // Every agent is tried; the first failure in host order is reported.
    const results = await Promise.allSettled(connections.map((c) => c.ready));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  })();
  ready.catch(() => undefined);
  return {
    ready: () => ready,
    launch(setup, events): RankProcess {
      const preferred = setup.workerId % connections.length;
      let target = connections[preferred]!;
      for (let i = 0; i < connections.length && !target.usable; i++) target = connections[(preferred + i) % connections.length]!;
      if (!target.usable) {
        const error = new Error(`cannot start worker ${setup.workerId}: no training agent is connected any more`);
        setImmediate(() => {
          rendezvous.gone(setup.workerId);
          events.exit(1, error);
        });
        return { workerId: setup.workerId, send: () => undefined, terminate: async () => undefined };
      }
      if (target !== connections[preferred]) options.note?.(`vigil train: worker ${setup.workerId} goes to ${target.name} instead of ${connections[preferred]!.name}, which is gone`);
      return target.launch(setup, events);
    },
    async formRing(generation, members) {
      await ready;
      return rendezvous.formRing(generation, members);
    },
    async close() {
      await Promise.all(connections.map((c) => c.close()));
    },
  };
}
