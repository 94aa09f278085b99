import type { Tags } from './series.js';

/** Event types with a meaning Vigil knows; any other lowercase word is kept as it is. */
export const KNOWN_EVENT_TYPES = ['deploy', 'config', 'rollback'] as const;
export type KnownEventType = (typeof KNOWN_EVENT_TYPES)[number];
/** A known type or any other lowercase word; `string & {}` keeps editors completing the known ones. */
export type OpsEventType = KnownEventType | (string & {});

/**
 * Something that happened to a system rather than a measurement of it: a deploy, a config change, a
 * rollback. Regression and alert code look for the event that preceded a change; charts mark them.
 */
export interface OpsEvent {
  /** Unique; given by the sender (so retries are idempotent) or made by the store. */
  readonly id: string;
  readonly type: OpsEventType;
  /** The service it happened to; null for events that concern no one service. */
  readonly service: string | null;
  /** The version deployed or configured; null when it has none. */
  readonly version: string | null;
  /** Whole Unix milliseconds. */
  readonly timestampMs: number;
  readonly tags: Tags;
  readonly description: string | null;
}

/** An event as a sender gives it: without an id the store makes one; absent fields are null or empty. */
export interface OpsEventInput {
  readonly id?: string;
  readonly type: string;
  readonly service?: string | null;
  readonly version?: string | null;
  readonly timestampMs: number;
  readonly tags?: Tags;
  readonly description?: string | null;
}

/** Why an event cannot be kept: the field (`tags.<name>` for a tag) and a message naming the value. */
export interface EventProblem {
  readonly field: string;
  readonly message: string;
}

/** Bounds on an event's fields, so one request cannot store megabytes in a label. */
export const EVENT_LIMITS = {
  idChars: 128,
  typeChars: 64,
  nameChars: 256,
  tagCount: 64,
  tagNameChars: 128,
  tagValueChars: 4096,
  descriptionChars: 16384,
  /** Largest time a JavaScript Date can hold. */
  maxTimestampMs: 8.64e15,
} as const;

const EVENT_TYPE = /^[a-z][a-z0-9_-]*$/;
/** Printable ASCII without spaces: ids end up in URLs and log lines. */
const EVENT_ID = /^[\x21-\x7e]+$/;
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
const TAG_NAME_BAD = /[\s=\u0000-\u001f\u007f]/;

function quoted(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : String(value);
}

function problem(field: string, message: string): EventProblem {
  return { field, message: `field "${field}" ${message}` };
}

function checkName(field: string, value: unknown): EventProblem | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length === 0 || value.length > EVENT_LIMITS.nameChars || CONTROL_CHARS.test(value)) {
    return problem(field, `must be a non-empty string of at most ${EVENT_LIMITS.nameChars} characters without control characters, got ${quoted(value)}`);
  }
  return null;
}

function checkTags(tags: unknown): EventProblem | null {
  if (tags === undefined) return null;
  if (typeof tags !== 'object' || tags === null || Array.isArray(tags)) return problem('tags', `must be an object of strings, got ${quoted(tags)}`);
  const entries = Object.entries(tags);
  if (entries.length > EVENT_LIMITS.tagCount) return problem('tags', `has ${entries.length} tags; at most ${EVENT_LIMITS.tagCount} are allowed`);
  for (const [name, value] of entries) {
    if (name.length === 0 || name.length > EVENT_LIMITS.tagNameChars || TAG_NAME_BAD.test(name)) {
      return problem('tags', `has tag name ${quoted(name)}; names are 1 to ${EVENT_LIMITS.tagNameChars} characters without whitespace, '=' or control characters`);
    }
    if (typeof value !== 'string') return problem(`tags.${name}`, `must be a string, got ${quoted(value)}`);
    if (value.length > EVENT_LIMITS.tagValueChars || value.includes('\u0000')) {
      return problem(`tags.${name}`, `must be at most ${EVENT_LIMITS.tagValueChars} characters without NUL, got ${value.length} characters`);
    }
  }
  return null;
}

/** Why `input` cannot be stored as an event, or null when it can. Checks values at run time, so plain JSON may be passed. */
export function checkOpsEvent(input: OpsEventInput): EventProblem | null {
  const { id, type, timestampMs, description } = input;
  if (id !== undefined && (typeof id !== 'string' || id.length === 0 || id.length > EVENT_LIMITS.idChars || !EVENT_ID.test(id))) {
    return problem('id', `must be 1 to ${EVENT_LIMITS.idChars} printable ASCII characters without spaces, got ${quoted(id)}`);
  }
  if (typeof type !== 'string' || type.length > EVENT_LIMITS.typeChars || !EVENT_TYPE.test(type)) {
    return problem('type', `must be a lowercase word such as ${KNOWN_EVENT_TYPES.join(', ')} ([a-z][a-z0-9_-]*, at most ${EVENT_LIMITS.typeChars} characters), got ${quoted(type)}`);
  }
  if (typeof timestampMs !== 'number' || !(timestampMs >= 0 && timestampMs <= EVENT_LIMITS.maxTimestampMs)) {
    return problem('timestampMs', `must be Unix milliseconds from 0 to ${EVENT_LIMITS.maxTimestampMs}, got ${quoted(timestampMs)}`);
  }
  const nameProblem = checkName('service', input.service) ?? checkName('version', input.version);
  if (nameProblem !== null) return nameProblem;
  const tagsProblem = checkTags(input.tags);
  if (tagsProblem !== null) return tagsProblem;
  if (description !== undefined && description !== null && (typeof description !== 'string' || description.length > EVENT_LIMITS.descriptionChars)) {
    return problem('description', `must be a string of at most ${EVENT_LIMITS.descriptionChars} characters, got ${typeof description === 'string' ? `${description.length} characters` : quoted(description)}`);
  }
  return null;
}

/** The event `input` (already checked) becomes once it has its id: whole milliseconds, absent fields null or empty. */
export function toOpsEvent(input: OpsEventInput, id: string): OpsEvent {
  return {
    id,
    type: input.type,
    service: input.service ?? null,
    version: input.version ?? null,
    timestampMs: Math.floor(input.timestampMs),
    tags: input.tags ?? {},
    description: input.description ?? null,
  };
}
