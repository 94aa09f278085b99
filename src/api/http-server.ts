import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { RemoteWriteConfig } from '../config/index.js';
import type { ReplayRequest, ReplayResult } from '../detect/index.js';
import type { ModelRegistry } from '../ml/registry/index.js';
import type { EventStore, Storage } from '../store/index.js';
import type { Clock, Lifecycle } from '../util/index.js';
import { ApiError, apiErrorOf } from './errors.js';
import { registerEventRoutes } from './event-routes.js';
import { registerModelRoutes } from './model-routes.js';
import { registerServingRoutes, type ServingRouteDeps } from './serving-routes.js';
import { registerRegressionRoutes } from './regression-routes.js';
import type { PointWriter } from './point-writer.js';
import { registerGraphiteRoutes } from './graphite/index.js';
import { registerLogRoutes, type LogApi } from './log-routes.js';
import { registerRemoteWriteRoutes, type RemoteWriteStats } from './remote-write-routes.js';
import { registerRoutes } from './routes.js';
import type { SelfMetrics } from './self-metrics.js';
import { UiAssets } from './ui-assets.js';

export interface HttpApiOptions {
  readonly host: string;
  readonly port: number;
  readonly maxBodyBytes: number;
  readonly authToken?: string;
  /** Directory of the built web UI; null serves no UI. */
  readonly uiDir: string | null;
  /** Prometheus remote write at POST /api/v1/write. */
  readonly remoteWrite: RemoteWriteConfig;
}

/** Body of GET /api/v1/status. */
export interface StatusBody {
  readonly version: string;
  readonly startedAtMs: number;
  readonly seriesCount: number;
  readonly pointsReceived: number;
  readonly pointsRejected: number;
  readonly anomaliesFound: number;
  /** Log records stored and rejected since start, and templates mined so far. */
  readonly logRecordsReceived: number;
  readonly logRecordsRejected: number;
  readonly logTemplates: number;
  readonly graphite: { readonly enabled: boolean; readonly host: string; readonly tcpPort: number; readonly udpPort: number };
  readonly hec: { readonly enabled: boolean; readonly port: number; readonly tokens: number };
  readonly syslog: { readonly enabled: boolean; readonly tcpPort: number; readonly udpPort: number };
  readonly http: { readonly port: number };
  readonly detectors: readonly string[];
}

export interface HttpApiDeps {
  readonly storage: Storage;
  readonly writer: PointWriter;
  readonly metrics: SelfMetrics;
  readonly status: () => StatusBody;
  /** True once every service has started and until shutdown begins. */
  readonly ready: () => boolean;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Re-runs detection over stored history and stores what it finds (POST /api/v1/replay). */
  readonly replay: (request: ReplayRequest) => Promise<ReplayResult>;
  /** Log intake, search and templates (POST/GET /api/v1/logs, GET /api/v1/templates). */
  readonly logs: LogApi;
  /** Deploys, config changes and other events (POST/GET /api/v1/events, Graphite's /events/). */
  readonly events: EventStore;
  /** The model registry (GET /api/v1/models…, alias changes); its routes are absent without one. */
  readonly models?: ModelRegistry;
  /** Model serving's comparison reports (GET /api/v1/models/:name/comparison); null when no detection rule serves a model. */
  readonly serving?: ServingRouteDeps['serving'];
}

/** The HTTP API, /metrics, health endpoints and the web UI on one Fastify server. */
export class HttpApi implements Lifecycle {
  /** Counters of POST /api/v1/write (requests, samples, stale markers dropped, native histograms skipped). */
  readonly remoteWriteStats: RemoteWriteStats;
  private readonly app: FastifyInstance;
  private started = false;
  private boundPort = 0;

  constructor(
    private readonly options: HttpApiOptions,
    deps: HttpApiDeps,
  ) {
    this.app = Fastify({
      loggerInstance: deps.logger.child({ component: 'http' }) as FastifyBaseLogger,
      bodyLimit: options.maxBodyBytes,
      // Per-request log lines would flood the log at ingest rates; errors are logged by the error handler.
      logController: new LogController({ disableRequestLogging: true }),
    });
    this.app.setErrorHandler((err, request, reply) => sendError(err, request, reply, deps.logger));
    this.app.setNotFoundHandler((request, reply) => {
      void reply.code(404).send({ error: `cannot find ${request.method} ${request.url.split('?')[0]}` });
    });
    const authToken = options.authToken;
    const requireToken = async (request: FastifyRequest): Promise<void> => {
      if (authToken === undefined) return;
      if (request.headers.authorization !== `Bearer ${authToken}`) throw new ApiError(401, 'cannot authorize request: missing or wrong bearer token');
    };
    registerRoutes(this.app, deps, requireToken);
    registerLogRoutes(this.app, deps, requireToken);
    registerGraphiteRoutes(this.app, deps);
    registerEventRoutes(this.app, deps, requireToken);
    registerRegressionRoutes(this.app, deps);
    const serving = deps.serving ?? null;
    if (deps.models !== undefined) registerModelRoutes(this.app, { models: deps.models, ...(serving === null ? {} : { onChange: () => void serving.refreshNow() }) }, requireToken);
    registerServingRoutes(this.app, { serving });
    this.remoteWriteStats = registerRemoteWriteRoutes(this.app, { writer: deps.writer, config: options.remoteWrite, requireToken });
    if (options.uiDir !== null) {
      const assets = new UiAssets(options.uiDir);
      this.app.get('/*', async (request, reply) => {
        const asset = await assets.get(request.url);
        if (asset === null) return reply.code(404).send({ error: `cannot find ${request.url.split('?')[0]}` });
        return reply
          .header('content-type', asset.contentType)
          .header('cache-control', asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
          .send(asset.body);
      });
    }
  }

  /** The port actually bound (useful with port 0). */
  get port(): number {
    return this.boundPort;
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.app.listen({ host: this.options.host, port: this.options.port });
    const address = this.app.server.address();
    this.boundPort = typeof address === 'object' && address !== null ? address.port : this.options.port;
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.app.close();
  }
}

function sendError(err: unknown, request: FastifyRequest, reply: FastifyReply, logger: Logger): void {
  const apiError = apiErrorOf(err);
  if (apiError !== null) {
    void reply.code(apiError.statusCode).send(apiError.field === undefined ? { error: apiError.message } : { error: apiError.message, field: apiError.field });
    return;
  }
  const e = err as { statusCode?: number; code?: string; message?: string };
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    void reply.code(413).send({ error: `cannot read body: larger than the ${request.routeOptions.bodyLimit ?? 0} byte limit` });
    return;
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    void reply.code(e.statusCode).send({ error: `cannot read request: ${e.message ?? 'bad request'}` });
    return;
  }
  logger.error({ err, url: request.url.split('?')[0], method: request.method }, 'request failed');
  void reply.code(500).send({ error: `cannot handle ${request.method} ${request.url.split('?')[0]}: ${e.message ?? 'internal error'}` });
}
