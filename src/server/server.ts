import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pino, type Logger } from 'pino';
import { HttpApi, SelfMetrics, type IngestProtocol, type StatusBody } from '../api/index.js';
import { createAlertManager, type AlertManager } from '../alert/index.js';
import type { VigilConfig } from '../config/index.js';
import { DetectionRunner, replayStored, type ReplayRequest, type ReplayResult } from '../detect/index.js';
import { GraphitePickleListener, GraphiteTcpListener, GraphiteUdpListener, HecListener, OtlpHttpListener, StatsdUdpListener, SyslogTcpListener, SyslogUdpListener, type LogSink, type PointSink } from '../ingest/index.js';
import { LogPipeline } from '../logs/index.js';
import { defaultRegistryDir, ModelRegistry } from '../ml/registry/index.js';
import { ModelServing, ModelServingController, SHADOW_DETECTOR_ID, servedModels, servingWorkerScript } from '../ml/serve/index.js';
import { ShiftConfirmer, suspectedEvent } from '../regress/index.js';
import { SHIFT_KINDS, type Anomaly, type KeyedPoints, type PointBatch, type Rejection } from '../model/index.js';
import { createDuckDbEventStore, createDuckDbLogStore, createDuckDbStorage, EventRetentionSweeper, LogRetentionSweeper, RetentionSweeper, type EventStore, type LogStore, type Storage } from '../store/index.js';
import { systemClock, type Clock, type Lifecycle } from '../util/index.js';
import { IngestPipeline } from './ingest-pipeline.js';
import { RejectionLog } from './rejection-log.js';
import { PACKAGE_ROOT, readVersion } from '../util/index.js';

export interface ServerOptions {
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Directory of the built UI; defaults to the package's ui/dist when it exists. */
  readonly uiDir?: string | null;
}

/** Where each listener ended up (ports are resolved after start, so port 0 works in tests). */
export interface ServerAddresses {
  readonly httpPort: number;
  readonly graphiteTcpPort: number | null;
  readonly graphiteUdpPort: number | null;
  readonly graphitePicklePort: number | null;
  readonly otlpPort: number | null;
  readonly statsdPort: number | null;
  readonly hecPort: number | null;
  readonly syslogTcpPort: number | null;
  readonly syslogUdpPort: number | null;
}

/**
 * The composition root: builds every service from the configuration, starts them in dependency
 * order and stops them in reverse, so that nothing accepted is lost on a graceful shutdown.
 */
export class VigilServer implements Lifecycle {
  readonly logger: Logger;
  readonly storage: Storage;
  readonly metrics = new SelfMetrics();
  private readonly clock: Clock;
  private readonly runner: DetectionRunner | null;
  private readonly alerts: AlertManager;
  /** Turns anomalies whose values stay away into level_shift anomalies: the streaming change-point alert. */
  private readonly shifts: ShiftConfirmer;
  private readonly pipeline: IngestPipeline;
  private readonly retention: RetentionSweeper;
  /** Deploys, config changes and other events; regression and alert code find the one before a change here. */
  readonly events: EventStore;
  private readonly eventRetention: EventRetentionSweeper;
  private readonly http: HttpApi;
  private readonly graphiteTcp: GraphiteTcpListener | null;
  private readonly graphiteUdp: GraphiteUdpListener | null;
  private readonly graphitePickle: GraphitePickleListener | null;
  private readonly otlp: OtlpHttpListener | null;
  private readonly statsd: StatsdUdpListener | null;
  readonly logStore: LogStore;
  private readonly logRetention: LogRetentionSweeper;
  readonly logs: LogPipeline;
  /** Versioned models in <dataDir>/models; shared with `vigil train` and `vigil models --registry`, which may run beside the server. */
  readonly models: ModelRegistry;
  /** Keeps the detection partitions serving the registry's versions of the models detection rules name; null when none. */
  readonly serving: ModelServingController | null;
  /** Model serving for replays, in this thread; created on the first replay of a server that serves models. */
  private replayServing: ModelServing | null = null;
  private readonly hec: HecListener | null;
  private readonly syslogTcp: SyslogTcpListener | null;
  private readonly syslogUdp: SyslogUdpListener | null;
  private readonly anomalyWrites = new Set<Promise<void>>();
  private checkpointTimer: NodeJS.Timeout | null = null;
  private readonly startedAtMs: number;
  private anomaliesFound = 0;
  private state: 'new' | 'starting' | 'running' | 'stopping' | 'stopped' = 'new';

