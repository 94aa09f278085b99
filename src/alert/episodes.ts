import type { AlertsConfig } from '../config/index.js';
import { SHIFT_KINDS, type Anomaly, type AnomalyKind, type SuspectedEvent } from '../model/index.js';
import type { Clock, Lifecycle } from '../util/index.js';
import { systemClock } from '../util/index.js';
import type { AlertNotification } from './sender.js';
import { firingSummary, resolvedSummary } from './summary.js';

export type EpisodeConfig = Pick<AlertsConfig, 'minScore' | 'resolveAfterMs' | 'sendResolved'>;

export interface EpisodeTrackerDeps {
  /** Receives each firing and resolved notification; must not throw. */
  notify(notification: AlertNotification): void;
  readonly clock?: Clock;
  /** How often `start()` checks for episodes quiet for resolveAfterMs of wall-clock time. */
  readonly tickIntervalMs?: number;
}

export const DEFAULT_TICK_INTERVAL_MS = 5_000;

/** An episode still firing, as the API and metrics show it. */
export interface OpenEpisode {
  readonly episodeId: string;
  readonly series: string;
  readonly seriesId: number;
  readonly detectors: readonly string[];
  readonly kind: AnomalyKind | null;
  readonly startsAtMs: number;
  /** Data timestamp of the latest anomaly. */
  readonly lastAnomalyMs: number;
  readonly peakScore: number;
  readonly anomalyCount: number;
  readonly value: number;
  readonly expected: number | null;
  /** The deploy or config change that preceded the first anomaly, when it is a shift. */
  readonly suspectedEvent: SuspectedEvent | null;
}

export interface EpisodeCounts {
  readonly open: number;
  readonly openedTotal: number;
  readonly resolvedTotal: number;
}

interface Episode {
  readonly episodeId: string;
  readonly series: string;
  readonly seriesId: number;
  readonly detectors: Set<string>;
  kind: AnomalyKind | null;
  readonly startsAtMs: number;
  lastAnomalyMs: number;
  /** Wall-clock time the latest anomaly was observed, for resolution when anomalies stop coming. */
  lastSeenMs: number;
  peakScore: number;
  anomalyCount: number;
  readonly value: number;
  readonly expected: number | null;
  suspectedEvent: SuspectedEvent | null;
}

/**
 * Turns stored anomalies into one alert per episode per series: the first qualifying anomaly of a
 * series opens an episode and fires at once; later ones only extend it, except that a shift
 * (level, trend, variance) arriving in an episode that was not one fires again, updated: the first
 * point of a shift looks like a spike until it persists. An episode resolves when the
 * next anomaly's data time is more than resolveAfterMs after the episode's last one (a new episode
 * then opens), or when no anomaly for the series was observed for resolveAfterMs of wall-clock time.
 * Only open episodes are kept, so memory is bounded by the series currently anomalous. Open episodes
 * are not persisted: after a restart an ongoing anomaly fires again.
 */
export class EpisodeTracker implements Lifecycle {
  private readonly config: EpisodeConfig;
  private readonly notify: (notification: AlertNotification) => void;
  private readonly clock: Clock;
  private readonly tickIntervalMs: number;
  private readonly episodes = new Map<number, Episode>();
  private timer: NodeJS.Timeout | null = null;
  private openedTotal = 0;
  private resolvedTotal = 0;

  constructor(config: EpisodeConfig, deps: EpisodeTrackerDeps) {
    this.config = config;
    this.notify = deps.notify;
    this.clock = deps.clock ?? systemClock;
    this.tickIntervalMs = deps.tickIntervalMs ?? DEFAULT_TICK_INTERVAL_MS;
  }

