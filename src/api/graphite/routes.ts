import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import type { Storage } from '../../store/index.js';
import type { Clock } from '../../util/index.js';
import { ApiError, badRequest } from '../errors.js';
import { parseAtTimeSec, TimeFormatError } from './attime.js';
import { SeriesCatalog } from './catalog.js';
import { Evaluator } from './evaluator.js';
import { TargetSyntaxError } from './expression.js';
import { completerJson, completerQuery, expandQueries, findNodes, treeJson } from './find.js';
import { FunctionRegistry, functionInfo, type FunctionInfo } from './functions/registry.js';
import { GraphiteInputError } from './input-error.js';
import { resolveGraphiteOptions, type GraphiteApiOptions } from './options.js';
import { renderJson } from './render-json.js';
import { jsonText, RequestParams, sendJson } from './request-params.js';
import type { Series } from './series.js';
import { StoredSeriesData } from './series-data.js';
import { autoCompleteTags, autoCompleteValues, findTaggedSeries, listTags, tagDetails } from './tag-lists.js';
import { TimeZone } from './zone.js';

/** What the Graphite API reads: the store and the clock that `now` comes from. */
export interface GraphiteDeps {
  readonly storage: Storage;
  readonly clock: Clock;
}

type Handler = (request: FastifyRequest, reply: FastifyReply, params: RequestParams) => Promise<FastifyReply | string>;

/** graphite-web's default range: the last day. */
const DEFAULT_FROM = '-1d';

/**
 * Registers graphite-web's read API on `app`, for Grafana's Graphite data source (version 1.1.x):
 * GET/POST /render, /metrics/find, /metrics/expand, /tags, /tags/<tag>, /tags/findSeries,
 * /tags/autoComplete/tags and /values, GET /functions, /functions/<name> and /version. Paths also answer
 * with a trailing slash. The routes live in their own plugin scope, which parses form-encoded bodies
 * (as Grafana posts them) and answers input errors with 400 `{error, message}` (Grafana shows `message`).
 * Reads need no token, like Vigil's other query endpoints.
 */
