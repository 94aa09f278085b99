import { z } from 'zod';
import { MODEL_KINDS } from '../engine/index.js';
import type { StoredRollout } from './rollout.js';
import { AUDIT_ACTIONS, MODEL_ALIASES, type AliasTargets, type AuditEntry, type JsonValue, type ModelVersion, type RegisterRequest, type Rollout } from './types.js';

/*
 * Schemas of what the registry reads back from disk (a hand-edited or foreign file is named, not trusted)
 * and of the register request (a caller's parameters may hold NaN or values that JSON cannot carry; zod's
 * number refuses NaN and infinities).
 */

const jsonValue: z.ZodType<JsonValue> = z.lazy(() => z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]));
const versionNumber = z.number().int().min(1);
const timeMs = z.number().int();

const trainingData = z.strictObject({ source: z.string(), fromMs: timeMs, toMs: timeMs, columns: z.array(z.string()).optional() }).refine((t) => t.fromMs <= t.toMs, 'trainingData.fromMs must not be after toMs');
const metrics = z.record(z.string().min(1), z.number());
const parameters = z.record(z.string(), jsonValue);

export const registerRequestSchema: z.ZodType<RegisterRequest> = z.strictObject({
  name: z.string(),
  artifactDir: z.string().min(1),
  kind: z.enum(MODEL_KINDS),
  parameters,
  trainingData,
  metrics,
  creator: z.string().min(1),
  createdAtMs: timeMs.optional(),
});

export const VERSION_FILE_FORMAT = 'vigil.model-version';
export const ALIASES_FILE_FORMAT = 'vigil.model-aliases';
export const PENDING_FILE_FORMAT = 'vigil.registry-pending';
export const FILE_FORMAT_VERSION = 1;

export const modelVersionSchema: z.ZodType<ModelVersion> = z.strictObject({
  name: z.string(),
  version: versionNumber,
  kind: z.enum(MODEL_KINDS),
  parameters,
  trainingData,
  metrics,
  creator: z.string(),
  createdAtMs: timeMs,
  artifact: z.strictObject({
    files: z.array(z.strictObject({ path: z.string(), sizeBytes: z.number().int().min(0), sha256: z.string().regex(/^[0-9a-f]{64}$/) })),
    sizeBytes: z.number().int().min(0),
  }),
});

/** version.json: a format header around the metadata, so that a later layout can be told apart. */
export const versionFileSchema = z.strictObject({ format: z.literal(VERSION_FILE_FORMAT), formatVersion: z.literal(FILE_FORMAT_VERSION), model: modelVersionSchema });

const aliasTargets: z.ZodType<AliasTargets> = z.strictObject(Object.fromEntries(MODEL_ALIASES.map((a) => [a, versionNumber.nullable()])) as Record<(typeof MODEL_ALIASES)[number], z.ZodNullable<typeof versionNumber>>);

const share = z.number().gt(0).lt(1);

export const rolloutSchema: z.ZodType<Rollout> = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('off') }),
  z.strictObject({ mode: z.literal('shadow') }),
  z.strictObject({ mode: z.literal('canary'), share }),
]);

const storedRolloutSchema: z.ZodType<StoredRollout> = z.discriminatedUnion('mode', [
  z.strictObject({ version: versionNumber, mode: z.literal('off') }),
  z.strictObject({ version: versionNumber, mode: z.literal('shadow') }),
  z.strictObject({ version: versionNumber, mode: z.literal('canary'), share }),
]);

/**
 * aliases.json: the current targets, the rollout of the staging version (absent in files written before
 * rollouts, and when off) and the id of the audit entry that last changed them (crash recovery compares it).
 */
export const aliasesFileSchema = z.strictObject({
  format: z.literal(ALIASES_FILE_FORMAT),
  formatVersion: z.literal(FILE_FORMAT_VERSION),
  aliases: aliasTargets,
  rollout: storedRolloutSchema.optional(),
  lastChangeId: z.string().nullable(),
});

/** `rollout` is on rollout entries and only there; entries written before rollouts have none. */
export const auditEntrySchema: z.ZodType<AuditEntry> = z
  .strictObject({
    id: z.string().min(1),
    timeMs,
    actor: z.string(),
    action: z.enum(AUDIT_ACTIONS),
    model: z.string(),
    version: versionNumber,
    alias: z.enum(MODEL_ALIASES).nullable(),
    fromVersion: versionNumber.nullable(),
    toVersion: versionNumber,
    rollout: rolloutSchema.optional(),
  })
  .refine((e) => (e.action === 'rollout') === (e.rollout !== undefined), 'rollout: present on rollout entries and only there');

/** .pending.json: the audit entry of a change in flight, written before the change so that a crash cannot lose it. */
export const pendingFileSchema = z.strictObject({ format: z.literal(PENDING_FILE_FORMAT), formatVersion: z.literal(FILE_FORMAT_VERSION), entry: auditEntrySchema });

/** "trainingData.fromMs: must be a number; metrics.loss: must be a finite number" */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length === 0 ? i.message : `${i.path.join('.')}: ${i.message}`)).join('; ');
}
