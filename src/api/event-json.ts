import type { EventProblem, OpsEventInput, Tags } from '../model/index.js';
import { checkOpsEvent } from '../model/index.js';

/** One entry of a POST /api/v1/events body that cannot be stored: its 0-based index, the field and why. */
export interface EventRejection {
  readonly index: number;
  readonly field: string;
  readonly message: string;
}

/** The entries of a body that can be stored, each with its index in the body, and those that cannot. */
export interface ParsedEvents {
  readonly events: readonly { readonly index: number; readonly input: OpsEventInput }[];
  readonly rejected: readonly EventRejection[];
}

const FIELDS = ['id', 'type', 'service', 'version', 'timestampMs', 'time', 'tags', 'description'];
const KNOWN_FIELDS = new Set(FIELDS);

/**
 * Reads one JSON event `{type, service?, version?, timestampMs? | time?, tags?, description?, id?}`.
 * `type` is trimmed and lower-cased; `time` is an ISO-8601 text; with neither time field the event
 * happens at `nowMs`. Unknown fields are refused, so that a misspelt `timestampMs` is named instead of
 * silently replaced by now.
 */
export function parseEventJson(value: unknown, nowMs: number): OpsEventInput | EventProblem {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { field: 'body', message: `must be an object {${FIELDS.join(', ')}}, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}` };
  }
  const fields = value as Record<string, unknown>;
  const unknown = Object.keys(fields).find((name) => !KNOWN_FIELDS.has(name));
  if (unknown !== undefined) return { field: unknown, message: `unknown field ${JSON.stringify(unknown)}; expected ${FIELDS.join(', ')}` };

  const { id, type, timestampMs, time } = fields;
  if (type === undefined || type === null) return { field: 'type', message: 'field "type" is required (deploy, config, rollback or another lowercase word)' };
  let eventMs = nowMs;
  if (timestampMs !== undefined && time !== undefined) return { field: 'time', message: 'give field "timestampMs" or field "time", not both' };
  if (time !== undefined) {
    const parsed = typeof time === 'string' ? Date.parse(time) : Number.NaN;
    if (Number.isNaN(parsed)) return { field: 'time', message: `field "time" must be an ISO-8601 time such as 2024-05-01T12:00:00Z, got ${JSON.stringify(time)}` };
    eventMs = parsed;
  } else if (timestampMs !== undefined) {
    // checkOpsEvent names a non-number.
    eventMs = timestampMs as number;
  }
  const input: OpsEventInput = {
    ...(id === undefined || id === null ? {} : { id: id as string }),
    type: typeof type === 'string' ? type.trim().toLowerCase() : (type as string),
    service: fields.service as string | null | undefined,
    version: fields.version as string | null | undefined,
    timestampMs: eventMs,
    ...(fields.tags === undefined || fields.tags === null ? {} : { tags: fields.tags as Tags }),
    description: fields.description as string | null | undefined,
  };
  return checkOpsEvent(input) ?? input;
}

/** Reads a POST /api/v1/events body, one event object or an array of them; each bad entry is rejected and the rest kept. */
export function parseEventsBody(body: unknown, nowMs: number): ParsedEvents {
  const items = Array.isArray(body) ? body : [body];
  const events: { index: number; input: OpsEventInput }[] = [];
  const rejected: EventRejection[] = [];
  items.forEach((item: unknown, index) => {
    const parsed = parseEventJson(item, nowMs);
    if (isProblem(parsed)) rejected.push({ index, field: parsed.field, message: `event ${index}: ${parsed.message}` });
    else events.push({ index, input: parsed });
  });
  return { events, rejected };
}

export function isProblem(value: OpsEventInput | EventProblem): value is EventProblem {
  return 'field' in value && 'message' in value;
}
