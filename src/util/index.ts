export type { Lifecycle } from './lifecycle.js';
export type { Clock } from './clock.js';
export { systemClock } from './clock.js';
export type { BackoffOptions } from './backoff.js';
export { backoffDelayMs, DEFAULT_BACKOFF } from './backoff.js';
export { BoundedQueue } from './bounded-queue.js';
export { globToRegExp } from './glob.js';
export { OnceLifecycle } from './once-lifecycle.js';
export { ChangeSignal } from './change-signal.js';