  constructor(
    readonly config: VigilConfig,
    options: ServerOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? pino({ level: config.logLevel, base: { service: 'vigil' } });
    this.startedAtMs = this.clock.nowMs();
    const dataDir = resolve(config.dataDir);
    mkdirSync(dataDir, { recursive: true });
    this.storage = createDuckDbStorage(dataDir, config.storage, { clock: this.clock, logger: this.logger.child({ component: 'store' }) });
    this.retention = new RetentionSweeper({
      storage: this.storage,
      retentionDays: config.storage.retentionDays,
      retentionSweepIntervalMs: config.storage.retentionSweepIntervalMs,
      clock: this.clock,
      logger: this.logger.child({ component: 'retention' }),
    });
    this.events = createDuckDbEventStore(dataDir);
    this.eventRetention = new EventRetentionSweeper({
      store: this.events,
      retentionDays: config.storage.retentionDays,
      retentionSweepIntervalMs: config.storage.retentionSweepIntervalMs,
      clock: this.clock,
      logger: this.logger.child({ component: 'events' }),
    });
    this.alerts = createAlertManager(config.alerts, { clock: this.clock, logger: this.logger.child({ component: 'alerts' }) });
    this.shifts = new ShiftConfirmer(this.storage, (anomalies) => this.onAnomalies(anomalies), this.clock);
    this.models = new ModelRegistry({ root: defaultRegistryDir(dataDir), clock: this.clock });
    // Partitions load models only when a detection rule serves one: the others never start the tensor engine.
    const served = config.detection.enabled ? servedModels(config.detection.detectors, config.detection.rules) : [];
    const serving = served.length > 0 ? { workerScript: servingWorkerScript(), extensionDetectors: new ModelServing(config.detection.scoreThreshold).detectors } : {};
    this.runner = config.detection.enabled
      ? new DetectionRunner(
          {
            partitions: config.detection.partitions,
            detectors: config.detection.detectors,
            rules: config.detection.rules,
            scoreThreshold: config.detection.scoreThreshold,
            maxQueuedPointsPerPartition: config.detection.maxQueuedPointsPerPartition,
            stateFile: join(dataDir, 'detector-state.json'),
            ...serving,
          },
          {
            seriesKey: (id) => this.storage.seriesById(id)?.key ?? `#${id}`,
            onAnomalies: (anomalies) => this.onAnomalies(anomalies),
            onBatchDone: (partition, points, durationNs) => this.metrics.observeDetectionBatch(partition, points, durationNs),
            onError: (err) => this.logger.error({ err }, 'detection worker failed'),
          },
        )
      : null;
    const rejectionLog = new RejectionLog(this.logger.child({ component: 'ingest' }), this.clock);
    this.pipeline = new IngestPipeline(this.storage, this.runner, this.metrics, config.storage.maxQueuedPoints, (r, p) => rejectionLog.record(r, p));

    const graphite = config.graphite;
    const sink = (protocol: IngestProtocol): PointSink => ({
      seriesId: (key: string) => this.pipeline.seriesId(key),
      write: async (points: KeyedPoints | PointBatch) => {
        await this.pipeline.write(points, protocol);
      },
      reject: (rejections: readonly Rejection[]) => this.pipeline.reject(rejections, protocol),
    });
    const nowMs = (): number => this.clock.nowMs();
    this.graphiteTcp = graphite.enabled
      ? new GraphiteTcpListener(
          { host: graphite.host, port: graphite.tcpPort, maxLineBytes: graphite.maxLineBytes, maxPendingPoints: graphite.maxPendingPoints, keyCacheEntries: graphite.keyCacheEntries, nowMs },
          sink('graphite_tcp'),
        )
      : null;
    this.graphiteUdp = graphite.enabled
      ? new GraphiteUdpListener(
          { host: graphite.host, port: graphite.udpPort, maxLineBytes: graphite.maxLineBytes, maxPendingPoints: graphite.maxPendingPoints, keyCacheEntries: graphite.keyCacheEntries, nowMs },
          sink('graphite_udp'),
        )
      : null;

    this.graphitePickle =
      graphite.enabled && graphite.pickleEnabled
        ? new GraphitePickleListener(
            {
              host: graphite.host,
              port: graphite.picklePort,
              maxFrameBytes: graphite.maxPickleFrameBytes,
              maxPendingPoints: graphite.maxPendingPoints,
              keyCacheEntries: graphite.keyCacheEntries,
              onError: (err) => this.logger.error({ err }, 'graphite pickle listener failed'),
            },
            sink('graphite_pickle'),
          )
        : null;
    this.otlp = config.otlp.enabled ? new OtlpHttpListener({ config: config.otlp, logger: this.logger.child({ component: 'otlp' }) }, sink('otlp')) : null;
    const statsd = config.statsd;
    this.statsd = statsd.enabled
      ? new StatsdUdpListener(
          { host: statsd.host, port: statsd.port, flushIntervalMs: statsd.flushIntervalMs, percentiles: statsd.percentiles, prefix: statsd.prefix, maxMetrics: statsd.maxMetrics, clock: this.clock },
          sink('statsd'),
        )
      : null;

    const logsLogger = this.logger.child({ component: 'logs' });
    this.logStore = createDuckDbLogStore(dataDir, config.logs, { logger: logsLogger });
    this.logRetention = new LogRetentionSweeper({
      store: this.logStore,
      retentionDays: config.logs.retentionDays,
      retentionSweepIntervalMs: config.storage.retentionSweepIntervalMs,
      clock: this.clock,
      logger: logsLogger,
    });
    this.logs = new LogPipeline(
      { config: config.logs, snapshotFile: join(dataDir, 'log-templates.json') },
      {
        store: this.logStore,
        writePoints: async (points) => {
          await this.pipeline.write(points, 'log_counts');
        },
        resolveSeries: (keys) => this.storage.resolveSeries(keys),
        onAnomalies: (anomalies) => this.onAnomalies(anomalies),
        onRejected: (rejections, source) => {
          for (const r of rejections) this.metrics.logsRejected.inc({ source, reason: r.reason });
          rejectionLog.record(rejections, source);
        },
        clock: this.clock,
        logger: logsLogger,
      },
    );
    const logSink: LogSink = this.logs;
    this.hec = config.hec.enabled ? new HecListener({ config: config.hec, nowMs, logger: this.logger.child({ component: 'hec' }) }, logSink) : null;
    const syslog = config.syslog;
    this.syslogTcp = syslog.enabled
      ? new SyslogTcpListener({ host: syslog.host, tcpPort: syslog.tcpPort, maxMessageBytes: syslog.maxMessageBytes, maxPendingRecords: syslog.maxPendingRecords, nowMs, onError: (err) => this.logger.error({ err }, 'syslog listener failed') }, logSink)
      : null;
    this.syslogUdp = syslog.enabled ? new SyslogUdpListener({ host: syslog.host, udpPort: syslog.udpPort, maxMessageBytes: syslog.maxMessageBytes, maxPendingRecords: syslog.maxPendingRecords, nowMs }, logSink) : null;

    this.serving =
      this.runner !== null && served.length > 0
        ? new ModelServingController({ registry: this.models, target: this.runner, models: served, pollIntervalMs: config.detection.modelPollIntervalMs, logger: this.logger.child({ component: 'serving' }) })
        : null;

    const uiDir = options.uiDir === undefined ? defaultUiDir() : options.uiDir;
    this.http = new HttpApi(
      { host: config.http.host, port: config.http.port, maxBodyBytes: config.http.maxBodyBytes, authToken: config.http.authToken, uiDir, remoteWrite: config.remoteWrite },
      {
        storage: this.storage,
        writer: this.pipeline,
        metrics: this.metrics,
        status: () => this.status(),
        ready: () => this.state === 'running',
        clock: this.clock,
        logger: this.logger,
        replay: (request) => this.replay(request),
        logs: this.logs,
        events: this.events,
        models: this.models,
        serving: this.serving,
      },
    );
    this.metrics.watch({
      storage: () => this.storage.stats(),
      detection: () => this.runner?.stats() ?? null,
      senders: () => this.alerts.stats().senders,
      openEpisodes: () => this.alerts.stats().episodes.open,
      graphiteConnections: () => this.graphiteTcp?.connectionCount ?? 0,
      ingestPendingPoints: () => this.pipeline.pendingPoints,
      logs: () => ({ ...this.logs.stats(), ...this.logStore.stats() }),
      hec: () => this.hec?.stats() ?? null,
      syslogConnections: () => this.syslogTcp?.connectionCount ?? 0,
      metricListeners: () => ({
        pickle: this.graphitePickle === null ? null : { connections: this.graphitePickle.connectionCount, framesDecoded: this.graphitePickle.framesDecoded, framesRejected: this.graphitePickle.framesRejected },
        otlp: this.otlp?.stats() ?? null,
        statsd: this.statsd === null ? null : { heldMetrics: this.statsd.heldMetrics, datagrams: this.statsd.datagramsReceived },
        remoteWrite: config.remoteWrite.enabled ? this.http.remoteWriteStats : null,
      }),
    });
  }

