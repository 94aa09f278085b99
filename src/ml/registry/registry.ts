import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { syncDirectory, systemClock, uniqueSuffix, writeFileAtomic, type Clock } from '../../util/index.js';
import { inspectArtifact, copyArtifact, findCorruptFiles } from './artifact.js';
import { appendAuditEntry, readAuditLog } from './audit-log.js';
import { rollbackTarget } from './alias-history.js';
import { pathExists, readDirIfExists, readTextIfExists } from './durable-fs.js';
import { ModelRegistryError } from './errors.js';
import { DEFAULT_FILE_LOCK, processAlive, withFileLock, type FileLockOptions } from './file-lock.js';
import { isVersionDirName, RegistryLayout, TEMP_PREFIX, tempDirPid } from './layout.js';
import { checkModelName, describeVersions, isModelName, parseAlias, parseRollout, parseVersionNumber } from './names.js';
import { effectiveRollout, plainRollout, sameRollout, type StoredRollout } from './rollout.js';
import {
  ALIASES_FILE_FORMAT,
  aliasesFileSchema,
  describeIssues,
  FILE_FORMAT_VERSION,
  modelVersionSchema,
  PENDING_FILE_FORMAT,
  pendingFileSchema,
  registerRequestSchema,
  VERSION_FILE_FORMAT,
  versionFileSchema,
} from './schema.js';
import {
  MODEL_ALIASES,
  type AliasChange,
  type AliasTargets,
  type AuditEntry,
  type Deployment,
  type ModelAlias,
  type ModelDetail,
  type ModelSummary,
  type ModelVersion,
  type ModelVersionDetail,
  type RegisterRequest,
  type ResolvedModel,
  type Rollout,
  type RolloutChange,
  type VersionRef,
} from './types.js';

export interface ModelRegistryOptions {
  /** The registry directory; created on the first change. */
  readonly root: string;
  readonly clock?: Clock;
  /** How long a change waits for another process (a `vigil train`, the server) to finish its change. Default 30 s. */
  readonly lockTimeoutMs?: number;
}

export interface AuditQuery {
  /** Only this model's entries. */
  readonly model?: string;
  /** At most this many, the newest. */
  readonly limit?: number;
}

interface AliasesState {
  readonly aliases: AliasTargets;
  /** The rollout last set, with the staging version it was set for; absent when off. */
  readonly rollout?: StoredRollout;
  /** Id of the audit entry that last changed the aliases: tells crash recovery whether a change was applied. */
  readonly lastChangeId: string | null;
}

const NO_ALIASES: AliasesState = { aliases: { staging: null, production: null }, lastChangeId: null };

/** changeToken's answer while the registry has never changed. */
const NO_CHANGES_TOKEN = 'empty';

/**
 * Versioned models on disk: register versions (1, 2, 3… per name) from artifact directories, point the
 * aliases `staging` and `production` at them, roll an alias back, set how the staging version is served
 * beside production (its rollout: off, shadow or canary), and resolve a name and alias or version to the
 * artifact files. Several processes may share one directory (the CLI registering, the server
 * promoting): every change holds an O_EXCL lock file, re-reads state under it, writes files atomically,
 * and is appended (fsync'd) to audit.log before it returns. Reads take no lock: every file they read is
 * replaced by rename, so they see a state before or after a change, never half of one.
 */
export class ModelRegistry {
  readonly root: string;
  private readonly layout: RegistryLayout;
  private readonly clock: Clock;
  private readonly lock: FileLockOptions;

  constructor(options: ModelRegistryOptions) {
    this.root = path.resolve(options.root);
    this.layout = new RegistryLayout(this.root);
    this.clock = options.clock ?? systemClock;
    this.lock = { ...DEFAULT_FILE_LOCK, ...(options.lockTimeoutMs === undefined ? {} : { timeoutMs: options.lockTimeoutMs }), what: `model registry ${this.root}` };
  }

