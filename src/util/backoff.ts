export interface BackoffOptions {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly multiplier: number;
  /** Fraction of the delay randomised away (0 = none), so that many retries do not synchronise. */
  readonly jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialDelayMs: 500, maxDelayMs: 30_000, multiplier: 2, jitter: 0.2 };

/** Delay before retry number `attempt` (0-based) with exponential growth, a cap and jitter. */
export function backoffDelayMs(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const base = Math.min(options.maxDelayMs, options.initialDelayMs * options.multiplier ** attempt);
  return Math.round(base * (1 - options.jitter * random()));
}
