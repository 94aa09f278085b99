import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { checkOpsEvent, DAY_MS, type OpsEventInput } from '../model/index.js';
import type { EventStore } from '../store/index.js';
import type { Clock } from '../util/index.js';
import { ApiError, badRequest } from './errors.js';
import { isProblem, parseEventsBody } from './event-json.js';
import { graphiteEventJson, graphiteTagWords, jsonText, matchesGraphiteTags, parseAtTimeSec, parseGraphiteEvent, RequestParams, sendJson, TimeFormatError, TimeZone } from './graphite/index.js';
import { parseLimit, parseTimeRange } from './params.js';
import type { SelfMetrics } from './self-metrics.js';

/** What the event routes need: the store, the received-events counter and the clock `now` comes from. */
export interface EventRouteDeps {
  readonly events: EventStore;
  readonly metrics: Pick<SelfMetrics, 'eventsReceived'>;
  readonly clock: Clock;
}

type Query = Record<string, string | undefined>;
type Source = 'api' | 'graphite';
type Outcome = 'accepted' | 'rejected' | 'failed';

/** Most events one POST may carry; deploy tooling sends a few at a time. */
const MAX_EVENTS_PER_REQUEST = 10_000;
const DEFAULT_EVENT_LIMIT = 1000;
const MAX_EVENT_LIMIT = 10_000;
/** graphite-web's get_data has no limit; Vigil reads at most this many events for one answer. */
const MAX_GRAPHITE_EVENTS = 100_000;

/**
 * Registers the event API: POST/GET /api/v1/events, and graphite-web's POST /events/ and
 * GET /events/get_data for Graphite senders and Grafana's Graphite annotations. Writes need the token.
 * The routes live in their own plugin scope, which also reads form-encoded bodies as JSON text:
 * `curl -d '{...}'` sends JSON under that content type, and Graphite senders often do.
 */
