import type { Socket } from 'node:net';
import { PendingCount } from './pending-count.js';

/** What a protocol does with one connection's bytes. */
export interface StreamReader {
  /** One read, or null once the sender has closed its side (what is left is its unterminated end). */
  read(chunk: Buffer | null): void;
}

/**
 * One streaming sender's TCP connection: its reads go to the protocol's reader, which hands what it
 * parsed to the sink and has each write tracked here. Beyond maxPending items not settled yet the socket
 * is paused, so the kernel's receive window, not our memory, absorbs a sender faster than the sink.
 */
export class SenderConnection {
  private readonly pendingItems = new PendingCount();
  private pausedReading = false;
  private closed = false;
  private graceTimer: NodeJS.Timeout | null = null;
  private readonly whenFinished: Promise<void>;

  constructor(
    readonly socket: Socket,
    private readonly maxPending: number,
    onClose: () => void,
  ) {
    let closed: () => void = () => {};
    this.whenFinished = new Promise<void>((resolve) => (closed = resolve)).then(() => this.pendingItems.drained());
    socket.setKeepAlive(true);
    // A reset or timeout ends the connection; 'close' follows and does the bookkeeping.
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      if (this.graceTimer !== null) clearTimeout(this.graceTimer);
      onClose();
      closed();
    });
  }

  /** Items handed to the sink whose write has not settled yet. */
  get pending(): number {
    return this.pendingItems.value;
  }

  /** Whether reading is paused until the sink catches up. */
  get paused(): boolean {
    return this.pausedReading;
  }

  /** Hands every read to `reader`, and null once the sender has closed its side. */
  readWith(reader: StreamReader): void {
    this.socket.on('data', (chunk: Buffer) => reader.read(chunk));
    this.socket.on('end', () => reader.read(null));
  }

  /**
   * Counts `count` items until `written` settles, pausing reads while too many are pending. A write
   * that rejects cuts the connection (after `onFailure`): closing it is the only signal a sender gets.
   */
  track(count: number, written: Promise<void>, onFailure: () => void = () => {}): void {
    this.pendingItems.add(count);
    if (this.pendingItems.value > this.maxPending && !this.pausedReading) {
      this.pausedReading = true;
      this.socket.pause();
    }
    written.then(
      () => this.settle(count),
      () => {
        onFailure();
        this.socket.destroy();
        this.settle(count);
      },
    );
  }

  /**
   * Asks the sender to finish: our side of the connection is closed, and what it still sends until it
   * closes its side (at most graceMs) is read and written; then the connection is cut.
   */
  shutdown(graceMs: number): void {
    if (this.closed || this.graceTimer !== null) return;
    this.socket.end();
    this.graceTimer = setTimeout(() => this.socket.destroy(), graceMs);
  }

  /** Resolves once the socket is closed and every tracked write has settled. */
  finished(): Promise<void> {
    return this.whenFinished;
  }

  private settle(count: number): void {
    this.pendingItems.settle(count);
    if (this.pausedReading && this.pendingItems.value <= this.maxPending) {
      this.pausedReading = false;
      this.socket.resume();
    }
  }
}
