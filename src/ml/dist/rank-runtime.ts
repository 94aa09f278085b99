import type { Collective } from './collective.js';
import { openTcpRank, type TcpPeer } from './tcp.js';
import { threadCollective, type ThreadGroupHandle } from './threads.js';

/**
 * Running a function on every rank of a group, each rank in its own worker thread or child process: the script is
 * named by module URL and export (so the rank can import it), its arguments and result are structured-cloned (a
 * SharedArrayBuffer in the arguments is shared, not copied). The launcher (thread-ranks.ts, process-ranks.ts) and the
 * rank's entry (thread-rank.ts, process-rank.ts) speak the messages below.
 */

/** Where a rank script lives: `moduleUrl` is imported by the rank (from sources, a `.ts` URL works too). */
export interface RankScriptRef {
  readonly moduleUrl: string;
  readonly exportName: string;
}

export interface RankContext {
  readonly rank: number;
  readonly size: number;
  /** Sends a structured-clonable message to the launcher's onReport (progress, logs). */
  report(message: unknown): void;
}

/** The shape of a rank script's export. */
export type RankScript<A = unknown, R = unknown> = (collective: Collective, args: A, context: RankContext) => Promise<R>;

/** A rank's error as plain data: its name (CollectiveError, ...), message, and the lost rank when the error names one. */
export interface RankErrorData {
  readonly name: string;
  readonly message: string;
  readonly lostRank?: number;
}

export type RankOutcome<R> = { readonly ok: true; readonly value: R } | { readonly ok: false; readonly error: RankErrorData };

export type RankTransportData =
  | { readonly kind: 'threads'; readonly handle: ThreadGroupHandle; readonly timeoutMs?: number }
  | { readonly kind: 'tcp'; readonly host: string; readonly timeoutMs?: number; readonly pieceBytes?: number; readonly connectTimeoutMs?: number; readonly groupId?: string; readonly spinMs?: number };

/** What a rank's entry is given: workerData for a thread, the first IPC message for a process. */
export interface RankLaunchData {
  readonly rank: number;
  readonly size: number;
  readonly script: RankScriptRef;
  readonly args: unknown;
  readonly transport: RankTransportData;
}

export type FromRank =
  | { readonly type: 'listening'; readonly port: number }
  | { readonly type: 'ready' }
  | { readonly type: 'report'; readonly message: unknown }
  | { readonly type: 'done'; readonly outcome: RankOutcome<unknown> };

export type ToRank = { readonly type: 'launch'; readonly data: RankLaunchData } | { readonly type: 'join'; readonly peers: readonly TcpPeer[] } | { readonly type: 'start' };

/** A rank's side of the conversation with its launcher. */
export interface RankChannel {
  post(message: FromRank): void;
  /** The next message from the launcher, which must be of this type. */
  next<T extends ToRank['type']>(type: T): Promise<Extract<ToRank, { type: T }>>;
}

/** Messages from the launcher, queued until asked for. */
export class RankInbox {
  private readonly queued: ToRank[] = [];
  private waiter: ((message: ToRank) => void) | null = null;

  push(message: ToRank): void {
    if (this.waiter !== null) {
      const waiter = this.waiter;
      this.waiter = null;
      waiter(message);
    } else {
      this.queued.push(message);
    }
  }

  async next<T extends ToRank['type']>(type: T): Promise<Extract<ToRank, { type: T }>> {
    const message = this.queued.shift() ?? (await new Promise<ToRank>((resolve) => (this.waiter = resolve)));
    if (message.type !== type) throw new Error(`cannot run rank: expected a ${type} message from the launcher, got ${message.type}`);
    return message as Extract<ToRank, { type: T }>;
  }
}

/**
 * A rank's whole life: imports the script, joins the group, says ready, waits for start (so that no rank's timeout
 * runs while slower ranks still load), runs the script, closes the collective, reports the outcome.
 */
export async function runRank(data: RankLaunchData, channel: RankChannel): Promise<void> {
  let collective: Collective | null = null;
  let outcome: RankOutcome<unknown>;
  try {
    const script = await loadScript(data.script);
    collective = await joinGroup(data, channel);
    channel.post({ type: 'ready' });
    await channel.next('start');
    const context: RankContext = { rank: data.rank, size: data.size, report: (message) => channel.post({ type: 'report', message }) };
    outcome = { ok: true, value: await script(collective, data.args, context) };
  } catch (error) {
    outcome = { ok: false, error: errorData(error) };
  }
  try {
    await collective?.close();
  } catch {
    // The outcome is what matters; a failed close of a failed ring says nothing new.
  }
  channel.post({ type: 'done', outcome });
}

async function loadScript(ref: RankScriptRef): Promise<RankScript> {
  const module = (await import(ref.moduleUrl)) as Record<string, unknown>;
  const script = module[ref.exportName];
  if (typeof script !== 'function') throw new TypeError(`cannot run rank script: ${ref.moduleUrl} exports no function named ${ref.exportName}`);
  return script as RankScript;
}