  observe(anomalies: readonly Anomaly[]): void {
    const nowMs = this.clock.nowMs();
    for (const anomaly of anomalies) {
      // Written so that a NaN score never qualifies.
      if (!(anomaly.score >= this.config.minScore)) continue;
      let episode = this.episodes.get(anomaly.seriesId);
      if (episode !== undefined && anomaly.timestampMs - episode.lastAnomalyMs > this.config.resolveAfterMs) {
        this.resolve(episode);
        episode = undefined;
      }
      if (episode === undefined) {
        this.open(anomaly, nowMs);
        continue;
      }
      episode.detectors.add(anomaly.detector);
      const turnsIntoShift = this.becomesShift(episode, anomaly);
      episode.kind ??= anomaly.kind;
      if (turnsIntoShift) {
        // What fired as a spike turned out to be a lasting shift: say so, and name the event before it.
        episode.kind = anomaly.kind;
        episode.suspectedEvent = anomaly.evidence?.event ?? episode.suspectedEvent;
        this.notify(this.notification(episode, 'firing'));
      }
      if (anomaly.timestampMs > episode.lastAnomalyMs) episode.lastAnomalyMs = anomaly.timestampMs;
      episode.lastSeenMs = nowMs;
      if (anomaly.score > episode.peakScore) episode.peakScore = anomaly.score;
      episode.anomalyCount++;
    }
  }

  private becomesShift(episode: Episode, anomaly: Anomaly): boolean {
    const isShift = (kind: AnomalyKind | null): boolean => kind !== null && SHIFT_KINDS.includes(kind);
    return isShift(anomaly.kind) && !isShift(episode.kind);
  }

  /** Resolves the episodes that saw no anomaly for resolveAfterMs of wall-clock time. */
  tick(): void {
    const nowMs = this.clock.nowMs();
    for (const episode of this.episodes.values()) {
      if (nowMs - episode.lastSeenMs >= this.config.resolveAfterMs) this.resolve(episode);
    }
  }

  openEpisodes(): OpenEpisode[] {
    const result: OpenEpisode[] = [];
    for (const e of this.episodes.values()) {
      result.push({
        episodeId: e.episodeId,
        series: e.series,
        seriesId: e.seriesId,
        detectors: [...e.detectors],
        kind: e.kind,
        startsAtMs: e.startsAtMs,
        lastAnomalyMs: e.lastAnomalyMs,
        peakScore: e.peakScore,
        anomalyCount: e.anomalyCount,
        value: e.value,
        expected: e.expected,
        suspectedEvent: e.suspectedEvent,
      });
    }
    return result;
  }

  counts(): EpisodeCounts {
    return { open: this.episodes.size, openedTotal: this.openedTotal, resolvedTotal: this.resolvedTotal };
  }

  async start(): Promise<void> {
    if (this.timer !== null) return;
    this.timer = setInterval(() => this.tick(), this.tickIntervalMs);
    // Resolution checks alone must not keep the process alive.
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer === null) return;
    clearInterval(this.timer);
    this.timer = null;
  }

  private open(anomaly: Anomaly, nowMs: number): void {
    const episode: Episode = {
      episodeId: `${anomaly.seriesId}-${anomaly.timestampMs}`,
      series: anomaly.series,
      seriesId: anomaly.seriesId,
      detectors: new Set([anomaly.detector]),
      kind: anomaly.kind,
      startsAtMs: anomaly.timestampMs,
      lastAnomalyMs: anomaly.timestampMs,
      lastSeenMs: nowMs,
      peakScore: anomaly.score,
      anomalyCount: 1,
      value: anomaly.value,
      expected: anomaly.expected,
      suspectedEvent: anomaly.evidence?.event ?? null,
    };
    this.episodes.set(anomaly.seriesId, episode);
    this.openedTotal++;
    this.notify(this.notification(episode, 'firing'));
  }

  private resolve(episode: Episode): void {
    this.episodes.delete(episode.seriesId);
    this.resolvedTotal++;
    if (this.config.sendResolved) this.notify(this.notification(episode, 'resolved'));
  }

  private notification(episode: Episode, status: AlertNotification['status']): AlertNotification {
    const endsAtMs = status === 'resolved' ? episode.lastAnomalyMs : null;
    const facts = { ...episode, endsAtMs };
    return {
      version: '1',
      status,
      episodeId: episode.episodeId,
      series: episode.series,
      seriesId: episode.seriesId,
      detectors: [...episode.detectors],
      kind: episode.kind,
      startsAtMs: episode.startsAtMs,
      endsAtMs,
      peakScore: episode.peakScore,
      anomalyCount: episode.anomalyCount,
      value: episode.value,
      expected: episode.expected,
      suspectedEvent: episode.suspectedEvent,
      summary: status === 'firing' ? firingSummary(facts) : resolvedSummary(facts),
    };
  }
}
