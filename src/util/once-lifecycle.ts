import type { Lifecycle } from './lifecycle.js';

/**
 * The start/stop gate of a service that runs once: start() and stop() each run their work at most once
 * and give every caller the same promise. A stopped service cannot start again, so start() after stop()
 * rejects with `cannot start <name>: it was stopped`.
 */
export class OnceLifecycle implements Lifecycle {
  private starting: Promise<void> | null = null;
  private stopping: Promise<void> | null = null;

  constructor(
    private readonly name: string,
    private readonly startOnce: () => Promise<void>,
    private readonly stopOnce: () => Promise<void>,
  ) {}

  /** Whether stop() has been called. */
  get stopRequested(): boolean {
    return this.stopping !== null;
  }

  start(): Promise<void> {
    if (this.stopping !== null) return Promise.reject(new Error(`cannot start ${this.name}: it was stopped`));
    this.starting ??= this.startOnce();
    return this.starting;
  }

  stop(): Promise<void> {
    this.stopping ??= this.stopOnce();
    return this.stopping;
  }

  /** Waits for the start, if one was asked for: true when it succeeded, false when it failed or start() was never called. */
  async waitForStart(): Promise<boolean> {
    if (this.starting === null) return false;
    try {
      await this.starting;
      return true;
    } catch {
      return false;
    }
  }
}
