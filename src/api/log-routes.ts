import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseJsonLogLines, parseJsonLogObject, type LogLineDefaults, type LogLinesResult, type LogSink } from '../ingest/index.js';
import type { LogRecord, LogSeverity, Rejection } from '../model/index.js';
import { DAY_MS, LOG_SEVERITIES } from '../model/index.js';
import type { TemplateSummary } from '../logs/index.js';
import type { LogQuery, Storage, StoredLog } from '../store/index.js';
import type { Clock } from '../util/index.js';
import { ApiError, badRequest } from './errors.js';
import { defaultStepMs, parseDurationMs, parseLimit, parseTimeRange } from './params.js';

/** What the log routes need: the log write path, the search and the template list. */
export interface LogApi extends LogSink {
  search(query: LogQuery): Promise<StoredLog[]>;
  templates(): readonly TemplateSummary[];
}

type Query = Record<string, string | undefined>;

const MAX_LOG_LIMIT = 10_000;
const MAX_TEMPLATE_LIMIT = 10_000;
/** Most rate buckets returned per template. */
const RATE_BUCKETS = 300;

/** Reads a POST /api/v1/logs body: JSON lines as text, or an already parsed JSON object or array of them. */
function readLogBody(body: unknown, defaults: LogLineDefaults): LogLinesResult {
  if (typeof body === 'string') return parseJsonLogLines(body, defaults);
  const items = Array.isArray(body) ? body : [body];
  const records: LogRecord[] = [];
  const rejections: Rejection[] = [];
  items.forEach((item, i) => {
    const record = parseJsonLogObject(item, defaults);
    if (typeof record === 'string') rejections.push({ line: i + 1, reason: /time/i.test(record) ? 'bad_timestamp' : 'malformed_line', message: `record ${i + 1}: ${record}` });
    else records.push(record);
  });
  return { records, rejections };
}

function parseSeverity(text: string | undefined): LogSeverity | undefined {
  if (text === undefined || text === '') return undefined;
  if ((LOG_SEVERITIES as readonly string[]).includes(text)) return text as LogSeverity;
  throw badRequest(`cannot parse severity: expected one of ${LOG_SEVERITIES.join(', ')}, got ${JSON.stringify(text)}`, 'severity');
}

export function registerLogRoutes(
  app: FastifyInstance,
  deps: { readonly logs: LogApi; readonly storage: Storage; readonly clock: Clock },
  requireToken: (request: FastifyRequest) => Promise<void>,
): void {
  const { logs, storage, clock } = deps;
  // JSON lines arrive as text: one object per line is not one JSON document.
  for (const type of ['application/x-ndjson', 'application/jsonl', 'application/jsonlines', 'text/plain']) {
    app.addContentTypeParser(type, { parseAs: 'string' }, (_request, body, done) => done(null, body));
  }

  app.post('/api/v1/logs', { preHandler: requireToken }, async (request) => {
    const defaults = { receivedAtMs: clock.nowMs(), host: request.ip, source: 'api' };
    const { records, rejections } = readLogBody(request.body, defaults);
    logs.reject(rejections, 'api');
    if (records.length > 0) {
      try {
        await logs.write(records, 'api');
      } catch (err) {
        throw new ApiError(503, `cannot store logs: ${(err as Error).message}`);
      }
    }
    return { accepted: records.length, rejected: rejections };
  });

  app.get('/api/v1/logs', async (request) => {
    const q = request.query as Query;
    const nowMs = clock.nowMs();
    const { fromMs, toMs } = parseTimeRange(q.from, q.to, nowMs, { toMs: nowMs + 1, spanMs: DAY_MS }, 'search logs');
    const minSeverity = parseSeverity(q.severity);
    const query: LogQuery = {
      fromMs,
      toMs,
      limit: parseLimit(q.limit, 100, MAX_LOG_LIMIT),
      ...(q.query ? { query: q.query } : {}),
      ...(q.template ? { templateId: q.template } : {}),
      ...(q.host ? { host: q.host } : {}),
      ...(q.source ? { source: q.source } : {}),
      ...(minSeverity === undefined ? {} : { minSeverity }),
    };
    return { fromMs, toMs, logs: await logs.search(query) };
  });

  app.get('/api/v1/templates', async (request) => {
    const q = request.query as Query;
    const limit = parseLimit(q.limit, 100, MAX_TEMPLATE_LIMIT);
    const nowMs = clock.nowMs();
    const { fromMs, toMs } = parseTimeRange(q.from, q.to, nowMs, { toMs: nowMs + 1, spanMs: DAY_MS }, 'list templates');
    const stepMs = q.step ? parseDurationMs(q.step, 'step') : defaultStepMs(fromMs, toMs, RATE_BUCKETS);
    const minSeverity = parseSeverity(q.severity);
    const text = q.query?.toLowerCase();
    let templates = logs.templates();
    if (text) templates = templates.filter((t) => t.template.toLowerCase().includes(text));
    if (minSeverity !== undefined) templates = templates.filter((t) => LOG_SEVERITIES.indexOf(t.severity) <= LOG_SEVERITIES.indexOf(minSeverity));
    if (q.sort === 'lastSeen') templates = [...templates].sort((a, b) => b.lastSeenMs - a.lastSeenMs);
    else if (q.sort !== undefined && q.sort !== 'count') throw badRequest(`cannot parse sort: expected count or lastSeen, got ${JSON.stringify(q.sort)}`, 'sort');
    const page = templates.slice(0, limit);
    const listed = await Promise.all(
      page.map(async (t) => {
        const series = storage.seriesByKey(t.series);
        const rate = series === undefined ? { timestampsMs: new Float64Array(0), values: new Float64Array(0) } : await storage.query({ seriesId: series.id, fromMs, toMs, stepMs, agg: 'sum' });
        return { ...t, rate: { stepMs, timestampsMs: Array.from(rate.timestampsMs), values: Array.from(rate.values) } };
      }),
    );
    return { total: templates.length, templates: listed };
  });
}
