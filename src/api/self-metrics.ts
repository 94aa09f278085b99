import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RejectReason } from '../model/index.js';

/** Readings taken at scrape time from the services that own them. */
export interface StatsProviders {
  storage(): { seriesCount: number; queuedPoints: number; committedPoints: number; commits: number };
  detection(): { queuedPoints: readonly number[]; pointsProcessed: number; seriesTracked: number } | null;
  senders(): Readonly<Record<string, { sent: number; failed: number; retries: number; dropped: number; queued: number }>>;
  openEpisodes(): number;
  graphiteConnections(): number;
  /** Points handed to the write path and not yet durable and with detection (bounded by storage.maxQueuedPoints). */
  ingestPendingPoints(): number;
  logs(): {
    receivedBySource: Readonly<Record<string, number>>;
    templates: number;
    openSessions: number;
    lateRecords: number;
    queuedRecords: number;
    committedRecords: number;
  };
  hec(): { requests: number; errors: number; pendingAcks: number; channels: number } | null;
  syslogConnections(): number;
  /** Listeners of the other metric protocols; null where one is off. */
  metricListeners(): {
    pickle: { connections: number; framesDecoded: number; framesRejected: number } | null;
    otlp: { requests: number; errors: number; rejectedDataPoints: number } | null;
    statsd: { heldMetrics: number; datagrams: number } | null;
    remoteWrite: { requests: number; failedRequests: number; staleMarkers: number; histograms: number } | null;
  };
}

/** Protocols points arrive by; a label on the ingest counters. */
export type IngestProtocol = 'graphite_tcp' | 'graphite_udp' | 'graphite_pickle' | 'remote_write' | 'otlp' | 'statsd' | 'http_json' | 'import' | 'log_counts';

/**
 * Vigil's own metrics in Prometheus form. Counters are incremented by the ingest path; gauges and
 * totals owned by other services are read through StatsProviders when /metrics is scraped.
 */