  get addresses(): ServerAddresses {
    return {
      httpPort: this.http.port,
      graphiteTcpPort: this.graphiteTcp?.address().port ?? null,
      graphiteUdpPort: this.graphiteUdp?.address().port ?? null,
      graphitePicklePort: this.graphitePickle?.address().port ?? null,
      otlpPort: this.otlp?.address().port ?? null,
      statsdPort: this.statsd?.address().port ?? null,
      hecPort: this.hec?.address().port ?? null,
      syslogTcpPort: this.syslogTcp?.address().port ?? null,
      syslogUdpPort: this.syslogUdp?.address().port ?? null,
    };
  }

  async start(): Promise<void> {
    if (this.state !== 'new') return;
    this.state = 'starting';
    await this.storage.start();
    await this.retention.start();
    await this.events.start();
    await this.eventRetention.start();
    await this.alerts.start();
    await this.shifts.start();
    await this.serving?.prepare();
    await this.runner?.start();
    await this.serving?.start();
    await this.logStore.start();
    await this.logRetention.start();
    await this.logs.start();
    await this.http.start();
    await this.graphiteTcp?.start();
    await this.graphiteUdp?.start();
    await this.graphitePickle?.start();
    await this.otlp?.start();
    await this.statsd?.start();
    await this.hec?.start();
    await this.syslogTcp?.start();
    await this.syslogUdp?.start();
    if (this.runner !== null) {
      this.checkpointTimer = setInterval(() => {
        this.runner?.checkpoint().catch((err: unknown) => this.logger.error({ err }, 'cannot checkpoint detector state'));
      }, this.config.detection.checkpointIntervalMs);
      this.checkpointTimer.unref();
    }
    this.state = 'running';
    const a = this.addresses;
    this.logger.info(
      { httpPort: a.httpPort, graphiteTcpPort: a.graphiteTcpPort, graphiteUdpPort: a.graphiteUdpPort, hecPort: a.hecPort, syslogTcpPort: a.syslogTcpPort, syslogUdpPort: a.syslogUdpPort, dataDir: resolve(this.config.dataDir), series: this.storage.stats().seriesCount },
      `Vigil is ready: UI and API on http://localhost:${a.httpPort}/, Graphite on port ${a.graphiteTcpPort ?? 'off'}, Splunk HEC on ${a.hecPort ?? 'off'}, syslog on ${a.syslogTcpPort ?? 'off'}`,
    );
  }

