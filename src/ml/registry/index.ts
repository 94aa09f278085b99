export { ModelRegistry } from './registry.js';
export type { ModelRegistryOptions, AuditQuery } from './registry.js';
export { ModelRegistryError } from './errors.js';
export type { ModelRegistryErrorReason } from './errors.js';
export { defaultRegistryDir } from './layout.js';
export { isModelAlias, isModelName, isRolloutMode, parseAlias, parseRollout, parseVersionNumber, parseVersionRef, MAX_MODEL_NAME_CHARS } from './names.js';
export { MODEL_ALIASES, AUDIT_ACTIONS, ROLLOUT_MODES } from './types.js';
export type {
  AliasChange,
  AliasTargets,
  ArtifactFile,
  AuditAction,
  AuditEntry,
  Deployment,
  JsonValue,
  ModelAlias,
  ModelDetail,
  ModelSummary,
  ModelVersion,
  ModelVersionDetail,
  RegisterRequest,
  ResolvedModel,
  Rollout,
  RolloutChange,
  RolloutMode,
  TrainingData,
  VersionRef,
} from './types.js';