export function registerGraphiteRoutes(app: FastifyInstance, deps: GraphiteDeps, options: Partial<GraphiteApiOptions> = {}): void {
  const resolved = resolveGraphiteOptions(options);
  const defaultZone = TimeZone.named(resolved.timeZone)!;
  const catalog = new SeriesCatalog(deps.storage);
  const registry = new FunctionRegistry();
  const evaluator = new Evaluator(registry);

  void app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    scope.setErrorHandler((err, _request, reply) => {
      const error = toApiError(err);
      if (error === null) throw err;
      void reply.code(error.statusCode).send({ error: error.message, message: error.message, ...(error.field === undefined ? {} : { field: error.field }) });
    });

    const route = (methods: HTTPMethods[], path: string, handler: Handler): void => {
      for (const url of [path, `${path}/`]) {
        scope.route({ method: methods, url, handler: async (request, reply) => handler(request, reply, RequestParams.of(request)) });
      }
    };

    route(['GET', 'POST'], '/render', async (_request, reply, params) => {
      const format = params.get('format') ?? 'json';
      if (format !== 'json') throw badRequest(`cannot render: format ${JSON.stringify(format)} is not supported; use format=json`, 'format');
      const series = await render(params);
      const maxDataPoints = params.get('maxDataPoints');
      const body = renderJson(series, {
        ...(maxDataPoints !== undefined && /^\d+$/.test(maxDataPoints) && Number(maxDataPoints) > 0 ? { maxDataPoints: Number(maxDataPoints) } : {}),
        noNullPoints: params.has('noNullPoints'),
      });
      return sendJson(reply, params, params.has('pretty') ? jsonText(params, JSON.parse(body.toString('utf8'))) : body);
    });

    route(['GET', 'POST'], '/metrics/find', async (_request, reply, params) => {
      const query = params.get('query');
      if (query === undefined || query === '') throw badRequest('cannot find metrics: parameter "query" is required', 'query');
      const format = params.get('format') ?? 'treejson';
      const findOptions = { leavesOnly: params.flag('leavesOnly'), wildcards: params.flag('wildcards') };
      if (format === 'treejson') {
        return sendJson(reply, params, jsonText(params, treeJson(findNodes(catalog, query, findOptions.leavesOnly), query, findOptions)));
      }
      if (format === 'completer') {
        return sendJson(reply, params, jsonText(params, completerJson(findNodes(catalog, completerQuery(query), findOptions.leavesOnly), findOptions)));
      }
      throw badRequest(`cannot find metrics: format ${JSON.stringify(format)} is not one of treejson, completer`, 'format');
    });

    route(['GET', 'POST'], '/metrics/expand', async (_request, reply, params) => {
      const queries = params.getAll('query');
      if (queries.length === 0) throw badRequest('cannot expand metrics: parameter "query" is required', 'query');
      return sendJson(reply, params, jsonText(params, expandQueries(catalog, queries, params.flag('leavesOnly'), params.flag('groupByExpr'))));
    });

    route(['GET'], '/tags', async (_request, reply, params) => {
      const limit = params.has('limit') ? params.positiveInteger('limit', resolved.autocompleteLimit) : undefined;
      return sendJson(reply, params, jsonText(params, listTags(catalog, params.get('filter'), limit)));
    });

    route(['GET', 'POST'], '/tags/findSeries', async (_request, reply, params) => {
      const expressions = params.getAll('expr');
      if (expressions.length === 0) throw badRequest('cannot find series by tag: parameter "expr" is required', 'expr');
      return sendJson(reply, params, jsonText(params, findTaggedSeries(catalog, expressions)));
    });

    route(['GET', 'POST'], '/tags/autoComplete/tags', async (_request, reply, params) => {
      const limit = params.positiveInteger('limit', resolved.autocompleteLimit);
      return sendJson(reply, params, jsonText(params, autoCompleteTags(catalog, params.getAll('expr'), params.get('tagPrefix') ?? '', limit)));
    });

    route(['GET', 'POST'], '/tags/autoComplete/values', async (_request, reply, params) => {
      const tag = params.get('tag');
      if (tag === undefined || tag === '') throw badRequest('cannot complete tag values: parameter "tag" is required', 'tag');
      const limit = params.positiveInteger('limit', resolved.autocompleteLimit);
      return sendJson(reply, params, jsonText(params, autoCompleteValues(catalog, params.getAll('expr'), tag, params.get('valuePrefix') ?? '', limit)));
    });

    route(['GET'], '/tags/:tag', async (request, reply, params) => {
      const { tag } = request.params as { tag: string };
      const limit = params.has('limit') ? params.positiveInteger('limit', resolved.autocompleteLimit) : undefined;
      return sendJson(reply, params, jsonText(params, tagDetails(catalog, tag, params.get('filter'), limit)));
    });

    route(['GET'], '/functions', async (_request, reply, params) => {
      const group = params.get('group');
      const grouped = ['1', 'true'].includes((params.get('grouped') ?? '').toLowerCase());
      const result: Record<string, FunctionInfo | Record<string, FunctionInfo>> = {};
      // Vigil has no pie-chart functions (type=pie lists none).
      const functions = params.get('type') === 'pie' ? [] : registry.all();
      for (const fn of functions) {
        if (group !== undefined && group !== fn.group) continue;
        const info = functionInfo(fn, registry);
        if (grouped) ((result[fn.group] ??= {}) as Record<string, FunctionInfo>)[fn.name] = info;
        else result[fn.name] = info;
      }
      return sendJson(reply, params, functionsJson(params, result));
    });

    route(['GET'], '/functions/:name', async (request, reply, params) => {
      const { name } = request.params as { name: string };
      const fn = registry.get(name);
      if (fn === undefined) throw new ApiError(404, `cannot find function ${JSON.stringify(name)}`, 'name');
      return sendJson(reply, params, functionsJson(params, functionInfo(fn, registry)));
    });

    route(['GET'], '/version', async (_request, reply) => reply.header('content-type', 'text/plain; charset=utf-8').send(resolved.version));
  });

  /** Evaluates every `target` of a render request over its time range. */
  async function render(params: RequestParams): Promise<Series[]> {
    const zone = (params.get('tz') ? TimeZone.named(params.get('tz')!) : null) ?? defaultZone;
    const clockSec = Math.floor(deps.clock.nowMs() / 1000);
    const nowSec = params.has('now') ? readTime(params, 'now', clockSec, zone) : clockSec;
    const untilSec = params.has('until') ? readTime(params, 'until', nowSec, zone) : nowSec;
    const fromSec = params.has('from') ? readTime(params, 'from', nowSec, zone) : parseAtTimeSec(DEFAULT_FROM, nowSec, zone);
    const startSec = Math.min(fromSec, untilSec);
    const endSec = Math.max(fromSec, untilSec);
    if (startSec === endSec) throw badRequest(`cannot render: from and until are the same time (${startSec}); the range is empty`, 'from');
    const xFilesFactor = readXFilesFactor(params);
    const ctx = { fromSec: startSec, untilSec: endSec, xFilesFactor, data: new StoredSeriesData(deps.storage, catalog, resolved, xFilesFactor) };
    const series: Series[] = [];
    for (const target of params.getAll('target')) {
      if (target.trim() === '') continue;
      series.push(...(await evaluator.evaluateTarget(target, ctx)));
    }
    return series;
  }
}

function readTime(params: RequestParams, name: string, nowSec: number, zone: TimeZone): number {
  try {
    return parseAtTimeSec(params.get(name)!, nowSec, zone);
  } catch (err) {
    if (err instanceof TimeFormatError) throw badRequest(`cannot read ${name}: ${err.message}`, name);
    throw err;
  }
}

function readXFilesFactor(params: RequestParams): number {
  const text = params.get('xFilesFactor');
  if (text === undefined || text === '') return 0;
  const value = Number(text);
  if (!(value >= 0 && value <= 1)) throw badRequest(`cannot read xFilesFactor: expected a number from 0 to 1, got ${JSON.stringify(text)}`, 'xFilesFactor');
  return value;
}

/** /functions JSON; an infinite default (keepLastValue's limit) is written 1e9999, as Grafana reads it. */
function functionsJson(params: RequestParams, value: unknown): string {
  const INFINITY = '\u0000Infinity\u0000';
  return jsonText(params, value, (_key, v) => (v === Infinity ? INFINITY : v)).replaceAll(JSON.stringify(INFINITY), '1e9999');
}

/** Input errors of the Graphite layer as 400s; null for errors the app's handler deals with. */
function toApiError(err: unknown): ApiError | null {
  if (err instanceof ApiError) return err;
  if (err instanceof TargetSyntaxError) return badRequest(err.message, 'target');
  if (err instanceof GraphiteInputError) return badRequest(err.message, 'target');
  if (err instanceof TimeFormatError) return badRequest(err.message);
  return null;
}