export class SelfMetrics {
  readonly registry = new Registry();
  readonly pointsReceived: Counter<'protocol'>;
  readonly pointsRejected: Counter<'protocol' | 'reason'>;
  readonly anomalies: Counter<'detector'>;
  readonly logsRejected: Counter<'source' | 'reason'>;
  /** Events sent to POST /api/v1/events (source `api`) or POST /events/ (source `graphite`): accepted, rejected or failed. */
  readonly eventsReceived: Counter<'source' | 'outcome'>;
  readonly detectionBatchSeconds: Histogram<'partition'>;
  readonly detectionPointSeconds: Histogram;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'vigil_' });
    const registers = [this.registry];
    this.pointsReceived = new Counter({ name: 'vigil_points_received_total', help: 'Points parsed and accepted for storage, by protocol.', labelNames: ['protocol'], registers });
    this.pointsRejected = new Counter({ name: 'vigil_points_rejected_total', help: 'Lines or records rejected, by protocol and reason.', labelNames: ['protocol', 'reason'], registers });
    this.logsRejected = new Counter({ name: 'vigil_log_records_rejected_total', help: 'Log lines, messages or events rejected, by source and reason.', labelNames: ['source', 'reason'], registers });
    this.eventsReceived = new Counter({ name: 'vigil_events_received_total', help: 'Events received, by source (api, graphite) and outcome (accepted; rejected: bad input; failed: the store could not keep them).', labelNames: ['source', 'outcome'], registers });
    this.anomalies = new Counter({ name: 'vigil_anomalies_total', help: 'Anomalous points found, by detector.', labelNames: ['detector'], registers });
    this.detectionBatchSeconds = new Histogram({
      name: 'vigil_detection_batch_duration_seconds',
      help: 'Time a partition worker spent on one batch.',
      labelNames: ['partition'],
      buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1],
      registers,
    });
    this.detectionPointSeconds = new Histogram({
      name: 'vigil_detection_point_duration_seconds',
      help: 'Detector latency per point (batch duration divided by its points), all configured detectors together.',
      buckets: [1e-7, 2.5e-7, 5e-7, 1e-6, 2.5e-6, 5e-6, 1e-5, 5e-5, 1e-4],
      registers,
    });
  }

  rejected(protocol: IngestProtocol, reason: RejectReason, count = 1): void {
    this.pointsRejected.inc({ protocol, reason }, count);
  }

  observeDetectionBatch(partition: number, points: number, durationNs: number): void {
    const seconds = durationNs / 1e9;
    this.detectionBatchSeconds.observe({ partition: String(partition) }, seconds);
    if (points > 0) this.detectionPointSeconds.observe(seconds / points);
  }

  /** Registers the scrape-time gauges; call once when every service exists. */
  watch(providers: StatsProviders): void {
    const registers = [this.registry];
    new Gauge({ name: 'vigil_series', help: 'Series known to the index.', registers, collect() { this.set(providers.storage().seriesCount); } });
    new Gauge({ name: 'vigil_storage_queued_points', help: 'Points accepted but not yet committed.', registers, collect() { this.set(providers.storage().queuedPoints); } });
    new Gauge({ name: 'vigil_storage_committed_points', help: 'Points committed since start.', registers, collect() { this.set(providers.storage().committedPoints); } });
    new Gauge({ name: 'vigil_storage_commits', help: 'Group commits since start.', registers, collect() { this.set(providers.storage().commits); } });
    new Gauge({
      name: 'vigil_detection_queued_points',
      help: 'Points waiting for a partition worker.',
      labelNames: ['partition'],
      registers,
      collect() {
        this.reset();
        const stats = providers.detection();
        stats?.queuedPoints.forEach((n, partition) => this.set({ partition: String(partition) }, n));
      },
    });
    new Gauge({ name: 'vigil_detection_points_processed', help: 'Points scored by detectors since start.', registers, collect() { this.set(providers.detection()?.pointsProcessed ?? 0); } });
    new Gauge({ name: 'vigil_detection_series', help: 'Series with live detector state.', registers, collect() { this.set(providers.detection()?.seriesTracked ?? 0); } });
    new Gauge({ name: 'vigil_alert_episodes_open', help: 'Anomaly episodes currently firing.', registers, collect() { this.set(providers.openEpisodes()); } });
    new Gauge({ name: 'vigil_graphite_connections', help: 'Open Graphite TCP connections.', registers, collect() { this.set(providers.graphiteConnections()); } });
    new Gauge({ name: 'vigil_ingest_pending_points', help: 'Points written by any protocol and not yet durable and handed to detection.', registers, collect() { this.set(providers.ingestPendingPoints()); } });
    new Gauge({
      name: 'vigil_log_records_received',
      help: 'Log records stored since start, by source (hec, syslog_tcp, syslog_udp, api).',
      labelNames: ['source'],
      registers,
      collect() {
        this.reset();
        for (const [source, n] of Object.entries(providers.logs().receivedBySource)) this.set({ source }, n);
      },
    });
    new Gauge({ name: 'vigil_log_templates', help: 'Log templates mined.', registers, collect() { this.set(providers.logs().templates); } });
    new Gauge({ name: 'vigil_log_open_sessions', help: 'Log sessions (blocks, requests, traces) still open.', registers, collect() { this.set(providers.logs().openSessions); } });
    new Gauge({ name: 'vigil_log_late_records', help: 'Log records that came after their count interval was closed.', registers, collect() { this.set(providers.logs().lateRecords); } });
    new Gauge({ name: 'vigil_log_store_queued_records', help: 'Log records accepted but not yet committed.', registers, collect() { this.set(providers.logs().queuedRecords); } });
    new Gauge({ name: 'vigil_log_store_committed_records', help: 'Log records committed since start.', registers, collect() { this.set(providers.logs().committedRecords); } });
    new Gauge({ name: 'vigil_hec_requests', help: 'HTTP Event Collector requests since start.', registers, collect() { this.set(providers.hec()?.requests ?? 0); } });
    new Gauge({ name: 'vigil_hec_errors', help: 'HTTP Event Collector requests answered with an error.', registers, collect() { this.set(providers.hec()?.errors ?? 0); } });
    new Gauge({ name: 'vigil_hec_pending_acks', help: 'Indexer acknowledgments not yet polled.', registers, collect() { this.set(providers.hec()?.pendingAcks ?? 0); } });
    new Gauge({ name: 'vigil_hec_channels', help: 'Indexer-acknowledgment channels known.', registers, collect() { this.set(providers.hec()?.channels ?? 0); } });
    const listenerGauge = (name: string, help: string, read: (m: ReturnType<StatsProviders['metricListeners']>) => number | undefined): void => {
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read(providers.metricListeners()) ?? 0);
        },
      });
    };
    listenerGauge('vigil_graphite_pickle_connections', 'Open Graphite pickle connections.', (m) => m.pickle?.connections);
    listenerGauge('vigil_graphite_pickle_frames', 'Graphite pickle frames decoded since start.', (m) => m.pickle?.framesDecoded);
    listenerGauge('vigil_graphite_pickle_frames_rejected', 'Graphite pickle frames rejected whole since start.', (m) => m.pickle?.framesRejected);
    listenerGauge('vigil_otlp_requests', 'OTLP/HTTP metric requests since start.', (m) => m.otlp?.requests);
    listenerGauge('vigil_otlp_errors', 'OTLP/HTTP metric requests answered with an error.', (m) => m.otlp?.errors);
    listenerGauge('vigil_otlp_rejected_data_points', 'OTLP data points rejected (reported in partialSuccess).', (m) => m.otlp?.rejectedDataPoints);
    listenerGauge('vigil_statsd_metrics', 'StatsD metrics held in the current interval.', (m) => m.statsd?.heldMetrics);
    listenerGauge('vigil_statsd_datagrams', 'StatsD datagrams received since start (shed ones included).', (m) => m.statsd?.datagrams);
    listenerGauge('vigil_remote_write_requests', 'Prometheus remote write requests since start.', (m) => m.remoteWrite?.requests);
    listenerGauge('vigil_remote_write_failed_requests', 'Prometheus remote write requests answered with a 4xx or 5xx.', (m) => m.remoteWrite?.failedRequests);
    listenerGauge('vigil_remote_write_stale_markers', 'Prometheus stale markers dropped.', (m) => m.remoteWrite?.staleMarkers);
    listenerGauge('vigil_remote_write_histograms_skipped', 'Native histogram samples skipped (not defined by remote write 1.0).', (m) => m.remoteWrite?.histograms);
    new Gauge({ name: 'vigil_syslog_connections', help: 'Open syslog TCP connections.', registers, collect() { this.set(providers.syslogConnections()); } });
    const senderGauge = (name: string, help: string, pick: (s: { sent: number; failed: number; retries: number; dropped: number; queued: number }) => number): void => {
      new Gauge({
        name,
        help,
        labelNames: ['sender'],
        registers,
        collect() {
          this.reset();
          for (const [sender, stats] of Object.entries(providers.senders())) this.set({ sender }, pick(stats));
        },
      });
    };
    senderGauge('vigil_alerts_sent', 'Notifications delivered, per sender.', (s) => s.sent);
    senderGauge('vigil_alerts_failed', 'Notifications given up on after retries or a permanent error, per sender.', (s) => s.failed);
    senderGauge('vigil_alerts_retries', 'Delivery retries, per sender.', (s) => s.retries);
    senderGauge('vigil_alerts_dropped', 'Notifications dropped because the queue was full, per sender.', (s) => s.dropped);
    senderGauge('vigil_alerts_queued', 'Notifications waiting, per sender.', (s) => s.queued);
  }
}
