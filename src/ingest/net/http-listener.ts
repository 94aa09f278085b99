import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Lifecycle } from '../../util/index.js';
import { OnceLifecycle } from '../../util/index.js';
import { listenOn, listeningAddress } from './listen.js';
import { PendingCount } from './pending-count.js';

/** How long stop() lets requests in progress finish, unless options say otherwise. */
const DEFAULT_STOP_GRACE_MS = 2_000;

export interface HttpListenerOptions {
  /** Names the listener in errors and logs: `hec` gives "cannot listen for hec on ..." and "hec listener error". */
  readonly protocol: string;
  readonly host: string;
  /** 0 picks a free port; address() tells which. */
  readonly port: number;
  /** How long stop() lets requests in progress finish before cutting their connections. */
  readonly stopGraceMs?: number;
  /** Errors of the listening socket after start (an accept failing for lack of file descriptors). */
  readonly onError?: (error: Error) => void;
}

/**
 * A node:http listener for protocols whose every answer, errors included, is their own (HEC, OTLP/HTTP),
 * with the count of items handed to the sink and not yet settled. stop() stops accepting, closes idle
 * connections, lets requests in progress finish (up to stopGraceMs, then cuts their connections), and
 * resolves once every write has settled.
 */
export abstract class HttpListener implements Lifecycle {
  /** Items handed to the sink whose write has not settled; stop() waits for them. */
  protected readonly inFlight = new PendingCount();
  private server: Server | null = null;
  private readonly lifecycle: OnceLifecycle;

  protected constructor(private readonly httpOptions: HttpListenerOptions) {
    this.lifecycle = new OnceLifecycle(`${httpOptions.protocol} listener`, () => this.listen(), () => this.close());
  }

  /** The bound address; its port is the real one when the port asked for was 0. */
  address(): AddressInfo {
    return listeningAddress(this.server, this.httpOptions.protocol);
  }

  start(): Promise<void> {
    return this.lifecycle.start();
  }

  /** Stops accepting, lets requests in progress finish (up to stopGraceMs), and waits for every sink write to settle. */
  stop(): Promise<void> {
    return this.lifecycle.stop();
  }

  /** Whether stop() has been called. */
  protected get stopRequested(): boolean {
    return this.lifecycle.stopRequested;
  }

  /** Answers one request. */
  protected abstract handle(request: IncomingMessage, response: ServerResponse): Promise<void>;

  /** handle() threw: log it, and answer with the protocol's internal error while the response is not started. */
  protected abstract handleFailed(request: IncomingMessage, response: ServerResponse, error: unknown): void;

  /** Runs once the server listens, address() known. */
  protected listening(): void {}

  private async listen(): Promise<void> {
    const { protocol, host, port } = this.httpOptions;
    const server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => this.handleFailed(request, response, error));
    });
    await listenOn(server, host, port, protocol);
    server.on('error', (error) => this.httpOptions.onError?.(error));
    this.server = server;
    this.listening();
  }

  private async close(): Promise<void> {
    if (!(await this.lifecycle.waitForStart())) return;
    const server = this.server!;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const grace = setTimeout(() => server.closeAllConnections(), this.httpOptions.stopGraceMs ?? DEFAULT_STOP_GRACE_MS);
    await closed;
    clearTimeout(grace);
    await this.inFlight.drained();
  }
}