export function registerEventRoutes(app: FastifyInstance, deps: EventRouteDeps, requireToken: (request: FastifyRequest) => Promise<void>): void {
  const { events, clock } = deps;
  const count = (source: Source, outcome: Outcome, n: number): void => {
    if (n > 0) deps.metrics.eventsReceived.inc({ source, outcome }, n);
  };

  void app.register(async (scope) => {
    for (const type of ['application/x-www-form-urlencoded', 'text/plain']) {
      if (!scope.hasContentTypeParser(type)) scope.addContentTypeParser(type, { parseAs: 'string' }, (_request, body, done) => done(null, body));
    }
    // A body Fastify could not read (bad JSON, too large) is a rejected event too; the app's handler answers.
    scope.setErrorHandler((err, request) => {
      const status = (err as { statusCode?: unknown }).statusCode;
      if (request.method === 'POST' && !(err instanceof ApiError) && typeof status === 'number' && status >= 400 && status < 500) count(sourceOf(request), 'rejected', 1);
      throw err;
    });

    scope.post('/api/v1/events', { preHandler: requireToken }, async (request, reply) => {
      const body = readJsonBody(request.body, () => count('api', 'rejected', 1));
      if (Array.isArray(body) && body.length > MAX_EVENTS_PER_REQUEST) {
        count('api', 'rejected', body.length);
        throw badRequest(`cannot store events: ${body.length} events in one request; at most ${MAX_EVENTS_PER_REQUEST} are allowed`, 'body');
      }
      const parsed = parseEventsBody(body, clock.nowMs());
      count('api', 'rejected', parsed.rejected.length);
      const ids: (string | null)[] = new Array<string | null>(Array.isArray(body) ? body.length : 1).fill(null);
      if (parsed.events.length > 0) {
        let stored: string[];
        try {
          stored = await events.append(parsed.events.map((e) => e.input));
        } catch (err) {
          count('api', 'failed', parsed.events.length);
          throw new ApiError(503, `cannot store events: ${(err as Error).message}`);
        }
        parsed.events.forEach((e, i) => (ids[e.index] = stored[i]!));
        count('api', 'accepted', parsed.events.length);
      }
      const answer = { accepted: parsed.events.length, ids, rejected: parsed.rejected };
      const first = parsed.rejected[0];
      // Nothing kept is an error, so that `curl -f` and scripts notice; the answer keeps its shape.
      if (parsed.events.length === 0 && first !== undefined) return reply.code(400).send({ error: first.message, field: first.field, ...answer });
      return answer;
    });

    scope.get('/api/v1/events', async (request) => {
      const q = request.query as Query;
      const nowMs = clock.nowMs();
      const { fromMs, toMs } = parseTimeRange(q.from, q.to, nowMs, { toMs: nowMs + 1, spanMs: DAY_MS }, 'list events');
      const limit = parseLimit(q.limit, DEFAULT_EVENT_LIMIT, MAX_EVENT_LIMIT);
      const found = await events.query({ fromMs, toMs, limit, ...(q.service ? { service: q.service } : {}), ...(q.type ? { type: q.type } : {}) });
      return { fromMs, toMs, events: found };
    });

    for (const url of ['/events', '/events/']) {
      scope.post(url, { preHandler: requireToken }, async (request) => {
        const body = readJsonBody(request.body, () => count('graphite', 'rejected', 1));
        const input = parseGraphiteEvent(body, clock.nowMs());
        const problem = isProblem(input) ? input : checkOpsEvent(input);
        if (problem !== null) {
          count('graphite', 'rejected', 1);
          throw badRequest(`cannot store event: ${problem.message}`, problem.field);
        }
        let id: string;
        try {
          [id] = (await events.append([input as OpsEventInput])) as [string];
        } catch (err) {
          count('graphite', 'failed', 1);
          throw new ApiError(503, `cannot store event: ${(err as Error).message}`);
        }
        count('graphite', 'accepted', 1);
        return { id };
      });
    }

    for (const url of ['/events/get_data', '/events/get_data/']) {
      scope.get(url, async (request, reply) => graphiteEvents(request, reply));
    }
  });

  /** graphite-web's get_data: events in [from, until] (default: all up to now) carrying the `tags` words. */
  async function graphiteEvents(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const params = RequestParams.of(request);
    const tz = params.get('tz');
    const zone = (tz ? TimeZone.named(tz) : null) ?? TimeZone.UTC;
    const nowSec = Math.floor(clock.nowMs() / 1000);
    const readTime = (name: 'from' | 'until', fallbackSec: number): number => {
      const text = params.get(name);
      if (text === undefined || text === '') return fallbackSec;
      try {
        return parseAtTimeSec(text, nowSec, zone);
      } catch (err) {
        if (err instanceof TimeFormatError) throw badRequest(`cannot read ${name}: ${err.message}`, name);
        throw err;
      }
    };
    let fromSec: number;
    let untilSec: number;
    try {
      fromSec = readTime('from', 0);
      untilSec = readTime('until', nowSec);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      // Grafana shows `message`, as graphite-web's other endpoints answer.
      return reply.code(err.statusCode).send({ error: err.message, message: err.message, field: err.field });
    }
    const wanted = params.getAll('tags').flatMap((value) => graphiteTagWords(value) as string[]);
    const set = params.get('set') === 'union' ? 'union' : 'intersection';
    // `until` names a whole second, all of which is in range.
    const found = await events.query({ fromMs: fromSec * 1000, toMs: (untilSec + 1) * 1000, limit: MAX_GRAPHITE_EVENTS });
    return sendJson(reply, params, jsonText(params, found.filter((e) => matchesGraphiteTags(e, wanted, set)).map(graphiteEventJson)));
  }
}

function sourceOf(request: FastifyRequest): Source {
  return request.url.startsWith('/events') ? 'graphite' : 'api';
}

/** A body as JSON: already parsed (application/json) or JSON text under another content type. */
function readJsonBody(body: unknown, onError: () => void): unknown {
  if (typeof body !== 'string') {
    if (body === undefined || body === null) {
      onError();
      throw badRequest('cannot read events: the body is empty; send a JSON event object or an array of them', 'body');
    }
    return body;
  }
  try {
    return JSON.parse(body) as unknown;
  } catch (err) {
    onError();
    throw badRequest(`cannot read events: the body is not JSON: ${(err as Error).message}`, 'body');
  }
}
