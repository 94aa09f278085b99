import { MODEL_KINDS, type ModelKind } from '../engine/index.js';
import { ModelRegistryError } from './errors.js';
import { MODEL_ALIASES, type ModelAlias, type VersionRef } from './types.js';

const NAME_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;
export const MAX_MODEL_NAME_CHARS = 128;
/**
 * Names that would collide with the registry's own entries: `audit.log` sits in the root beside the model
 * directories, and GET /api/v1/models/audit serves the audit log.
 */
const RESERVED_NAMES: ReadonlySet<string> = new Set(['audit', 'audit.log']);

export function isModelName(name: string): boolean {
  return name.length <= MAX_MODEL_NAME_CHARS && NAME_PATTERN.test(name) && !RESERVED_NAMES.has(name);
}

/** Throws unless `name` is a valid model name; `verb` completes "cannot <verb> model". */
export function checkModelName(name: string, verb: string): void {
  if (isModelName(name)) return;
  const why = RESERVED_NAMES.has(name)
    ? 'the name is reserved'
    : `a name is 1 to ${MAX_MODEL_NAME_CHARS} characters of a-z, 0-9, ".", "_" and "-", starting with a letter or digit`;
  throw new ModelRegistryError('invalid', `cannot ${verb} model ${JSON.stringify(name)}: ${why}`);
}

export function isModelAlias(value: string): value is ModelAlias {
  return (MODEL_ALIASES as readonly string[]).includes(value);
}

export function parseAlias(value: string, context: string): ModelAlias {
  if (isModelAlias(value)) return value;
  throw new ModelRegistryError('invalid', `${context}: unknown alias ${JSON.stringify(value)} (use one of ${MODEL_ALIASES.join(', ')})`);
}

export function isModelKind(value: string): value is ModelKind {
  return (MODEL_KINDS as readonly string[]).includes(value);
}

/** A version number (1, 2, …) or an alias, from text such as a URL segment or a CLI argument. */
export function parseVersionRef(value: string, context: string): VersionRef {
  if (/^[0-9]+$/.test(value)) return parseVersionNumber(value, context);
  if (isModelAlias(value)) return value;
  throw new ModelRegistryError('invalid', `${context}: ${JSON.stringify(value)} is neither a version number nor an alias (${MODEL_ALIASES.join(', ')})`);
}

export function parseVersionNumber(value: string | number, context: string): number {
  const n = typeof value === 'number' ? value : /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
  if (Number.isSafeInteger(n) && n >= 1) return n;
  throw new ModelRegistryError('invalid', `${context}: version must be a whole number from 1, got ${JSON.stringify(value)}`);
}

/** "1-3" for a run, "1, 4, 7" otherwise, "none" for no versions: for error messages. */
export function describeVersions(versions: readonly number[]): string {
  if (versions.length === 0) return 'none';
  const contiguous = versions.every((v, i) => i === 0 || v === versions[i - 1]! + 1);
  if (versions.length > 1 && contiguous) return `${versions[0]}-${versions[versions.length - 1]}`;
  return versions.join(', ');
}
