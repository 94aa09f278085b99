export { HttpApi } from './http-server.js';
export type { HttpApiOptions, HttpApiDeps, StatusBody } from './http-server.js';
export { SelfMetrics } from './self-metrics.js';
export type { StatsProviders, IngestProtocol } from './self-metrics.js';
export type { PointWriter, WriteResult } from './point-writer.js';
export { ApiError } from './errors.js';
export { parseDurationMs, parseTimeMs } from './params.js';
export type { LogApi } from './log-routes.js';
