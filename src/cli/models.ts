import { userInfo } from 'node:os';
import {
  ModelRegistry,
  parseAlias,
  parseVersionNumber,
  parseVersionRef,
  type AliasChange,
  type AuditEntry,
  type ModelAlias,
  type ModelDetail,
  type ModelSummary,
  type ModelVersionDetail,
} from '../ml/registry/index.js';
import { requestJson, type ServerTarget } from './api-client.js';
import { formatAliasChange, formatAudit, formatModelDetail, formatModelList, formatModelVersion } from './models-format.js';

/** Where `vigil models` reads and changes models: a running server (--url), or a registry directory (--registry). */
export interface ModelsFlags {
  readonly url: string;
  readonly token?: string;
  /** Work on this registry directory directly, without a server. */
  readonly registry?: string;
  /** With --registry: who the audit log records (default: the OS user). */
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

export async function modelsAuditCommand(flags: ModelsFlags & { readonly model?: string; readonly limit?: number }): Promise<number> {
  const entries = await backendOf(flags).audit(flags.model, flags.limit);
  print(flags, { entries }, () => formatAudit(entries));
  return 0;
}

function print(flags: ModelsFlags, answer: unknown, table: () => string): void {
  process.stdout.write(flags.json === true ? `${JSON.stringify(answer)}\n` : table());
}

function backendOf(flags: ModelsFlags): ModelsBackend {
  return flags.registry === undefined ? httpBackend(flags) : directBackend(new ModelRegistry({ root: flags.registry }), flags.actor ?? localUser());
}

function httpBackend(target: ServerTarget): ModelsBackend {
  const model = (name: string): string => `/api/v1/models/${encodeURIComponent(name)}`;
  return {
    list: async () => (await requestJson<{ models: ModelSummary[] }>(target, '/api/v1/models')).models,
    model: (name) => requestJson<ModelDetail>(target, model(name)),
    version: (name, ref) => requestJson<ModelVersionDetail>(target, `${model(name)}/versions/${encodeURIComponent(ref)}`),
    promote: (name, version, alias) => requestJson<AliasChange>(target, `${model(name)}/aliases/${alias}`, { method: 'POST', body: { version } }),
    rollback: (name, alias) => requestJson<AliasChange>(target, `${model(name)}/aliases/${alias}/rollback`, { method: 'POST', body: {} }),
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
    audit: (name, limit) => registry.audit({ ...(name === undefined ? {} : { model: name }), ...(limit === undefined ? {} : { limit }) }),
  };
}

/** The audit log's actor for a change made from this shell; a container without a passwd entry has no name. */
function localUser(): string {
  try {
    return userInfo().username || 'cli';
  } catch {
    return 'cli';
  }
}