  /** Stops intake first, then lets every accepted point reach the store and detection, then closes. */
  async stop(): Promise<void> {
    if (this.state === 'stopping' || this.state === 'stopped' || this.state === 'new') return;
    this.state = 'stopping';
    if (this.checkpointTimer !== null) clearInterval(this.checkpointTimer);
    await this.graphiteTcp?.stop();
    await this.graphiteUdp?.stop();
    await this.graphitePickle?.stop();
    await this.otlp?.stop();
    await this.statsd?.stop();
    await this.hec?.stop();
    await this.syslogTcp?.stop();
    await this.syslogUdp?.stop();
    await this.http.stop();
    await this.logs.stop();
    await this.logRetention.stop();
    await this.logStore.stop();
    await this.pipeline.drain();
    await this.serving?.stop();
    await this.runner?.stop();
    await this.shifts.stop();
    while (this.anomalyWrites.size > 0) await Promise.allSettled([...this.anomalyWrites]);
    await this.alerts.stop();
    await this.eventRetention.stop();
    await this.events.stop();
    await this.retention.stop();
    await this.storage.stop();
    this.state = 'stopped';
    this.logger.info('Vigil stopped');
  }

  status(): StatusBody {
    const a = this.addresses;
    const graphite = this.config.graphite;
    const logs = this.logs.stats();
    return {
      version: readVersion(),
      startedAtMs: this.startedAtMs,
      seriesCount: this.storage.stats().seriesCount,
      pointsReceived: this.pipeline.pointsReceived,
      pointsRejected: this.pipeline.pointsRejected,
      anomaliesFound: this.anomaliesFound,
      logRecordsReceived: logs.recordsReceived,
      logRecordsRejected: logs.recordsRejected,
      logTemplates: logs.templates,
      graphite: { enabled: graphite.enabled, host: graphite.host, tcpPort: a.graphiteTcpPort ?? graphite.tcpPort, udpPort: a.graphiteUdpPort ?? graphite.udpPort },
      hec: { enabled: this.config.hec.enabled, port: a.hecPort ?? this.config.hec.port, tokens: this.config.hec.tokens.length },
      syslog: { enabled: this.config.syslog.enabled, tcpPort: a.syslogTcpPort ?? this.config.syslog.tcpPort, udpPort: a.syslogUdpPort ?? this.config.syslog.udpPort },
      http: { port: a.httpPort },
      detectors: this.runner === null ? [] : this.config.detection.detectors.map((d) => d.id),
    };
  }

