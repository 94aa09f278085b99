import type { LogRecord, Rejection } from '../model/index.js';
import type { LogSink } from './log-sink.js';

interface HeldWrite {
  readonly records: readonly LogRecord[];
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * An in-memory LogSink for listener tests. In `durable` mode a write keeps its records and resolves at
 * once. In `hold` mode each write waits until release() (its records are kept and it resolves) or
 * failHeld() (it rejects and nothing is kept), as a store that is behind would, so a test decides exactly
 * when records become durable. In `fail` mode every write rejects, as a closed store would.
 */
export class CollectingLogSink implements LogSink {
  /** Records of the writes that resolved, in order. */
  readonly records: LogRecord[] = [];
  readonly rejections: Rejection[] = [];
  /** The `source` of every write and rejection, in order. */
  readonly sources: string[] = [];
  writeCalls = 0;
  /** Records of the writes waiting now. */
  heldRecords = 0;
  /** The most records that were ever waiting at once. */
  maxHeldRecords = 0;
  private held: HeldWrite[] = [];
  private readonly waiters: { count: number; resolve: () => void }[] = [];

  constructor(private mode: 'durable' | 'hold' | 'fail' = 'durable') {}

  /** Writes from now on wait for release() or failHeld(). */
  hold(): void {
    this.mode = 'hold';
  }

  /** Writes waiting for release() or failHeld(). */
  get heldWrites(): number {
    return this.held.length;
  }

  /** Resolves once at least `count` writes are waiting. */
  whenHeld(count: number): Promise<void> {
    if (this.held.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  /** Completes every waiting write; later writes are held still. */
  release(): void {
    for (const write of this.takeHeld()) {
      this.records.push(...write.records);
      write.resolve();
    }
  }

  /** Completes every waiting write, and makes later ones durable at once. */
  stopHolding(): void {
    if (this.mode === 'hold') this.mode = 'durable';
    this.release();
  }

  /** Rejects every waiting write; later writes are held still. */
  failHeld(message = 'cannot store records: disk full'): void {
    for (const write of this.takeHeld()) write.reject(new Error(message));
  }

  write(records: readonly LogRecord[], source: string): Promise<void> {
    this.writeCalls++;
    this.sources.push(source);
    if (this.mode === 'fail') return Promise.reject(new Error('cannot write log records: the store is closed'));
    if (this.mode === 'durable') {
      this.records.push(...records);
      return Promise.resolve();
    }
    this.heldRecords += records.length;
    this.maxHeldRecords = Math.max(this.maxHeldRecords, this.heldRecords);
    return new Promise((resolve, reject) => {
      this.held.push({ records, resolve, reject });
      for (let i = this.waiters.length - 1; i >= 0; i--) {
        if (this.held.length >= this.waiters[i]!.count) this.waiters.splice(i, 1)[0]!.resolve();
      }
    });
  }

  reject(rejections: readonly Rejection[], source: string): void {
    this.sources.push(source);
    this.rejections.push(...rejections);
  }

  messages(): string[] {
    return this.records.map((r) => r.message);
  }

  private takeHeld(): HeldWrite[] {
    const held = this.held;
    this.held = [];
    for (const write of held) this.heldRecords -= write.records.length;
    return held;
  }
}

/** Polls `check` until it holds; generous by default, since CI machines are slow and busy. */
export async function eventually(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
