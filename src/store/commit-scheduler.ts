export interface CommitSchedulerHooks {
  /** Queued work is committed at least this often. */
  readonly intervalMs: number;
  /** Runs one group commit; never rejects. */
  commit(): Promise<void>;
  /** Whether the store is running: only then is the timer armed, and work left after a commit scheduled. */
  running(): boolean;
  /** What is queued after a commit: nothing, some (commit on the timer), or enough to commit at once. */
  queued(): 'none' | 'some' | 'enough';
  /** Runs right after each commit, before the next is scheduled (admitting appends that waited for room). */
  committed?(): void;
}

/**
 * When a store's group commit runs: at once when asked (or right after the one in flight, never two at
 * a time), or `intervalMs` after work was queued. The timer stays referenced: the process must not
 * exit before queued work is durable.
 */
export class CommitScheduler {
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> | undefined;
  private due = false;

  constructor(private readonly hooks: CommitSchedulerHooks) {}

  /** The commit running now, if one is. */
  get inFlight(): Promise<void> | undefined {
    return this.current;
  }

  /** Commits after the interval, unless the timer is armed already or the store is not running. */
  arm(): void {
    if (this.timer !== undefined || !this.hooks.running()) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.request();
    }, this.hooks.intervalMs);
  }

  disarm(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Starts a commit now, or marks one as due right after the one in flight. */
  request(): void {
    if (this.current !== undefined) {
      this.due = true;
      return;
    }
    this.due = false;
    this.disarm();
    this.current = this.hooks.commit().then(() => {
      this.current = undefined;
      this.hooks.committed?.();
      // `committed` may itself have started the next commit.
      if (this.current !== undefined || !this.hooks.running()) return;
      const queued = this.hooks.queued();
      if (queued === 'none') return;
      if (this.due || queued === 'enough') this.request();
      else this.arm();
    });
  }
}
