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
    /** Series paths remembered per listener so known series cost no parsing; beyond it the cache starts over. */
    keyCacheEntries: positiveInt.default(1_000_000),
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
    storage: storageSchema,
    detection: detectionSchema,
    alerts: alertsSchema,
  })
  .prefault({});

export type VigilConfig = z.output<typeof configSchema>;
export type HttpConfig = VigilConfig['http'];
export type GraphiteConfig = VigilConfig['graphite'];
export type StorageConfig = VigilConfig['storage'];
export type DetectionConfig = VigilConfig['detection'];
export type DetectorUse = DetectionConfig['detectors'][number];
export type DetectionRule = DetectionConfig['rules'][number];
export type AlertsConfig = VigilConfig['alerts'];
export type WebhookConfig = AlertsConfig['webhooks'][number];
