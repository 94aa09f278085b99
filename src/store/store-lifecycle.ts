type State = 'new' | 'starting' | 'running' | 'stopping' | 'stopped';

/**
 * The start/stop states of a store. start() opens it; a failed start may be tried again, but a stopped
 * store cannot start: start() after stop() rejects with `cannot start <name>: it has been stopped`.
 * stop() waits for a start in progress, then drains and closes the store if it was opened. Both give
 * every caller the same promise.
 */
export class StoreLifecycle {
  private state: State = 'new';
  private starting: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private opened = false;

  constructor(
    private readonly name: string,
    private readonly open: () => Promise<void>,
    private readonly drainAndClose: () => Promise<void>,
  ) {}

  /** Whether the store takes work: started, and stop() not called. */
  get running(): boolean {
    return this.state === 'running';
  }

  /** Why a store that is not running refuses work, for error messages: "not started" or "stopped". */
  get notRunningWord(): string {
    return this.state === 'new' || this.state === 'starting' ? 'not started' : 'stopped';
  }

  start(): Promise<void> {
    if (this.state === 'stopping' || this.state === 'stopped') return Promise.reject(new Error(`cannot start ${this.name}: it has been stopped`));
    this.starting ??= this.runStart();
    return this.starting;
  }

  stop(): Promise<void> {
    this.stopping ??= this.runStop();
    return this.stopping;
  }

  private async runStart(): Promise<void> {
    this.state = 'starting';
    try {
      await this.open();
    } catch (error) {
      this.state = 'new';
      this.starting = undefined;
      throw error;
    }
    this.opened = true;
    if (this.stopping === undefined) this.state = 'running';
  }

  private async runStop(): Promise<void> {
    if (this.starting !== undefined) await this.starting.catch(() => undefined);
    if (!this.opened) {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopping';
    await this.drainAndClose();
    this.state = 'stopped';
  }
}
