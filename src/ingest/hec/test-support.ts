import type { LogRecord, Rejection } from '../../model/index.js';
import type { LogSink } from '../log-sink.js';

interface HeldWrite {
  readonly records: readonly LogRecord[];
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * An in-memory LogSink that keeps what it is given. Writes complete at once, unless the sink is held:
 * then each waits until release() (its records are kept and the write resolves) or fail() (the write
 * rejects and nothing is kept), so a test decides exactly when records become "durable".
 */
export class CollectingLogSink implements LogSink {
  readonly records: LogRecord[] = [];
  readonly rejections: Rejection[] = [];
  /** The `source` of every write and rejection, in order. */
  readonly sources: string[] = [];
  private held = false;
  private readonly waiting: HeldWrite[] = [];
  private readonly waiters: { count: number; resolve: () => void }[] = [];

  /** Writes from now on wait for release() or fail(). */
  hold(): void {
    this.held = true;
  }

  /** Writes waiting for release() or fail(). */
  get heldWrites(): number {
    return this.waiting.length;
  }

  /** Resolves once at least `count` writes are waiting. */
  whenHeld(count: number): Promise<void> {
    if (this.waiting.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  /** Completes every waiting write and stops holding new ones. */
  release(): void {
    this.held = false;
    for (const write of this.waiting.splice(0)) {
      this.records.push(...write.records);
      write.resolve();
    }
  }

  /** Rejects every waiting write; new writes stay held. */
  fail(message = 'cannot store records: disk full'): void {
    for (const write of this.waiting.splice(0)) write.reject(new Error(message));
  }

  write(records: readonly LogRecord[], source: string): Promise<void> {
    this.sources.push(source);
    if (!this.held) {
      this.records.push(...records);
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      this.waiting.push({ records, resolve, reject });
      for (let i = this.waiters.length - 1; i >= 0; i--) {
        if (this.waiting.length >= this.waiters[i]!.count) this.waiters.splice(i, 1)[0]!.resolve();
      }
    });
  }

  reject(rejections: readonly Rejection[], source: string): void {
    this.sources.push(source);
    this.rejections.push(...rejections);
  }
}
