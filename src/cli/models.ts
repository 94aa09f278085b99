import { userInfo } from 'node:os';
import {
  ModelRegistry,
  parseAlias,
  parseRollout,
  parseVersionNumber,
  parseVersionRef,
  type AliasChange,
  type AuditEntry,
  type ModelAlias,
  type ModelDetail,
  type ModelSummary,
  type ModelVersionDetail,
  type Rollout,
  type RolloutChange,
} from '../ml/registry/index.js';
import type { ComparisonReport } from '../ml/serve/index.js';
import { requestJson, type ServerTarget } from './api-client.js';
import { formatAliasChange, formatComparison, formatAudit, formatModelDetail, formatModelList, formatModelVersion, formatRolloutChange } from './models-format.js';

/** The header the server reads the actor of a change from (api/model-routes.ts). */
const ACTOR_HEADER = 'X-Vigil-Actor';

/** Where `vigil models` reads and changes models: a running server (--url), or a registry directory (--registry). */
export interface ModelsFlags {
  readonly url: string;
  readonly token?: string;
  /** Work on this registry directory directly, without a server. */
  readonly registry?: string;
  /** Who the audit log records for a change: sent as X-Vigil-Actor over --url, written directly with --registry (default: the OS user). */
  readonly actor?: string;
  readonly json?: boolean;
}

/** The registry operations the commands need, over HTTP or on a directory; both answer the same JSON. */
interface ModelsBackend {
  list(): Promise<ModelSummary[]>;
  model(name: string): Promise<ModelDetail>;
  version(name: string, ref: string): Promise<ModelVersionDetail>;
  promote(name: string, version: number, alias: ModelAlias): Promise<AliasChange>;
  rollback(name: string, alias: ModelAlias): Promise<AliasChange>;
  rollout(name: string, rollout: Rollout): Promise<RolloutChange>;
  audit(model: string | undefined, limit: number | undefined): Promise<AuditEntry[]>;
}

export async function modelsListCommand(flags: ModelsFlags): Promise<number> {
  const models = await backendOf(flags).list();
  print(flags, { models }, () => formatModelList(models));
  return 0;
}

export async function modelsShowCommand(name: string, version: string | undefined, flags: ModelsFlags): Promise<number> {
  const backend = backendOf(flags);
  if (version === undefined) {
    const model = await backend.model(name);
    print(flags, model, () => formatModelDetail(model));
  } else {
    const detail = await backend.version(name, version);
    print(flags, detail, () => formatModelVersion(detail));
  }
  return 0;
}

export async function modelsPromoteCommand(name: string, version: string, flags: ModelsFlags & { readonly to: string }): Promise<number> {
  const context = `cannot promote model ${name}`;
  const change = await backendOf(flags).promote(name, parseVersionNumber(version, context), parseAlias(flags.to, context));
  print(flags, change, () => formatAliasChange(change, 'promote'));
  return 0;
}

export async function modelsRollbackCommand(name: string, flags: ModelsFlags & { readonly alias: string }): Promise<number> {
  const change = await backendOf(flags).rollback(name, parseAlias(flags.alias, `cannot roll back model ${name}`));
  print(flags, change, () => formatAliasChange(change, 'rollback'));
  return 0;
}

/** `vigil models rollout NAME MODE [--share S]`: how the staging version is served beside production. */
export async function modelsRolloutCommand(name: string, mode: string, flags: ModelsFlags & { readonly share?: string }): Promise<number> {
  // Parsed here, so that "10%" works over HTTP too and a bad value fails before any request.
  const rollout = parseRollout({ mode, ...(flags.share === undefined ? {} : { share: flags.share }) }, `cannot roll out model ${name}`);
  const change = await backendOf(flags).rollout(name, rollout);
  print(flags, change, () => formatRolloutChange(change));
  return 0;
}

