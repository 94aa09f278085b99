/** Source of the current time, injectable so that tests control it. */
export interface Clock {
  nowMs(): number;
}

export const systemClock: Clock = { nowMs: () => Date.now() };

/**
 * Unix ms with sub-ms precision, comparable across worker threads and processes on one host: timelines of ranks in
 * different threads or processes line up on it, which performance.now() alone (per-thread origin) would not.
 */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}
