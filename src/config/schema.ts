import { z } from 'zod';

/**
 * The one schema of Vigil's configuration. Every default lives here and nowhere else; unknown keys
 * are errors so that a misspelt field is named instead of silently ignored.
 */

const port = z.number().int().min(0).max(65535);
const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().min(0);

const httpSchema = z
  .strictObject({
    host: z.string().default('0.0.0.0'),
    port: port.default(8080),
    /** Largest request body accepted, in bytes. */
    maxBodyBytes: positiveInt.default(16 * 1024 * 1024),
    /** When set, write endpoints need `Authorization: Bearer <token>`. */
    authToken: z.string().min(16).optional(),
  })
  .prefault({});

const graphiteSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    host: z.string().default('0.0.0.0'),
    tcpPort: port.default(2003),
    udpPort: port.default(2003),
    /** Lines longer than this are rejected as `line_too_long`. */
    maxLineBytes: positiveInt.default(4096),
    /** Points buffered per connection before the socket is paused (back-pressure). */
    maxPendingPoints: positiveInt.default(100_000),
    /** Series paths whose series id is remembered per listener, so known series cost no parsing or lookup; beyond it the cache starts over. */
    keyCacheEntries: positiveInt.default(1_000_000),
    /** Graphite pickle protocol (carbon relays, carbon-c-relay): 4-byte big-endian length, then a pickled list of (path, (timestamp, value)). */
    pickleEnabled: z.boolean().default(true),
    picklePort: port.default(2004),
    /** A pickle frame longer than this closes the connection (a sender out of step or hostile). */
    maxPickleFrameBytes: positiveInt.default(1024 * 1024),
  })
  .prefault({});

const remoteWriteSchema = z
  .strictObject({
    /** Prometheus remote write 1.0 at POST /api/v1/write on the HTTP port. */
    enabled: z.boolean().default(true),
    /** Largest snappy-decoded WriteRequest accepted, in bytes. */
    maxDecodedBytes: positiveInt.default(64 * 1024 * 1024),
  })
  .prefault({});

const otlpSchema = z
  .strictObject({
    /** OTLP/HTTP metrics at POST /v1/metrics (JSON and protobuf). */
    enabled: z.boolean().default(true),
    host: z.string().default('0.0.0.0'),
    port: port.default(4318),
    maxBodyBytes: positiveInt.default(32 * 1024 * 1024),
  })
  .prefault({});

const statsdSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    host: z.string().default('0.0.0.0'),
    port: port.default(8125),
    /** Counters, timers, gauges and sets are aggregated over this interval and written as points at its end. */
    flushIntervalMs: positiveInt.default(10_000),
    /** Timer percentiles written per flush (`<name>.upper_90`, ...). */
    percentiles: z.array(z.number().gt(0).lt(100)).default([90, 95, 99]),
    /** Prefix of every series written (`stats` gives `stats.<name>`); empty for none. */
    prefix: z.string().default('stats'),
    /** Distinct metric names held between flushes; beyond it new names are shed and counted. */
    maxMetrics: positiveInt.default(200_000),
  })
  .prefault({});

const hecTokenSchema = z.strictObject({
  /** The token clients send as `Authorization: Splunk <token>`. */
  token: z.string().min(1),
  /** A name for people and self-metrics; the token itself is never logged. */
  name: z.string().min(1).optional(),
  /** A disabled token is refused with Splunk's code 1 ("Token disabled"). */
  disabled: z.boolean().default(false),
  /** Indexer acknowledgment: requests then need a channel and get an `ackId` to poll at /services/collector/ack. */
  useAck: z.boolean().default(false),
  /** Metadata for events that carry none (query parameters and the event's own fields win). */
  host: z.string().min(1).optional(),
  source: z.string().min(1).optional(),
  sourcetype: z.string().min(1).optional(),
  index: z.string().min(1).optional(),
});

const hecSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    host: z.string().default('0.0.0.0'),
    port: port.default(8088),
    /** Accepted tokens; with none, every request is refused as "Invalid token". */
    tokens: z.array(hecTokenSchema).default([]),
    /** Largest request body accepted, in bytes, after gzip decoding. */
    maxBodyBytes: positiveInt.default(32 * 1024 * 1024),
    /** Acknowledgments kept per channel until polled; beyond it the channel answers "Server is busy". */
    maxPendingAcksPerChannel: positiveInt.default(10_000),
    /** A channel idle this long is forgotten with its unpolled acknowledgments. */
    channelIdleMs: positiveInt.default(10 * 60 * 1000),
  })
  .prefault({});

const syslogSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    host: z.string().default('0.0.0.0'),
    udpPort: port.default(5514),
    tcpPort: port.default(5514),
    /** Messages longer than this are rejected as `line_too_long`. */
    maxMessageBytes: positiveInt.default(64 * 1024),
    /** Records buffered per connection before the socket is paused (TCP) or datagrams shed (UDP). */
    maxPendingRecords: positiveInt.default(50_000),
  })
  .prefault({});

