export type { AlertNotification, Sender, SenderStats } from './sender.js';
export type { WarnLogger, WebhookSenderOptions } from './webhook-sender.js';
export { WebhookSender, DEFAULT_DRAIN_GRACE_MS } from './webhook-sender.js';
export type { EpisodeConfig, EpisodeTrackerDeps, OpenEpisode, EpisodeCounts } from './episodes.js';
export { EpisodeTracker, DEFAULT_TICK_INTERVAL_MS } from './episodes.js';
export type { AlertManagerOptions, AlertManagerStats } from './alert-manager.js';
export { AlertManager, createAlertManager } from './alert-manager.js';
export { retryAfterMs } from './retry-after.js';