  /** Backfill over stored history; series served by a model are scored with the versions the partitions serve now. */
  private async replay(request: ReplayRequest): Promise<ReplayResult> {
    if (this.serving === null) return replayStored(this.storage, this.config.detection, request);
    this.replayServing ??= new ModelServing(this.config.detection.scoreThreshold);
    const problems = await this.replayServing.configure(this.serving.currentPlan);
    for (const problem of problems) this.logger.warn({ problem }, 'replay cannot serve a model version');
    return replayStored(this.storage, this.config.detection, request, this.replayServing);
  }

  /** Stores anomalies idempotently, then lets the alert manager group them into episodes. */
  private onAnomalies(anomalies: Anomaly[]): void {
    this.anomaliesFound += anomalies.length;
    for (const a of anomalies) this.metrics.anomalies.inc({ detector: a.detector });
    const write = this.withLogEvidence(anomalies)
      .then((withLogs) => this.withEventEvidence(withLogs))
      .then(async (withEvidence) => {
        await this.storage.appendAnomalies(withEvidence);
        // A shadow version's findings are kept for comparison but must never page anyone.
        const alerting = withEvidence.filter((a) => a.detector !== SHADOW_DETECTOR_ID);
        this.alerts.observe(alerting);
        this.shifts.observe(alerting);
      })
      .catch((err: unknown) => this.logger.error({ err, count: anomalies.length }, 'cannot store anomalies'));
    this.anomalyWrites.add(write);
    void write.finally(() => this.anomalyWrites.delete(write));
  }

  /** Shifts (level, trend, variance) get the nearest preceding event of their service attached. */
  private async withEventEvidence(anomalies: Anomaly[]): Promise<Anomaly[]> {
    return Promise.all(
      anomalies.map(async (a) => {
        if (a.kind === null || !SHIFT_KINDS.includes(a.kind) || a.evidence?.event !== undefined) return a;
        const series = this.storage.seriesById(a.seriesId);
        if (series === undefined) return a;
        try {
          const event = await suspectedEvent(this.events, series, a.timestampMs);
          return event === null ? a : { ...a, evidence: { ...a.evidence, event } };
        } catch (err) {
          this.logger.warn({ err, series: a.series }, 'cannot look up the event before a shift');
          return a;
        }
      }),
    );
  }

  /** Anomalies on log count series get their template and example lines attached; the rest pass as they are. */
  private async withLogEvidence(anomalies: Anomaly[]): Promise<Anomaly[]> {
    return Promise.all(
      anomalies.map(async (a) => {
        if (a.evidence !== undefined) return a;
        try {
          const evidence = await this.logs.evidenceFor(a);
          return evidence === null ? a : { ...a, evidence };
        } catch (err) {
          this.logger.warn({ err, series: a.series }, 'cannot gather log evidence for an anomaly');
          return a;
        }
      }),
    );
  }
}

function defaultUiDir(): string | null {
  const dir = join(PACKAGE_ROOT, 'ui', 'dist');
  return existsSync(join(dir, 'index.html')) ? dir : null;
}