  /**
   * Copies the artifact into the registry as the model's next version and returns its metadata. The copy
   * happens outside the lock (it may be large) into a temp directory that is renamed into place under it,
   * so a crash leaves either no version or a whole one; leftovers of crashed registers are removed.
   */
  async register(request: RegisterRequest): Promise<ModelVersion> {
    const parsed = registerRequestSchema.safeParse(request);
    const context = `cannot register model ${JSON.stringify(request?.name)}`;
    if (!parsed.success) throw new ModelRegistryError('invalid', `${context}: ${describeIssues(parsed.error)}`);
    const req = parsed.data;
    checkModelName(req.name, 'register');
    const artifactKind = await inspectArtifact(req.artifactDir, context);
    if (artifactKind !== req.kind) throw new ModelRegistryError('invalid', `${context}: the artifact's model.json is a ${artifactKind}, not a ${req.kind}`);

    const modelDir = this.layout.modelDir(req.name);
    await fs.mkdir(modelDir, { recursive: true });
    const tempDir = path.join(modelDir, `${TEMP_PREFIX}${uniqueSuffix()}`);
    await fs.mkdir(tempDir);
    try {
      const files = await copyArtifact(req.artifactDir, path.join(tempDir, 'artifact'), context);
      await syncDirectory(path.join(tempDir, 'artifact'));
      return await this.mutate(async () => {
        await this.removeCrashedTempDirs(req.name);
        const existing = await this.versionNumbers(req.name);
        const version = (existing[existing.length - 1] ?? 0) + 1;
        const model: ModelVersion = {
          name: req.name,
          version,
          kind: req.kind,
          parameters: req.parameters,
          trainingData: req.trainingData,
          metrics: req.metrics,
          creator: req.creator,
          createdAtMs: req.createdAtMs ?? this.clock.nowMs(),
          artifact: { files, sizeBytes: files.reduce((sum, f) => sum + f.sizeBytes, 0) },
        };
        await writeFileAtomic(path.join(tempDir, 'version.json'), `${JSON.stringify({ format: VERSION_FILE_FORMAT, formatVersion: FILE_FORMAT_VERSION, model }, null, 2)}\n`);
        const entry = this.entry({ actor: req.creator, action: 'register', model: req.name, version, alias: null, fromVersion: null, toVersion: version });
        await this.commit(entry, async () => {
          await fs.rename(tempDir, this.layout.versionDir(req.name, version));
          await syncDirectory(modelDir);
        });
        return model;
      });
    } finally {
      // Gone after a successful rename; what is left after a failure is removed.
      await fs.rm(tempDir, { recursive: true, force: true });
    }
  }

  /** Every model with at least one version, by name, with its newest version and aliases. */
  async listModels(): Promise<ModelSummary[]> {
    const summaries: ModelSummary[] = [];
    const names = (await readDirIfExists(this.root))
      .filter((e) => e.isDirectory() && isModelName(e.name))
      .map((e) => e.name)
      .sort();
    for (const name of names) {
      const versions = await this.versionNumbers(name);
      if (versions.length === 0) continue;
      const latestVersion = versions[versions.length - 1]!;
      const state = await this.readAliases(name);
      summaries.push({ name, latestVersion, versionCount: versions.length, aliases: state.aliases, rollout: effectiveRollout(state.rollout, state.aliases), latest: await this.readVersion(name, latestVersion) });
    }
    return summaries;
  }

  /** One model: its aliases and every version, oldest first. */
  async getModel(name: string): Promise<ModelDetail> {
    const versions = await this.existingVersions(name, 'show');
    const state = await this.readAliases(name);
    return { name, aliases: state.aliases, rollout: effectiveRollout(state.rollout, state.aliases), versions: await Promise.all(versions.map((v) => this.readVersion(name, v))) };
  }

  /** One version, by number or by alias, with the aliases pointing to it. */
  async getVersion(name: string, ref: VersionRef): Promise<ModelVersionDetail> {
    return (await this.locate(name, ref, 'show')).version;
  }

  /** The version a number or alias names, and the directory of its artifact (model.json inside) for loading. */
  async resolve(name: string, ref: VersionRef): Promise<ResolvedModel> {
    return this.locate(name, ref, 'resolve');
  }

