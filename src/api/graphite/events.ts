import type { EventProblem, OpsEvent, OpsEventInput } from '../../model/index.js';
import { KNOWN_EVENT_TYPES } from '../../model/index.js';

/**
 * graphite-web's events, as Graphite senders post them and Grafana's Graphite annotations read them.
 *
 * A Graphite event is `{what, tags, when, data}` with tags as free words. Vigil reads the words:
 * `deploy`, `config` or `rollback` (or `type=x`) give the type, else it is `event`; `service=x` or
 * `service:x` the service; `version=x` or `version:x` the version; any other `k=v` word becomes tag k,
 * and a plain word a tag with an empty value. `what` is the description and `data` is kept in tag
 * `data`. Read back, an event's words are its type (unless `event`), `service=`, `version=` and its
 * tags, so a native event shows in Grafana as well.
 */

/** The type of a Graphite event whose words name none. */
export const GRAPHITE_EVENT_TYPE = 'event';
/** The tag Graphite's `data` text is kept in. */
export const GRAPHITE_DATA_TAG = 'data';

/** One event in graphite-web's `/events/get_data` JSON. */
export interface GraphiteEventJson {
  /** Unix seconds. */
  readonly when: number;
  readonly what: string;
  readonly tags: readonly string[];
  readonly data: string;
  readonly id: string;
}

const FIELD_WORD = /^(service|version|type)[=:](.+)$/;
const WORD_SEPARATORS = /[\s,]+/;

/** Words of a tags value: an array of strings, or one string of words separated by spaces or commas. */
export function graphiteTagWords(tags: unknown): string[] | EventProblem {
  if (tags === undefined || tags === null) return [];
  if (typeof tags === 'string') return tags.split(WORD_SEPARATORS).filter((w) => w !== '');
  if (Array.isArray(tags) && tags.every((t) => typeof t === 'string')) return tags.flatMap((t: string) => t.split(WORD_SEPARATORS)).filter((w) => w !== '');
  return { field: 'tags', message: 'field "tags" must be an array of strings or a string of words separated by spaces or commas' };
}

/** A graphite-web event body as an event to store; `nowMs` when it has no `when`. Unknown fields are ignored, as graphite-web does. */
export function parseGraphiteEvent(body: unknown, nowMs: number): OpsEventInput | EventProblem {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { field: 'body', message: 'body must be a JSON object {what, tags, when, data}' };
  const { what, tags, when, data } = body as Record<string, unknown>;
  if (what !== undefined && what !== null && typeof what !== 'string') return { field: 'what', message: 'field "what" must be a string' };
  if (data !== undefined && data !== null && typeof data !== 'string') return { field: 'data', message: 'field "data" must be a string' };
  let timestampMs = nowMs;
  if (when !== undefined && when !== null) {
    const seconds = typeof when === 'string' && when.trim() !== '' ? Number(when) : when;
    if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return { field: 'when', message: `field "when" must be Unix seconds, got ${JSON.stringify(when)}` };
    timestampMs = seconds * 1000;
  }
  const words = graphiteTagWords(tags);
  if (!Array.isArray(words)) return words;

  let type: string | undefined;
  let service: string | null = null;
  let version: string | null = null;
  const eventTags: Record<string, string> = {};
  for (const word of words) {
    const field = FIELD_WORD.exec(word);
    if (field !== null) {
      if (field[1] === 'service') service = field[2]!;
      else if (field[1] === 'version') version = field[2]!;
      else type = field[2]!.toLowerCase();
      continue;
    }
    if (type === undefined && (KNOWN_EVENT_TYPES as readonly string[]).includes(word.toLowerCase())) {
      type = word.toLowerCase();
      continue;
    }
    const eq = word.indexOf('=');
    if (eq > 0) eventTags[word.slice(0, eq)] = word.slice(eq + 1);
    else eventTags[word] = '';
  }
  if (typeof data === 'string' && data !== '') eventTags[GRAPHITE_DATA_TAG] = data;
  return {
    type: type ?? GRAPHITE_EVENT_TYPE,
    service,
    version,
    timestampMs,
    tags: eventTags,
    description: typeof what === 'string' && what !== '' ? what : null,
  };
}

/** The words Graphite shows for an event and filters on. */
export function eventTagWords(event: OpsEvent): string[] {
  const words: string[] = [];
  if (event.type !== GRAPHITE_EVENT_TYPE) words.push(event.type);
  if (event.service !== null) words.push(`service=${event.service}`);
  if (event.version !== null) words.push(`version=${event.version}`);
  for (const [name, value] of Object.entries(event.tags)) {
    if (name === GRAPHITE_DATA_TAG) continue;
    words.push(value === '' ? name : `${name}=${value}`);
  }
  return words;
}

/** An event as graphite-web's `/events/get_data` lists it; `what` falls back to "type service version". */
export function graphiteEventJson(event: OpsEvent): GraphiteEventJson {
  const summary = [event.type, event.service, event.version].filter((part) => part !== null).join(' ');
  return {
    when: event.timestampMs / 1000,
    what: event.description ?? summary,
    tags: eventTagWords(event),
    data: event.tags[GRAPHITE_DATA_TAG] ?? '',
    id: event.id,
  };
}

/**
 * Whether an event carries the asked-for words: all of them (graphite-web's default, `intersection`)
 * or any (`union`). `service:x` and `version:x` ask for the same as `service=x` and `version=x`.
 */
export function matchesGraphiteTags(event: OpsEvent, wanted: readonly string[], set: 'intersection' | 'union'): boolean {
  if (wanted.length === 0) return true;
  const words = new Set(eventTagWords(event));
  const has = (word: string): boolean => words.has(word.replace(/^(service|version):/, '$1='));
  return set === 'union' ? wanted.some(has) : wanted.every(has);
}
