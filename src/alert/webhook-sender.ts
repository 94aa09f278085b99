import { setTimeout as sleep } from 'node:timers/promises';
import type { WebhookConfig } from '../config/index.js';
import type { BackoffOptions, Clock } from '../util/index.js';
import { BoundedQueue, backoffDelayMs, systemClock } from '../util/index.js';
import { retryAfterMs } from './retry-after.js';
import type { AlertNotification, Sender, SenderStats } from './sender.js';

/** The part of a pino logger a sender uses. */
export interface WarnLogger {
  warn(obj: object, msg: string): void;
}

export interface WebhookSenderOptions {
  readonly clock?: Clock;
  /** Source of backoff jitter in [0, 1). */
  readonly random?: () => number;
  readonly logger?: WarnLogger;
  /** How long `stop()` waits for queued notifications to be delivered before dropping them. */
  readonly drainGraceMs?: number;
}

export const DEFAULT_DRAIN_GRACE_MS = 5_000;
const USER_AGENT = 'vigil';
const BACKOFF_MULTIPLIER = 2;
const BACKOFF_JITTER = 0.2;

type State = 'new' | 'running' | 'stopped';

/** What one HTTP attempt came to. */
type Attempt =
  | { readonly outcome: 'sent' }
  | { readonly outcome: 'permanent'; readonly reason: string; readonly status: number }
  | { readonly outcome: 'retry'; readonly reason: string; readonly status: number | null; readonly delayMs: number | null }
  | { readonly outcome: 'aborted' };

/**
 * Posts each notification as JSON to one configured URL, one delivery at a time and in order.
 * Network errors, timeouts, 408, 429 and 5xx are retried with exponential backoff (or the server's
 * Retry-After on 429/503, capped by maxBackoffMs); other 4xx and redirects fail at once. Redirects are
 * not followed because alerts may only go to configured destinations. Notifications sent before
 * `start()` wait in the queue. Header values and the URL path are never logged: they may hold tokens.
 */
export class WebhookSender implements Sender {
  readonly name: string;
  private readonly config: WebhookConfig;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly logger: WarnLogger | null;
  private readonly drainGraceMs: number;
  private readonly headers: Headers;
  private readonly destination: string;
  private readonly backoff: BackoffOptions;
  private readonly queue: BoundedQueue<AlertNotification>;
  /** Aborts the in-flight request and backoff sleep once the drain grace has passed. */
  private readonly shutdown = new AbortController();
  private state: State = 'new';
  private delivering = false;
  private idle: Promise<void> = Promise.resolve();
  private stopping: Promise<void> | null = null;
  private lastSendDropped = false;
  private sent = 0;
  private failed = 0;
  private retries = 0;
  private dropped = 0;

  constructor(config: WebhookConfig, options: WebhookSenderOptions = {}) {
    this.name = config.name;
    this.config = config;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.logger = options.logger ?? null;
    this.drainGraceMs = options.drainGraceMs ?? DEFAULT_DRAIN_GRACE_MS;
    this.destination = new URL(config.url).origin;
    this.headers = buildHeaders(config);
    this.backoff = {
      initialDelayMs: config.initialBackoffMs,
      maxDelayMs: config.maxBackoffMs,
      multiplier: BACKOFF_MULTIPLIER,
      jitter: BACKOFF_JITTER,
    };
    this.queue = new BoundedQueue<AlertNotification>(config.queueSize);
  }

  send(notification: AlertNotification): boolean {
    if (this.state === 'stopped' || !this.queue.push(notification)) {
      this.dropped++;
      if (!this.lastSendDropped) {
        this.logger?.warn(
          { webhook: this.name, stopped: this.state === 'stopped', queueSize: this.config.queueSize },
          'cannot queue alert notification: dropping it (and counting later drops silently until one is queued)',
        );
      }
      this.lastSendDropped = true;
      return false;
    }
    this.lastSendDropped = false;
    this.kick();
    return true;
  }

  stats(): SenderStats {
    return {
      sent: this.sent,
      failed: this.failed,
      retries: this.retries,
      dropped: this.dropped,
      queued: this.queue.length + (this.delivering ? 1 : 0),
    };
  }

  async start(): Promise<void> {
    if (this.state === 'running') return;
    if (this.state === 'stopped') throw new Error(`cannot start webhook sender ${this.name}: it has been stopped`);
    this.state = 'running';
    this.kick();
  }

  /** Refuses new notifications, waits up to the drain grace for the queue to empty, then drops the rest. */
  stop(): Promise<void> {
    this.stopping ??= this.drain();
    return this.stopping;
  }