  /**
   * Both aliases resolved and the effective rollout, from one read of aliases.json: what a server serving
   * the model needs. Takes no lock, like `resolve`; an unknown model is `not_found`.
   */
  async deployment(name: string): Promise<Deployment> {
    await this.existingVersions(name, 'resolve');
    const state = await this.readAliases(name);
    const resolved = async (version: number | null): Promise<ResolvedModel | null> => (version === null ? null : this.resolved(name, version, state.aliases));
    return { name, production: await resolved(state.aliases.production), staging: await resolved(state.aliases.staging), rollout: effectiveRollout(state.rollout, state.aliases) };
  }

  /**
   * A short string that changes whenever a version, alias or rollout of any model changes, and not on
   * reads: every change appends to audit.log, so its size (and inode and mtime) tell. Cheap enough for a
   * server to poll every few seconds. The token is opaque: compare it, do not parse it.
   */
  async changeToken(): Promise<string> {
    try {
      const stat = await fs.stat(this.layout.auditLog);
      return `${stat.ino}-${stat.size}-${stat.mtimeMs}`;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return NO_CHANGES_TOKEN;
      throw err;
    }
  }

  /** Re-hashes a version's artifact files; returns the paths whose bytes no longer match (empty: intact). */
  async verify(name: string, ref: VersionRef): Promise<string[]> {
    const { version, artifactDir } = await this.locate(name, ref, 'verify');
    return findCorruptFiles(artifactDir, version.artifact.files);
  }

  /** Points `alias` at `version`. Pointing it where it already points changes nothing and logs nothing. */
  async promote(name: string, version: number, alias: ModelAlias, actor: string): Promise<AliasChange> {
    checkModelName(name, 'promote');
    const context = `cannot promote model ${name}`;
    const checkedAlias = parseAlias(alias, context);
    const checkedVersion = parseVersionNumber(version, context);
    return this.mutate(async () => {
      const versions = await this.existingVersions(name, 'promote');
      if (!versions.includes(checkedVersion)) throw this.noSuchVersion('promote', name, checkedVersion, versions);
      const state = await this.readAliases(name);
      const fromVersion = state.aliases[checkedAlias];
      if (fromVersion === checkedVersion) return { model: name, alias: checkedAlias, fromVersion, toVersion: checkedVersion, changed: false };
      const entry = this.entry({ actor, action: 'promote', model: name, version: checkedVersion, alias: checkedAlias, fromVersion, toVersion: checkedVersion });
      await this.commit(entry, () => this.writeAliases(name, { ...state, aliases: { ...state.aliases, [checkedAlias]: checkedVersion }, lastChangeId: entry.id }));
      return { model: name, alias: checkedAlias, fromVersion, toVersion: checkedVersion, changed: true };
    });
  }

  /** Moves `alias` back to where it pointed before its latest promotion not yet rolled back (see alias-history.ts). */
  async rollback(name: string, alias: ModelAlias, actor: string): Promise<AliasChange> {
    checkModelName(name, 'roll back');
    const checkedAlias = parseAlias(alias, `cannot roll back model ${name}`);
    return this.mutate(async () => {
      await this.existingVersions(name, 'roll back');
      const state = await this.readAliases(name);
      // The log is read whole: it holds one short line per change, and changes are rare.
      const target = rollbackTarget((await readAuditLog(this.layout.auditLog)).entries, name, checkedAlias);
      if (target === null) throw new ModelRegistryError('invalid', `cannot roll back model ${name}: alias ${checkedAlias} has no earlier version to go back to`);
      const fromVersion = state.aliases[checkedAlias];
      const entry = this.entry({ actor, action: 'rollback', model: name, version: target, alias: checkedAlias, fromVersion, toVersion: target });
      await this.commit(entry, () => this.writeAliases(name, { ...state, aliases: { ...state.aliases, [checkedAlias]: target }, lastChangeId: entry.id }));
      return { model: name, alias: checkedAlias, fromVersion, toVersion: target, changed: true };
    });
  }

