import type { ModelKind } from '../engine/index.js';

/** The aliases a model version can carry: a closed set, so a typo is an error rather than a new alias. */
export const MODEL_ALIASES = ['staging', 'production'] as const;
export type ModelAlias = (typeof MODEL_ALIASES)[number];

/** How the staging version can be served beside production; a closed set, like the aliases. */
export const ROLLOUT_MODES = ['off', 'shadow', 'canary'] as const;
export type RolloutMode = (typeof ROLLOUT_MODES)[number];

/** How the staging version is served beside production: not at all, in shadow (scored, stored, never alerting), or as a canary on a share of the series (0 < share < 1). */
export type Rollout = { readonly mode: 'off' } | { readonly mode: 'shadow' } | { readonly mode: 'canary'; readonly share: number };

/** Plain JSON, as stored in version.json: model config and training hyper-parameters. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** What the model was trained on. */
export interface TrainingData {
  /** Free text: a series glob, a log source, a data set name. */
  readonly source: string;
  readonly fromMs: number;
  readonly toMs: number;
  /**
   * Names of the data's columns, in the order the model takes them as features (series keys when read from the
   * store, a file's header otherwise): how serving finds which series feeds which feature of a multi-series model.
   */
  readonly columns?: readonly string[];
}

/** One file of a stored artifact, relative to the artifact directory (always with `/`). */
export interface ArtifactFile {
  readonly path: string;
  readonly sizeBytes: number;
  /** Lower-case hex sha256 of the file's bytes. */
  readonly sha256: string;
}

/** What a caller hands to `ModelRegistry.register`: the artifact directory and its metadata. */
export interface RegisterRequest {
  readonly name: string;
  /** A TensorFlow.js artifact directory: model.json (format "vigil/<kind>") and the weight files it lists. */
  readonly artifactDir: string;
  readonly kind: ModelKind;
  /** Model config and training hyper-parameters. */
  readonly parameters: { readonly [key: string]: JsonValue };
  readonly trainingData: TrainingData;
  /** Final loss, held-out error, samples/s, ...: name → number. */
  readonly metrics: { readonly [name: string]: number };
  /** Who trained it; also the actor of the audit entry. */
  readonly creator: string;
  /** Defaults to the registry clock's now. */
  readonly createdAtMs?: number;
}

/** The metadata of one registered version, as stored in `<root>/<name>/<version>/version.json`. */
export interface ModelVersion {
  readonly name: string;
  /** 1, 2, 3… per model name. */
  readonly version: number;
  readonly kind: ModelKind;
  readonly parameters: { readonly [key: string]: JsonValue };
  readonly trainingData: TrainingData;
  readonly metrics: { readonly [name: string]: number };
  readonly creator: string;
  readonly createdAtMs: number;
  readonly artifact: { readonly files: readonly ArtifactFile[]; readonly sizeBytes: number };
}

/** Which version each alias points to; null where the alias is unset. */
export type AliasTargets = { readonly [A in ModelAlias]: number | null };

/** One model in a listing: its newest version and its aliases. */
export interface ModelSummary {
  readonly name: string;
  readonly latestVersion: number;
  readonly versionCount: number;
  readonly aliases: AliasTargets;
  /** The effective rollout of the staging version (off unless set for the version staging points to now). */
  readonly rollout: Rollout;
  readonly latest: ModelVersion;
}

/** One model with every version, oldest first. */
export interface ModelDetail {
  readonly name: string;
  readonly aliases: AliasTargets;
  /** The effective rollout of the staging version (off unless set for the version staging points to now). */
  readonly rollout: Rollout;
  readonly versions: readonly ModelVersion[];
}

/** A version with the aliases that point to it. */
export interface ModelVersionDetail extends ModelVersion {
  readonly aliases: readonly ModelAlias[];
}

/** What `resolve` answers: the version and where its artifact files are (model.json inside). */
export interface ResolvedModel {
  readonly version: ModelVersionDetail;
  readonly artifactDir: string;
}

/** What serving needs: both aliases resolved and the effective rollout. */
export interface Deployment {
  readonly name: string;
  readonly production: ResolvedModel | null;
  readonly staging: ResolvedModel | null;
  /** Off whenever staging is unset or has moved since the rollout was set. */
  readonly rollout: Rollout;
}

/** A version number, or an alias naming one. */
export type VersionRef = number | ModelAlias;

export const AUDIT_ACTIONS = ['register', 'promote', 'rollback', 'rollout'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** One line of `<root>/audit.log`. */
export interface AuditEntry {
  /** Unique per entry; lets crash recovery tell whether an entry was already written. */
  readonly id: string;
  readonly timeMs: number;
  readonly actor: string;
  readonly action: AuditAction;
  readonly model: string;
  /** The version registered, or the one the alias points to after the change (for a rollout: the staging version). */
  readonly version: number;
  /** Null for register; staging for rollout. */
  readonly alias: ModelAlias | null;
  /** The alias's version before the change (null: unset, or a register; for a rollout: the staging version). */
  readonly fromVersion: number | null;
  readonly toVersion: number;
  /** Only on rollout entries: the rollout after the change. */
  readonly rollout?: Rollout;
}

/** The result of promote and rollback. `changed` is false when the alias already pointed there (nothing logged). */
export interface AliasChange {
  readonly model: string;
  readonly alias: ModelAlias;
  readonly fromVersion: number | null;
  readonly toVersion: number;
  readonly changed: boolean;
}

/** The result of `setRollout`. `changed` is false when the effective rollout already was `to` (nothing logged). */
export interface RolloutChange {
  readonly model: string;
  readonly stagingVersion: number;
  readonly from: Rollout;
  readonly to: Rollout;
  readonly changed: boolean;
}
