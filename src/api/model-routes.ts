import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ModelRegistryError, parseAlias, parseRollout, parseVersionNumber, parseVersionRef, type ModelRegistry, type Rollout } from '../ml/registry/index.js';
import { badRequest } from './errors.js';
import { parseLimit } from './params.js';

export interface ModelRouteDeps {
  /** The model registry in the server's data directory; registry errors map to 400/404/503 in errors.ts. */
  readonly models: ModelRegistry;
  /** Told after every alias or rollout change made here, so serving need not wait for its next registry poll. */
  readonly onChange?: () => void;
}

type Params = Record<string, string>;
type Query = Record<string, string | undefined>;

/** Header naming who makes a change, recorded in the registry's audit log. */
export const ACTOR_HEADER = 'x-vigil-actor';
const DEFAULT_ACTOR = 'api';
const MAX_ACTOR_CHARS = 128;
const DEFAULT_AUDIT_ENTRIES = 1000;
const MAX_AUDIT_ENTRIES = 100_000;

/**
 * The model registry over HTTP. Reads are open; alias changes need the token when auth is on.
 *   GET  /api/v1/models                               every model: latest version, version count, aliases, rollout
 *   GET  /api/v1/models/audit?model=&limit=           audit log entries, oldest first
 *   GET  /api/v1/models/:name                         aliases, rollout and every version
 *   GET  /api/v1/models/:name/versions/:version       one version (a number, or an alias)
 *   POST /api/v1/models/:name/aliases/:alias          {"version": n}: point the alias at version n
 *   POST /api/v1/models/:name/aliases/:alias/rollback move the alias back to its previous version
 *   POST /api/v1/models/:name/rollout                 {"mode": "off"|"shadow"|"canary", "share": 0.1}: serve staging beside production
 */
export function registerModelRoutes(app: FastifyInstance, deps: ModelRouteDeps, requireToken: (request: FastifyRequest) => Promise<void>): void {
  const { models } = deps;
  const changed = <T extends { readonly changed: boolean }>(change: T): T => {
    if (change.changed) deps.onChange?.();
    return change;
  };

  app.get('/api/v1/models', async () => ({ models: await models.listModels() }));

  // A static segment wins over :name in Fastify's router; the registry reserves the name "audit" for this.
  app.get('/api/v1/models/audit', async (request) => {
    const q = request.query as Query;
    const limit = parseLimit(q.limit, DEFAULT_AUDIT_ENTRIES, MAX_AUDIT_ENTRIES);
    const model = q.model === undefined || q.model === '' ? undefined : q.model;
    return { entries: await models.audit({ limit, ...(model === undefined ? {} : { model }) }) };
  });

  app.get('/api/v1/models/:name', async (request) => models.getModel((request.params as Params).name!));

  app.get('/api/v1/models/:name/versions/:version', async (request) => {
    const { name, version } = request.params as Params;
    return models.getVersion(name!, parseVersionRef(version!, `cannot show model ${name}`));
  });

  app.post('/api/v1/models/:name/aliases/:alias', { preHandler: requireToken }, async (request) => {
    const { name, alias } = request.params as Params;
    const context = `cannot promote model ${name}`;
    const body = request.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body) || !('version' in body)) throw badRequest(`${context}: body must be a JSON object {"version": n}`, 'version');
    const version = (body as { version: unknown }).version;
    if (typeof version !== 'number' && typeof version !== 'string') throw badRequest(`${context}: "version" must be a number`, 'version');
    return changed(await models.promote(name!, parseVersionNumber(version, context), parseAlias(alias!, context), actorOf(request, context)));
  });

  app.post('/api/v1/models/:name/aliases/:alias/rollback', { preHandler: requireToken }, async (request) => {
    const { name, alias } = request.params as Params;
    const context = `cannot roll back model ${name}`;
    return changed(await models.rollback(name!, parseAlias(alias!, context), actorOf(request, context)));
  });

  app.post('/api/v1/models/:name/rollout', { preHandler: requireToken }, async (request) => {
    const { name } = request.params as Params;
    const context = `cannot roll out model ${name}`;
    return changed(await models.setRollout(name!, rolloutOf(request.body, context), actorOf(request, context)));
  });
}

/** The body's rollout; a bad one is a 400 naming the field (`mode`, `share`, or an unknown one). */
function rolloutOf(body: unknown, context: string): Rollout {
  try {
    return parseRollout(body, context);
  } catch (err) {
    if (err instanceof ModelRegistryError && err.field !== undefined) throw badRequest(err.message, err.field);
    throw err;
  }
}

function actorOf(request: FastifyRequest, context: string): string {
  const header = request.headers[ACTOR_HEADER];
  const value = (Array.isArray(header) ? header[0] : header)?.trim() ?? '';
  if (value === '') return DEFAULT_ACTOR;
  // The actor lands in an audit log people read: no control characters, no novels.
  if (value.length > MAX_ACTOR_CHARS || /[\p{Cc}]/u.test(value)) throw badRequest(`${context}: header X-Vigil-Actor must be at most ${MAX_ACTOR_CHARS} printable characters`, 'actor');
  return value;
}
