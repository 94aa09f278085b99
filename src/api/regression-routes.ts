import type { FastifyInstance } from 'fastify';
import { DAY_MS, HOUR_MS } from '../model/index.js';
import { changePointMethod, DEFAULT_CHANGE_POINT_METHOD_ID, DEFAULT_DEPLOY_REPORT, deployReport, findRegressions, segmentStored, type DeployReport } from '../regress/index.js';
import type { EventStore, Storage } from '../store/index.js';
import type { Clock } from '../util/index.js';
import { ApiError, badRequest } from './errors.js';
import { defaultStepMs, parseAggregation, parseDurationMs, parseLimit, parseTimeRange } from './params.js';

export interface RegressionRouteDeps {
  readonly storage: Storage;
  readonly events: EventStore;
  readonly clock: Clock;
}

type Query = Record<string, string | undefined>;

const DEFAULT_EVENTS = 50;
const MAX_EVENTS = 500;
const MAX_SHIFTS = 100_000;
/** The longest before/after window one may ask for: a week-long window would compare across days. */
const MAX_WINDOW_MS = 12 * HOUR_MS;
/** Finished reports kept, so that a dashboard polling the same range does not recompute them. */
const CACHED_REPORTS = 512;

/** Most buckets one segmentation reads: the methods are O(n) to O(n²), and a chart needs no more. */
const MAX_SEGMENT_BUCKETS = 20_000;

/**
 * GET /api/v1/changepoints?series=&from=&to=&step=&agg=&method=: offline segmentation of a stored range.
 * GET /api/v1/regressions?from=&to=&service=&window=&events=: per event in the range, the series that
 * changed (ranked, see regress/deployReport), and every series that got worse — after an event or
 * on its own — newest first.
 */
export function registerRegressionRoutes(app: FastifyInstance, deps: RegressionRouteDeps): void {
  const cache = new Map<string, DeployReport>();
  const reportOf = async (event: DeployReport['event'], windowMs: number, nowMs: number): Promise<DeployReport> => {
    const key = `${event.id}/${windowMs}`;
    const cached = cache.get(key);
    if (cached !== undefined) return cached;
    const report = await deployReport(deps.storage, event, nowMs, { ...DEFAULT_DEPLOY_REPORT, windowMs });
    // Only a report whose after window has passed is final; a filling one is recomputed next time.
    if (report.complete) {
      if (cache.size >= CACHED_REPORTS) cache.delete(cache.keys().next().value!);
      cache.set(key, report);
    }
    return report;
  };

  app.get('/api/v1/changepoints', async (request) => {
    const q = request.query as Query;
    if (!q.series) throw badRequest('cannot find change points: parameter "series" is required (a canonical series key)', 'series');
    const series = deps.storage.seriesByKey(q.series);
    if (series === undefined) throw new ApiError(404, `cannot find series ${JSON.stringify(q.series)}`, 'series');
    const nowMs = deps.clock.nowMs();
    const { fromMs, toMs } = parseTimeRange(q.from, q.to, nowMs, { toMs: nowMs + 1, spanMs: 7 * DAY_MS }, 'find change points');
    const stepMs = q.step ? parseDurationMs(q.step, 'step') : defaultStepMs(fromMs, toMs, 2000);
    if ((toMs - fromMs) / stepMs > MAX_SEGMENT_BUCKETS) throw badRequest(`cannot find change points: step ${stepMs} ms gives more than ${MAX_SEGMENT_BUCKETS} buckets; use a larger step`, 'step');
    let method;
    try {
      method = changePointMethod(q.method || DEFAULT_CHANGE_POINT_METHOD_ID);
    } catch (err) {
      throw badRequest((err as Error).message, 'method');
    }
    const agg = parseAggregation(q.agg);
    const points = await deps.storage.query({ seriesId: series.id, fromMs, toMs, stepMs, agg });
    return { series: series.key, method: method.id, fromMs, toMs, stepMs, agg, ...segmentStored(points, toMs, method) };
  });

  app.get('/api/v1/regressions', async (request) => {
    const q = request.query as Query;
    const nowMs = deps.clock.nowMs();
    const { fromMs, toMs } = parseTimeRange(q.from, q.to, nowMs, { toMs: nowMs + 1, spanMs: DAY_MS }, 'list regressions');
    const windowMs = q.window ? parseDurationMs(q.window, 'window') : DEFAULT_DEPLOY_REPORT.windowMs;
    if (windowMs > MAX_WINDOW_MS) throw badRequest(`cannot list regressions: window ${windowMs} ms is longer than ${MAX_WINDOW_MS} ms`, 'window');
    const maxEvents = parseLimit(q.events, DEFAULT_EVENTS, MAX_EVENTS);
    const service = q.service === undefined || q.service === '' ? undefined : q.service;
    const answer = await findRegressions(
      deps.storage,
      deps.events,
      { fromMs, toMs, maxEvents, maxShifts: MAX_SHIFTS, ...(service === undefined ? {} : { service }) },
      nowMs,
      (event) => reportOf(event, windowMs, nowMs),
    );
    return { fromMs, toMs, windowMs, ...answer, reports: answer.reports.map((r) => ({ ...r, changes: q.all === 'true' ? r.changes : r.changes.filter((c) => c.significant) })) };
  });
}