const logsSchema = z
  .strictObject({
    /** Records older than this are deleted by the retention sweep. */
    retentionDays: z.number().positive().default(14),
    /** Group commit of log records: a commit starts as soon as none is running; no record waits longer than this for one. */
    flushIntervalMs: positiveInt.default(200),
    /** Bound on records queued for the store; beyond it writers wait. */
    maxQueuedRecords: positiveInt.default(200_000),
    /** Step of the template and severity rate series (`log.template`, `log.severity`). */
    rateIntervalMs: positiveInt.default(60_000),
    /** A rate series that saw records lately keeps getting zero counts this many steps, so that a drop shows. */
    rateZeroFillSteps: positiveInt.default(60),
    /** Per-host rate series are kept for at most this many hosts per template; the overall series always. */
    maxHostsPerTemplate: positiveInt.default(1_000),
    /** Example lines kept per template, for the API and for anomaly evidence. */
    examplesPerTemplate: positiveInt.default(5),
    /**
     * Session identifiers: a template parameter matching this regular expression names the session
     * (block, request, trace) its record belongs to, for sequence anomaly detection.
     */
    sessionPattern: z
      .string()
      .min(1)
      .default('^(?:blk_-?\\d+|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{32})$'),
    /** A session with no record for this long is complete and scored. */
    sessionIdleMs: positiveInt.default(60_000),
    /** Complete sessions learnt from before sessions are scored. */
    sessionTrainingCount: positiveInt.default(1_000),
    /** Open sessions tracked at once; beyond it the oldest is closed early. */
    maxOpenSessions: positiveInt.default(100_000),
    /** How often the template miner's state is written to the data directory. */
    snapshotIntervalMs: positiveInt.default(60_000),
  })
  .prefault({});

const storageSchema = z
  .strictObject({
    /** Points older than this are deleted by the retention sweep. */
    retentionDays: z.number().positive().default(30),
    retentionSweepIntervalMs: positiveInt.default(60 * 60 * 1000),
    /** Group commit: queued points are made durable at least this often. */
    flushIntervalMs: positiveInt.default(100),
    /** Group commit: a flush starts early once this many points are queued. */
    flushMaxPoints: positiveInt.default(200_000),
    /** Bound on points queued for the store; beyond it writers wait (HTTP) or sockets pause (TCP). */
    maxQueuedPoints: positiveInt.default(2_000_000),
    /** Points with a timestamp further ahead of now than this are rejected as bad_timestamp. */
    maxFutureMs: positiveInt.default(24 * 60 * 60 * 1000),
  })
  .prefault({});

const detectorUseSchema = z.strictObject({
  /** Registry id of the detector, for example `mad-zscore`. */
  id: z.string().min(1),
  /** Detector parameters; each detector validates its own. */
  params: z.record(z.string(), z.unknown()).default({}),
});

const detectionRuleSchema = z.strictObject({
  /** Graphite glob over the canonical series key (`*` within a node, `**` across nodes, `{a,b}`, `[0-9]`). */
  match: z.string().min(1),
  /** Detectors for the matching series, instead of the default set. */
  detectors: z.array(detectorUseSchema).min(1),
});

const detectionSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    /** Worker threads, each owning the series whose key hashes to it. */
    partitions: positiveInt.max(64).default(2),
    /** A point whose score reaches this is stored as an anomaly. */
    scoreThreshold: z.number().min(0).max(1).default(0.99),
    /** Default detector set for every series; `ensemble` combines several detectors (see README). */
    detectors: z.array(detectorUseSchema).min(1).default([{ id: 'ensemble', params: {} }]),
    /** Per-series detector sets: the first rule whose glob matches a series' key applies. */
    rules: z.array(detectionRuleSchema).max(254).default([]),
    /** Points queued per partition before senders are slowed. */
    maxQueuedPointsPerPartition: positiveInt.default(500_000),
    /** How often detector state is checkpointed to the data directory. */
    checkpointIntervalMs: positiveInt.default(60_000),
    /** How often the model registry is checked for promotions, rollbacks and rollouts of the models the `model` detector serves. */
    modelPollIntervalMs: positiveInt.default(5_000),
  })
  .prefault({});

const webhookSchema = z.strictObject({
  name: z.string().min(1),
  url: z.url({ protocol: /^https?$/ }),
  headers: z.record(z.string(), z.string()).default({}),
  timeoutMs: positiveInt.default(5_000),
  maxRetries: nonNegativeInt.default(5),
  /** Notifications waiting to be sent; beyond it new ones are dropped and counted. */
  queueSize: positiveInt.default(1_000),
  initialBackoffMs: positiveInt.default(500),
  maxBackoffMs: positiveInt.default(30_000),
});

const alertsSchema = z
  .strictObject({
    /** Anomalies below this score do not open an episode. */
    minScore: z.number().min(0).max(1).default(0.99),
    /** An episode of a series resolves after this long without an anomaly (data time or wall time). */
    resolveAfterMs: positiveInt.default(5 * 60 * 1000),
    sendResolved: z.boolean().default(true),
    webhooks: z.array(webhookSchema).default([]),
  })
  .prefault({});

export const configSchema = z
  .strictObject({
    dataDir: z.string().min(1).default('./vigil-data'),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    http: httpSchema,
    graphite: graphiteSchema,
    remoteWrite: remoteWriteSchema,
    otlp: otlpSchema,
    statsd: statsdSchema,
    hec: hecSchema,
    syslog: syslogSchema,
    storage: storageSchema,
    detection: detectionSchema,
    alerts: alertsSchema,
    logs: logsSchema,
  })
  .prefault({});

export type VigilConfig = z.output<typeof configSchema>;
export type HttpConfig = VigilConfig['http'];
export type GraphiteConfig = VigilConfig['graphite'];
export type RemoteWriteConfig = VigilConfig['remoteWrite'];
export type OtlpConfig = VigilConfig['otlp'];
export type StatsdConfig = VigilConfig['statsd'];
export type HecConfig = VigilConfig['hec'];
export type HecTokenConfig = HecConfig['tokens'][number];
export type SyslogConfig = VigilConfig['syslog'];
export type LogsConfig = VigilConfig['logs'];
export type StorageConfig = VigilConfig['storage'];
export type DetectionConfig = VigilConfig['detection'];
export type DetectorUse = DetectionConfig['detectors'][number];
export type DetectionRule = DetectionConfig['rules'][number];
export type AlertsConfig = VigilConfig['alerts'];
export type WebhookConfig = AlertsConfig['webhooks'][number];
