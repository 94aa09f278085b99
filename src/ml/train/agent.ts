import { createServer, isIP, type Server, type Socket } from 'node:net';
import {
  AGENT_PROTOCOL_VERSION,
  AgentProtocolError,
  DEFAULT_MAX_FRAME_BYTES,
  formatHostPort,
  FrameReader,
  HELLO_FRAME_LIMIT_BYTES,
  tokensMatch,
  writeFrame,
  type AgentFrame,
  type DriverFrame,
  type HostPort,
} from './agent-wire.js';
import type { RankSetup } from './protocol.js';
import { forkRank, type ForkedRank } from './rank-fork.js';

export interface TrainAgentOptions {
  /** Interface to listen on; ranks' TCP endpoints listen on it too. */
  readonly host: string;
  /** 0: any free port (see `address`). */
  readonly port: number;
  /** The host other machines reach this one's ranks at. Default: `host`, or the name the driver connected to when `host` is a wildcard. */
  readonly advertise?: string;
  /** Drivers must present this token in their hello. */
  readonly token?: string;
  /** Frames after the hello larger than this close the connection. Default 1 GiB. */
  readonly maxFrameBytes?: number;
  /** How long a new connection may take to say hello. Default 10 s. */
  readonly helloTimeoutMs?: number;
  /** Where the agent's log lines go (never a token). Default: nowhere. */
  readonly log?: (line: string) => void;
}

/** A running `vigil train-agent`. */
export interface TrainAgent {
  /** Where it listens (the real port when asked for port 0). */
  readonly address: HostPort;
  /** Process ids of the ranks running now, for every driver. */
  rankPids(): number[];
  /** Stops listening, closes every driver's connection and kills their ranks; resolves once the ranks have ended. */
  close(): Promise<void>;
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '' || host === '[::]';
}

/** `::ffff:10.0.0.5` → `10.0.0.5`. */
function plainAddress(address: string | undefined): string | undefined {
  return address?.startsWith('::ffff:') === true && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/**
 * The agent of `vigil train --hosts`: accepts drivers' connections, and for each `launch` forks a rank process here,
 * as the process launcher does on the driver's host, relaying messages both ways. A rank's endpoint is reported under
 * the advertised host so that ranks on other hosts can reach it. A driver's ranks are killed when it terminates them
 * or its connection closes.
 */
export async function startTrainAgent(options: TrainAgentOptions): Promise<TrainAgent> {
  const log = options.log ?? (() => undefined);
  const maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const sessions = new Set<Session>();
  const server: Server = createServer((socket) => {
    const session = new Session(socket, options, maxFrameBytes, log, () => sessions.delete(session));
    sessions.add(session);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new Error(`cannot start the training agent: cannot listen on ${formatHostPort(options)}: ${error.message}`, { cause: error })));
    server.listen(options.port, options.host, () => resolve());
  });
  server.on('error', (error) => log(`server error: ${error.message}`));
  const bound = server.address();
  const port = typeof bound === 'object' && bound !== null ? bound.port : options.port;
  let closing: Promise<void> | undefined;
  return {
    address: { host: options.host, port },
    rankPids: () => [...sessions].flatMap((s) => s.pids()),
    close: () =>
      (closing ??= (async () => {
        server.close();
        await Promise.all([...sessions].map((s) => s.close('the agent is stopping')));
      })()),
  };
}

