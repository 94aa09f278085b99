import { MODEL_KINDS, type ModelKind } from '../engine/index.js';
import { ModelRegistryError } from './errors.js';
import { MODEL_ALIASES, ROLLOUT_MODES, type ModelAlias, type Rollout, type RolloutMode, type VersionRef } from './types.js';

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

export function isRolloutMode(value: string): value is RolloutMode {
  return (ROLLOUT_MODES as readonly string[]).includes(value);
}

const DECIMAL = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/;

/**
 * A rollout from a request body or CLI flags: `{"mode": "off" | "shadow" | "canary", "share": n}`, where
 * `share` is for canary only, 0 < share < 1, given as a number or as text ("0.1", "10%"). Errors are
 * `invalid` and carry the field at fault.
 */
export function parseRollout(raw: unknown, context: string): Rollout {
  const fail = (field: string, cause: string): ModelRegistryError => new ModelRegistryError('invalid', `${context}: ${cause}`, { field });
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw fail('mode', `a rollout must be an object {"mode": ${ROLLOUT_MODES.map((m) => JSON.stringify(m)).join(' | ')}, "share": n}`);
  const fields = raw as Record<string, unknown>;
  const unknown = Object.keys(fields).find((k) => k !== 'mode' && k !== 'share');
  if (unknown !== undefined) throw fail(unknown, `unknown rollout field ${JSON.stringify(unknown)} (use mode, and share for canary)`);
  const { mode, share } = fields;
  if (typeof mode !== 'string' || !isRolloutMode(mode)) throw fail('mode', `unknown rollout mode ${JSON.stringify(mode ?? null)} (use one of ${ROLLOUT_MODES.join(', ')})`);
  if (mode !== 'canary') {
    if (share !== undefined) throw fail('share', `share is only for canary, not for mode ${mode}`);
    return { mode };
  }
  if (share === undefined) throw fail('share', 'canary needs a share of the series, a number between 0 and 1 exclusive (e.g. 0.1 or "10%")');
  return { mode, share: parseShare(share, fail) };
}

function parseShare(raw: unknown, fail: (field: string, cause: string) => ModelRegistryError): number {
  let share = Number.NaN;
  if (typeof raw === 'number') share = raw;
  else if (typeof raw === 'string') {
    const text = raw.trim();
    const percent = text.endsWith('%');
    const digits = percent ? text.slice(0, -1).trim() : text;
    if (DECIMAL.test(digits)) share = percent ? Number(digits) / 100 : Number(digits);
  }
  if (Number.isFinite(share) && share > 0 && share < 1) return share;
  throw fail('share', `share must be a number between 0 and 1 exclusive (e.g. 0.1 or "10%"), got ${typeof raw === 'number' && !Number.isFinite(raw) ? String(raw) : JSON.stringify(raw)}`);
}

/** "1-3" for a run, "1, 4, 7" otherwise, "none" for no versions: for error messages. */
export function describeVersions(versions: readonly number[]): string {
  if (versions.length === 0) return 'none';
  const contiguous = versions.every((v, i) => i === 0 || v === versions[i - 1]! + 1);
  if (versions.length > 1 && contiguous) return `${versions[0]}-${versions[versions.length - 1]}`;
  return versions.join(', ');
}