async function joinGroup(data: RankLaunchData, channel: RankChannel): Promise<Collective> {
  const transport = data.transport;
  if (transport.kind === 'threads') return threadCollective(transport.handle, data.rank, transport.timeoutMs === undefined ? {} : { timeoutMs: transport.timeoutMs });
  const endpoint = await openTcpRank({ host: transport.host, port: 0 });
  channel.post({ type: 'listening', port: endpoint.address.port });
  const { peers } = await channel.next('join');
  return endpoint.join({
    rank: data.rank,
    size: data.size,
    peers,
    ...(transport.timeoutMs === undefined ? {} : { timeoutMs: transport.timeoutMs }),
    ...(transport.pieceBytes === undefined ? {} : { pieceBytes: transport.pieceBytes }),
    ...(transport.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: transport.connectTimeoutMs }),
    ...(transport.groupId === undefined ? {} : { groupId: transport.groupId }),
    ...(transport.spinMs === undefined ? {} : { spinMs: transport.spinMs }),
  });
}

export function errorData(error: unknown): RankErrorData {
  if (error instanceof Error) {
    const lostRank = (error as { lostRank?: unknown }).lostRank;
    return typeof lostRank === 'number' ? { name: error.name, message: error.message, lostRank } : { name: error.name, message: error.message };
  }
  return { name: 'Error', message: String(error) };
}

/** One rank as the launcher sees it: a worker thread or a child process. */
export interface LaunchedRank {
  post(message: ToRank): void;
  stop(): void;
}

export interface LaunchOptions {
  readonly size: number;
  /** Host the TCP ranks listen on, for the peer list; absent for the threads transport. */
  readonly tcpHost: string | null;
  /** Starts rank `rank`, wiring its messages and its exit (with a description of how it ended) back. */
  spawn(rank: number, onMessage: (message: FromRank) => void, onExit: (description: string) => void): LaunchedRank;
  /** A rank ended before reporting an outcome (the threads transport marks it gone). */
  onLost?(rank: number): void;
  onReport?(rank: number, message: unknown): void;
}

/**
 * Starts every rank and collects their outcomes in rank order. If a rank ends before every rank is ready (its script
 * failed to load, the ring did not form), the others are stopped: they would wait for it forever.
 */
export function launchRanks<R>(options: LaunchOptions): Promise<RankOutcome<R>[]> {
  const { size } = options;
  return new Promise((resolve) => {
    const outcomes: (RankOutcome<R> | undefined)[] = new Array(size).fill(undefined);
    const ranks: LaunchedRank[] = [];
    const ports: (number | undefined)[] = new Array(size).fill(undefined);
    let settledCount = 0;
    let readyCount = 0;
    let started = false;
    const settle = (rank: number, outcome: RankOutcome<R>): void => {
      if (outcomes[rank] !== undefined) return;
      outcomes[rank] = outcome;
      settledCount++;
      if (!started) {
        for (let other = 0; other < size; other++) {
          if (outcomes[other] !== undefined) continue;
          outcomes[other] = { ok: false, error: { name: 'LaunchError', message: `cannot run rank ${other}: rank ${rank} ended before every rank was ready (${describe(outcome)})` } };
          settledCount++;
          ranks[other]?.stop();
        }
      }
      if (settledCount === size) resolve(outcomes as RankOutcome<R>[]);
    };
    for (let rank = 0; rank < size; rank++) {
      const onMessage = (message: FromRank): void => {
        switch (message.type) {
          case 'listening':
            ports[rank] = message.port;
            if (ports.every((port) => port !== undefined)) {
              const peers = ports.map((port) => ({ host: options.tcpHost ?? '127.0.0.1', port: port! }));
              for (const launched of ranks) launched.post({ type: 'join', peers });
            }
            break;
          case 'ready':
            if (++readyCount === size && outcomes.every((outcome) => outcome === undefined)) {
              started = true;
              for (const launched of ranks) launched.post({ type: 'start' });
            }
            break;
          case 'report':
            options.onReport?.(rank, message.message);
            break;
          case 'done':
            settle(rank, message.outcome as RankOutcome<R>);
            ranks[rank]?.stop();
            break;
        }
      };
      const onExit = (description: string): void => {
        if (outcomes[rank] !== undefined) return;
        options.onLost?.(rank);
        settle(rank, { ok: false, error: { name: 'RankExited', message: `rank ${rank} ended before its script finished: ${description}` } });
      };
      ranks.push(options.spawn(rank, onMessage, onExit));
    }
  });
}

function describe(outcome: RankOutcome<unknown>): string {
  return outcome.ok ? 'it finished early' : `${outcome.error.name}: ${outcome.error.message}`;
}