  /**
   * Sets how the staging version is served beside production. Only the latest rollout is stored, with the
   * staging version it is for; it reads as off while staging points elsewhere, so a version promoted to
   * staging starts off (without a write) unless it is that version again. Setting the effective rollout
   * again changes nothing and logs nothing.
   */
  async setRollout(name: string, rollout: Rollout, actor: string): Promise<RolloutChange> {
    checkModelName(name, 'roll out');
    const context = `cannot roll out model ${name}`;
    const to = parseRollout(rollout, context);
    return this.mutate(async () => {
      await this.existingVersions(name, 'roll out');
      const state = await this.readAliases(name);
      const { staging, production } = state.aliases;
      if (staging === null) {
        const cause = to.mode === 'off' ? 'alias staging is unset, so nothing is rolled out' : 'alias staging is unset; promote a version to staging first';
        throw new ModelRegistryError('invalid', `${context}: ${cause}`);
      }
      if (to.mode !== 'off' && staging === production) throw new ModelRegistryError('invalid', `${context}: staging and production are both version ${staging}; nothing to compare`);
      const from = effectiveRollout(state.rollout, state.aliases);
      if (sameRollout(from, to)) return { model: name, stagingVersion: staging, from, to, changed: false };
      const entry = this.entry({ actor, action: 'rollout', model: name, version: staging, alias: 'staging', fromVersion: staging, toVersion: staging, rollout: to });
      await this.commit(entry, () => this.writeAliases(name, { ...state, rollout: { version: staging, ...to }, lastChangeId: entry.id }));
      return { model: name, stagingVersion: staging, from, to, changed: true };
    });
  }

  /** Audit entries, oldest first. */
  async audit(query: AuditQuery = {}): Promise<AuditEntry[]> {
    if (query.model !== undefined) checkModelName(query.model, 'read the audit log of');
    const { entries } = await readAuditLog(this.layout.auditLog);
    const selected = query.model === undefined ? [...entries] : entries.filter((e) => e.model === query.model);
    return query.limit === undefined ? selected : selected.slice(Math.max(0, selected.length - query.limit));
  }

  private async locate(name: string, ref: VersionRef, verb: string): Promise<ResolvedModel> {
    const versions = await this.existingVersions(name, verb);
    const { aliases } = await this.readAliases(name);
    let version: number;
    if (typeof ref === 'number') {
      version = parseVersionNumber(ref, `cannot ${verb} model ${name}`);
      if (!versions.includes(version)) throw this.noSuchVersion(verb, name, version, versions);
    } else {
      const alias = parseAlias(ref, `cannot ${verb} model ${name}`);
      const target = aliases[alias];
      if (target === null) throw new ModelRegistryError('not_found', `cannot ${verb} model ${name}: alias ${alias} points to no version yet (promote one first)`);
      version = target;
    }
    return this.resolved(name, version, aliases);
  }

  private async resolved(name: string, version: number, aliases: AliasTargets): Promise<ResolvedModel> {
    const model = await this.readVersion(name, version);
    return { version: { ...model, aliases: MODEL_ALIASES.filter((a) => aliases[a] === version) }, artifactDir: this.layout.artifactDir(name, version) };
  }

  private entry(fields: Omit<AuditEntry, 'id' | 'timeMs'>): AuditEntry {
    return { id: randomUUID(), timeMs: this.clock.nowMs(), ...fields };
  }

  /** Runs a change under the registry lock, after finishing (or discarding) a change a crashed process left. */
  private async mutate<T>(change: () => Promise<T>): Promise<T> {
    await fs.mkdir(this.root, { recursive: true });
    return withFileLock(this.layout.lock, this.lock, async () => {
      await this.recoverPending();
      return change();
    });
  }

  /**
   * Applies a change so that it and its audit entry survive a crash together: the entry is written to
   * .pending.json first, then the change is applied, then the entry is appended to the log and the
   * pending file removed. Recovery (under the next lock) appends a pending entry whose change was applied.
   */
  private async commit(entry: AuditEntry, apply: () => Promise<void>): Promise<void> {
    await writeFileAtomic(this.layout.pending, `${JSON.stringify({ format: PENDING_FILE_FORMAT, formatVersion: FILE_FORMAT_VERSION, entry })}\n`);
    await apply();
    await appendAuditEntry(this.layout.auditLog, entry);
    await fs.rm(this.layout.pending, { force: true });
  }

