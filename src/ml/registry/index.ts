export { ModelRegistry } from './registry.js';
export type { ModelRegistryOptions, AuditQuery } from './registry.js';
export { ModelRegistryError } from './errors.js';
export type { ModelRegistryErrorReason } from './errors.js';
export { defaultRegistryDir } from './layout.js';
export { isModelAlias, isModelName, parseAlias, parseVersionNumber, parseVersionRef, MAX_MODEL_NAME_CHARS } from './names.js';
export { MODEL_ALIASES, AUDIT_ACTIONS } from './types.js';
export type {
  AliasChange,
  AliasTargets,
  ArtifactFile,
  AuditAction,
  AuditEntry,
  JsonValue,
  ModelAlias,
  ModelDetail,
  ModelSummary,
  ModelVersion,
  ModelVersionDetail,
  RegisterRequest,
  ResolvedModel,
  TrainingData,
  VersionRef,
} from './types.js';