/** One driver's connection and the ranks it launched. */
class Session {
  private readonly reader = new FrameReader(HELLO_FRAME_LIMIT_BYTES);
  private readonly ranks = new Map<number, { rank: ForkedRank; exited: Promise<void> }>();
  private readonly peer: string;
  private advertise: string | undefined;
  private closed = false;
  private closing: Promise<void> | undefined;
  private helloTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly options: TrainAgentOptions,
    private readonly maxFrameBytes: number,
    private readonly log: (line: string) => void,
    private readonly onClosed: () => void,
  ) {
    this.peer = `${plainAddress(socket.remoteAddress) ?? '?'}:${socket.remotePort ?? '?'}`;
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 5_000);
    this.helloTimer = setTimeout(() => this.fail(new AgentProtocolError(`no hello within ${(options.helloTimeoutMs ?? 10_000) / 1000} s`)), options.helloTimeoutMs ?? 10_000);
    socket.on('data', (chunk: Buffer) => {
      if (this.closed) return;
      try {
        for (const frame of this.reader.push(chunk)) {
          this.handle(frame as DriverFrame);
          if (this.closed) return;
        }
      } catch (err) {
        this.fail(err instanceof Error ? err : new Error(String(err)));
      }
    });
    socket.on('error', (err) => {
      if (!this.closed) this.log(`driver ${this.peer}: connection error: ${err.message}`);
    });
    socket.on('close', () => {
      void this.close(this.advertise === undefined ? undefined : 'the driver closed the connection');
    });
  }

  pids(): number[] {
    return [...this.ranks.values()].flatMap(({ rank }) => (rank.pid === undefined ? [] : [rank.pid]));
  }

  /** Kills the session's ranks and closes its connection. */
  close(reason: string | undefined): Promise<void> {
    return (this.closing ??= (async () => {
      this.closed = true;
      clearTimeout(this.helloTimer);
      const live = [...this.ranks.values()];
      if (reason !== undefined) this.log(`driver ${this.peer}: ${reason}${live.length > 0 ? `; killing its ${live.length} rank(s)` : ''}`);
      this.socket.end();
      // A driver that does not read does not hold the agent up.
      const destroy = setTimeout(() => this.socket.destroy(), 2_000);
      this.socket.once('close', () => clearTimeout(destroy));
      await Promise.all(live.map(({ rank, exited }) => rank.terminate().then(() => exited)));
      this.onClosed();
    })());
  }

  private send(frame: AgentFrame): void {
    if (!this.socket.destroyed && this.socket.writable) writeFrame(this.socket, frame);
  }

  /** A broken rule: the driver is told the named error, the connection closes, the agent goes on. */
  private fail(error: Error): void {
    if (this.closed) return;
    this.log(`driver ${this.peer}: ${error.name}: ${error.message}; closing the connection`);
    this.send({ type: 'error', name: error.name, message: error.message });
    void this.close(undefined);
  }

  private refuse(reason: string): void {
    this.log(`driver ${this.peer}: refused: ${reason}`);
    this.send({ type: 'refused', reason });
    void this.close(undefined);
  }

  private handle(frame: DriverFrame): void {
    if (this.advertise === undefined) {
      if (frame.type !== 'hello') throw new AgentProtocolError(`expected hello first, got ${JSON.stringify(frame.type)}`);
      this.hello(frame);
      return;
    }
    switch (frame.type) {
      case 'launch':
        this.launch(frame.setup);
        return;
      case 'send':
        this.ranks.get(frame.workerId)?.rank.send(frame.message);
        return;
      case 'terminate':
        void this.ranks.get(frame.workerId)?.rank.terminate();
        return;
      default:
        throw new AgentProtocolError(`unknown frame type ${JSON.stringify((frame as { type: unknown }).type)}`);
    }
  }

  private hello(frame: Extract<DriverFrame, { type: 'hello' }>): void {
    clearTimeout(this.helloTimer);
    if (frame.version !== AGENT_PROTOCOL_VERSION) {
      this.refuse(`the driver speaks protocol version ${String(frame.version)}, this agent ${AGENT_PROTOCOL_VERSION}: run the same vigil version on both`);
      return;
    }
    const expected = this.options.token;
    if (expected !== undefined) {
      if (typeof frame.token !== 'string' || frame.token === '') {
        this.refuse('this agent requires a token and the driver presented none (give the driver --agent-token-file)');
        return;
      }
      if (!tokensMatch(frame.token, expected)) {
        this.refuse('the token the driver presented is not the agent\'s token (check --agent-token-file)');
        return;
      }
    }
    const requested = typeof frame.host === 'string' && frame.host !== '' ? frame.host : undefined;
    this.advertise = this.options.advertise ?? (isWildcard(this.options.host) ? (requested ?? plainAddress(this.socket.localAddress) ?? this.options.host) : this.options.host);
    this.reader.limitBytes = this.maxFrameBytes;
    this.log(`driver ${this.peer}: connected; its ranks are advertised at ${this.advertise}`);
    this.send({ type: 'welcome', version: AGENT_PROTOCOL_VERSION, advertise: this.advertise });
  }

  private launch(setup: RankSetup): void {
    const workerId = (setup as { workerId?: unknown } | undefined)?.workerId;
    if (typeof setup !== 'object' || setup === null || !Number.isInteger(workerId)) throw new AgentProtocolError('malformed launch: no setup with an integer workerId');
    const id = workerId as number;
    if (this.ranks.has(id)) throw new AgentProtocolError(`malformed launch: worker ${id} is already running`);
    const advertise = this.advertise!;
    let resolveExited!: () => void;
    const exited = new Promise<void>((resolve) => (resolveExited = resolve));
    const rank = forkRank(
      setup,
      {
        message: (message) => {
          // The rank listens on the agent's interface; other hosts reach it at the advertised host.
          this.send({ type: 'message', workerId: id, message: message.type === 'endpoint' ? { type: 'endpoint', address: { host: advertise, port: message.address.port } } : message });
        },
        exit: (code, error) => {
          this.ranks.delete(id);
          this.send({ type: 'exit', workerId: id, code, ...(error === undefined ? {} : { error: error.message }) });
          resolveExited();
        },
      },
      { bindHost: this.options.host },
    );
    this.ranks.set(id, { rank, exited });
    this.log(`driver ${this.peer}: started worker ${id} (pid ${rank.pid ?? '?'})`);
  }
}
