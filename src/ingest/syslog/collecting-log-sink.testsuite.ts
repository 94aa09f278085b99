import type { LogRecord, Rejection } from '../../model/index.js';
import type { LogSink } from '../log-sink.js';

interface HeldWrite {
  readonly count: number;
  readonly resolve: () => void;
}

/**
 * A LogSink for listener tests: keeps every record and rejection it is handed, by source. In `hold`
 * mode each write's promise waits for release(), as a store that is behind would; in `fail` mode every
 * write rejects, as a closed store would.
 */
export class CollectingLogSink implements LogSink {
  readonly records: LogRecord[] = [];
  readonly rejections: Rejection[] = [];
  readonly sources = new Set<string>();
  writeCalls = 0;
  heldRecords = 0;
  maxHeldRecords = 0;
  private held: HeldWrite[] = [];

  constructor(private mode: 'durable' | 'hold' | 'fail' = 'durable') {}

  write(records: readonly LogRecord[], source: string): Promise<void> {
    this.writeCalls++;
    this.sources.add(source);
    if (this.mode === 'fail') return Promise.reject(new Error('cannot write log records: the store is closed'));
    this.records.push(...records);
    if (this.mode === 'durable') return Promise.resolve();
    this.heldRecords += records.length;
    this.maxHeldRecords = Math.max(this.maxHeldRecords, this.heldRecords);
    return new Promise((resolve) => this.held.push({ count: records.length, resolve }));
  }

  reject(rejections: readonly Rejection[], source: string): void {
    this.sources.add(source);
    this.rejections.push(...rejections);
  }

  /** Settles every held write. */
  release(): void {
    const held = this.held;
    this.held = [];
    for (const write of held) {
      this.heldRecords -= write.count;
      write.resolve();
    }
  }

  /** Settles every held write, and makes later ones durable at once. */
  stopHolding(): void {
    if (this.mode === 'hold') this.mode = 'durable';
    this.release();
  }

  messages(): string[] {
    return this.records.map((r) => r.message);
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
