import { connect, type Socket } from 'node:net';
import type { BackoffOptions, Lifecycle } from '../util/index.js';
import { backoffDelayMs, ChangeSignal, DEFAULT_BACKOFF } from '../util/index.js';

export interface GraphiteFeederOptions {
  readonly host: string;
  readonly port: number;
  /** Text written is coalesced into socket writes of about this size. */
  readonly batchBytes?: number;
  /** Bytes held in memory (not yet handed to the kernel) beyond which `write` waits: back-pressure. */
  readonly maxQueuedBytes?: number;
  readonly connectTimeoutMs?: number;
  /** How long `stop` lets queued data drain to a slow reader before it closes the socket anyway. */
  readonly stopTimeoutMs?: number;
  readonly backoff?: BackoffOptions;
  readonly random?: () => number;
  readonly onConnect?: () => void;
  /** A connection attempt failed or a connection dropped; the next attempt follows after `retryInMs`. */
  readonly onConnectError?: (event: { error: Error; attempt: number; retryInMs: number }) => void;
}

export interface GraphiteFeederStats {
  /** Points whose lines were handed to the kernel. */
  readonly pointsSent: number;
  /** Points written but not handed to the kernel yet. */
  readonly pointsQueued: number;
  readonly queuedBytes: number;
  readonly connected: boolean;
  /** Connections established so far (more than one means it reconnected). */
  readonly connections: number;
  readonly connectFailures: number;
}

interface Batch {
  readonly text: string;
  readonly points: number;
  readonly bytes: number;
}

const DEFAULTS = { batchBytes: 64 * 1024, maxQueuedBytes: 4 * 1024 * 1024, connectTimeoutMs: 5_000, stopTimeoutMs: 5_000 };

/**
 * Sends Graphite plaintext lines over TCP to one endpoint.
 *
 * - `write` queues text; it waits while more than `maxQueuedBytes` are held, so a fast producer is slowed to
 *   the speed of the socket, which in turn is driven by `socket.write`'s return value and `'drain'`.
 * - Until the endpoint accepts a connection, and after it drops one, the feeder retries with exponential
 *   backoff. A batch whose write fails is sent again on the next connection. Batches already handed to the
 *   kernel when a connection drops may be lost: plaintext Graphite has no acknowledgement.
 * - `flush` waits until everything written has been handed to the kernel; `stop` closes the connection after
 *   letting handed-over data drain (bounded by `stopTimeoutMs`) and drops what was never sent.
 */
export class GraphiteFeeder implements Lifecycle {
  private readonly options: GraphiteFeederOptions;
  private readonly batchBytes: number;
  private readonly maxQueuedBytes: number;
  private readonly changed = new ChangeSignal();
  private pendingParts: string[] = [];
  private pendingBytes = 0;
  private pendingPoints = 0;
  /** Sealed batches, oldest first. */
  private readonly ready: Batch[] = [];
  /** Batches given to the socket whose write callback has not reported success yet. */
  private readonly inFlight: Batch[] = [];
  private queuedBytesTotal = 0;
  private queuedPointsTotal = 0;
  private pointsSentTotal = 0;
  private connectionsTotal = 0;
  private connectFailuresTotal = 0;
  private socket: Socket | null = null;
  private connecting: Socket | null = null;
  private stopping = false;
  private running: Promise<void> | null = null;
  private stopped: Promise<void> | null = null;
  /** Ends a backoff sleep early when the feeder stops. */
  private wakeSleeper: (() => void) | null = null;

  constructor(options: GraphiteFeederOptions) {
    if (!Number.isInteger(options.port) || options.port <= 0 || options.port > 65535) {
      throw new Error(`cannot create graphite feeder: port must be an integer in 1..65535, got ${options.port}`);
    }
    this.options = options;
    this.batchBytes = positive(options.batchBytes ?? DEFAULTS.batchBytes, 'batchBytes');
    this.maxQueuedBytes = positive(options.maxQueuedBytes ?? DEFAULTS.maxQueuedBytes, 'maxQueuedBytes');
  }

  get pointsSent(): number {
    return this.pointsSentTotal;
  }

  stats(): GraphiteFeederStats {
    return {
      pointsSent: this.pointsSentTotal,
      pointsQueued: this.queuedPointsTotal,
      queuedBytes: this.queuedBytesTotal,
      connected: this.socket !== null,
      connections: this.connectionsTotal,
      connectFailures: this.connectFailuresTotal,
    };
  }

  /** Starts connecting in the background; resolves at once. */
  async start(): Promise<void> {
    if (this.running !== null || this.stopping) return;
    this.running = this.run();
  }

  /**
   * Queues `text` (whole lines, `pointCount` of them) and resolves once the queue is below its bound again.
   * Rejects when the feeder is stopped before that.
   */
  async write(text: string, pointCount: number): Promise<void> {
    if (this.stopping) throw new Error('cannot write to graphite feeder: it is stopped');
    if (text.length === 0) return;
    const bytes = Buffer.byteLength(text);
    this.pendingParts.push(text);
    this.pendingBytes += bytes;
    this.pendingPoints += pointCount;
    this.queuedBytesTotal += bytes;
    this.queuedPointsTotal += pointCount;
    if (this.pendingBytes >= this.batchBytes) this.seal();
    this.changed.notify();
    while (this.queuedBytesTotal > this.maxQueuedBytes) {
      if (this.stopping) throw new Error(`cannot write to graphite feeder: stopped with ${this.queuedPointsTotal} points unsent`);
      await this.changed.wait();
    }
  }