  private async drain(): Promise<void> {
    const wasRunning = this.state === 'running';
    this.state = 'stopped';
    if (wasRunning && this.delivering) {
      let graceTimer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<'grace'>((resolve) => {
        graceTimer = setTimeout(() => resolve('grace'), this.drainGraceMs);
      });
      const outcome = await Promise.race([this.idle.then(() => 'drained' as const), graceOver]);
      clearTimeout(graceTimer);
      if (outcome === 'grace') {
        this.shutdown.abort();
        await this.idle;
      }
    }
    const remaining = this.queue.length;
    if (remaining > 0) {
      this.dropped += remaining;
      while (this.queue.shift() !== undefined);
      this.logger?.warn({ webhook: this.name, dropped: remaining }, 'cannot deliver queued alert notifications: sender stopped');
    }
  }

  private kick(): void {
    if (this.delivering || this.state !== 'running' || this.queue.length === 0) return;
    this.delivering = true;
    this.idle = this.pump();
  }

  /** Delivers queued notifications one after another; never rejects. */
  private async pump(): Promise<void> {
    try {
      while (!this.shutdown.signal.aborted) {
        const notification = this.queue.shift();
        if (notification === undefined) return;
        await this.deliver(notification);
      }
    } finally {
      this.delivering = false;
    }
  }

  private async deliver(notification: AlertNotification): Promise<void> {
    const body = JSON.stringify(notification);
    for (let attempt = 0; ; attempt++) {
      const result = await this.attempt(body);
      if (result.outcome === 'sent') {
        this.sent++;
        return;
      }
      if (result.outcome === 'aborted') {
        this.dropped++;
        return;
      }
      if (result.outcome === 'permanent' || attempt >= this.config.maxRetries) {
        this.failed++;
        this.logger?.warn(
          {
            webhook: this.name,
            destination: this.destination,
            episodeId: notification.episodeId,
            status: result.status,
            attempts: attempt + 1,
          },
          `cannot deliver alert notification: ${result.reason}`,
        );
        return;
      }
      this.retries++;
      const delayMs =
        result.delayMs === null ? backoffDelayMs(attempt, this.backoff, this.random) : Math.min(result.delayMs, this.config.maxBackoffMs);
      try {
        await sleep(delayMs, undefined, { signal: this.shutdown.signal });
      } catch {
        this.dropped++;
        return;
      }
    }
  }

  private async attempt(body: string): Promise<Attempt> {
    // One controller per attempt, rather than AbortSignal.any, so nothing stays attached to the
    // long-lived shutdown signal after the attempt ends.
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.config.timeoutMs);
    const onShutdown = (): void => controller.abort();
    this.shutdown.signal.addEventListener('abort', onShutdown, { once: true });
    let response: Response;
    try {
      response = await fetch(this.config.url, { method: 'POST', headers: this.headers, body, redirect: 'manual', signal: controller.signal });
      // The body is never needed; cancelling it releases the connection.
      await response.body?.cancel().catch(() => undefined);
    } catch (err) {
      if (this.shutdown.signal.aborted) return { outcome: 'aborted' };
      const reason = timedOut ? `no answer within ${this.config.timeoutMs} ms` : describeFetchError(err);
      return { outcome: 'retry', reason, status: null, delayMs: null };
    } finally {
      clearTimeout(timer);
      this.shutdown.signal.removeEventListener('abort', onShutdown);
    }
    const status = response.status;
    if (status >= 200 && status < 300) return { outcome: 'sent' };
    if (status === 408 || status === 429 || status >= 500) {
      const delayMs = status === 429 || status === 503 ? retryAfterMs(response.headers.get('retry-after'), this.clock.nowMs()) : null;
      return { outcome: 'retry', reason: `webhook answered ${status}`, status, delayMs };
    }
    if (status >= 300 && status < 400) return { outcome: 'permanent', reason: `webhook answered redirect ${status}, which is not followed`, status };
    return { outcome: 'permanent', reason: `webhook answered ${status}`, status };
  }
}

function buildHeaders(config: WebhookConfig): Headers {
  const headers = new Headers({ 'user-agent': USER_AGENT });
  for (const [name, value] of Object.entries(config.headers)) {
    try {
      headers.set(name, value);
    } catch {
      // The value is left out of the message on purpose: it may be a token.
      throw new Error(`cannot create webhook sender ${config.name}: header ${JSON.stringify(name)} has an invalid name or value`);
    }
  }
  headers.set('content-type', 'application/json');
  return headers;
}

function describeFetchError(err: unknown): string {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : null;
  const message = err instanceof Error ? err.message : String(err);
  return cause === null ? message : `${message}: ${cause}`;
}
