import type { LogRecord } from '../../model/index.js';
import { quoteValue } from '../quote.js';
import { severityFromFields } from './severity.js';
import type { HecError } from './status.js';

/** Metadata of events that do not carry their own: the token's defaults, overridden by query parameters. */
export interface HecDefaults {
  /** Time given to events without `time` (raw lines always get it). */
  readonly receivedAtMs: number;
  readonly host: string;
  readonly source: string;
  readonly sourcetype?: string;
  readonly index?: string;
}

/**
 * What a HEC body yields. Like splunkd, which reads a body as a stream, the events before the first
 * invalid one are kept and nothing after it is read: `records` holds those, `error` says why and where
 * it stopped.
 */
export interface HecParseResult {
  readonly records: LogRecord[];
  readonly error?: HecError;
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NUMERIC_SECONDS = /^\s*\d+(\.\d*)?\s*$/;
/** Largest time a JavaScript Date can hold. */
const MAX_TIMESTAMP_MS = 8.64e15;

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Index just past the JSON object or array opening at `start`, or -1 if the body ends first. */
function valueEnd(body: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

function invalidFormat(records: LogRecord[], eventNumber: number, offset: number, cause: string): HecParseResult {
  return { records, error: { status: 'invalidDataFormat', invalidEventNumber: eventNumber, cause: `event ${eventNumber} at character ${offset}: ${cause}` } };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses a `/services/collector/event` body: JSON envelopes one after another (`{...}{...}`, with or
 * without whitespace between them; a JSON array of envelopes is read as its elements), each with
 * `event` and optionally `time` (epoch seconds, a number or a numeric string), `host`, `source`,
 * `sourcetype`, `index` and `fields`. Event numbers count envelopes from 0, as Splunk's
 * `invalid-event-number` does.
 */
export function parseHecEvents(body: string, defaults: HecDefaults): HecParseResult {
  const records: LogRecord[] = [];
  let eventNumber = 0;
  let i = 0;
  for (;;) {
    while (i < body.length && isWhitespace(body.charCodeAt(i))) i++;
    if (i >= body.length) break;
    const c = body.charCodeAt(i);
    const end = c === OPEN_BRACE || c === OPEN_BRACKET ? valueEnd(body, i) : -1;
    if (end === -1) {
      const cause = c === OPEN_BRACE || c === OPEN_BRACKET ? 'JSON is cut short' : `expected a JSON object, got ${quoteValue(body.slice(i, i + 40))}`;
      return invalidFormat(records, eventNumber, i, cause);
    }
    let value: unknown;
    try {
      value = JSON.parse(body.slice(i, end));
    } catch (error) {
      return invalidFormat(records, eventNumber, i, `JSON is malformed: ${(error as Error).message}`);
    }
    const envelopes = Array.isArray(value) ? value : [value];
    for (const envelope of envelopes) {
      const record = parseEnvelope(envelope, eventNumber, defaults);
      if ('status' in record) return { records, error: record };
      records.push(record);
      eventNumber++;
    }
    i = end;
  }
  if (eventNumber === 0) return { records, error: { status: 'noData', cause: 'the body holds no event' } };
  return { records };
}

interface Metadata {
  host: string;
  source: string;
  sourcetype?: string;
  index?: string;
}

const METADATA_NAMES = ['host', 'source', 'sourcetype', 'index'] as const;

/** The envelope's host, source, sourcetype and index over the defaults, or the cause when one is not a scalar. */
function readMetadata(envelope: Record<string, unknown>, defaults: HecDefaults): Metadata | string {
  const metadata: Metadata = { host: defaults.host, source: defaults.source };
  if (defaults.sourcetype !== undefined) metadata.sourcetype = defaults.sourcetype;
  if (defaults.index !== undefined) metadata.index = defaults.index;
  for (const name of METADATA_NAMES) {
    const value = envelope[name];
    if (value === undefined || value === null) continue;
    if (typeof value === 'object') return `${name} must be a string`;
    metadata[name] = String(value);
  }
  return metadata;
}

function parseEnvelope(envelope: unknown, eventNumber: number, defaults: HecDefaults): LogRecord | HecError {
  const error = (status: HecError['status'], cause: string): HecError => ({ status, invalidEventNumber: eventNumber, cause: `event ${eventNumber}: ${cause}` });
  if (!isObject(envelope)) return error('invalidDataFormat', 'expected a JSON object');
  if (!Object.hasOwn(envelope, 'event')) return error('eventRequired', 'no "event" field');
  const event = envelope['event'];
  if (event === null || (typeof event === 'string' && event.trim() === '')) return error('eventBlank', '"event" is blank');

  let timestampMs = defaults.receivedAtMs;
  const time = envelope['time'];
  if (time !== undefined && time !== null) {
    const seconds = typeof time === 'number' ? time : typeof time === 'string' && NUMERIC_SECONDS.test(time) ? Number(time) : Number.NaN;
    timestampMs = Math.round(seconds * 1000);
    if (!(seconds >= 0 && timestampMs <= MAX_TIMESTAMP_MS)) {
      return error('indexedFieldsError', `time ${quoteValue(JSON.stringify(time))} is not epoch seconds`);
    }
  }

  const metadata = readMetadata(envelope, defaults);
  if (typeof metadata === 'string') return error('invalidDataFormat', metadata);

  const fields = Object.create(null) as Record<string, string>;
  let message: string;
  if (typeof event === 'string') {
    message = event;
  } else {
    message = JSON.stringify(event);
    if (isObject(event)) {
      for (const [name, value] of Object.entries(event)) {
        if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') fields[name] = String(value);
      }
    }
  }

  const indexed = envelope['fields'];
  if (indexed !== undefined && indexed !== null) {
    if (!isObject(indexed)) return error('indexedFieldsError', '"fields" must be an object');
    for (const [name, value] of Object.entries(indexed)) {
      if (typeof value === 'string') {
        fields[name] = value;
      } else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
        // Multi-valued indexed field: one string, values comma-separated.
        fields[name] = value.join(',');
      } else {
        return error('indexedFieldsError', `field ${quoteValue(name)} must be a string or an array of strings`);
      }
    }
  }
  if (metadata.index !== undefined) fields['index'] = metadata.index;

  return {
    timestampMs,
    host: metadata.host,
    source: metadata.source,
    ...(metadata.sourcetype !== undefined && { sourcetype: metadata.sourcetype }),
    severity: severityFromFields(fields) ?? 'info',
    message,
    fields,
  };
}

/**
 * Parses a `/services/collector/raw` body: each non-blank line is one event, dated at its receive time
 * and described by `defaults` (the token's, overridden by the `host`, `source`, `sourcetype` and
 * `index` query parameters).
 */
export function parseHecRaw(body: string, defaults: HecDefaults): HecParseResult {
  const records: LogRecord[] = [];
  for (const line of body.split('\n')) {
    const message = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (message.trim() === '') continue;
    const fields = Object.create(null) as Record<string, string>;
    if (defaults.index !== undefined) fields['index'] = defaults.index;
    records.push({
      timestampMs: defaults.receivedAtMs,
      host: defaults.host,
      source: defaults.source,
      ...(defaults.sourcetype !== undefined && { sourcetype: defaults.sourcetype }),
      severity: 'info',
      message,
      fields,
    });
  }
  if (records.length === 0) return { records, error: { status: 'noData', cause: 'the body holds no line' } };
  return { records };
}