  /** Resolves when everything written so far has been handed to the kernel; rejects if stopped first. */
  async flush(): Promise<void> {
    this.seal();
    this.changed.notify();
    while (this.queuedPointsTotal > 0 || this.queuedBytesTotal > 0) {
      if (this.stopping) throw new Error(`cannot flush graphite feeder: stopped with ${this.queuedPointsTotal} points unsent`);
      await this.changed.wait();
    }
  }

  stop(): Promise<void> {
    if (this.stopped === null) {
      this.stopping = true;
      this.connecting?.destroy();
      this.wakeSleeper?.();
      this.changed.notify();
      this.stopped = this.running ?? Promise.resolve();
    }
    return this.stopped;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      let socket: Socket;
      try {
        socket = await this.connectOnce();
      } catch (error) {
        if (this.stopping) break;
        this.connectFailuresTotal++;
        await this.retryAfter(error, ++failures);
        continue;
      }
      this.socket = socket;
      this.connectionsTotal++;
      this.options.onConnect?.();
      const sentBefore = this.pointsSentTotal;
      const closedBy = await this.pump(socket);
      this.socket = null;
      if (this.stopping) break;
      // A connection that sent nothing before dropping counts as a failure, so a server that accepts and
      // closes at once is not hammered.
      failures = this.pointsSentTotal > sentBefore ? 1 : failures + 1;
      await this.retryAfter(closedBy, failures);
    }
  }

  private async retryAfter(error: unknown, attempt: number): Promise<void> {
    const retryInMs = backoffDelayMs(attempt - 1, this.options.backoff ?? DEFAULT_BACKOFF, this.options.random);
    const cause = error instanceof Error ? error : new Error(String(error));
    this.options.onConnectError?.({ error: cause, attempt, retryInMs });
    await this.sleep(retryInMs);
  }

  private connectOnce(): Promise<Socket> {
    const { host, port } = this.options;
    const timeoutMs = this.options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs;
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      this.connecting = socket;
      const timer = setTimeout(() => socket.destroy(new Error(`cannot connect to ${host}:${port}: no answer after ${timeoutMs} ms`)), timeoutMs);
      const fail = (error: Error): void => {
        clearTimeout(timer);
        this.connecting = null;
        socket.destroy();
        reject(error);
      };
      socket.once('error', fail);
      socket.once('close', () => fail(new Error(`cannot connect to ${host}:${port}: closed while connecting`)));
      socket.once('connect', () => {
        clearTimeout(timer);
        this.connecting = null;
        socket.removeAllListeners('error');
        socket.removeAllListeners('close');
        resolve(socket);
      });
    });
  }

  /** Writes batches to `socket` until it closes (resolving with why) or the feeder stops. */
  private async pump(socket: Socket): Promise<Error> {
    let closed = false;
    let lastError: Error | null = null;
    let needDrain = false;
    socket.on('error', (error) => {
      lastError = error;
    });
    socket.on('close', () => {
      closed = true;
      // Whatever the socket did not confirm goes out again on the next connection.
      this.ready.unshift(...this.inFlight);
      this.inFlight.length = 0;
      this.changed.notify();
    });
    socket.on('drain', () => {
      needDrain = false;
      this.changed.notify();
    });
    // Graphite never answers, but reading is how the end of the connection is noticed.
    socket.resume();

    while (!closed && !this.stopping) {
      if (needDrain) {
        await this.changed.wait();
        continue;
      }
      const batch = this.ready.shift() ?? this.sealAndTake();
      if (batch === undefined) {
        await this.changed.wait();
        continue;
      }
      this.inFlight.push(batch);
      needDrain = !socket.write(batch.text, (error) => {
        if (error === undefined || error === null) this.onWritten(batch);
      });
    }
    if (!closed) await this.closeGracefully(socket);
    return lastError ?? new Error(`cannot send to ${this.options.host}:${this.options.port}: connection closed by the server`);
  }

  private onWritten(batch: Batch): void {
    let i = this.inFlight.indexOf(batch);
    if (i >= 0) {
      this.inFlight.splice(i, 1);
    } else {
      // Confirmed after the close handler had put it back for resending: it was sent after all.
      i = this.ready.indexOf(batch);
      if (i < 0) return;
      this.ready.splice(i, 1);
    }
    this.pointsSentTotal += batch.points;
    this.queuedPointsTotal -= batch.points;
    this.queuedBytesTotal -= batch.bytes;
    this.changed.notify();
  }

  private closeGracefully(socket: Socket): Promise<void> {
    const timeoutMs = this.options.stopTimeoutMs ?? DEFAULTS.stopTimeoutMs;
    return new Promise((resolve) => {
      if (socket.destroyed) {
        resolve();
        return;
      }
      const timer = setTimeout(() => socket.destroy(), timeoutMs);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      // 'finish': every byte is with the kernel, which delivers it after close; no need to wait for the peer.
      socket.end(() => socket.destroy());
    });
  }

  private seal(): void {
    if (this.pendingParts.length === 0) return;
    const text = this.pendingParts.length === 1 ? this.pendingParts[0] : this.pendingParts.join('');
    this.ready.push({ text, points: this.pendingPoints, bytes: this.pendingBytes });
    this.pendingParts = [];
    this.pendingBytes = 0;
    this.pendingPoints = 0;
  }

  /** An idle socket takes what is pending at once rather than waiting for a full batch. */
  private sealAndTake(): Batch | undefined {
    this.seal();
    return this.ready.shift();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeSleeper = null;
        resolve();
      }, ms);
      this.wakeSleeper = () => {
        clearTimeout(timer);
        this.wakeSleeper = null;
        resolve();
      };
    });
  }
}

function positive(value: number, field: string): number {
  if (!Number.isInteger(value) || value <= 0) throw new Error(`cannot create graphite feeder: ${field} must be a positive integer, got ${value}`);
  return value;
}
