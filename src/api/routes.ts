import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ReplayRequestError } from '../detect/index.js';
import { parseJsonPoints } from '../ingest/index.js';
import type { Rejection, SeriesInfo } from '../model/index.js';
import { DAY_MS, HOUR_MS } from '../model/index.js';
import { ApiError, badRequest } from './errors.js';
import type { HttpApiDeps } from './http-server.js';
import { acceptedRecordLines } from './line-numbers.js';
import { defaultStepMs, parseAggregation, parseDurationMs, parseLimit, parseTimeRange } from './params.js';

type Query = Record<string, string | undefined>;

const MAX_SERIES_LIMIT = 100_000;
const MAX_ANOMALY_LIMIT = 100_000;
/** Most buckets a single query may ask for, so one request cannot exhaust memory. */
const MAX_BUCKETS = 1_000_000;
const GLOB_CHARS = /[*?{[]/;

export function registerRoutes(app: FastifyInstance, deps: HttpApiDeps, requireToken: (request: FastifyRequest) => Promise<void>): void {
  const { storage, clock } = deps;

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => (deps.ready() ? { status: 'ready' } : reply.code(503).send({ status: 'starting or stopping' })));
  app.get('/metrics', async (_request, reply) => {
    const text = await deps.metrics.registry.metrics();
    return reply.header('content-type', deps.metrics.registry.contentType).send(text);
  });
  app.get('/api/v1/status', async () => deps.status());

  app.get('/api/v1/series', async (request) => {
    const q = request.query as Query;
    const limit = parseLimit(q.limit, 1000, MAX_SERIES_LIMIT);
    const all = findSeries(deps, q.match || '**', MAX_SERIES_LIMIT);
    return { series: all.slice(0, limit).map(seriesJson), total: all.length };
  });

  app.get('/api/v1/query', async (request) => {
    const q = request.query as Query;
    if (!q.series) throw badRequest('cannot query: parameter "series" is required (a canonical series key)', 'series');
    const series = storage.seriesByKey(q.series);
    if (series === undefined) throw new ApiError(404, `cannot find series ${JSON.stringify(q.series)}`, 'series');
    const nowMs = clock.nowMs();
    const { fromMs, toMs } = parseTimeRange(q.from, q.to, nowMs, { toMs: nowMs, spanMs: HOUR_MS }, 'query');
    const stepMs = q.step ? parseDurationMs(q.step, 'step') : defaultStepMs(fromMs, toMs);
    if ((toMs - fromMs) / stepMs > MAX_BUCKETS) throw badRequest(`cannot query: step ${stepMs} ms gives more than ${MAX_BUCKETS} buckets; use a larger step`, 'step');
    const agg = parseAggregation(q.agg);
    const result = await storage.query({ seriesId: series.id, fromMs, toMs, stepMs, agg });
    return { series: series.key, fromMs, toMs, stepMs, agg, timestampsMs: Array.from(result.timestampsMs), values: Array.from(result.values) };
  });

  app.get('/api/v1/anomalies', async (request) => {
    const q = request.query as Query;
    const nowMs = clock.nowMs();
    const { fromMs, toMs } = parseTimeRange(q.from, q.to, nowMs, { toMs: nowMs + 1, spanMs: DAY_MS }, 'list anomalies');
    const limit = parseLimit(q.limit, 10_000, MAX_ANOMALY_LIMIT);
    let seriesIds: number[] | undefined;
    if (q.series) {
      seriesIds = findSeries(deps, q.series, MAX_SERIES_LIMIT).map((s) => s.id);
      if (seriesIds.length === 0) return { anomalies: [] };
    }
    const anomalies = await storage.queryAnomalies({ fromMs, toMs, limit, ...(seriesIds === undefined ? {} : { seriesIds }) });
    return { anomalies };
  });

  app.post('/api/v1/replay', { preHandler: requireToken }, async (request) => {
    const body = request.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('cannot replay: body must be a JSON object {series, from, to, detector?}');
    const fields = body as Record<string, unknown>;
    const nowMs = clock.nowMs();
    const seriesGlob = readString(fields, 'series', true)!;
    const { fromMs, toMs } = parseTimeRange(readString(fields, 'from', false), readString(fields, 'to', false), nowMs, { toMs: nowMs + 1, spanMs: DAY_MS }, 'replay');
    const detectorId = readString(fields, 'detector', false);
    try {
      return await deps.replay({ seriesGlob, fromMs, toMs, ...(detectorId === undefined ? {} : { detectorId }) });
    } catch (err) {
      if (err instanceof ReplayRequestError) throw badRequest(err.message);
      throw err;
    }
  });

  app.post('/api/v1/points', { preHandler: requireToken }, async (request) => {
    let parsed;
    try {
      parsed = parseJsonPoints(request.body, clock.nowMs());
    } catch (err) {
      deps.writer.reject([{ line: 0, reason: 'malformed_line', message: (err as Error).message }], 'http_json');
      throw badRequest((err as Error).message);
    }
    const { points, rejections } = parsed;
    deps.writer.reject(rejections, 'http_json');
    const recordCount = Array.isArray(request.body) ? request.body.length : 0;
    const lines = acceptedRecordLines(recordCount, rejections);
    const result = await deps.writer.write(points, 'http_json');
    const rejected: Rejection[] = [...rejections];
    for (const r of result.rejected) rejected.push({ line: lines[r.index] ?? 0, reason: r.reason, message: `record ${lines[r.index] ?? '?'}: ${r.message}` });
    rejected.sort((a, b) => a.line - b.line);
    return { accepted: result.accepted, rejected };
  });
}

function readString(body: Record<string, unknown>, field: string, required: boolean): string | undefined {
  const value = body[field];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || value === '') throw badRequest(`cannot replay: field "${field}" must be a non-empty string`, field);
  return value;
}

function findSeries(deps: HttpApiDeps, pattern: string, limit: number): SeriesInfo[] {
  if (!GLOB_CHARS.test(pattern)) {
    const exact = deps.storage.seriesByKey(pattern);
    return exact === undefined ? [] : [exact];
  }
  try {
    return deps.storage.findSeries(pattern, limit);
  } catch (err) {
    throw badRequest(`cannot match series: ${(err as Error).message}`, 'match');
  }
}

function seriesJson(s: SeriesInfo): { id: number; key: string; name: string; tags: Readonly<Record<string, string>> } {
  return { id: s.id, key: s.key, name: s.name, tags: s.tags };
}