/** The live comparison of production and the rolled-out staging version: only a running server has it (the partitions count it). */
export async function modelsCompareCommand(name: string, flags: ModelsFlags): Promise<number> {
  if (flags.registry !== undefined) throw new Error(`cannot compare model ${name}: the comparison lives in a running server's detection partitions; use --url instead of --registry`);
  const report = await requestJson<ComparisonReport>(flags, `/api/v1/models/${encodeURIComponent(name)}/comparison`);
  print(flags, report, () => formatComparison(report));
  return 0;
}

export async function modelsAuditCommand(flags: ModelsFlags & { readonly model?: string; readonly limit?: number }): Promise<number> {
  const entries = await backendOf(flags).audit(flags.model, flags.limit);
  print(flags, { entries }, () => formatAudit(entries));
  return 0;
}

function print(flags: ModelsFlags, answer: unknown, table: () => string): void {
  process.stdout.write(flags.json === true ? `${JSON.stringify(answer)}\n` : table());
}

function backendOf(flags: ModelsFlags): ModelsBackend {
  const actor = flags.actor ?? localUser();
  return flags.registry === undefined ? httpBackend(flags, actor) : directBackend(new ModelRegistry({ root: flags.registry }), actor);
}

/** Reads over HTTP; changes carry the actor in X-Vigil-Actor, which the server records in the audit log. */
function httpBackend(target: ServerTarget, actor: string): ModelsBackend {
  const model = (name: string): string => `/api/v1/models/${encodeURIComponent(name)}`;
  const change = <T>(path: string, body: unknown): Promise<T> => requestJson<T>(target, path, { method: 'POST', body, headers: { [ACTOR_HEADER]: headerSafeActor(actor) } });
  return {
    list: async () => (await requestJson<{ models: ModelSummary[] }>(target, '/api/v1/models')).models,
    model: (name) => requestJson<ModelDetail>(target, model(name)),
    version: (name, ref) => requestJson<ModelVersionDetail>(target, `${model(name)}/versions/${encodeURIComponent(ref)}`),
    promote: (name, version, alias) => change<AliasChange>(`${model(name)}/aliases/${alias}`, { version }),
    rollback: (name, alias) => change<AliasChange>(`${model(name)}/aliases/${alias}/rollback`, {}),
    rollout: (name, rollout) => change<RolloutChange>(`${model(name)}/rollout`, rollout),
    audit: async (name, limit) => {
      const params = new URLSearchParams();
      if (name !== undefined) params.set('model', name);
      if (limit !== undefined) params.set('limit', String(limit));
      return (await requestJson<{ entries: AuditEntry[] }>(target, `/api/v1/models/audit?${params.toString()}`)).entries;
    },
  };
}

function directBackend(registry: ModelRegistry, actor: string): ModelsBackend {
  return {
    list: () => registry.listModels(),
    model: (name) => registry.getModel(name),
    version: (name, ref) => registry.getVersion(name, parseVersionRef(ref, `cannot show model ${name}`)),
    promote: (name, version, alias) => registry.promote(name, version, alias, actor),
    rollback: (name, alias) => registry.rollback(name, alias, actor),
    rollout: (name, rollout) => registry.setRollout(name, rollout, actor),
    audit: (name, limit) => registry.audit({ ...(name === undefined ? {} : { model: name }), ...(limit === undefined ? {} : { limit }) }),
  };
}

/** An HTTP header value is Latin-1 without control characters; say so rather than fail inside fetch. */
function headerSafeActor(actor: string): string {
  if (/^[\x20-\x7e\xa0-\xff]*$/.test(actor)) return actor;
  throw new Error(`cannot send actor ${JSON.stringify(actor)} in ${ACTOR_HEADER}: it must be printable Latin-1 text; pass another with --actor`);
}

/** The audit log's actor for a change made from this shell; a container without a passwd entry has no name. */
function localUser(): string {
  try {
    return userInfo().username || 'cli';
  } catch {
    return 'cli';
  }
}
