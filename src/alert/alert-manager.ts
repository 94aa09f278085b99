import type { AlertsConfig } from '../config/index.js';
import type { Anomaly } from '../model/index.js';
import type { Clock, Lifecycle } from '../util/index.js';
import { OnceLifecycle } from '../util/index.js';
import type { EpisodeCounts, OpenEpisode } from './episodes.js';
import { EpisodeTracker } from './episodes.js';
import type { AlertNotification, Sender, SenderStats } from './sender.js';
import type { WarnLogger } from './webhook-sender.js';
import { WebhookSender } from './webhook-sender.js';

export interface AlertManagerOptions {
  readonly clock?: Clock;
  /** Source of backoff jitter in [0, 1). */
  readonly random?: () => number;
  readonly logger?: WarnLogger;
  /** How long each sender may drain its queue on stop. */
  readonly drainGraceMs?: number;
  /** How often open episodes are checked for wall-clock resolution. */
  readonly tickIntervalMs?: number;
}

export interface AlertManagerStats {
  /** Per sender, by webhook name. */
  readonly senders: Readonly<Record<string, SenderStats>>;
  readonly episodes: EpisodeCounts;
}

/**
 * Alerting as one service: anomalies go into an episode tracker, whose firing and resolved
 * notifications fan out to every configured webhook. Stopping stops the tracker first, so that no
 * notification is produced after the senders began draining.
 */
export class AlertManager implements Lifecycle {
  private readonly senders: readonly Sender[];
  private readonly tracker: EpisodeTracker;
  private readonly lifecycle = new OnceLifecycle('alert manager', () => this.startAll(), () => this.stopAll());

  constructor(config: AlertsConfig, options: AlertManagerOptions = {}) {
    const names = new Set<string>();
    for (const webhook of config.webhooks) {
      if (names.has(webhook.name)) throw new Error(`cannot create alert manager: webhook name ${JSON.stringify(webhook.name)} is used twice`);
      names.add(webhook.name);
    }
    const senderOptions = { clock: options.clock, random: options.random, logger: options.logger, drainGraceMs: options.drainGraceMs };
    this.senders = config.webhooks.map((webhook) => new WebhookSender(webhook, senderOptions));
    this.tracker = new EpisodeTracker(config, {
      notify: (notification) => this.fanOut(notification),
      clock: options.clock,
      tickIntervalMs: options.tickIntervalMs,
    });
  }

  observe(anomalies: readonly Anomaly[]): void {
    this.tracker.observe(anomalies);
  }

  openEpisodes(): OpenEpisode[] {
    return this.tracker.openEpisodes();
  }

  stats(): AlertManagerStats {
    const senders: Record<string, SenderStats> = {};
    for (const sender of this.senders) senders[sender.name] = sender.stats();
    return { senders, episodes: this.tracker.counts() };
  }

  start(): Promise<void> {
    return this.lifecycle.start();
  }

  stop(): Promise<void> {
    return this.lifecycle.stop();
  }

  private async startAll(): Promise<void> {
    for (const sender of this.senders) await sender.start();
    await this.tracker.start();
  }

  private async stopAll(): Promise<void> {
    await this.tracker.stop();
    // Senders drain side by side so that the grace period does not add up per webhook.
    await Promise.all(this.senders.map((sender) => sender.stop()));
  }

  private fanOut(notification: AlertNotification): void {
    for (const sender of this.senders) sender.send(notification);
  }
}

export function createAlertManager(config: AlertsConfig, options: AlertManagerOptions = {}): AlertManager {
  return new AlertManager(config, options);
}
