/** A service that starts and stops. Both calls are idempotent: a second start or stop is a no-op. */
export interface Lifecycle {
  start(): Promise<void>;
  stop(): Promise<void>;
}