  private async recoverPending(): Promise<void> {
    const text = await readTextIfExists(this.layout.pending);
    if (text === null) return;
    let entry: AuditEntry | null = null;
    try {
      const parsed = pendingFileSchema.safeParse(JSON.parse(text));
      if (parsed.success) entry = parsed.data.entry;
    } catch {
      // Written atomically, so unreadable means not ours: nothing to recover.
    }
    if (entry !== null && (await this.wasApplied(entry))) {
      const { entries } = await readAuditLog(this.layout.auditLog);
      if (!entries.some((e) => e.id === entry.id)) await appendAuditEntry(this.layout.auditLog, entry);
    }
    await fs.rm(this.layout.pending, { force: true });
  }

  private async wasApplied(entry: AuditEntry): Promise<boolean> {
    if (!isModelName(entry.model)) return false;
    if (entry.action === 'register') return pathExists(this.layout.versionFile(entry.model, entry.version));
    return (await this.readAliases(entry.model)).lastChangeId === entry.id;
  }

  /** Temp directories whose writer is gone: a register that crashed before its rename. */
  private async removeCrashedTempDirs(name: string): Promise<void> {
    for (const entry of await readDirIfExists(this.layout.modelDir(name))) {
      if (!entry.name.startsWith(TEMP_PREFIX)) continue;
      const pid = tempDirPid(entry.name);
      if (pid === null || !processAlive(pid)) await fs.rm(path.join(this.layout.modelDir(name), entry.name), { recursive: true, force: true });
    }
  }

  /** Complete versions, ascending. A version directory appears by rename with its version.json inside. */
  private async versionNumbers(name: string): Promise<number[]> {
    const versions: number[] = [];
    for (const entry of await readDirIfExists(this.layout.modelDir(name))) {
      if (entry.isDirectory() && isVersionDirName(entry.name) && (await pathExists(this.layout.versionFile(name, Number(entry.name))))) versions.push(Number(entry.name));
    }
    return versions.sort((a, b) => a - b);
  }

  private async existingVersions(name: string, verb: string): Promise<number[]> {
    checkModelName(name, verb);
    const versions = await this.versionNumbers(name);
    if (versions.length === 0) throw new ModelRegistryError('not_found', `cannot ${verb} model ${name}: no such model`);
    return versions;
  }

  private noSuchVersion(verb: string, name: string, version: number, versions: readonly number[]): ModelRegistryError {
    return new ModelRegistryError('not_found', `cannot ${verb} model ${name}: version ${version} does not exist (versions ${describeVersions(versions)})`);
  }

  private async readVersion(name: string, version: number): Promise<ModelVersion> {
    const file = this.layout.versionFile(name, version);
    const text = await readTextIfExists(file);
    if (text === null) throw new ModelRegistryError('not_found', `cannot read model ${name} version ${version}: ${file} does not exist`);
    const parsed = versionFileSchema.safeParse(parseJson(text));
    if (!parsed.success) throw new Error(`cannot read model ${name} version ${version}: ${file}: ${describeIssues(parsed.error)}`);
    const model = modelVersionSchema.parse(parsed.data.model);
    if (model.name !== name || model.version !== version) throw new Error(`cannot read model ${name} version ${version}: ${file} describes ${model.name} version ${model.version}`);
    return model;
  }

  private async readAliases(name: string): Promise<AliasesState> {
    const file = this.layout.aliases(name);
    const text = await readTextIfExists(file);
    if (text === null) return NO_ALIASES;
    const parsed = aliasesFileSchema.safeParse(parseJson(text));
    if (!parsed.success) throw new Error(`cannot read aliases of model ${name}: ${file}: ${describeIssues(parsed.error)}`);
    const { aliases, rollout, lastChangeId } = parsed.data;
    return rollout === undefined ? { aliases, lastChangeId } : { aliases, rollout, lastChangeId };
  }

  private async writeAliases(name: string, state: AliasesState): Promise<void> {
    // A fixed field order; an off rollout is not stored.
    const rollout = state.rollout === undefined || state.rollout.mode === 'off' ? {} : { rollout: { version: state.rollout.version, ...plainRollout(state.rollout) } };
    const file = { format: ALIASES_FILE_FORMAT, formatVersion: FILE_FORMAT_VERSION, aliases: state.aliases, ...rollout, lastChangeId: state.lastChangeId };
    await writeFileAtomic(this.layout.aliases(name), `${JSON.stringify(file, null, 2)}\n`);
  }
}

/** JSON.parse that yields undefined for bad JSON, so the schema reports it with the file name. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
